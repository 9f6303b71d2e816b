//! The one HTTP client of kliento, shared by DNS-over-HTTPS, the VeraId Authority exchange and
//! every token endpoint: one retry policy, one failure type, one deadline mechanism.
//!
//! - **Deadlines.** Each attempt is bounded as a whole by [`HttpPolicy::timeout`]: connecting,
//!   sending, the headers *and* the complete body (a server dripping one byte a second is cut at
//!   the deadline, not one read timeout after the last byte). All attempts, retries and backoff
//!   together are bounded by [`HttpPolicy::deadline`], which the caller computes (the library
//!   never decides when a command started).
//! - **Retries.** Network errors, 5xx answers and 429 are retried with exponential backoff capped
//!   at [`MAX_BACKOFF`]; a 429's `Retry-After` (in seconds) is honoured when it fits in the
//!   deadline. A bad TLS certificate is permanent and never retried. 4xx answers are final.
//! - **Proxies.** Only `https` goes through a proxy (tunnelled with CONNECT), and never to a
//!   loopback, link-local or cloud metadata destination ([`ProxySettings::proxy_for`]); plain
//!   `http` always goes direct, so a Bearer token or metadata answer never crosses a proxy in
//!   clear.
//! - **Bodies** are read up to a limit chosen per request; redirects are never followed.

use reqwest::blocking::{Client, RequestBuilder};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};
use url::Url;

mod proxy;
mod urls;

pub use proxy::ProxySettings;
pub use urls::{is_local_or_metadata, is_loopback, redact, require_secure, scrub};

/// Installs rustls' aws-lc-rs crypto provider as the process default, once.
///
/// reqwest is built with `rustls-no-provider` so that rustls, hickory-proto and our signature
/// verification share one crypto library, aws-lc-rs; rustls then needs a provider installed
/// before the first client is created. Calling this again is harmless, and so is a
/// provider installed earlier by someone else.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // An error only means a default provider already exists, which is all we need.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// Longest wait between two attempts, whatever the doubling or a `Retry-After` says.
pub const MAX_BACKOFF: Duration = Duration::from_secs(4);

/// Timeouts and retries for every request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpPolicy {
    /// Limit for one whole attempt (connect, send, headers and complete body).
    pub timeout: Duration,
    /// Extra attempts after a network error, a 5xx or a 429 answer.
    pub retries: u32,
    /// Wait before the first retry; doubled before each further one, capped at [`MAX_BACKOFF`].
    pub backoff: Duration,
    /// When everything must be over: no attempt runs and no backoff sleeps past it. `None`: only
    /// the per-attempt timeout bounds each attempt.
    pub deadline: Option<Instant>,
}

/// What the server answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, verbatim.
    pub content_type: Option<String>,
    /// The `Location` header of a redirect, verbatim (never followed).
    pub location: Option<String>,
    /// The whole body (bounded by the caller's limit).
    pub body: Vec<u8>,
    /// The `Retry-After` header in seconds (RFC 9110 §10.2.3; the HTTP-date form is ignored).
    pub retry_after: Option<Duration>,
    /// Why the last retried attempt failed, when more than one attempt was made.
    pub retried_after: Option<String>,
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

    /// Whether the status is 200: the only answer that carries what kliento asks for (a 204 has
    /// no body and a 206 only part of one).
    pub fn is_success(&self) -> bool {
        self.status == 200
    }

    /// Whether the status is a redirect (3xx), which kliento never follows.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }
}

/// The kind of network failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportFailure {
    /// No complete answer within the per-attempt timeout.
    Timeout,
    /// The overall deadline passed before an answer came.
    Deadline,
    /// The connection could not be established.
    Connect,
    /// The server's TLS certificate is not valid for it (permanent: not retried).
    Certificate,
    /// Anything else (reset, TLS, protocol error).
    Other,
}

impl TransportFailure {
    /// Whether another attempt may succeed.
    fn is_transient(self) -> bool {
        matches!(
            self,
            TransportFailure::Timeout | TransportFailure::Connect | TransportFailure::Other
        )
    }
}

