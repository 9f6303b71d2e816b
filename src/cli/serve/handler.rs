//! One request: routing, the audience, the body by content type, verification on the pool (or
//! from the cache), the Kliento Verifier answer, the log line and the metrics.

use super::LogFormat;
use super::metrics::{Gauges, Metrics};
use super::pool::Pool;
use crate::cli::io;
use crate::cli::text::escape;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use kliento::cache::{self, ResultCache};
use kliento::report::Verdict;
use kliento::time::Timestamp;
use kliento::token::encoding::{BundleInputError, MAX_INPUT_SIZE};
use kliento::veraid::verify::{MAX_BUNDLE_SIZE, Mode};
use kliento::{Malformed, TokenBundle, VerifiedToken, Verifier};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// Content type of a body holding the bundle's DER bytes (also assumed without a header).
const BUNDLE_TYPE: &str = "application/vnd.kliento.token-bundle";
/// Content type of a body holding a whole `Kliento <base64>` header value.
const HEADER_TYPE: &str = "application/vnd.kliento.auth-header";

/// What every request handler shares.
pub struct Shared {
    verifier: Verifier,
    pool: Pool,
    cache: Option<ResultCache>,
    body_timeout: Duration,
    log_format: LogFormat,
    quiet: bool,
    /// Set on SIGTERM/SIGINT: /readyz answers 503.
    pub draining: AtomicBool,
    /// Counters for /metrics.
    pub metrics: Metrics,
    /// Open connections, maintained by the accept loop.
    pub connections: std::sync::atomic::AtomicUsize,
}

/// How the body carries the bundle.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyForm {
    Der,
    Header,
}

/// What a request came to, for the response, the log line and the metrics.
struct Answer {
    status: StatusCode,
    body: Body,
    verification: Option<&'static str>,
    subject: Option<String>,
    check: Option<&'static str>,
    close: bool,
}

enum Body {
    Json(Value),
    /// Text and its content type.
    Text(String, &'static str),
}

impl Answer {
    fn json(status: StatusCode, value: Value) -> Self {
        Self {
            status,
            body: Body::Json(value),
            verification: None,
            subject: None,
            check: None,
            close: false,
        }
    }

    fn text(status: StatusCode, text: impl Into<String>) -> Self {
        Self {
            body: Body::Text(text.into(), "text/plain; charset=utf-8"),
            ..Self::json(status, Value::Null)
        }
    }

    fn error(status: StatusCode, message: &str) -> Self {
        Self::json(status, json!({ "error": message }))
    }

    fn valid(verified: &VerifiedToken) -> Self {
        let claims: serde_json::Map<String, Value> = verified
            .token
            .claims
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(v)))
            .collect();
        Self {
            verification: Some("valid"),
            subject: Some(verified.subject_id.clone()),
            ..Self::json(
                StatusCode::OK,
                // Kliento Verifier's code sends `subject`, its documentation `subjectId`.
                json!({
                    "status": "valid",
                    "subject": verified.subject_id,
                    "subjectId": verified.subject_id,
                    "claims": claims,
                }),
            )
        }
    }

    fn rejected(status: &'static str, error: &str, check: &'static str) -> Self {
        Self {
            verification: Some(status),
            check: Some(check),
            ..Self::json(StatusCode::OK, json!({ "status": status, "error": error }))
        }
    }

    fn malformed(malformed: &Malformed) -> Self {
        Self::rejected("malformed", &malformed.to_string(), "decoding")
    }

    fn closing(mut self) -> Self {
        self.close = true;
        self
    }
}

