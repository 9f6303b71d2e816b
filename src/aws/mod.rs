//! AWS without the AWS SDK: the standard credential chain, region and endpoint resolution, SigV4
//! request signing and the Query protocol STS speaks, all over kliento's one blocking HTTP client
//! ([`crate::http`]), with its deadlines and proxy rules.
//!
//! Used by the `aws` JWT source (STS `GetWebIdentityToken`) and meant for any other AWS call
//! kliento makes (e.g. KMS signing): [`profile::load`] reads the shared profile,
//! [`region::resolve`] (or [`region::from_instance_metadata`]) gives the region,
//! [`region::endpoint`] a service's URL, [`credentials::resolve`] the [`Credentials`], and
//! [`sigv4::sign`] the headers that authenticate a request ([`query`] does all of it for the
//! Query protocol; a JSON-protocol service such as KMS signs its POST the same way).
//!
//! Why not the SDK (measured 2026-11-28, README "Why not the AWS SDK for Rust"): against
//! kliento's HTTP stack alone, `aws-config` + `aws-sdk-sts` add 9.5 MB to a stripped release
//! binary, 152 crates, a tokio runtime and HTTP clients of their own, and bring `ring` back;
//! `aws-sigv4` + `aws-credential-types` add 0.23 MB and no `ring`.

use crate::authority::Secret;
use crate::http::HttpError;

pub mod credentials;
pub mod imds;
pub mod profile;
pub mod query;
pub mod region;
pub mod sigv4;

pub use credentials::Credentials;

/// Why an AWS call could not be made or was refused. Never carries a secret: messages from AWS
/// are scrubbed of every secret sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AwsError {
    /// No region is configured.
    #[error("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or `region` in the profile)")]
    NoRegion,
    /// No credential source of the chain applies.
    #[error("no AWS credentials found; looked at: {}", looked_at.join("; "))]
    NoCredentials {
        /// What each source of the chain looked at, in order.
        looked_at: Vec<String>,
    },
    /// A variable holds an unusable value, or needs another that is unset.
    #[error("{variable} is not usable: {reason}")]
    BadVariable {
        /// The variable.
        variable: String,
        /// Why.
        reason: String,
    },
    /// A shared config or credentials file cannot be read or does not say what is needed.
    #[error("{what}: {reason}")]
    Profile {
        /// The file or profile concerned.
        what: String,
        /// Why.
        reason: String,
    },
    /// A file the chain needs (a web identity token, a container authorization token) cannot
    /// be read.
    #[error("cannot read {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The request could not be made.
    #[error("{0}")]
    Http(#[from] HttpError),
    /// AWS (or a credential endpoint) answered with an error.
    #[error("{endpoint} refused {action} (HTTP {status}{}){}",
        code_and_message(code.as_deref(), message.as_deref()),
        signed_with.map(|origin| format!("; signed with the credentials from {origin}"))
            .unwrap_or_default())]
    Refused {
        /// The endpoint (without query string).
        endpoint: String,
        /// The action or resource asked for.
        action: String,
        /// HTTP status.
        status: u16,
        /// The AWS error code (`SignatureDoesNotMatch`, `AccessDenied`, ...).
        code: Option<String>,
        /// AWS's message, bounded and scrubbed of secrets.
        message: Option<String>,
        /// Where the credentials that signed the request came from ([`Credentials::origin`]).
        signed_with: Option<&'static str>,
    },
    /// A 200 answer without what it should hold.
    #[error("unexpected answer from {endpoint} to {action}: {reason}")]
    Answer {
        /// The endpoint.
        endpoint: String,
        /// The action or resource asked for.
        action: String,
        /// What is wrong.
        reason: String,
    },
    /// The request could not be signed.
    #[error("cannot sign the request: {0}")]
    Signing(String),
}

fn code_and_message(code: Option<&str>, message: Option<&str>) -> String {
    match (code, message) {
        (Some(code), Some(message)) => format!(": {code}: {message}"),
        (Some(text), None) | (None, Some(text)) => format!(": {text}"),
        (None, None) => String::new(),
    }
}

/// Longest message from AWS kept in an error.
const MESSAGE_LIMIT: usize = 300;

/// `text` bounded and with every secret in `secrets` replaced, for an error message.
fn shown(text: &str, secrets: &[&Secret]) -> String {
    let values: Vec<&str> = secrets.iter().map(|s| s.expose()).collect();
    let bounded: String = text.chars().take(MESSAGE_LIMIT).collect();
    crate::http::scrub(&bounded, &values)
}
