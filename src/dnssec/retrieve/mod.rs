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

mod doh;
mod errors;
mod questions;
mod udp_tcp;

pub use doh::{DEFAULT_DOH_URL, DnsOverHttps};
pub use errors::{RetrieveError, SetupError, TransportError, TransportFailure};
pub(crate) use questions::veraid_name;
pub use questions::{NameError, Question, chain_questions};
pub use udp_tcp::PlainDns;

use crate::domain::Domain;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// At most this many queries are in flight at once.
const MAX_PARALLEL: usize = 8;

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
    pub(super) fn attempts(&self) -> u32 {
        self.attempts.max(1)
    }

    /// When the attempt starting now must end: the timeout, or the overall deadline if sooner.
    /// `Err` when the overall deadline has passed.
    pub(super) fn attempt_deadline(&self) -> Result<Instant, TransportFailure> {
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
    pub(super) fn out_of_time(
        &self,
        ignored: u32,
        last_ignored: Option<String>,
    ) -> TransportFailure {
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
