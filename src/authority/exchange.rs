//! `GET <exchange URL>` with `Authorization: Bearer <jwt>`, as VeraId Authority serves it
//! (kliento-authority digest §4.1): the answer is a signature bundle, binary or base64.

use super::secret::Jwt;
use crate::http::{Http, HttpError, Reply, require_secure};
use crate::veraid::bundle::{BundleError, SignatureBundle};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::fmt;
use url::Url;

/// Media type of a binary signature bundle.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.veraid.signature-bundle";
/// Media type of a base64 signature bundle; the Authority sends it only when `Accept` is
/// exactly this value.
pub const BUNDLE_BASE64_MEDIA_TYPE: &str = "application/vnd.veraid.signature-bundle+base64";
/// Prefix shared by every problem type the Authority returns.
pub const PROBLEM_PREFIX: &str = "https://veraid.net/problems/";

/// Largest answer read: far above any bundle (Kliento caps bundles at 16 KiB, and base64 adds a
/// third), small enough that a misbehaving server cannot exhaust memory.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The largest signature bundle any verifier accepts (VeraId and Kliento cap bundles at
/// 16 KiB): a larger answer is refused rather than printed.
pub const MAX_BUNDLE_BYTES: usize = 16 * 1024;

/// Longest problem type (or other server string) kept from an answer.
const MAX_SERVER_TEXT: usize = 200;

/// An exchange URL: absolute, HTTPS unless the host is loopback, without credentials or
/// fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangeUrl(Url);

/// Why a string is not a usable exchange URL.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExchangeUrlError {
    /// Not an absolute URL.
    #[error("\"{text}\" is not an absolute URL: {reason}")]
    Syntax {
        /// The text given.
        text: String,
        /// The parser's reason.
        reason: String,
    },
    /// Plain HTTP to a remote host, or not HTTP at all.
    #[error("the exchange URL must use https (plain http is allowed to loopback hosts only)")]
    Insecure,
    /// Userinfo (`user:password@`) in the URL: a credential that would end up in the JWT
    /// audience, in logs and in messages.
    #[error(
        "the exchange URL must not hold credentials (user:password@); the JWT is the credential"
    )]
    Credentials,
    /// A fragment (`#...`): never sent in the request, yet it would be part of the audience.
    #[error("the exchange URL must not have a fragment (#...): it is not sent to the server")]
    Fragment,
}

/// `text` with what looks like userinfo (`scheme://user:password@`) cut out, for messages
/// about a URL that did not parse.
fn without_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => text.to_string(),
    }
}

impl std::str::FromStr for ExchangeUrl {
    type Err = ExchangeUrlError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let url = Url::parse(text).map_err(|e| ExchangeUrlError::Syntax {
            text: without_userinfo(text),
            reason: e.to_string(),
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ExchangeUrlError::Credentials);
        }
        if url.fragment().is_some() {
            return Err(ExchangeUrlError::Fragment);
        }
        require_secure(&url).map_err(|_| ExchangeUrlError::Insecure)?;
        Ok(Self(url))
    }
}

impl ExchangeUrl {
    /// The URL.
    pub fn url(&self) -> &Url {
        &self.0
    }

    /// The audience the JWT must carry: the URL string as a WHATWG URL parser serialises it,
    /// which is what the Authority compares against (digest §5.1 step 1).
    pub fn audience(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for ExchangeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// How the bundle travels over HTTP (`Accept` negotiation, digest §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// Raw DER, `application/vnd.veraid.signature-bundle` (the Authority's default).
    Binary,
    /// Standard base64 text, `application/vnd.veraid.signature-bundle+base64`.
    Base64,
}

impl Transfer {
    fn accept(self) -> &'static str {
        match self {
            Transfer::Binary => BUNDLE_MEDIA_TYPE,
            Transfer::Base64 => BUNDLE_BASE64_MEDIA_TYPE,
        }
    }
}

/// A problem type the Authority documents, or another one verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `signature-bundle-issuance-spec-not-found`: no such signature spec (or organisation).
    SpecNotFound,
    /// `jwt-verification-jwks-retrieval-error`: the Authority cannot fetch the issuer's keys.
    JwksRetrieval,
    /// `jwt-verification-invalid-jwt`: bad signature, issuer or audience.
    InvalidJwt,
    /// `jwt-verification-expired-jwt`: expired, or issued more than 60 minutes ago.
    ExpiredJwt,
    /// `dnssec-chain-retrieval-failed`: the Authority cannot get the organisation's chain.
    DnssecChain,
    /// Any other problem type URI.
    Other(String),
}

