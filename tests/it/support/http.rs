//! The one loopback HTTP server of the tests (std::net): a handler, or a script, decides each
//! answer, including misbehaving ones (hangs, dripping or endless bodies, raw bytes, wrong
//! content types, 5xx then success); it serves the Authority and token endpoints of `exchange`
//! and the DNS-over-HTTPS stand-in of `issue chain` and the resolvers. And a tiny GET client.
//!
//! Hand-written rather than tiny_http: tiny_http's worker pool queues new connections behind
//! idle keep-alive ones when a burst arrives (as the parallel queries of `issue chain` do),
//! stalling them for seconds on a loaded machine. Here each connection gets its own thread, one
//! request, and `Connection: close`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The request line and headers, each line ending in CRLF (without the empty line).
    pub head: String,
    /// `POST`, `GET`, `CONNECT`, ...
    pub method: String,
    /// The path and query (the target).
    pub path: String,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
    /// The Accept header, if any.
    pub accept: Option<String>,
    /// The body (Content-Length bytes).
    pub body: Vec<u8>,
}

/// How the server answers one request.
#[derive(Clone)]
pub enum Answer {
    /// Status, content type (if any) and body.
    Reply(u16, Option<&'static str>, Vec<u8>),
    /// Never answer (the connection stays open a minute).
    Hang,
    /// Send these bytes verbatim (a whole HTTP answer, head and body).
    Raw(String),
    /// Send the head at once (status, content type, the body's Content-Length), then the body
    /// one byte every `every`, until done or the client leaves.
    Drip(u16, &'static str, Vec<u8>, Duration),
    /// A chunked body of one byte every `every` that never ends (until the client leaves).
    EndlessChunks(&'static str, Duration),
}

/// A DNS-over-HTTPS style answer: status, content type and body.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Content-Type header.
    pub content_type: &'static str,
    /// Body.
    pub body: Vec<u8>,
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Self {
        Answer::Reply(reply.status, Some(reply.content_type), reply.body)
    }
}

type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

/// The running server; stops accepting on drop.
pub struct HttpServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// `<base>/dns-query`, where a DoH client sends its queries.
    pub url: String,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Starts the server with a handler deciding each answer.
    pub fn start(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback HTTP");
        let base = format!("http://{}", listener.local_addr().unwrap());
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
            url: format!("{base}/dns-query"),
            base,
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// A server answering the n-th request with `answers[n]` (the last one repeats).
    pub fn scripted(answers: Vec<Answer>) -> Self {
        Self::scripted_with(|_| answers)
    }

    /// [`HttpServer::scripted`] with answers that may name the server's own base URL.
    pub fn scripted_with(answers: impl FnOnce(&str) -> Vec<Answer>) -> Self {
        // The base is only known once bound: the script reads it from a cell set right after.
        let cell = Arc::new(Mutex::new(None::<Vec<Answer>>));
        let next = AtomicUsize::new(0);
        let script = cell.clone();
        let server = Self::start(move |_| {
            let answers = script.lock().unwrap();
            let answers = answers.as_ref().expect("script set");
            let index = next.fetch_add(1, Ordering::SeqCst);
            answers[index.min(answers.len() - 1)].clone()
        });
        *cell.lock().unwrap() = Some(answers(&server.base));
        server
    }

    /// A DNS-over-HTTPS stand-in whose `handler` decides each [`Reply`].
    pub fn doh(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        Self::start(move |request| handler(request).into())
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one HTTP/1.1 request (request line, headers, Content-Length body), answers it as the
/// handler says and closes the connection.
fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let mut parts = head.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return;
    };
    let mut request = Request {
        method: method.to_string(),
        path: path.to_string(),
        content_type: None,
        accept: None,
        body: Vec::new(),
        head: head.clone(),
    };
    let mut length = 0;
    for line in head.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().unwrap_or(0),
            "content-type" => request.content_type = Some(value),
            "accept" => request.accept = Some(value),
            _ => {}
        }
    }
    request.body = vec![0; length];
    if reader.read_exact(&mut request.body).is_err() {
        return;
    }
    log.lock().unwrap().push(request.clone());
    let mut stream = stream;
    match handler(&request) {
        Answer::Hang => thread::sleep(Duration::from_secs(60)),
        Answer::Raw(bytes) => {
            let _ = stream.write_all(bytes.as_bytes());
        }
        Answer::Reply(status, content_type, body) => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            if let Some(content_type) = content_type {
                head.push_str(&format!("Content-Type: {content_type}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
        Answer::Drip(status, content_type, body, every) => {
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n\
                 Content-Type: {content_type}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            for byte in body {
                thread::sleep(every);
                if stream.write_all(&[byte]).is_err() {
                    break;
                }
            }
        }
        Answer::EndlessChunks(content_type, every) => {
            let head = format!(
                "HTTP/1.1 200 X\r\nContent-Type: {content_type}\r\n\
                 Transfer-Encoding: chunked\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            loop {
                thread::sleep(every);
                if stream.write_all(b"1\r\nx\r\n").is_err() {
                    return;
                }
            }
        }
    }
}

/// Percent-encodes a query value.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A plain HTTP/1.1 GET to a loopback URL; returns status and body.
pub fn http_get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
