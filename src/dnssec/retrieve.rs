//! Live retrieval of the DNS responses a VeraId DNSSEC chain is made of (VeraId digest §6.2).
//!
//! For `_veraid.<domain>.` veraid-js (through dnssec-js) asks its resolver, in this order, for the
//! DNSKEY RRset of every name from the root down to the query name, for the DS RRset of the same
//! names minus the root, and for the TXT RRset. We ask the same questions, in parallel since none
//! depends on another, and keep every raw response in that order: the raw bytes are what a chain
//! stores. Nothing here validates DNSSEC; a response is only checked to answer its query.
//!
//! Two transports: plain DNS to one server (UDP with EDNS0 DO, TCP when truncated) and
//! DNS-over-HTTPS (RFC 8484 POST), the veraid-js default. Every failure to get an answer is a
//! [`TransportError`], an environment error distinct from bogus DNS data.

use super::validate::RrType;
use crate::domain::Domain;
use crate::http::{self, Http, HttpError, HttpPolicy, ProxySettings};
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
use hickory_proto::rr::rdata::opt::EdnsOption;
use hickory_proto::rr::{DNSClass, Name, RecordType};
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The DNS-over-HTTPS endpoint veraid-js uses by default (VeraId digest §6.6).
pub const DEFAULT_DOH_URL: &str = "https://cloudflare-dns.com/dns-query";

/// EDNS0 UDP payload size for plain DNS: the DNS Flag Day 2020 value, which avoids IP
/// fragmentation; larger answers come back truncated and are fetched again over TCP.
const UDP_PAYLOAD: u16 = 1232;

/// EDNS0 payload size advertised over DoH, as veraid-js (dohdec) does.
const DOH_PAYLOAD: u16 = 4096;

/// veraid-js pads DoH queries to a multiple of 128 bytes (RFC 8467 §4.1, EDNS0 Padding RFC 7830).
const DOH_PADDING_BLOCK: usize = 128;

/// EDNS0 option code of Padding (RFC 7830 §4).
const EDNS_PADDING: u16 = 12;

/// The largest DNS message (RFC 1035 §4.2.2 length prefix, RFC 8484 §6).
const MAX_MESSAGE: usize = 65_535;

/// At most this many queries are in flight at once.
const MAX_PARALLEL: usize = 8;

/// The media type of DNS wire messages over HTTP (RFC 8484 §6).
const DNS_MESSAGE: &str = "application/dns-message";

/// One question of a chain: an owner name and a record type, class IN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The owner name, case preserved (veraid-js compares names case-sensitively).
    name: Name,
    record_type: RrType,
}

impl Question {
    /// A question for an absolute name (`com.`, `_veraid.example.com.`).
    pub fn new(name: &str, record_type: RrType) -> Result<Self, NameError> {
        let name = Name::from_ascii(name).map_err(|e| NameError {
            name: name.to_string(),
            reason: e.to_string(),
        })?;
        Ok(Self { name, record_type })
    }

    /// The owner name in presentation form, with its trailing dot.
    pub fn name(&self) -> String {
        self.name.to_ascii()
    }

    /// DNSKEY, DS or TXT.
    pub fn record_type(&self) -> RrType {
        self.record_type
    }

    fn hickory_type(&self) -> RecordType {
        match self.record_type {
            RrType::Dnskey => RecordType::DNSKEY,
            RrType::Ds => RecordType::DS,
            RrType::Txt => RecordType::TXT,
        }
    }
}

impl fmt::Display for Question {
    /// `name/TYPE`, e.g. `com./DS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.name.to_ascii(), self.record_type)
    }
}

/// The query name `_veraid.<domain>.` is not a usable DNS name.
#[derive(Debug, thiserror::Error)]
#[error("{name} is not a usable DNS query name: {reason}")]
pub struct NameError {
    /// The rejected name.
    pub name: String,
    /// Why it was rejected.
    pub reason: String,
}