impl Shared {
    /// The shared state of a server.
    pub fn new(
        verifier: Verifier,
        pool: Pool,
        cache_entries: usize,
        body_timeout: Duration,
        log_format: LogFormat,
        quiet: bool,
    ) -> Self {
        Self {
            verifier,
            pool,
            cache: (cache_entries > 0).then(|| ResultCache::new(cache_entries)),
            body_timeout,
            log_format,
            quiet,
            draining: AtomicBool::new(false),
            metrics: Metrics::default(),
            connections: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Answers one request.
    pub async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let started = Instant::now();
        let _in_flight = self.metrics.start();
        let method = request.method().clone();
        let path = request.uri().path().to_string();
        let answer = self.route(request).await;
        let latency = started.elapsed();
        self.metrics.record(
            answer.status.as_u16(),
            answer.verification,
            answer.check,
            latency,
        );
        self.log(&method, &path, &answer, latency);
        respond(answer)
    }

    async fn route(&self, request: Request<Incoming>) -> Answer {
        match (request.method(), request.uri().path()) {
            (&Method::POST, "/") => self.verify(request).await,
            (&Method::GET, "/healthz") => Answer::text(StatusCode::OK, "ok\n"),
            (&Method::GET, "/readyz") => {
                if self.draining.load(std::sync::atomic::Ordering::SeqCst) {
                    Answer::text(StatusCode::SERVICE_UNAVAILABLE, "draining\n")
                } else {
                    Answer::text(StatusCode::OK, "ready\n")
                }
            }
            (&Method::GET, "/metrics") => Answer {
                body: Body::Text(
                    self.metrics.render(&self.gauges()),
                    "text/plain; version=0.0.4; charset=utf-8",
                ),
                ..Answer::text(StatusCode::OK, "")
            },
            // As Kliento Verifier (Hono) answers, GET / included: its container probes on it.
            _ => Answer::text(StatusCode::NOT_FOUND, "404 Not Found"),
        }
    }

    fn gauges(&self) -> Gauges {
        Gauges {
            queued: self.pool.queued(),
            queue_capacity: self.pool.capacity(),
            workers: self.pool.workers(),
            connections: self.connections.load(std::sync::atomic::Ordering::Relaxed),
            cache_entries: self.cache.as_ref().map_or(0, ResultCache::len),
        }
    }

    async fn verify(&self, request: Request<Incoming>) -> Answer {
        // The audience first, before the body is read (as Kliento Verifier does).
        let Some(audience) = audience(request.uri().query()) else {
            return Answer::error(
                StatusCode::BAD_REQUEST,
                "Audience is missing from the query string",
            );
        };
        let Some(form) = body_form(request.headers().get(CONTENT_TYPE)) else {
            return Answer::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unrecognised content type",
            );
        };
        // A header value is base64 in text: a 16 KiB bundle takes more bytes that way.
        let limit = match form {
            BodyForm::Der => MAX_BUNDLE_SIZE,
            BodyForm::Header => MAX_INPUT_SIZE,
        };
        let declared = request
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return too_large(form, declared);
        }
        let body =
            match tokio::time::timeout(self.body_timeout, read_bounded(request.into_body(), limit))
                .await
            {
                Err(_) => {
                    return Answer::error(StatusCode::REQUEST_TIMEOUT, "Request body timed out")
                        .closing();
                }
                // The client went away or sent a broken body: nobody to answer.
                Ok(Err(_)) => {
                    return Answer::error(StatusCode::BAD_REQUEST, "Request body is broken")
                        .closing();
                }
                Ok(Ok(None)) => return too_large(form, None),
                Ok(Ok(Some(body))) => body,
            };
        let bundle = match form {
            BodyForm::Der => TokenBundle::from_der(&body),
            BodyForm::Header => TokenBundle::from_auth_header(&String::from_utf8_lossy(&body)),
        };
        let bundle = match bundle {
            Ok(bundle) => bundle,
            Err(malformed) => return Answer::malformed(&malformed),
        };
        let key = self
            .cache
            .as_ref()
            .map(|_| cache::key(&audience, bundle.as_der()));
        if let (Some(cache), Some(key)) = (&self.cache, &key) {
            let hit = cache.get(key, now());
            self.metrics.cache(hit.is_some());
            if let Some(verified) = hit {
                return Answer::valid(&verified);
            }
        }
        let verifier = self.verifier.clone();
        let job = self.pool.try_run(move || {
            let at = now();
            let verification = verifier.check(&bundle, Some(&audience), at, Mode::FirstFailure);
            (verification, at)
        });
        let Ok(job) = job else {
            let mut answer = Answer::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many requests in progress",
            );
            answer.close = false;
            return answer;
        };
        let Ok((verification, at)) = job.await else {
            return Answer::error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error");
        };
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            cache.put(key, &verification, at);
        }
        let check = verification
            .report()
            .first_failure()
            .map_or("audience", |c| c.id.name());
        match verification.verdict() {
            Verdict::Valid => match verification.verified() {
                Some(verified) => Answer::valid(verified),
                None => Answer::rejected("invalid", "Invalid VeraId signature bundle", check),
            },
            Verdict::Malformed => Answer::rejected("malformed", &error_of(&verification), check),
            _ => Answer::rejected("invalid", &error_of(&verification), check),
        }
    }

    fn log(&self, method: &Method, path: &str, answer: &Answer, latency: Duration) {
        if self.quiet {
            return;
        }
        let millis = latency.as_secs_f64() * 1000.0;
        match self.log_format {
            LogFormat::Json => {
                let line = json!({
                    "method": method.as_str(),
                    "path": path,
                    "code": answer.status.as_u16(),
                    "status": answer.verification,
                    "subject": answer.subject,
                    "check": answer.check,
                    "latencyMs": (millis * 1000.0).round() / 1000.0,
                });
                io::stderr_line(format_args!("{line}"));
            }
            LogFormat::Text => {
                let mut line = format!(
                    "{} {} {}",
                    escape(method.as_str()),
                    escape(path),
                    answer.status.as_u16()
                );
                if let Some(status) = answer.verification {
                    line.push_str(&format!(" {status}"));
                }
                if let Some(subject) = &answer.subject {
                    line.push_str(&format!(" subject={}", escape(subject)));
                }
                if let Some(check) = answer.check {
                    line.push_str(&format!(" check={check}"));
                }
                io::stderr_line(format_args!("{line} {millis:.3}ms"));
            }
        }
    }
}

