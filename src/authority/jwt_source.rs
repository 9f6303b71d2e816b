//! Where the workload JWT comes from: the [`JwtSource`] trait, the environment it reads, and
//! the `auto` choice among sources.
//!
//! `auto` order (documented in `kliento exchange --help` and the README): a source named by
//! its own flag (`--jwt-file`, `--jwt-env`, `--oidc-issuer`), then GitHub Actions, Kubernetes,
//! AWS, GCP, Azure. The first whose signals are present is used; none is tried blindly. AWS comes
//! before GCP and Azure because its signals are configuration (variables, profile keys) while
//! theirs only say which cloud the machine runs in.

use super::secret::{Jwt, JwtFormatError};
use super::sources::oidc::OidcError;
use crate::http::{Http, HttpError, Reply};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Largest token-endpoint answer read.
pub const MAX_TOKEN_ANSWER_BYTES: usize = 64 * 1024;

/// A snapshot of the environment variables the sources read, so the library does not reach
/// into the process environment and tests can pass their own.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// Builds the snapshot from name/value pairs.
    pub fn new(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            vars: vars.into_iter().collect(),
        }
    }

    /// A variable's value; unset and empty are the same (as GitHub and Google tools treat them).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// What a source needs to fetch a token.
#[derive(Debug)]
pub struct Request<'a> {
    /// The HTTP client and its policy.
    pub http: &'a Http,
    /// Environment variables.
    pub env: &'a Env,
    /// The audience the token must carry (the exchange URL unless overridden).
    pub audience: &'a str,
}

/// A way to obtain a JWT for an audience.
pub trait JwtSource {
    /// The name used by `--jwt-source` and in messages.
    fn name(&self) -> &'static str;
    /// What `auto` checks to decide whether this source applies, for the "none applies" message.
    fn looks_for(&self) -> String;
    /// Whether this source's signals are present.
    fn applies(&self, env: &Env) -> bool;
    /// Obtains the token.
    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError>;
}

