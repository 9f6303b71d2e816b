//! A tiny scripted DNS server on 127.0.0.1 (UDP and TCP on one port) for transport tests: a
//! handler decides, per query, which datagrams or TCP messages go back (none, several, wrong ones).

use hickory_proto::op::{Edns, Message, MessageType, OpCode};
use hickory_proto::rr::Record;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Which socket a query came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A UDP datagram.
    Udp,
    /// A length-prefixed TCP message.
    Tcp,
}

type Handler = dyn Fn(Via, &Message) -> Vec<Vec<u8>> + Send + Sync;

/// The running server; stops on drop.
pub struct StubDns {
    /// Where it listens (UDP and TCP).
    pub address: SocketAddr,
    /// Every query received, in arrival order.
    pub log: Arc<Mutex<Vec<(Via, Message)>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl StubDns {
    /// Starts the server; `handler` returns the wire messages to send back for each query.
    pub fn start(handler: impl Fn(Via, &Message) -> Vec<Vec<u8>> + Send + Sync + 'static) -> Self {
        Self::start_paced(None, handler)
    }

    /// [`StubDns::start`], with TCP answers written one byte every `pace` (a dripping server)
    /// when given.
    pub fn start_paced(
        pace: Option<Duration>,
        handler: impl Fn(Via, &Message) -> Vec<Vec<u8>> + Send + Sync + 'static,
    ) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let (udp, tcp) = bind_pair();
        let address = udp.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let udp_thread = {
            let (handler, log, stop) = (handler.clone(), log.clone(), stop.clone());
            udp.set_read_timeout(Some(Duration::from_millis(50)))
                .unwrap();
            thread::spawn(move || {
                let mut buffer = vec![0u8; 65_535];
                while !stop.load(Ordering::Relaxed) {
                    let Ok((n, peer)) = udp.recv_from(&mut buffer) else {
                        continue;
                    };
                    let Ok(query) = Message::from_vec(&buffer[..n]) else {
                        continue;
                    };
                    log.lock().unwrap().push((Via::Udp, query.clone()));
                    for reply in handler(Via::Udp, &query) {
                        let _ = udp.send_to(&reply, peer);
                    }
                }
            })
        };
        let tcp_thread = {
            let (handler, log, stop) = (handler, log.clone(), stop.clone());
            tcp.set_nonblocking(true).unwrap();
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match tcp.accept() {
                        Ok((stream, _)) => serve_tcp(stream, &*handler, &log, pace),
                        Err(_) => thread::sleep(Duration::from_millis(20)),
                    }
                }
            })
        };
        Self {
            address,
            log,
            stop,
            threads: vec![udp_thread, tcp_thread],
        }
    }

    /// The queries received so far over `via`.
    pub fn queries(&self, via: Via) -> Vec<Message> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(v, _)| *v == via)
            .map(|(_, m)| m.clone())
            .collect()
    }
}

impl Drop for StubDns {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A UDP socket and a TCP listener on the same free loopback port.
fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        if let Ok(tcp) = TcpListener::bind(udp.local_addr().unwrap()) {
            return (udp, tcp);
        }
    }
    panic!("no free loopback port for both UDP and TCP");
}

fn serve_tcp(
    mut stream: TcpStream,
    handler: &Handler,
    log: &Mutex<Vec<(Via, Message)>>,
    pace: Option<Duration>,
) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut prefix = [0u8; 2];
    if stream.read_exact(&mut prefix).is_err() {
        return;
    }
    let mut body = vec![0u8; usize::from(u16::from_be_bytes(prefix))];
    if stream.read_exact(&mut body).is_err() {
        return;
    }
    let Ok(query) = Message::from_vec(&body) else {
        return;
    };
    log.lock().unwrap().push((Via::Tcp, query.clone()));
    for reply in handler(Via::Tcp, &query) {
        let mut framed = (reply.len() as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(&reply);
        match pace {
            None => {
                let _ = stream.write_all(&framed);
            }
            Some(every) => {
                for byte in framed {
                    thread::sleep(every);
                    if stream.write_all(&[byte]).is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// A response to `query` (same id and question, EDNS with DO echoed) carrying `answers`.
pub fn reply(query: &Message, answers: Vec<Record>) -> Message {
    let mut response = Message::new(query.metadata.id, MessageType::Response, OpCode::Query);
    response.metadata.recursion_desired = query.metadata.recursion_desired;
    response.metadata.checking_disabled = query.metadata.checking_disabled;
    response.add_queries(query.queries.iter().cloned());
    response.add_answers(answers);
    let mut edns = Edns::new();
    edns.set_max_payload(1232).set_dnssec_ok(true);
    response.set_edns(edns);
    response
}

/// [`reply`], encoded.
pub fn reply_bytes(query: &Message, answers: Vec<Record>) -> Vec<u8> {
    reply(query, answers).to_vec().unwrap()
}