/// The time, to the millisecond as veraid-js compares times.
fn now() -> Timestamp {
    let now = Timestamp::now();
    Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
}

fn error_of(verification: &kliento::token::bundle::TokenVerification) -> String {
    verification
        .error()
        .unwrap_or_else(|| "Invalid VeraId signature bundle".into())
}

/// The first `audience` in the query, percent-decoded with `+` as a space; `None` when missing
/// or empty.
fn audience(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "audience")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// The body form from Content-Type: the media type compared case-insensitively, parameters
/// ignored (Kliento Verifier requires the exact string: this accepts a superset).
fn body_form(content_type: Option<&HeaderValue>) -> Option<BodyForm> {
    let Some(value) = content_type else {
        return Some(BodyForm::Der);
    };
    let value = value.to_str().ok()?;
    let media_type = value.split(';').next().unwrap_or("").trim();
    if media_type.eq_ignore_ascii_case(BUNDLE_TYPE) {
        Some(BodyForm::Der)
    } else if media_type.eq_ignore_ascii_case(HEADER_TYPE) {
        Some(BodyForm::Header)
    } else {
        None
    }
}

/// Reads at most `limit` bytes of body; `None` when there is more (not read).
async fn read_bounded(mut body: Incoming, limit: usize) -> Result<Option<Vec<u8>>, hyper::Error> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            if bytes.len() + data.len() > limit {
                return Ok(None);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Some(bytes))
}

/// A body over the limit: malformed, as Kliento Verifier answers, and the connection is closed
/// rather than the rest read.
fn too_large(form: BodyForm, declared: Option<u64>) -> Answer {
    let reason = match (form, declared) {
        (BodyForm::Der, Some(size)) => Malformed(BundleInputError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
        })
        .to_string(),
        (BodyForm::Der, None) => format!(
            "Token serialisation is malformed: the bundle is over the {MAX_BUNDLE_SIZE}-byte limit"
        ),
        (BodyForm::Header, _) => Malformed(BundleInputError::InputTooLarge).to_string(),
    };
    Answer::rejected("malformed", &reason, "decoding").closing()
}

fn respond(answer: Answer) -> Response<Full<Bytes>> {
    let (content_type, body) = match answer.body {
        Body::Json(value) => ("application/json", value.to_string()),
        Body::Text(text, content_type) => (content_type, text),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if answer.status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
    }
    if answer.close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audience_is_the_first_non_empty_percent_decoded_one() {
        assert_eq!(
            audience(Some("audience=https%3A%2F%2Fa")),
            Some("https://a".into())
        );
        assert_eq!(
            audience(Some("x=1&audience=a+b&audience=c")),
            Some("a b".into())
        );
        assert_eq!(audience(Some("audience=")), None);
        assert_eq!(audience(Some("audiences=a")), None);
        assert_eq!(audience(None), None);
    }

    #[test]
    fn content_types_compare_case_insensitively_without_parameters() {
        let form = |v: &str| body_form(Some(&HeaderValue::from_str(v).unwrap()));
        assert!(body_form(None) == Some(BodyForm::Der));
        assert!(form("application/vnd.kliento.token-bundle") == Some(BodyForm::Der));
        assert!(
            form("Application/VND.Kliento.Auth-Header; charset=utf-8") == Some(BodyForm::Header)
        );
        assert!(form("application/octet-stream").is_none());
        assert!(form("application/x-www-form-urlencoded").is_none());
        assert!(form("").is_none());
    }
}
