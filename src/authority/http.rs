//! One blocking HTTP client for the exchange and the JWT sources: bounded timeouts, bounded
//! bodies, no redirects (a Bearer token must not follow one), and retries with exponential
//! backoff on network errors and 5xx answers only (a 4xx will not change by asking again).

use reqwest::blocking::{Client, RequestBuilder};
use std::net::IpAddr;
use std::time::Duration;
use url::{Host, Url};

/// Timeouts and retries for every request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpPolicy {
    /// Limit for one whole request (connect, send, answer), per attempt.
    pub timeout: Duration,
    /// Extra attempts after a network error or a 5xx answer.
    pub retries: u32,
    /// Wait before the first retry; doubled before each further one.
    pub backoff: Duration,
}

/// What the server answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, verbatim.
    pub content_type: Option<String>,
    /// The whole body (bounded by the caller's limit).
    pub body: Vec<u8>,
}

impl Reply {
    /// The media type without parameters, lower-cased (`application/json; charset=utf-8` →
    /// `application/json`), as RFC 9110 §8.3.1 compares them.
    pub fn media_type(&self) -> Option<String> {
        self.content_type.as_deref().map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The kind of network failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportFailure {
    /// No answer within the timeout.
    Timeout,
    /// The connection could not be established.
    Connect,
    /// Anything else (reset, TLS, protocol error).
    Other,
}

/// A request that did not produce a usable answer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HttpError {
    /// Network failure on every attempt.
    #[error("{}: {detail} (after {attempts} attempt{})", describe(*failure, url), if *attempts == 1 { "" } else { "s" })]
    Transport {
        /// The URL requested.
        url: String,
        /// What kind of failure the last attempt had.
        failure: TransportFailure,
        /// Attempts made.
        attempts: u32,
        /// The underlying reason, without the URL.
        detail: String,
    },
    /// The body exceeds the limit for what was asked.
    #[error("the answer from {url} is larger than {limit} bytes")]
    TooLarge {
        /// The URL requested.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// Plain HTTP to a host that is not loopback.
    #[error("refusing to send credentials over plain HTTP to {url}")]
    Insecure {
        /// The URL refused.
        url: String,
    },
    /// The TLS or client configuration could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

fn describe(failure: TransportFailure, url: &str) -> String {
    match failure {
        TransportFailure::Timeout => format!("no answer from {url} in time"),
        TransportFailure::Connect => format!("cannot connect to {url}"),
        TransportFailure::Other => format!("request to {url} failed"),
    }
}

/// Refuses plain HTTP except to loopback hosts (localhost, 127.0.0.0/8, ::1), where nothing
/// leaves the machine; any other scheme is refused too.
pub fn require_secure(url: &Url) -> Result<(), HttpError> {
    let loopback = match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(HttpError::Insecure {
            url: url.to_string(),
        }),
    }
}

/// The blocking client with its policy.
#[derive(Debug, Clone)]
pub struct Http {
    client: Client,
    policy: HttpPolicy,
}

impl Http {
    /// Builds the client (rustls with ring and the platform's trust store, no redirects).
    pub fn new(policy: HttpPolicy) -> Result<Self, HttpError> {
        crate::http::install_crypto_provider();
        let client = Client::builder()
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kliento/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Setup(reason(&e)))?;
        Ok(Self { client, policy })
    }

    /// Sends the request built by `request`, reading at most `limit` body bytes. With
    /// `retry`, network errors and 5xx answers are retried per the policy; pass `false` for
    /// requests that must not be repeated (single-use codes, rotating refresh tokens).
    pub fn send(
        &self,
        url: &Url,
        request: impl Fn(&Client) -> RequestBuilder,
        limit: usize,
        retry: bool,
    ) -> Result<Reply, HttpError> {
        let attempts = if retry { self.policy.retries + 1 } else { 1 };
        let mut wait = self.policy.backoff;
        let mut attempt = 1;
        loop {
            let outcome = match request(&self.client).send() {
                Ok(response) => read_reply(response, limit),
                Err(e) => Err((failure_kind(&e), reason(&e))),
            };
            let last = attempt >= attempts;
            match outcome {
                Ok(Some(reply)) if reply.status < 500 || last => return Ok(reply),
                Ok(None) => {
                    return Err(HttpError::TooLarge {
                        url: url.to_string(),
                        limit,
                    });
                }
                Err((failure, detail)) if last => {
                    return Err(HttpError::Transport {
                        url: url.to_string(),
                        failure,
                        attempts: attempt,
                        detail,
                    });
                }
                _ => {}
            }
            std::thread::sleep(wait);
            wait = wait.saturating_mul(2);
            attempt += 1;
        }
    }
}

/// Reads the answer; `None` when the body exceeds `limit`.
fn read_reply(
    response: reqwest::blocking::Response,
    limit: usize,
) -> Result<Option<Reply>, (TransportFailure, String)> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Read one byte past the limit to tell "exactly the limit" from "more".
    let body = match crate::bounded::read_bounded(response, limit) {
        Ok(body) => body,
        Err(crate::bounded::BoundedReadError::TooLarge { .. }) => return Ok(None),
        Err(crate::bounded::BoundedReadError::Io(e)) => {
            // The blocking body reader wraps reqwest's own error in an io::Error.
            let timed_out = e.kind() == std::io::ErrorKind::TimedOut;
            return Err(
                match e
                    .into_inner()
                    .map(|inner| inner.downcast::<reqwest::Error>())
                {
                    Some(Ok(e)) => (failure_kind(&e), reason(&e)),
                    Some(Err(other)) => (kind_of_io(timed_out), other.to_string()),
                    None => (kind_of_io(timed_out), "the connection broke".into()),
                },
            );
        }
    };
    Ok(Some(Reply {
        status,
        content_type,
        body,
    }))
}

fn kind_of_io(timed_out: bool) -> TransportFailure {
    if timed_out {
        TransportFailure::Timeout
    } else {
        TransportFailure::Other
    }
}

fn failure_kind(e: &reqwest::Error) -> TransportFailure {
    if e.is_timeout() {
        TransportFailure::Timeout
    } else if e.is_connect() {
        TransportFailure::Connect
    } else {
        TransportFailure::Other
    }
}

/// The innermost reason of a reqwest error, without the URL (callers add it once).
fn reason(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    let text = source.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}
