//! EC2 instance metadata, IMDSv2 only: a session token first (`PUT /latest/api/token`), then
//! `GET`s carrying it. `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves the service,
//! `AWS_EC2_METADATA_DISABLED=true` turns it off. Each request gets a second, as in the SDKs:
//! the service answers at once on EC2 and never elsewhere.

use super::AwsError;
use crate::authority::Secret;
use crate::authority::jwt_source::Env;
use crate::http::{Http, HttpError, Reply};
use std::time::Duration;
use url::Url;

/// Moves the instance metadata service.
pub const ENDPOINT_VAR: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
/// `true` turns the instance metadata service off.
pub const DISABLED_VAR: &str = "AWS_EC2_METADATA_DISABLED";
/// The instance metadata service.
const DEFAULT_URL: &str = "http://169.254.169.254";
/// Each request's timeout.
const TIMEOUT: Duration = Duration::from_secs(1);
/// Largest answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// A session with the instance metadata service.
#[derive(Debug)]
pub struct Session {
    http: Http,
    base: Url,
    token: Secret,
}

/// What opening a session gave.
#[derive(Debug)]
pub enum Opened {
    /// A session.
    Session(Session),
    /// Turned off, or nothing answers (not on EC2): why, for messages.
    Absent(String),
}

/// Opens a session: the service turned off or not answering is [`Opened::Absent`], not an
/// error; a service that refuses the session token is.
pub fn open(http: &Http, env: &Env) -> Result<Opened, AwsError> {
    if env
        .get(DISABLED_VAR)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Ok(Opened::Absent(format!(
            "instance metadata (off: {DISABLED_VAR}=true)"
        )));
    }
    let base = Url::parse(env.get(ENDPOINT_VAR).unwrap_or(DEFAULT_URL)).map_err(|e| {
        AwsError::BadVariable {
            variable: ENDPOINT_VAR.into(),
            reason: e.to_string(),
        }
    })?;
    let http = http.with_attempts(TIMEOUT, 1);
    let url = join(&base, "/latest/api/token")?;
    let reply = http.send(
        &url,
        |client| {
            client
                .put(url.clone())
                .header("x-aws-ec2-metadata-token-ttl-seconds", "300")
        },
        MAX_ANSWER_BYTES,
        true,
    );
    let token = match reply {
        Ok(reply) if reply.is_success() => Secret::new(String::from_utf8_lossy(&reply.body).trim()),
        Ok(reply) => {
            return Err(AwsError::Refused {
                endpoint: crate::http::redact(&url),
                action: "an IMDSv2 session token".into(),
                status: reply.status,
                code: None,
                message: None,
                signed_with: None,
            });
        }
        Err(HttpError::Transport { detail, .. }) => {
            return Ok(Opened::Absent(format!(
                "instance metadata at {} ({detail})",
                crate::http::redact(&base)
            )));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Opened::Session(Session { http, base, token }))
}

impl Session {
    /// `GET path` with the session token; the URL asked and the answer.
    pub fn get(&self, path: &str) -> Result<(Url, Reply), AwsError> {
        let url = join(&self.base, path)?;
        let reply = self.http.send(
            &url,
            |client| {
                client
                    .get(url.clone())
                    .header("x-aws-ec2-metadata-token", self.token.expose())
            },
            MAX_ANSWER_BYTES,
            true,
        )?;
        Ok((url, reply))
    }

    /// The session token, to scrub from messages.
    pub fn token(&self) -> &Secret {
        &self.token
    }
}

fn join(base: &Url, path: &str) -> Result<Url, AwsError> {
    base.join(path).map_err(|e| AwsError::BadVariable {
        variable: ENDPOINT_VAR.into(),
        reason: e.to_string(),
    })
}