/// Why no token was obtained.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwtSourceError {
    /// A variable the source needs is unset or empty.
    #[error("{source_name}: {variable} is not set")]
    MissingVariable {
        /// The source.
        source_name: &'static str,
        /// The variable.
        variable: String,
    },
    /// A variable holds an unusable value.
    #[error("{source_name}: {variable} is not usable: {reason}")]
    BadVariable {
        /// The source.
        source_name: &'static str,
        /// The variable.
        variable: String,
        /// Why.
        reason: String,
    },
    /// A token file cannot be read.
    #[error("{source_name}: cannot read {}: {reason}", path.display())]
    File {
        /// The source.
        source_name: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O reason.
        reason: String,
    },
    /// The token endpoint did not answer.
    #[error("{source_name}: {error}")]
    Http {
        /// The source.
        source_name: &'static str,
        /// The transport error.
        error: HttpError,
    },
    /// The token endpoint refused.
    #[error("{source_name}: the token endpoint {endpoint} refused (HTTP {status}{})", detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// The source.
        source_name: &'static str,
        /// The endpoint (without query string).
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// The `error` (and description) or `message` of a JSON error body.
        detail: Option<String>,
    },
    /// The endpoint answered 2xx with something unexpected.
    #[error("{source_name}: unexpected answer from {endpoint}: {reason}")]
    Answer {
        /// The source.
        source_name: &'static str,
        /// The endpoint (without query string).
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The token obtained is not a JWT.
    #[error("{source_name}: the token is not a JWT: {error}")]
    NotAJwt {
        /// The source.
        source_name: &'static str,
        /// The shape problem.
        error: JwtFormatError,
    },
    /// An OIDC flow failed.
    #[error("oidc: {0}")]
    Oidc(#[from] OidcError),
    /// AWS credentials, region or STS failed.
    #[error("aws: {0}")]
    Aws(#[from] crate::aws::AwsError),
}

/// `auto` found no applicable source.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("no JWT source applies here; looked for: {}", looked_for.join("; "))]
pub struct NoSourceApplies {
    /// What each candidate looked for, in order.
    pub looked_for: Vec<String>,
}

/// Picks the first applicable source among `candidates`, in order.
pub fn pick_auto(
    candidates: Vec<Box<dyn JwtSource>>,
    env: &Env,
) -> Result<Box<dyn JwtSource>, NoSourceApplies> {
    let mut looked_for = Vec::new();
    for candidate in candidates {
        if candidate.applies(env) {
            return Ok(candidate);
        }
        looked_for.push(candidate.looks_for());
    }
    Err(NoSourceApplies { looked_for })
}

/// The URL without its query string, for messages (queries may carry audiences or codes).
pub(crate) fn endpoint_of(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// The error code and description from a JSON error body: RFC 6749 §5.2 `error` and
/// `error_description`, or GitHub's `message`.
pub(crate) fn error_detail(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let detail = match (text("error"), text("error_description"), text("message")) {
        (Some(error), Some(description), _) => format!("{error}: {description}"),
        (Some(error), None, _) => error,
        (None, _, Some(message)) => message,
        _ => return None,
    };
    // Bounded: this text is shown to the user verbatim.
    Some(detail.chars().take(200).collect())
}

/// Maps a non-2xx answer to [`JwtSourceError::Refused`].
pub(crate) fn refused(source_name: &'static str, url: &url::Url, reply: &Reply) -> JwtSourceError {
    JwtSourceError::Refused {
        source_name,
        endpoint: endpoint_of(url),
        status: reply.status,
        detail: error_detail(&reply.body),
    }
}

/// Where a platform token endpoint puts the token in its answer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TokenAnswer {
    /// The body is the token.
    Text,
    /// The body is JSON with the token in this string member.
    JsonField(&'static str),
}

/// GETs a platform token endpoint (retrying as the policy says) and takes the JWT from its
/// answer: one place for the request, refusal and answer-shape errors of every source.
pub(crate) fn fetch_token(
    source_name: &'static str,
    http: &Http,
    url: &url::Url,
    request: impl Fn(&reqwest::blocking::Client) -> reqwest::blocking::RequestBuilder,
    limit: usize,
    answer: TokenAnswer,
) -> Result<Jwt, JwtSourceError> {
    let reply = http
        .send(url, request, limit, true)
        .map_err(|error| JwtSourceError::Http { source_name, error })?;
    if !reply.is_success() {
        return Err(refused(source_name, url, &reply));
    }
    let malformed = |reason: String| JwtSourceError::Answer {
        source_name,
        endpoint: endpoint_of(url),
        reason,
    };
    let token = match answer {
        TokenAnswer::Text => {
            String::from_utf8(reply.body).map_err(|_| malformed("the token is not text".into()))?
        }
        TokenAnswer::JsonField(field) => serde_json::from_slice::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|json| json.get(field)?.as_str().map(str::to_string))
            .ok_or_else(|| malformed(format!("expected JSON with a string \"{field}\"")))?,
    };
    jwt_from(source_name, &token)
}

/// Checks that a token obtained by `source_name` is a JWT.
pub(crate) fn jwt_from(source_name: &'static str, token: &str) -> Result<Jwt, JwtSourceError> {
    Jwt::parse(token).map_err(|error| JwtSourceError::NotAJwt { source_name, error })
}

/// A DMI field of this machine (`/sys/class/dmi/id/<field>`), trimmed; how Google's and
/// Azure's own tools recognise their VMs without a network probe.
pub(crate) fn dmi(field: &str) -> Option<String> {
    std::fs::read_to_string(format!("/sys/class/dmi/id/{field}"))
        .ok()
        .map(|text| text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed {
        name: &'static str,
        variable: &'static str,
    }

    impl JwtSource for Fixed {
        fn name(&self) -> &'static str {
            self.name
        }
        fn looks_for(&self) -> String {
            format!("{} ({})", self.name, self.variable)
        }
        fn applies(&self, env: &Env) -> bool {
            env.get(self.variable).is_some()
        }
        fn fetch(&self, _: &Request<'_>) -> Result<Jwt, JwtSourceError> {
            Err(JwtSourceError::MissingVariable {
                source_name: self.name,
                variable: self.variable.into(),
            })
        }
    }

    fn candidates() -> Vec<Box<dyn JwtSource>> {
        vec![
            Box::new(Fixed {
                name: "first",
                variable: "A",
            }),
            Box::new(Fixed {
                name: "second",
                variable: "B",
            }),
        ]
    }

    #[test]
    fn auto_picks_first_applicable_source_in_order() {
        let env = Env::new([("A".into(), "1".into()), ("B".into(), "1".into())]);
        assert_eq!(pick_auto(candidates(), &env).unwrap().name(), "first");
        let env = Env::new([("B".into(), "1".into())]);
        assert_eq!(pick_auto(candidates(), &env).unwrap().name(), "second");
    }

    #[test]
    fn auto_lists_what_it_looked_for_when_nothing_applies() {
        let error = pick_auto(candidates(), &Env::new([("A".into(), String::new())]))
            .err()
            .unwrap();
        assert_eq!(
            error.to_string(),
            "no JWT source applies here; looked for: first (A); second (B)"
        );
    }

    #[test]
    fn error_detail_reads_oauth_and_github_shapes() {
        assert_eq!(
            error_detail(br#"{"error":"invalid_client","error_description":"no"}"#).unwrap(),
            "invalid_client: no"
        );
        assert_eq!(
            error_detail(br#"{"message":"Bad creds"}"#).unwrap(),
            "Bad creds"
        );
        assert_eq!(error_detail(b"<html>"), None);
    }
}