/// A request that did not produce a usable answer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpError {
    /// Network failure on every attempt.
    #[error("{}: {detail} (after {attempts} attempt{})", describe(*failure, url), if *attempts == 1 { "" } else { "s" })]
    Transport {
        /// The URL requested (userinfo removed).
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
        /// The URL requested (userinfo removed).
        url: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// Plain HTTP to a host that is not loopback.
    #[error("refusing to send credentials over plain HTTP to {url}")]
    Insecure {
        /// The URL refused (userinfo removed).
        url: String,
    },
    /// The TLS or client configuration could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

fn describe(failure: TransportFailure, url: &str) -> String {
    match failure {
        TransportFailure::Timeout => format!("no complete answer from {url} in time"),
        TransportFailure::Deadline => format!("gave up on {url}: the overall deadline passed"),
        TransportFailure::Connect => format!("cannot connect to {url}"),
        TransportFailure::Certificate => format!("the TLS certificate of {url} is not valid"),
        TransportFailure::Other => format!("request to {url} failed"),
    }
}

/// The blocking client with its policy.
#[derive(Debug, Clone)]
pub struct Http {
    client: Client,
    policy: HttpPolicy,
    proxies: Arc<ProxySettings>,
    /// The overall deadline, moved later by the time spent waiting for a person
    /// ([`Http::pausing_deadline`]); shared by clones.
    deadline: Arc<Mutex<Option<Instant>>>,
}

impl Http {
    /// Builds the client (rustls with aws-lc-rs and the platform's trust store, no redirects, the
    /// proxy rules above).
    pub fn new(policy: HttpPolicy, proxies: ProxySettings) -> Result<Self, HttpError> {
        install_crypto_provider();
        let proxies = Arc::new(proxies);
        let rules = Arc::clone(&proxies);
        // A custom proxy replaces reqwest's own reading of the environment (which would send
        // plain http and loopback traffic to HTTP_PROXY).
        let proxy = reqwest::Proxy::custom(move |url| rules.proxy_for(url).cloned());
        let client = Client::builder()
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .proxy(proxy)
            .user_agent(concat!("kliento/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Setup(reason(&e)))?;
        Ok(Self {
            client,
            policy,
            proxies,
            deadline: Arc::new(Mutex::new(policy.deadline)),
        })
    }

    /// The overall deadline as it stands.
    pub fn deadline(&self) -> Option<Instant> {
        *self.deadline.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `wait` (a wait for a person, e.g. a browser sign-in) without counting its duration
    /// against the overall deadline.
    pub fn pausing_deadline<T>(&self, wait: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = wait();
        let paused = started.elapsed();
        let mut deadline = self.deadline.lock().unwrap_or_else(|e| e.into_inner());
        *deadline = deadline.map(|d| d + paused);
        result
    }

    /// The policy.
    pub fn policy(&self) -> &HttpPolicy {
        &self.policy
    }

    /// This client with another per-attempt timeout and retry count, sharing the connection
    /// pool, the proxy rules and the overall deadline: for endpoints that answer at once or not
    /// at all (instance metadata), which must not hold a run for the command's whole timeout.
    pub fn with_attempts(&self, timeout: Duration, retries: u32) -> Self {
        let mut http = self.clone();
        http.policy.timeout = timeout.min(self.policy.timeout);
        http.policy.retries = retries.min(self.policy.retries);
        http
    }

    /// The proxy a request to `url` would go through, userinfo removed, for `-v`.
    pub fn proxy_for(&self, url: &Url) -> Option<String> {
        self.proxies.proxy_for(url).map(redact)
    }

    /// Sends the request built by `request`, reading at most `limit` body bytes. With
    /// `retry`, network errors, 5xx and 429 answers are retried per the policy; pass `false`
    /// for requests that must not be repeated (single-use codes, rotating refresh tokens).
    pub fn send(
        &self,
        url: &Url,
        request: impl Fn(&Client) -> RequestBuilder,
        limit: usize,
        retry: bool,
    ) -> Result<Reply, HttpError> {
        let shown = redact(url);
        let attempts = if retry { self.policy.retries + 1 } else { 1 };
        let mut wait = self.policy.backoff.min(MAX_BACKOFF);
        let mut attempt = 1;
        let mut retried_after = None;
        loop {
            // Monotonic time bounds network waits only; it is never a validation time.
            let now = Instant::now();
            let deadline = self.deadline();
            let mut budget = self.policy.timeout;
            if let Some(deadline) = deadline {
                budget = budget.min(deadline.saturating_duration_since(now));
            }
            if budget.is_zero() {
                return Err(HttpError::Transport {
                    url: shown,
                    failure: TransportFailure::Deadline,
                    attempts: attempt - 1,
                    detail: retried_after.unwrap_or_else(|| "no time left".into()),
                });
            }
            let overall =
                deadline.is_some_and(|d| now + budget >= d) && budget < self.policy.timeout;
            // A per-request timeout is reqwest's *total* timeout: it covers the body too.
            let outcome = match request(&self.client).timeout(budget).send() {
                Ok(response) => read_reply(response, limit),
                Err(e) => Err((failure_kind(&e), reason(&e))),
            };
            let outcome = outcome.map_err(|(failure, detail)| match failure {
                TransportFailure::Timeout if overall => (TransportFailure::Deadline, detail),
                _ => (failure, detail),
            });
            let last = attempt >= attempts;
            let pause = match outcome {
                Ok(None) => {
                    return Err(HttpError::TooLarge { url: shown, limit });
                }
                Ok(Some(mut reply)) => {
                    let retriable = reply.status >= 500 || reply.status == 429;
                    if !retriable || last {
                        reply.retried_after = retried_after;
                        return Ok(reply);
                    }
                    match (reply.status, reply.retry_after) {
                        // Told when to come back: only if that fits in the deadline.
                        (429, Some(after)) => {
                            if self.too_late(after) {
                                reply.retried_after = retried_after;
                                return Ok(reply);
                            }
                            retried_after =
                                Some(format!("HTTP 429, Retry-After {}s", after.as_secs()));
                            after
                        }
                        (status, _) => {
                            retried_after = Some(format!("HTTP {status}"));
                            wait
                        }
                    }
                }
                Err((failure, detail)) if last || !failure.is_transient() => {
                    return Err(HttpError::Transport {
                        url: shown,
                        failure,
                        attempts: attempt,
                        detail,
                    });
                }
                Err((_, detail)) => {
                    retried_after = Some(detail);
                    wait
                }
            };
            if self.too_late(pause) {
                return Err(HttpError::Transport {
                    url: shown,
                    failure: TransportFailure::Deadline,
                    attempts: attempt,
                    detail: retried_after.unwrap_or_default(),
                });
            }
            std::thread::sleep(pause);
            wait = wait.saturating_mul(2).min(MAX_BACKOFF);
            attempt += 1;
        }
    }

    /// Whether sleeping `pause` would leave no time for another attempt before the deadline.
    fn too_late(&self, pause: Duration) -> bool {
        self.deadline()
            .is_some_and(|deadline| Instant::now() + pause >= deadline)
    }
}

/// Reads the answer; `None` when the body exceeds `limit`.
fn read_reply(
    response: reqwest::blocking::Response,
    limit: usize,
) -> Result<Option<Reply>, (TransportFailure, String)> {
    let status = response.status().as_u16();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(reqwest::header::CONTENT_TYPE);
    let location = header(reqwest::header::LOCATION);
    let retry_after = header(reqwest::header::RETRY_AFTER);
    // Read one byte past the limit to tell "exactly the limit" from "more".
    let body = match crate::bounded::read_bounded(response, limit) {
        Ok(body) => body,
        Err(crate::bounded::BoundedReadError::TooLarge { .. }) => return Ok(None),
        Err(crate::bounded::BoundedReadError::Stalled) => {
            return Err((
                TransportFailure::Timeout,
                "the body did not end in time".into(),
            ));
        }
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
        location,
        body,
        retry_after: retry_after
            .and_then(|text| text.trim().parse::<u64>().ok())
            .map(Duration::from_secs),
        retried_after: None,
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
    if bad_certificate(e) {
        TransportFailure::Certificate
    } else if e.is_timeout() {
        TransportFailure::Timeout
    } else if e.is_connect() {
        TransportFailure::Connect
    } else {
        TransportFailure::Other
    }
}

/// Whether a rustls certificate error is somewhere in the chain of causes (io::Errors nest
/// their inner error out of the `source` chain, so they are opened one by one).
fn bad_certificate(e: &reqwest::Error) -> bool {
    fn is_certificate(error: &(dyn std::error::Error + 'static)) -> bool {
        if let Some(rustls_error) = error.downcast_ref::<rustls::Error>() {
            return matches!(
                rustls_error,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            );
        }
        if let Some(inner) = error
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            let inner: &(dyn std::error::Error + 'static) = inner;
            if is_certificate(inner) {
                return true;
            }
        }
        error.source().is_some_and(is_certificate)
    }
    is_certificate(e)
}

/// The innermost reason of a reqwest error, without the URL (callers add it once).
fn reason(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    crate::error::without_os_error(&source.to_string()).to_string()
}

#[cfg(test)]
mod tests;