/// The questions veraid-js asks for `_veraid.<domain>.`, in its order (VeraId digest §6.2):
/// DNSKEY from the root down to the query name, DS for the same names minus the root, then TXT.
pub fn chain_questions(domain: &Domain) -> Result<Vec<Question>, NameError> {
    let text = domain.veraid_record_name();
    let query_name = Name::from_ascii(&text).map_err(|e| NameError {
        name: text.clone(),
        reason: e.to_string(),
    })?;
    let labels = usize::from(query_name.num_labels());
    let names: Vec<Name> = (0..=labels).map(|n| query_name.trim_to(n)).collect();
    let question = |name: &Name, record_type| Question {
        name: name.clone(),
        record_type,
    };
    let mut questions: Vec<Question> = names
        .iter()
        .map(|name| question(name, RrType::Dnskey))
        .collect();
    // The root DS is never asked for: it is the trust anchor.
    questions.extend(names[1..].iter().map(|name| question(name, RrType::Ds)));
    questions.push(question(&query_name, RrType::Txt));
    Ok(questions)
}

/// How a response travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Plain DNS over UDP.
    Udp,
    /// Plain DNS over TCP, after the UDP answer came back truncated (TC bit).
    TcpAfterTruncation,
    /// DNS-over-HTTPS (RFC 8484), or plain HTTP to a loopback test server.
    Https,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Udp => "UDP",
            Protocol::TcpAfterTruncation => "TCP (the UDP answer was truncated)",
            Protocol::Https => "DNS-over-HTTPS",
        })
    }
}

/// A response received for a question, as raw wire bytes plus what the transport checked.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The whole DNS message as received: this is what a chain stores.
    pub raw: Vec<u8>,
    /// Its RCODE (0 NOERROR, 3 NXDOMAIN, ...); judging it is the validator's job.
    pub response_code: u16,
    /// How it travelled.
    pub protocol: Protocol,
    /// When the first attempt failed transiently and another succeeded: why it failed.
    pub retried_after: Option<String>,
    /// UDP datagrams received and dropped across every attempt (late answers to an earlier
    /// attempt, spoofing attempts, oversized datagrams).
    pub ignored: u32,
}

impl Answer {
    /// The RCODE's mnemonic (RFC 6895 §2.3): `NOERROR`, `NXDOMAIN`, `SERVFAIL`, ...
    pub fn response_code_name(&self) -> String {
        let name = match self.response_code {
            0 => "NOERROR",
            1 => "FORMERR",
            2 => "SERVFAIL",
            3 => "NXDOMAIN",
            4 => "NOTIMP",
            5 => "REFUSED",
            6 => "YXDOMAIN",
            7 => "YXRRSET",
            8 => "NXRRSET",
            9 => "NOTAUTH",
            10 => "NOTZONE",
            16 => "BADVERS",
            other => return format!("RCODE {other}"),
        };
        name.to_string()
    }

    /// Whether the server failed or refused (SERVFAIL, REFUSED): a sign it is not a resolver
    /// for the name, rather than of bad DNSSEC data.
    pub fn server_declined(&self) -> bool {
        matches!(self.response_code, 2 | 5)
    }
}

/// One element of a retrieved chain: the question and its answer.
#[derive(Clone, Debug)]
pub struct Response {
    /// What was asked.
    pub question: Question,
    /// What came back.
    pub answer: Answer,
}

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
fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset by the server".into(),
        io::ErrorKind::UnexpectedEof => "the server closed the connection early".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

impl TransportFailure {
    /// Whether another attempt may succeed (timeouts, socket errors, HTTP 5xx), as opposed to a
    /// peer that answered but wrongly.
    fn is_transient(&self) -> bool {
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

/// How long to wait and how often to try, per query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The wait for one attempt: a UDP answer, a TCP connection or read, a whole HTTP exchange.
    pub timeout: Duration,
    /// Attempts per query (at least 1); only transient failures are retried.
    pub attempts: u32,
    /// When every query must be over, retries included: no attempt runs past it. `None`: only
    /// the per-attempt timeout applies.
    pub deadline: Option<Instant>,
}

impl Default for Limits {
    /// 5 seconds per attempt, two attempts (one retry).
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            attempts: 2,
            deadline: None,
        }
    }
}

