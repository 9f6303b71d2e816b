//! Loopback peers for the `exchange` tests: the node peers of tests/peers (OIDC provider,
//! platform token endpoints, Authority), and small scripted HTTP servers written with std::net
//! for misbehaving servers (hangs, wrong content types, 5xx then success).

#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the node peers can run; otherwise a loud skip, or a failure when CI=true.
pub fn node_peers_available() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let peers = root()
        .join("tests/peers/node_modules/oidc-provider")
        .is_dir();
    let interop = root()
        .join("tests/interop/node_modules/@relaycorp/veraid")
        .is_dir();
    if node && peers && interop {
        return true;
    }
    let missing = format!(
        "node: {node}, tests/peers/node_modules: {peers}, tests/interop/node_modules: {interop}; \
         run `npm ci --prefix tests/peers && npm ci --prefix tests/interop`"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("node peers unavailable on CI ({missing})");
    }
    eprintln!("SKIPPED: node peers unavailable ({missing})");
    false
}

/// The running node peers and what they printed.
pub struct Peers {
    /// Kept open: the peers exit when it closes, i.e. when the test process ends.
    _stdin: Mutex<std::process::ChildStdin>,
    /// Never waited for: the process outlives the tests by the time it takes to see EOF.
    _child: Mutex<Child>,
    /// The JSON line peers.mjs printed.
    pub info: serde_json::Value,
}

/// The peers shared by every test of the binary (started once; ~2 s for the RSA keys).
pub fn peers() -> &'static Peers {
    static PEERS: std::sync::OnceLock<Peers> = std::sync::OnceLock::new();
    PEERS.get_or_init(Peers::start)
}

impl Peers {
    /// Verifies a DER bundle with @relaycorp/veraid against the peers' mock DNSSEC chain;
    /// returns `{"token": <signed plaintext>, "member": {...}}`.
    pub fn verify_with_veraid(&self, der: &[u8]) -> serde_json::Value {
        use base64::Engine;
        let bundle = base64::engine::general_purpose::STANDARD.encode(der);
        let (status, body) = http_get(&format!(
            "{}/verify?bundle={}",
            self.get("platform"),
            url_encode(&bundle)
        ));
        assert_eq!(status, 200, "@relaycorp/veraid rejected the bundle: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Starts tests/peers/peers.mjs and waits for its JSON line.
    fn start() -> Self {
        let mut child: Child = Command::new("node")
            .arg(root().join("tests/peers/peers.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node peers");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read peers line");
        let info =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("peers printed {line:?}: {e}"));
        Self {
            _stdin: Mutex::new(child.stdin.take().unwrap()),
            _child: Mutex::new(child),
            info,
        }
    }

    /// A string field of the JSON line.
    pub fn get(&self, key: &str) -> String {
        self.info[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key}"))
            .to_string()
    }

    /// `host:port` of the platform endpoints (for GCE_METADATA_HOST).
    pub fn platform_host(&self) -> String {
        self.get("platform")
            .trim_start_matches("http://")
            .to_string()
    }

    /// A JWT minted by the platform endpoint with the provider's key, for `audience`, issued
    /// `iat` seconds from now and expiring `exp` seconds from now.
    pub fn mint(&self, audience: &str, iat: i64, exp: i64) -> String {
        let query = format!("audience={}&iat={iat}&exp={exp}", url_encode(audience));
        let (status, body) = http_get(&format!("{}/mint?{query}", self.get("platform")));
        assert_eq!(status, 200, "mint failed: {body}");
        body
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

/// One scripted answer of a [`Scripted`] server.
#[derive(Clone)]
pub enum Answer {
    /// Status, content type (if any) and body.
    Reply(u16, Option<&'static str>, Vec<u8>),
    /// Read the request, then never answer (until the test ends).
    Hang,
    /// Send these bytes verbatim (a whole HTTP answer, head and body).
    Raw(String),
    /// Send the head at once (status, content type, a Content-Length of `length`), then one
    /// body byte every `every` (until the test ends).
    Drip(u16, &'static str, usize, Duration),
}

/// A loopback HTTP server answering each connection with the next scripted answer (the last
/// one repeats), recording every request's head.
pub struct Scripted {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    /// Starts the server in a background thread.
    pub fn start(answers: Vec<Answer>) -> Self {
        Self::start_with(|_| answers)
    }

    /// Starts the server with answers that may name its own base URL.
    pub fn start_with(answers: impl FnOnce(&str) -> Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let answers = answers(&base);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for (index, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { continue };
                let answer = answers[index.min(answers.len() - 1)].clone();
                let head = read_head(&mut stream);
                seen.lock().unwrap().push(head);
                match answer {
                    Answer::Hang => {
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_secs(60));
                            drop(stream);
                        });
                    }
                    Answer::Raw(bytes) => {
                        let _ = stream.write_all(bytes.as_bytes());
                    }
                    Answer::Drip(status, content_type, length, every) => {
                        std::thread::spawn(move || {
                            let head = format!(
                                "HTTP/1.1 {status} X\r\nContent-Length: {length}\r\n\
                                 Content-Type: {content_type}\r\nConnection: close\r\n\r\n"
                            );
                            let _ = stream.write_all(head.as_bytes());
                            for _ in 0..length {
                                std::thread::sleep(every);
                                if stream.write_all(b"0").is_err() {
                                    break;
                                }
                            }
                        });
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
                    }
                }
            }
        });
        Self { base, requests }
    }

    /// The heads of the requests received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn read_head(stream: &mut TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    head
}

/// Builds a TLV with a definite length.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(value);
    out
}

/// A structurally valid signature bundle (outer SEQUENCE with the four tagged fields) with
/// placeholder contents, for servers that only need to answer something bundle-shaped.
pub fn outer_bundle() -> Vec<u8> {
    let fields = [
        tlv(0x80, &[0]),
        tlv(0xA1, &tlv(0x04, b"dns message")),
        tlv(0xA2, &tlv(0x30, b"tbs")),
        tlv(0xA3, &tlv(0x06, &[0x2A, 0x03])),
    ]
    .concat();
    tlv(0x30, &fields)
}

/// A syntactically valid JWT (unsigned content; the scripted servers do not verify it).
pub const SAMPLE_JWT: &str =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLWJ5dGVz";

/// A file holding [`SAMPLE_JWT`].
pub fn jwt_file(dir: &Path) -> PathBuf {
    let path = dir.join("token.jwt");
    std::fs::write(&path, format!("{SAMPLE_JWT}\n")).unwrap();
    path
}
