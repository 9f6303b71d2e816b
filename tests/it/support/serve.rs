//! Shared by the `kliento serve` tests: a set of token bundles on a test chain (valid and
//! broken in each way the compatibility matrix needs), a server started on a free loopback
//! port, and a raw HTTP/1.1 client that can also misbehave.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const AUDIENCE: &str = "https://api.example.com";
pub const AUDIENCE_QUERY: &str = "/?audience=https%3A%2F%2Fapi.example.com";

/// Runs `kliento args` in `dir` (clean environment); its stdout, after asserting success.
fn kliento(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = super::kliento_process()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run kliento");
    assert!(
        output.status.success(),
        "kliento {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Token bundles for the tests, in a temporary directory with their trust anchors.
pub struct Bundles {
    pub dir: tempfile::TempDir,
    /// Every named bundle (DER bytes, or raw bytes for the malformed ones) and the audience
    /// it is sent for.
    pub cases: Vec<(&'static str, Vec<u8>, &'static str)>,
}

impl Bundles {
    /// The trust anchors of the test chain most bundles are on.
    pub fn anchors(&self) -> PathBuf {
        self.dir.path().join("root.ds")
    }

    /// The bytes of the case `name`.
    pub fn get(&self, name: &str) -> Vec<u8> {
        self.cases
            .iter()
            .find(|c| c.0 == name)
            .unwrap_or_else(|| panic!("no bundle {name}"))
            .1
            .clone()
    }

    /// Valid bundles only (user and bot, organisation and member signatures).
    pub fn valid() -> Self {
        Self::make(false)
    }

    /// The whole matrix: valid and broken in every way.
    pub fn all() -> Self {
        Self::make(true)
    }

    fn make(broken: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let run = |args: &[&str]| kliento(d, args);
        run(&["-q", "keygen", "-o", "org.pem"]);
        // The chain holds from a day ago, so that an expired token can still have a chain.
        run(&[
            "-q",
            "issue",
            "test-chain",
            "--domain",
            "example.com",
            "--key",
            "org.pem",
            "-o",
            "chain.der",
            "--trust-anchors-out",
            "root.ds",
            "--start",
            "-1d",
        ]);
        let token = |extra: &[&str]| {
            let mut args = vec![
                "-q",
                "issue",
                "token",
                "--audience",
                AUDIENCE,
                "--domain",
                "example.com",
                "--chain",
                "chain.der",
                "--encoding",
                "der",
            ];
            if !extra.contains(&"--valid-for") {
                args.extend_from_slice(&["--valid-for", "1h"]);
            }
            // Tokens (and the member certificate) start in the past: the result cache keeps
            // results only a second inside every validity period, and a fast test would
            // otherwise ask within that first second.
            if !extra.contains(&"--start") {
                args.extend_from_slice(&["--start", "-1m"]);
            }
            args.extend_from_slice(extra);
            run(&args)
        };
        let user = token(&[
            "--key",
            "org.pem",
            "--user",
            "alice",
            "--claim",
            "role=admin",
            "--claim",
            "team=ops",
        ]);
        let bot = token(&["--key", "org.pem"]);
        run(&["-q", "keygen", "-o", "alice.pem"]);
        run(&[
            "-q",
            "issue",
            "org-cert",
            "--domain",
            "example.com",
            "--key",
            "org.pem",
            "-o",
            "org.crt",
            "--start",
            "-1h",
        ]);
        run(&[
            "-q",
            "issue",
            "member-cert",
            "--user",
            "alice",
            "--org-key",
            "org.pem",
            "--org-cert",
            "org.crt",
            "--member-key",
            "alice.pem",
            "-o",
            "alice.crt",
            "--start",
            "-2m",
        ]);
        let member = token(&[
            "--org-cert",
            "org.crt",
            "--member-cert",
            "alice.crt",
            "--member-key",
            "alice.pem",
            "--claim",
            "k=v",
        ]);
        let mut cases = vec![
            ("valid-user", user.clone(), AUDIENCE),
            ("valid-bot", bot, AUDIENCE),
            ("member-signature", member, AUDIENCE),
        ];
        if broken {
            let expired = token(&[
                "--key",
                "org.pem",
                "--user",
                "alice",
                "--start",
                "-3h",
                "--valid-for",
                "1h",
                "--allow-invalid",
            ]);
            let not_yet_valid = token(&["--key", "org.pem", "--start", "+2h", "--allow-invalid"]);
            let mut tampered = user.clone();
            let at = tampered
                .windows(15)
                .position(|w| w == b"api.example.com")
                .expect("encapsulated token");
            tampered[at..at + 15].copy_from_slice(b"api.example.net");
            // Another test root: the bundle is fine, the anchors are not its own.
            std::fs::create_dir(d.join("foreign")).unwrap();
            kliento(&d.join("foreign"), &["-q", "keygen", "-o", "org.pem"]);
            kliento(
                &d.join("foreign"),
                &[
                    "-q",
                    "issue",
                    "test-chain",
                    "--domain",
                    "example.com",
                    "--key",
                    "org.pem",
                    "-o",
                    "chain.der",
                    "--trust-anchors-out",
                    "root.ds",
                ],
            );
            let foreign = kliento(
                &d.join("foreign"),
                &[
                    "-q",
                    "issue",
                    "token",
                    "--audience",
                    AUDIENCE,
                    "--domain",
                    "example.com",
                    "--chain",
                    "chain.der",
                    "--encoding",
                    "der",
                    "--key",
                    "org.pem",
                ],
            );
            let mut oversize = user.clone();
            oversize.resize(16 * 1024 + 512, 0x41);
            cases.extend([
                ("wrong-audience", user.clone(), "https://other.example.com"),
                ("expired", expired, AUDIENCE),
                ("not-yet-valid", not_yet_valid, AUDIENCE),
                ("wrong-service", wrong_service(d), AUDIENCE),
                ("tampered", tampered, AUDIENCE),
                ("foreign-anchors", foreign, AUDIENCE),
                ("truncated", user[..user.len() / 2].to_vec(), AUDIENCE),
                (
                    "garbage",
                    b"this is not a token bundle\x00\x01\x02".to_vec(),
                    AUDIENCE,
                ),
                ("over-16-kib", oversize, AUDIENCE),
                ("empty", Vec::new(), AUDIENCE),
            ]);
        }
        Self { dir, cases }
    }
}

/// A bundle bound to VeraId's test service instead of Kliento's: the library signs it (the CLI
/// only issues Kliento-bound bundles) with the CLI-made key, certificate and chain.
fn wrong_service(dir: &Path) -> Vec<u8> {
    let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
    super::fixture::bundle_for_service(
        dir,
        "1.3.6.1.4.1.58708.1.1",
        now - jiff::SignedDuration::from_secs(60),
        now + jiff::SignedDuration::from_secs(3600),
        AUDIENCE,
    )
}

/// A running `kliento serve`; killed on drop if still running.
pub struct Server {
    pub address: SocketAddr,
    pub child: Child,
    stderr: Arc<Mutex<String>>,
    /// Collects stderr until the process closes it; joined once the process has exited.
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// `kliento serve --listen 127.0.0.1:0` with `args`; waits for its listening line.
    pub fn start(args: &[&str]) -> Self {
        Self::start_with(args, &[])
    }

    /// [`Server::start`] with environment variables.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = super::kliento_process();
        command.arg("serve");
        if !env.iter().any(|(k, _)| *k == "KLIENTO_LISTEN") {
            command.args(["--listen", "127.0.0.1:0"]);
        }
        command
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start kliento serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let stderr_reader = {
            let stderr = stderr.clone();
            let pipe = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut all = stderr.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
            })
        };
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(url) = line.trim().strip_prefix("listening on http://") else {
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
            panic!(
                "no listening line: {line:?}; stderr: {}",
                stderr.lock().unwrap()
            );
        };
        let address = url.split(' ').next().unwrap().parse().unwrap();
        Self {
            address,
            child,
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }

    /// What the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (at most 5 s) until stderr holds `needle`; stderr then.
    pub fn log_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.stderr();
            if log.contains(needle) || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit, at most `limit`; its exit code. Everything it wrote on
    /// stderr is in [`Server::stderr`] by then.
    pub fn wait(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                if let Some(reader) = self.stderr_reader.take() {
                    reader.join().unwrap();
                }
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("kliento serve did not exit within {limit:?}");
    }

    /// A connection to the server with a read timeout.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream
    }

    /// One request on a new connection: `POST path` with `headers` and `body`.
    pub fn post(&self, path: &str, content_type: Option<&str>, body: &[u8]) -> Response {
        let mut headers = Vec::new();
        if let Some(content_type) = content_type {
            headers.push(("Content-Type", content_type));
        }
        self.request("POST", path, &headers, body)
    }

    /// One request on a new connection.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut stream = self.connect();
        stream
            .write_all(&request_bytes(method, path, headers, body))
            .unwrap();
        read_response(&mut stream).expect("a response")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 request with Content-Length.
pub fn request_bytes(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: test\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A parsed response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as JSON, when it is.
    pub fn json_opt(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response (Content-Length bodies only, as the server sends); `None` when the
/// connection closes first.
pub fn read_response(stream: &mut TcpStream) -> Option<Response> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8(head).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    Some(Response {
        status,
        headers,
        body,
    })
}

/// `Kliento <base64>` for DER bytes.
pub fn header_value(der: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "Kliento {}",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}