impl Limits {
    fn attempts(&self) -> u32 {
        self.attempts.max(1)
    }

    /// When the attempt starting now must end: the timeout, or the overall deadline if sooner.
    /// `Err` when the overall deadline has passed.
    fn attempt_deadline(&self) -> Result<Instant, TransportFailure> {
        // Monotonic time bounds network waits only; it is never a validation time.
        let by_timeout = Instant::now() + self.timeout;
        match self.deadline {
            Some(deadline) if deadline <= Instant::now() => Err(TransportFailure::Deadline {
                attempts: 0,
                ignored: 0,
                last_ignored: None,
            }),
            Some(deadline) => Ok(by_timeout.min(deadline)),
            None => Ok(by_timeout),
        }
    }

    /// The failure for an attempt that ran out of time at `deadline`: the overall deadline when
    /// that is what ended it, else the per-attempt timeout.
    fn out_of_time(&self, ignored: u32, last_ignored: Option<String>) -> TransportFailure {
        if self.deadline.is_some_and(|d| d <= Instant::now()) {
            TransportFailure::Deadline {
                attempts: 1,
                ignored,
                last_ignored,
            }
        } else {
            TransportFailure::Timeout {
                timeout: self.timeout,
                attempts: 1,
                ignored,
                last_ignored,
            }
        }
    }
}

/// Sends one question somewhere and returns the raw response.
///
/// Implementations check that the response answers the question (id, QR bit, question
/// section) and nothing more. `Sync` because [`retrieve`] asks questions from several threads.
pub trait Transport: Sync {
    /// Asks `question` and returns the response as received.
    fn exchange(&self, question: &Question) -> Result<Answer, TransportError>;

    /// The server or URL queried, for messages.
    fn server(&self) -> String;
}

/// Retrieves every message veraid-js would fetch for `_veraid.<domain>.`, in its order
/// (VeraId digest §6.2). Queries run in parallel; the first failure in that order is returned.
pub fn retrieve(
    domain: &Domain,
    transport: &dyn Transport,
) -> Result<Vec<Response>, RetrieveError> {
    let questions = chain_questions(domain)?;
    let answers = exchange_all(&questions, transport);
    let mut responses = Vec::with_capacity(questions.len());
    let mut first_failure = None;
    for (question, answer) in questions.into_iter().zip(answers) {
        match answer {
            Some(Ok(answer)) => responses.push(Response { question, answer }),
            Some(Err(e)) => {
                first_failure.get_or_insert(e);
            }
            // Not asked because another query had already failed.
            None => {}
        }
    }
    match first_failure {
        Some(e) => Err(e.into()),
        None => Ok(responses),
    }
}

/// Asks all questions with up to [`MAX_PARALLEL`] threads; slot `i` holds the answer to question
/// `i`, or `None` when it was not asked because an earlier exchange had failed.
fn exchange_all(
    questions: &[Question],
    transport: &dyn Transport,
) -> Vec<Option<Result<Answer, TransportError>>> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let workers = questions.len().clamp(1, MAX_PARALLEL);
    let mut slots: Vec<Option<Result<Answer, TransportError>>> =
        questions.iter().map(|_| None).collect();
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(question) = questions.get(i) else {
                            break;
                        };
                        let result = transport.exchange(question);
                        if result.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        done.push((i, result));
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            // A panic in a transport is a bug: let it surface as one.
            let done = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, result) in done {
                slots[i] = Some(result);
            }
        }
    });
    slots
}