impl Problem {
    /// Reads the problem from a JSON body `{"type": "<uri>"}`; `None` without one.
    fn from_body(body: &[u8]) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let uri = value.get("type")?.as_str()?;
        Some(match uri.strip_prefix(PROBLEM_PREFIX) {
            Some("signature-bundle-issuance-spec-not-found") => Problem::SpecNotFound,
            Some("jwt-verification-jwks-retrieval-error") => Problem::JwksRetrieval,
            Some("jwt-verification-invalid-jwt") => Problem::InvalidJwt,
            Some("jwt-verification-expired-jwt") => Problem::ExpiredJwt,
            Some("dnssec-chain-retrieval-failed") => Problem::DnssecChain,
            _ => Problem::Other(uri.chars().take(MAX_SERVER_TEXT).collect()),
        })
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::SpecNotFound => "signature spec not found",
            Problem::JwksRetrieval => "the Authority cannot retrieve the JWT issuer's keys (JWKS)",
            Problem::InvalidJwt => "the Authority rejected the JWT as invalid",
            Problem::ExpiredJwt => "the Authority rejected the JWT as expired",
            Problem::DnssecChain => "the Authority cannot retrieve the organisation's DNSSEC chain",
            Problem::Other(uri) => return write!(f, "problem {uri}"),
        })
    }
}

/// Why the exchange failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExchangeError {
    /// The request did not produce an answer.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The Authority answered with an error status.
    #[error("{}", rejected(*status, problem.as_ref()))]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The problem type from the body, if any.
        problem: Option<Problem>,
    },
    /// A redirect, which is never followed (the Bearer JWT must not go elsewhere).
    #[error("the server answered with a redirect (HTTP {status}) to {}, which is not followed", location.as_deref().unwrap_or("an unstated location"))]
    Redirect {
        /// HTTP status.
        status: u16,
        /// The `Location` header, escaped and bounded by the caller before display.
        location: Option<String>,
    },
    /// A success answer with a content type that is not a signature bundle.
    #[error("the answer is not a signature bundle (content type {})", found.as_deref().unwrap_or("missing"))]
    ContentType {
        /// The `Content-Type` received.
        found: Option<String>,
    },
    /// A base64 answer that does not decode.
    #[error("the base64 answer does not decode")]
    Base64,
    /// The bundle is larger than any verifier accepts.
    #[error(
        "the signature bundle is {size} bytes, over the {MAX_BUNDLE_BYTES}-byte limit every verifier applies"
    )]
    TooLarge {
        /// Its size in bytes.
        size: usize,
    },
    /// The answer does not decode as a signature bundle.
    #[error("the answer is not a valid signature bundle: {0}")]
    Bundle(#[from] BundleError),
}

fn rejected(status: u16, problem: Option<&Problem>) -> String {
    match problem {
        Some(problem) => format!("{problem} (HTTP {status})"),
        None => format!("the Authority refused the exchange (HTTP {status})"),
    }
}

/// A signature bundle obtained from the Authority, checked to decode.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The bundle as DER, exactly as received (after base64 decoding when sent as text).
    pub der: Vec<u8>,
    /// The decoded outer structure.
    pub bundle: SignatureBundle,
    /// How it travelled.
    pub transfer: Transfer,
}

/// Never shows the bundle's bytes: it is a bearer credential.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credential(<redacted, {} bytes>)", self.der.len())
    }
}

/// Exchanges `jwt` for a signature bundle at `url`.
pub fn exchange(
    http: &Http,
    url: &ExchangeUrl,
    jwt: &Jwt,
    transfer: Transfer,
) -> Result<Credential, ExchangeError> {
    let reply = http.send(
        url.url(),
        |client| {
            client
                .get(url.url().clone())
                .bearer_auth(jwt.expose())
                .header(reqwest::header::ACCEPT, transfer.accept())
        },
        MAX_ANSWER_BYTES,
        true,
    )?;
    credential_from(reply)
}

