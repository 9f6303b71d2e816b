//! DNS-over-HTTPS (RFC 8484 POST), the veraid-js default, through kliento's one HTTP client
//! ([`crate::http`]).

use super::errors::{SetupError, TransportError, TransportFailure};
use super::questions::{MAX_MESSAGE, Question, check_response, encode_query};
use super::{Answer, Limits, Protocol, Transport};
use crate::http::{self, Http, HttpError, HttpPolicy, ProxySettings};
use hickory_proto::op::Message;
use std::time::Duration;

/// The DNS-over-HTTPS endpoint veraid-js uses by default (VeraId digest §6.6).
pub const DEFAULT_DOH_URL: &str = "https://cloudflare-dns.com/dns-query";

/// EDNS0 payload size advertised over DoH, as veraid-js (dohdec) does.
const DOH_PAYLOAD: u16 = 4096;

/// veraid-js pads DoH queries to a multiple of 128 bytes (RFC 8467 §4.1, EDNS0 Padding RFC 7830).
const DOH_PADDING_BLOCK: usize = 128;

/// The media type of DNS wire messages over HTTP (RFC 8484 §6).
pub(super) const DNS_MESSAGE: &str = "application/dns-message";

/// DNS-over-HTTPS (RFC 8484): each query POSTed as `application/dns-message` with id 0, through
/// the one HTTP client of kliento ([`crate::http`]): the same whole-attempt timeout, overall
/// deadline, retry policy and proxy rules as every other request.
///
/// HTTPS is required, except to a loopback address (127.0.0.0/8, ::1, `localhost`), where plain
/// HTTP is accepted for local test servers and proxies. Credentials in the URL are refused.
#[derive(Clone, Debug)]
pub struct DnsOverHttps {
    url: reqwest::Url,
    http: Http,
    limits: Limits,
}

/// Backoff before the first DoH retry (doubled, capped, within the deadline).
const DOH_BACKOFF: Duration = Duration::from_millis(200);

impl DnsOverHttps {
    /// A transport to `url` with no proxy; see the type's notes on HTTPS.
    pub fn new(url: &str, limits: Limits) -> Result<Self, SetupError> {
        Self::with_proxies(url, limits, ProxySettings::default())
    }