/// Encodes the query veraid-js sends (VeraId digest §6.6): RD, AD and CD set (CD so that a
/// validating resolver hands over even bogus data for us to judge), one IN question, EDNS0 with
/// the DO bit and the given payload size, padded to a multiple of `pad_to` bytes when asked.
fn encode_query(
    question: &Question,
    id: u16,
    payload: u16,
    pad_to: Option<usize>,
) -> Result<Vec<u8>, TransportFailure> {
    let mut message = Message::new(id, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.metadata.authentic_data = true;
    message.metadata.checking_disabled = true;
    let mut query = Query::query(question.name.clone(), question.hickory_type());
    query.set_query_class(DNSClass::IN);
    message.add_query(query);
    let mut edns = Edns::new();
    edns.set_max_payload(payload).set_dnssec_ok(true);
    message.set_edns(edns.clone());
    let encode = |m: &Message| {
        m.to_vec()
            .map_err(|e| TransportFailure::Encode(e.to_string()))
    };
    let Some(block) = pad_to else {
        return encode(&message);
    };
    // The padding option itself takes 4 bytes (code and length) before its zeros.
    let unpadded = encode(&message)?.len() + 4;
    let zeros = (block - unpadded % block) % block;
    edns.options_mut()
        .insert(EdnsOption::Unknown(EDNS_PADDING, vec![0; zeros]));
    message.set_edns(edns);
    encode(&message)
}

/// Decodes a response and checks it answers the query: QR set, same id, same single question
/// (names compared case-insensitively as servers may echo 0x20-mixed case, RFC 1035 §7.3).
fn check_response(raw: &[u8], id: u16, question: &Question) -> Result<Message, TransportFailure> {
    let message =
        Message::from_vec(raw).map_err(|e| TransportFailure::Unparsable(e.to_string()))?;
    if message.metadata.message_type != MessageType::Response {
        return Err(TransportFailure::Mismatch(
            "it is a query, not a response (QR bit clear)".into(),
        ));
    }
    if message.metadata.id != id {
        return Err(TransportFailure::Mismatch(format!(
            "its id is {} instead of {id}",
            message.metadata.id
        )));
    }
    match message.queries.as_slice() {
        [q] if q.name() == &question.name
            && q.query_type() == question.hickory_type()
            && q.query_class() == DNSClass::IN => {}
        [q] => {
            return Err(TransportFailure::Mismatch(format!(
                "it answers {}/{} {} instead of {question}",
                q.name().to_ascii(),
                q.query_type(),
                q.query_class(),
            )));
        }
        other => {
            return Err(TransportFailure::Mismatch(format!(
                "it has {} questions instead of one",
                other.len()
            )));
        }
    }
    Ok(message)
}

/// A random query id (RFC 5452 §4.3): with a random source port, what makes off-path spoofing
/// impractical.
fn random_id() -> Result<u16, TransportFailure> {
    let mut bytes = [0u8; 2];
    getrandom::fill(&mut bytes).map_err(|e| TransportFailure::Io(io::Error::other(e)))?;
    Ok(u16::from_be_bytes(bytes))
}

/// Runs `once` up to `limits.attempts` times while its failures are transient. Returns the
/// result, why the last retried attempt failed (when there was one), and how many datagrams the
/// failed attempts dropped; a final failure counts the dropped datagrams of every attempt.
fn with_retries<T>(
    limits: &Limits,
    mut once: impl FnMut() -> Result<T, TransportFailure>,
) -> Result<(T, Option<String>, u32), TransportFailure> {
    let mut attempt = 1;
    let mut retried_after = None;
    let mut dropped = 0;
    loop {
        match once() {
            Ok(done) => return Ok((done, retried_after, dropped)),
            Err(failure) if failure.is_transient() && attempt < limits.attempts() => {
                if let TransportFailure::Timeout { ignored, .. } = &failure {
                    dropped += ignored;
                }
                retried_after = Some(failure.to_string());
                attempt += 1;
            }
            Err(TransportFailure::Timeout {
                timeout,
                ignored,
                last_ignored,
                ..
            }) => {
                return Err(TransportFailure::Timeout {
                    timeout,
                    attempts: attempt,
                    ignored: dropped + ignored,
                    last_ignored,
                });
            }
            Err(TransportFailure::Deadline {
                attempts,
                ignored,
                last_ignored,
            }) => {
                return Err(TransportFailure::Deadline {
                    attempts: attempt - 1 + attempts,
                    ignored: dropped + ignored,
                    last_ignored,
                });
            }
            Err(failure) => return Err(failure),
        }
    }
}

/// One UDP attempt's result: the answer (`None` when truncated) and how many datagrams were
/// dropped on the way.
type UdpOutcome = (Option<(Vec<u8>, Message)>, u32);

/// Plain DNS to one server: UDP with EDNS0 DO, then TCP (RFC 7766) when the answer is truncated.
#[derive(Clone, Debug)]
pub struct PlainDns {
    address: SocketAddr,
    label: String,
    limits: Limits,
}

impl PlainDns {
    /// A transport to `HOST:PORT`, `[IPv6]:PORT` or a bare IP address (port 53). A host name is
    /// looked up once, here.
    pub fn new(server: &str, limits: Limits) -> Result<Self, SetupError> {
        let syntax = |reason| SetupError::ResolverSyntax {
            input: server.to_string(),
            reason,
        };
        if let Ok(address) = server.parse::<SocketAddr>() {
            return Ok(Self::at(address, limits));
        }
        if let Ok(ip) = server.parse::<IpAddr>() {
            return Ok(Self::at(SocketAddr::new(ip, 53), limits));
        }
        let (host, port) = match server.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| syntax("the port is not a number from 0 to 65535"))?,
            ),
            None => (server, 53),
        };
        if host.is_empty() || host.contains(':') {
            return Err(syntax("expected HOST:PORT, e.g. 127.0.0.1:53 or [::1]:53"));
        }
        let lookup = |reason: String| SetupError::ResolverLookup {
            input: server.to_string(),
            reason,
        };
        let address = (host, port)
            .to_socket_addrs()
            .map_err(|e| lookup(io_text(&e)))?
            .next()
            .ok_or_else(|| lookup("the name has no address".into()))?;
        Ok(Self {
            address,
            label: format!("{server} ({address})"),
            limits,
        })
    }

    /// A transport to a socket address.
    pub fn at(address: SocketAddr, limits: Limits) -> Self {
        Self {
            address,
            label: address.to_string(),
            limits,
        }
    }

    fn error(
        &self,
        question: &Question,
        protocol: &'static str,
        failure: TransportFailure,
    ) -> TransportError {
        TransportError {
            server: self.label.clone(),
            question: question.to_string(),
            protocol,
            failure,
        }
    }

    /// One UDP attempt: no answer when it is truncated, and the datagrams dropped meanwhile.
    fn udp_once(&self, question: &Question) -> Result<UdpOutcome, TransportFailure> {
        let deadline = self.limits.attempt_deadline()?;
        let id = random_id()?;
        let query = encode_query(question, id, UDP_PAYLOAD, None)?;
        let local: SocketAddr = match self.address {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local).map_err(TransportFailure::Io)?;
        // A connected socket only receives datagrams from the server's address.
        socket.connect(self.address).map_err(TransportFailure::Io)?;
        socket.send(&query).map_err(TransportFailure::Io)?;
        let mut buffer = vec![0u8; MAX_MESSAGE];
        let mut ignored = 0;
        let mut last_ignored = None;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.limits.out_of_time(ignored, last_ignored));
            }
            socket
                .set_read_timeout(Some(remaining))
                .map_err(TransportFailure::Io)?;
            let received = match socket.recv(&mut buffer) {
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(TransportFailure::Io(e)),
            };
            let raw = &buffer[..received];
            // We advertised UDP_PAYLOAD bytes (RFC 6891 §6.2.5): a larger datagram is not an
            // answer a conforming server sends, and is dropped like any other stray datagram.
            if received > usize::from(UDP_PAYLOAD) {
                ignored += 1;
                last_ignored = Some(format!(
                    "it has {received} bytes, more than the {UDP_PAYLOAD} advertised"
                ));
                continue;
            }
            // Datagrams that do not answer this query (late answers to an earlier attempt,
            // spoofing attempts) are dropped, and we keep listening until the deadline.
            match check_response(raw, id, question) {
                Ok(message) if message.metadata.truncation => return Ok((None, ignored)),
                Ok(message) => return Ok((Some((raw.to_vec(), message)), ignored)),
                Err(reason) => {
                    ignored += 1;
                    last_ignored = Some(reason.to_string());
                }
            }
        }
    }

    /// One TCP attempt (RFC 1035 §4.2.2: each message behind a two-byte length). The whole
    /// attempt (connect, send, the complete answer) ends by one deadline: each read waits only
    /// for the time left, so a server dripping bytes cannot stretch it.
    fn tcp_once(&self, question: &Question) -> Result<(Vec<u8>, Message), TransportFailure> {
        let deadline = self.limits.attempt_deadline()?;
        let left = || {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                Err(self.limits.out_of_time(0, None))
            } else {
                Ok(remaining)
            }
        };
        let failed = |e: io::Error| match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => self.limits.out_of_time(0, None),
            _ => TransportFailure::Io(e),
        };
        let id = random_id()?;
        let query = encode_query(question, id, UDP_PAYLOAD, None)?;
        let mut stream = TcpStream::connect_timeout(&self.address, left()?).map_err(failed)?;
        let length = u16::try_from(query.len())
            .map_err(|_| TransportFailure::Encode("the query exceeds 65535 bytes".into()))?;
        let mut framed = length.to_be_bytes().to_vec();
        framed.extend_from_slice(&query);
        stream
            .set_write_timeout(Some(left()?))
            .map_err(TransportFailure::Io)?;
        stream.write_all(&framed).map_err(failed)?;
        let mut read_by_deadline = |buffer: &mut [u8]| -> Result<(), TransportFailure> {
            let mut filled = 0;
            while filled < buffer.len() {
                stream
                    .set_read_timeout(Some(left()?))
                    .map_err(TransportFailure::Io)?;
                match stream.read(&mut buffer[filled..]) {
                    Ok(0) => {
                        return Err(TransportFailure::Io(io::ErrorKind::UnexpectedEof.into()));
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(failed(e)),
                }
            }
            Ok(())
        };
        let mut prefix = [0u8; 2];
        read_by_deadline(&mut prefix)?;
        let mut raw = vec![0u8; usize::from(u16::from_be_bytes(prefix))];
        read_by_deadline(&mut raw)?;
        let message = check_response(&raw, id, question)?;
        Ok((raw, message))
    }
}

