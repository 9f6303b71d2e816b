//! A plain-HTTP DNS-over-HTTPS stand-in on 127.0.0.1 for transport tests: it records every
//! request and lets the test decide each answer (status, content type, body).

#![allow(dead_code)] // each test file uses a different part of this module

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
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind loopback HTTP");
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (log, stop) = (log.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(50))
                    else {
                        continue;
                    };
                    let header = |name: &str| {
                        request
                            .headers()
                            .iter()
                            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                            .map(|h| h.value.as_str().to_string())
                    };
                    let mut seen = SeenRequest {
                        method: request.method().as_str().to_string(),
                        path: request.url().to_string(),
                        content_type: header("Content-Type"),
                        accept: header("Accept"),
                        body: Vec::new(),
                    };
                    let _ = request.as_reader().read_to_end(&mut seen.body);
                    log.lock().unwrap().push(seen.clone());
                    let reply = handler(&seen);
                    let response = tiny_http::Response::from_data(reply.body)
                        .with_status_code(reply.status)
                        .with_header(
                            tiny_http::Header::from_bytes("Content-Type", reply.content_type)
                                .unwrap(),
                        );
                    let _ = request.respond(response);
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
