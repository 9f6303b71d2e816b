//! Why retrieval fails: the transport failures (network or peer problems, never a DNSSEC
//! verdict) and settings a transport cannot be set up from.

use super::doh::DNS_MESSAGE;
use super::questions::{MAX_MESSAGE, NameError};
use std::io;
use std::time::Duration;

/// Why no usable answer came back: a network or peer problem, never a DNSSEC verdict.
#[derive(Debug, thiserror::Error)]
pub enum TransportFailure {
    /// Nothing usable arrived in time.
    #[error("no answer within {} ms ({attempts} attempt{}){}", timeout.as_millis(), plural(*attempts), ignored_note(*ignored, last_ignored))]
    Timeout {
        /// The wait per attempt.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
        /// Datagrams received and discarded because they did not answer the query.
        ignored: u32,
        /// Why the last discarded datagram did not qualify.
        last_ignored: Option<String>,
    },
    /// The overall deadline passed before a usable answer came.
    #[error("the overall deadline passed ({attempts} attempt{} made){}", plural(*attempts), ignored_note(*ignored, last_ignored))]
    Deadline {
        /// How many attempts were made.
        attempts: u32,
        /// Datagrams received and discarded because they did not answer the query.
        ignored: u32,
        /// Why the last discarded datagram did not qualify.
        last_ignored: Option<String>,
    },
    /// A socket operation failed (connection refused, network unreachable, ...).
    #[error("{}", io_text(.0))]
    Io(#[source] io::Error),
    /// The HTTP request failed below HTTP (connection, TLS, protocol).
    #[error("{0}")]
    Http(String),
    /// The HTTP peer answered with a status other than 2xx.
    #[error("HTTP status {status}")]
    HttpStatus {
        /// The status code.
        status: u16,
    },
    /// The HTTP peer answered with something other than `application/dns-message`.
    #[error("the response has content type {found:?}, not {DNS_MESSAGE}")]
    ContentType {
        /// The Content-Type header received (empty when absent).
        found: String,
    },
    /// The response is larger than any DNS message can be.
    #[error("the response is larger than {MAX_MESSAGE} bytes")]
    TooLarge,
    /// The response cannot be decoded as a DNS message.
    #[error("the response is not a valid DNS message: {0}")]
    Unparsable(String),
    /// The response is a DNS message that does not answer the query sent.
    #[error("the response does not answer the query: {0}")]
    Mismatch(String),
    /// The query could not be encoded.
    #[error("cannot encode the query: {0}")]
    Encode(String),
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn ignored_note(ignored: u32, last: &Option<String>) -> String {
    match (ignored, last) {
        (0, _) => String::new(),
        (n, Some(reason)) => {
            format!("; ignored {n} unrelated response(s), the last because {reason}")
        }
        (n, None) => format!("; ignored {n} unrelated response(s)"),
    }
}

/// An I/O error without the "(os error N)" suffix, lower-case as the rest of our messages.
pub(super) fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionReset => "connection reset by the server".into(),
        io::ErrorKind::UnexpectedEof => "the server closed the connection early".into(),
        _ => crate::error::io_reason(e),
    }
}

impl TransportFailure {
    /// Whether another attempt may succeed (timeouts, socket errors, HTTP 5xx), as opposed to a
    /// peer that answered but wrongly.
    pub(super) fn is_transient(&self) -> bool {
        match self {
            TransportFailure::Timeout { .. }
            | TransportFailure::Io(_)
            | TransportFailure::Http(_) => true,
            TransportFailure::HttpStatus { status } => *status >= 500,
            _ => false,
        }
    }
}

/// A query that got no usable answer, naming the server, the question and the protocol.
#[derive(Debug, thiserror::Error)]
#[error("{server} did not answer {question} over {protocol}: {failure}")]
pub struct TransportError {
    /// The server or URL queried.
    pub server: String,
    /// The question, e.g. `com./DS`.
    pub question: String,
    /// `UDP`, `TCP` or `DNS-over-HTTPS`.
    pub protocol: &'static str,
    /// What went wrong.
    #[source]
    pub failure: TransportFailure,
}

/// A transport could not be set up from the user's settings.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The resolver address is not `HOST:PORT` (or a bare IP address).
    #[error("invalid resolver address {input:?}: {reason}")]
    ResolverSyntax {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The resolver host name did not resolve to an address.
    #[error("cannot find the address of resolver {input:?}: {reason}")]
    ResolverLookup {
        /// The text given.
        input: String,
        /// Why the lookup failed.
        reason: String,
    },
    /// The DoH URL is unusable.
    #[error("invalid DNS-over-HTTPS URL {url:?}: {reason}")]
    DohUrl {
        /// The text given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (e.g. no usable TLS roots).
    #[error("cannot set up the HTTPS client: {0}")]
    HttpClient(String),
}

/// Why a chain could not be retrieved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RetrieveError {
    /// The domain does not make a valid query name.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A query got no usable answer (an environment failure).
    #[error(transparent)]
    Transport(#[from] TransportError),
}
