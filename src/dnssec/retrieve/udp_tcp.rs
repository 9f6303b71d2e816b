//! Plain DNS to one server: UDP with EDNS0 DO, then TCP (RFC 7766) when the answer is truncated,
//! each attempt bounded by one deadline and retried while its failures are transient.

use super::errors::{SetupError, TransportError, TransportFailure, io_text};
use super::questions::{MAX_MESSAGE, Question, check_response, encode_query};
use super::{Answer, Limits, Protocol, Transport};
use hickory_proto::op::Message;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Instant;

/// EDNS0 UDP payload size for plain DNS: the DNS Flag Day 2020 value, which avoids IP
/// fragmentation; larger answers come back truncated and are fetched again over TCP.
const UDP_PAYLOAD: u16 = 1232;

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

#[cfg(test)]
mod tests {
    use super::*;

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