    /// A transport to `url` that may go through the `https` proxy in `proxies` (never for a
    /// loopback or link-local server).
    pub fn with_proxies(
        url: &str,
        limits: Limits,
        proxies: ProxySettings,
    ) -> Result<Self, SetupError> {
        let parsed = reqwest::Url::parse(url);
        // The URL as it may be shown: never with its userinfo (a credential).
        let shown = match &parsed {
            Ok(parsed) => http::redact(parsed),
            Err(_) => "(unparsable URL)".to_string(),
        };
        let invalid = |reason: String| SetupError::DohUrl {
            url: shown.clone(),
            reason,
        };
        let parsed = parsed.map_err(|e| invalid(e.to_string()))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(invalid(
                "credentials in the URL (user:password@) are not supported".into(),
            ));
        }
        match parsed.scheme() {
            "https" => {}
            "http" if http::is_loopback(&parsed) => {}
            "http" => {
                return Err(invalid(
                    "plain http is only accepted for loopback addresses; use https".into(),
                ));
            }
            other => return Err(invalid(format!("unsupported scheme {other:?}; use https"))),
        }
        let http = Http::new(
            HttpPolicy {
                timeout: limits.timeout,
                retries: limits.attempts() - 1,
                backoff: DOH_BACKOFF,
                deadline: limits.deadline,
            },
            proxies,
        )
        .map_err(|e| SetupError::HttpClient(e.to_string()))?;
        Ok(Self {
            url: parsed,
            http,
            limits,
        })
    }

    /// The proxy the queries go through, if any (userinfo removed).
    pub fn proxy(&self) -> Option<String> {
        self.http.proxy_for(&self.url)
    }

    /// Posts the query (retrying per the policy) and checks the answer.
    fn post(
        &self,
        question: &Question,
        query: &[u8],
    ) -> Result<(Vec<u8>, Message, Option<String>), TransportFailure> {
        let reply = self
            .http
            .send(
                &self.url,
                |client| {
                    client
                        .post(self.url.clone())
                        .header(reqwest::header::CONTENT_TYPE, DNS_MESSAGE)
                        .header(reqwest::header::ACCEPT, DNS_MESSAGE)
                        .body(query.to_vec())
                },
                MAX_MESSAGE,
                true,
            )
            .map_err(|e| self.http_failure(e))?;
        if !reply.is_success() {
            return Err(TransportFailure::HttpStatus {
                status: reply.status,
            });
        }
        let content_type = reply.content_type.clone().unwrap_or_default();
        if reply.media_type().as_deref() != Some(DNS_MESSAGE) {
            return Err(TransportFailure::ContentType {
                found: content_type,
            });
        }
        // RFC 8484 §4.1: the query id is 0, and the response carries it back.
        let message = check_response(&reply.body, 0, question)?;
        if message.metadata.truncation {
            return Err(TransportFailure::Mismatch(
                "it is truncated (TC bit), which a DoH server must not send".into(),
            ));
        }
        Ok((reply.body, message, reply.retried_after))
    }

    fn http_failure(&self, error: HttpError) -> TransportFailure {
        use crate::http::TransportFailure as Kind;
        match error {
            HttpError::Transport {
                failure: Kind::Timeout,
                attempts,
                ..
            } => TransportFailure::Timeout {
                timeout: self.limits.timeout,
                attempts,
                ignored: 0,
                last_ignored: None,
            },
            HttpError::Transport {
                failure: Kind::Deadline,
                attempts,
                ..
            } => TransportFailure::Deadline {
                attempts,
                ignored: 0,
                last_ignored: None,
            },
            HttpError::Transport {
                failure: Kind::Connect,
                detail,
                ..
            } => TransportFailure::Http(format!("cannot connect: {detail}")),
            HttpError::Transport {
                failure: Kind::Certificate,
                detail,
                ..
            } => TransportFailure::Http(format!(
                "the server's TLS certificate is not valid (not retried): {detail}"
            )),
            HttpError::Transport { detail, .. } => TransportFailure::Http(detail),
            HttpError::TooLarge { .. } => TransportFailure::TooLarge,
            HttpError::Insecure { .. } | HttpError::Setup(_) => {
                TransportFailure::Http(error.to_string())
            }
        }
    }
}

impl Transport for DnsOverHttps {
    fn exchange(&self, question: &Question) -> Result<Answer, TransportError> {
        let error = |failure| TransportError {
            server: http::redact(&self.url),
            question: question.to_string(),
            protocol: "DNS-over-HTTPS",
            failure,
        };
        let query =
            encode_query(question, 0, DOH_PAYLOAD, Some(DOH_PADDING_BLOCK)).map_err(error)?;
        let (raw, message, retried_after) = self.post(question, &query).map_err(error)?;
        Ok(Answer {
            raw,
            response_code: message.metadata.response_code.into(),
            protocol: Protocol::Https,
            retried_after,
            ignored: 0,
        })
    }

    fn server(&self) -> String {
        http::redact(&self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dnssec::validate::RrType;

    #[test]
    fn doh_query_is_padded_to_a_multiple_of_128_bytes() {
        for name in [
            ".",
            "com.",
            "_veraid.a-rather-long-organisation-name.example.",
        ] {
            let question = Question::new(name, RrType::Dnskey).unwrap();
            let wire = encode_query(&question, 0, 4096, Some(128)).unwrap();
            assert_eq!(wire.len() % 128, 0, "{name}: {} bytes", wire.len());
        }
    }

    #[test]
    fn accepts_http_only_for_loopback_doh_urls() {
        for url in [
            "http://127.0.0.1:8053/dns-query",
            "http://[::1]/q",
            "http://localhost:1/q",
        ] {
            assert!(DnsOverHttps::new(url, Limits::default()).is_ok(), "{url}");
        }
        let error =
            DnsOverHttps::new("http://dns.example/dns-query", Limits::default()).unwrap_err();
        assert!(error.to_string().contains("use https"), "{error}");
        let error = DnsOverHttps::new("ftp://127.0.0.1/", Limits::default()).unwrap_err();
        assert!(error.to_string().contains("unsupported scheme"), "{error}");
    }
}