/// Reads the Authority's answer to an exchange request: a redirect or a refusal (with its
/// problem type) is an error; a success must carry a bundle in the binary or base64 media type.
/// [`exchange`] calls it on what the server sent; it is public so that the answer parsing can
/// be tested and fuzzed without a server.
pub fn credential_from(reply: Reply) -> Result<Credential, ExchangeError> {
    if reply.is_redirect() {
        return Err(ExchangeError::Redirect {
            status: reply.status,
            location: reply.location,
        });
    }
    if !reply.is_success() {
        return Err(ExchangeError::Rejected {
            status: reply.status,
            problem: Problem::from_body(&reply.body),
        });
    }
    // Either form is accepted whatever was asked for: a proxy or another server may ignore Accept.
    let (der, transfer) = match reply.media_type().as_deref() {
        Some(BUNDLE_MEDIA_TYPE) => (reply.body, Transfer::Binary),
        Some(BUNDLE_BASE64_MEDIA_TYPE) => {
            let text: Vec<u8> = reply
                .body
                .into_iter()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            let der = STANDARD.decode(text).map_err(|_| ExchangeError::Base64)?;
            (der, Transfer::Base64)
        }
        _ => {
            return Err(ExchangeError::ContentType {
                found: reply.content_type,
            });
        }
    };
    if der.len() > MAX_BUNDLE_BYTES {
        return Err(ExchangeError::TooLarge { size: der.len() });
    }
    let bundle = SignatureBundle::decode(&der)?;
    Ok(Credential {
        der,
        bundle,
        transfer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, content_type: &str, body: &[u8]) -> Reply {
        Reply {
            status,
            content_type: Some(content_type.to_string()),
            body: body.to_vec(),
            ..Reply::default()
        }
    }

    #[test]
    fn exchange_url_refuses_plain_http_to_remote_hosts() {
        assert_eq!(
            "http://authority.example/credentials/signatureBundles/1".parse::<ExchangeUrl>(),
            Err(ExchangeUrlError::Insecure)
        );
    }

    #[test]
    fn exchange_url_allows_plain_http_to_loopback() {
        for url in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://[::1]:1/x",
        ] {
            assert!(url.parse::<ExchangeUrl>().is_ok(), "{url}");
        }
    }

    #[test]
    fn exchange_url_refuses_credentials_and_fragments() {
        assert_eq!(
            "https://user:pw@authority.example/x".parse::<ExchangeUrl>(),
            Err(ExchangeUrlError::Credentials)
        );
        assert_eq!(
            "https://authority.example/x#frag".parse::<ExchangeUrl>(),
            Err(ExchangeUrlError::Fragment)
        );
        let error = "https://user:s3cr3t@[bad/x"
            .parse::<ExchangeUrl>()
            .unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
    }

    #[test]
    fn audience_is_the_serialised_url() {
        let url: ExchangeUrl = "HTTPS://Authority.Example:443/credentials/x?a=1"
            .parse()
            .unwrap();
        assert_eq!(
            url.audience(),
            "https://authority.example/credentials/x?a=1"
        );
    }

    #[test]
    fn maps_documented_problem_types() {
        let body = br#"{"type":"https://veraid.net/problems/jwt-verification-expired-jwt"}"#;
        assert_eq!(
            credential_from(reply(401, "application/json", body)),
            Err(ExchangeError::Rejected {
                status: 401,
                problem: Some(Problem::ExpiredJwt)
            })
        );
    }

    #[test]
    fn keeps_unknown_problem_types_verbatim() {
        let body = br#"{"type":"https://veraid.net/problems/brand-new"}"#;
        let error = credential_from(reply(400, "application/json", body)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "problem https://veraid.net/problems/brand-new (HTTP 400)"
        );
    }

    #[test]
    fn rejects_success_with_other_content_type() {
        assert_eq!(
            credential_from(reply(200, "text/html", b"<html>")),
            Err(ExchangeError::ContentType {
                found: Some("text/html".into())
            })
        );
    }

    #[test]
    fn rejects_bundle_content_type_with_unusable_body_as_bundle_error() {
        // The media type is compared without parameters and case-insensitively (RFC 9110 §8.3.1),
        // so this reaches the bundle decoder.
        let answer = reply(
            200,
            "Application/VND.veraid.signature-bundle; q=1",
            b"\x30\x00",
        );
        assert!(matches!(
            credential_from(answer),
            Err(ExchangeError::Bundle(_))
        ));
    }

    #[test]
    fn rejects_base64_answer_that_does_not_decode() {
        assert_eq!(
            credential_from(reply(200, BUNDLE_BASE64_MEDIA_TYPE, b"%%%")),
            Err(ExchangeError::Base64)
        );
    }
}
