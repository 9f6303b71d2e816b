//! A plain-HTTP DNS-over-HTTPS stand-in on 127.0.0.1 for transport tests: it records every
//! request and lets the test decide each answer (status, content type, body).
//!
//! Hand-written rather than tiny_http: tiny_http's worker pool queues new connections behind
//! idle keep-alive ones when a burst arrives (as the parallel queries of `issue chain` do),
//! stalling them for seconds on a loaded machine. Here each connection gets its own thread, one
//! request, and `Connection: close`.

#![allow(dead_code)] // each test file uses a different part of this module

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path and query.
    pub path: String,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
    /// The Accept header, if any.
    pub accept: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// What to send back.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Content-Type header.
    pub content_type: &'static str,
    /// Body.
    pub body: Vec<u8>,
}

type Handler = dyn Fn(&SeenRequest) -> Reply + Send + Sync;

/// The running server; stops on drop.
pub struct DohServer {
    /// `http://127.0.0.1:PORT/dns-query`.
    pub url: String,
    /// Every request received, in order.
    pub log: Arc<Mutex<Vec<SeenRequest>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DohServer {
    /// Starts the server with a handler deciding each reply.
    pub fn start(handler: impl Fn(&SeenRequest) -> Reply + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback HTTP");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (log, stop) = (log.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (handler, log) = (handler.clone(), log.clone());
                            thread::spawn(move || serve(stream, &*handler, &log));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        Self {
            url: format!("http://127.0.0.1:{port}/dns-query"),
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for DohServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one HTTP/1.1 request (request line, headers, Content-Length body), answers it and
/// closes the connection.
fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<SeenRequest>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return;
    };
    let mut seen = SeenRequest {
        method: method.to_string(),
        path: path.to_string(),
        content_type: None,
        accept: None,
        body: Vec::new(),
    };
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() {
            return;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return;
        };
        let value = value.trim().to_string();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().unwrap_or(0),
            "content-type" => seen.content_type = Some(value),
            "accept" => seen.accept = Some(value),
            _ => {}
        }
    }
    seen.body = vec![0; length];
    if reader.read_exact(&mut seen.body).is_err() {
        return;
    }
    log.lock().unwrap().push(seen.clone());
    let reply = handler(&seen);
    let mut response = format!(
        "HTTP/1.1 {} Test\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    )
    .into_bytes();
    response.extend_from_slice(&reply.body);
    let mut stream = stream;
    let _ = stream.write_all(&response);
    let _ = stream.flush();
}