impl Transport for PlainDns {
    fn exchange(&self, question: &Question) -> Result<Answer, TransportError> {
        let ((udp, last_dropped), udp_retried, dropped) =
            with_retries(&self.limits, || self.udp_once(question))
                .map_err(|f| self.error(question, "UDP", f))?;
        let (raw, message, protocol, retried_after) = match udp {
            Some((raw, message)) => (raw, message, Protocol::Udp, udp_retried),
            None => {
                let ((raw, message), tcp_retried, _) =
                    with_retries(&self.limits, || self.tcp_once(question))
                        .map_err(|f| self.error(question, "TCP", f))?;
                let retried = tcp_retried.or(udp_retried);
                (raw, message, Protocol::TcpAfterTruncation, retried)
            }
        };
        Ok(Answer {
            raw,
            response_code: message.metadata.response_code.into(),
            protocol,
            retried_after,
            ignored: dropped + last_dropped,
        })
    }

    fn server(&self) -> String {
        self.label.clone()
    }
}

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

    fn names(questions: &[Question]) -> Vec<String> {
        questions.iter().map(Question::to_string).collect()
    }

    #[test]
    fn asks_the_questions_veraid_js_asks_in_its_order() {
        let domain: Domain = "example.com".parse().unwrap();
        assert_eq!(
            names(&chain_questions(&domain).unwrap()),
            [
                "./DNSKEY",
                "com./DNSKEY",
                "example.com./DNSKEY",
                "_veraid.example.com./DNSKEY",
                "com./DS",
                "example.com./DS",
                "_veraid.example.com./DS",
                "_veraid.example.com./TXT",
            ]
        );
    }

    #[test]
    fn asks_two_questions_per_label_plus_two() {
        let domain: Domain = "a.b.c.example".parse().unwrap();
        // `_veraid.a.b.c.example.` has L = 5 labels: 2·L + 2 messages (VeraId digest §6.2).
        assert_eq!(chain_questions(&domain).unwrap().len(), 12);
    }

    #[test]
    fn asks_in_lower_case_whatever_the_case_of_the_domain() {
        let domain: Domain = "Example.COM".parse().unwrap();
        let questions = chain_questions(&domain).unwrap();
        assert_eq!(
            questions.last().unwrap().to_string(),
            "_veraid.example.com./TXT"
        );
    }

    #[test]
    fn rejects_a_domain_too_long_for_the_query_name() {
        let domain: Domain = vec!["abcdefghi"; 25].join(".").parse().unwrap();
        let error = chain_questions(&domain).unwrap_err();
        assert!(error.name.starts_with("_veraid.abcdefghi."), "{error}");
    }

    #[test]
    fn query_sets_rd_ad_cd_and_the_do_bit() {
        let question = Question::new("com.", RrType::Ds).unwrap();
        let message = Message::from_vec(&encode_query(&question, 7, 1232, None).unwrap()).unwrap();
        assert_eq!(message.metadata.id, 7);
        assert!(message.metadata.recursion_desired);
        assert!(message.metadata.authentic_data);
        assert!(message.metadata.checking_disabled);
        let edns = message.edns.unwrap();
        assert!(edns.flags().dnssec_ok);
        assert_eq!(edns.max_payload(), 1232);
    }

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
    fn rejects_a_response_to_another_question() {
        let asked = Question::new("com.", RrType::Ds).unwrap();
        let other = Question::new("org.", RrType::Ds).unwrap();
        let mut response =
            Message::from_vec(&encode_query(&other, 9, 1232, None).unwrap()).unwrap();
        response.metadata.message_type = MessageType::Response;
        let error = check_response(&response.to_vec().unwrap(), 9, &asked).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the response does not answer the query: it answers org./DS IN instead of com./DS"
        );
    }

    #[test]
    fn rejects_a_response_with_another_id() {
        let asked = Question::new("com.", RrType::Ds).unwrap();
        let mut response =
            Message::from_vec(&encode_query(&asked, 9, 1232, None).unwrap()).unwrap();
        response.metadata.message_type = MessageType::Response;
        let error = check_response(&response.to_vec().unwrap(), 10, &asked).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the response does not answer the query: its id is 9 instead of 10"
        );
    }

    #[test]
    fn rejects_a_query_echoed_back() {
        let asked = Question::new("com.", RrType::Ds).unwrap();
        let error =
            check_response(&encode_query(&asked, 9, 1232, None).unwrap(), 9, &asked).unwrap_err();
        assert!(error.to_string().contains("QR bit clear"), "{error}");
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

    #[test]
    fn parses_resolver_addresses() {
        let limits = Limits::default();
        assert_eq!(
            PlainDns::new("127.0.0.1:5353", limits).unwrap().address,
            "127.0.0.1:5353".parse().unwrap()
        );
        assert_eq!(
            PlainDns::new("[::1]:53", limits).unwrap().address,
            "[::1]:53".parse().unwrap()
        );
        assert_eq!(
            PlainDns::new("127.0.0.2", limits).unwrap().address,
            "127.0.0.2:53".parse().unwrap()
        );
        assert_eq!(
            PlainDns::new("::1", limits).unwrap().address,
            "[::1]:53".parse().unwrap()
        );
        assert_eq!(
            PlainDns::new("localhost:5300", limits)
                .unwrap()
                .address
                .port(),
            5300
        );
        for bad in ["127.0.0.1:99999", ":53", "1:2:3"] {
            assert!(
                matches!(
                    PlainDns::new(bad, limits),
                    Err(SetupError::ResolverSyntax { .. })
                ),
                "{bad}"
            );
        }
    }
}
