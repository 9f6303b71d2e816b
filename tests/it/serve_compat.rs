//! `kliento serve` against a Kliento Verifier: the node peer tests/peers/verifier.mjs
//! implements Kliento Verifier's documented API on @relaycorp/veraid 3.1.2. The same requests
//! to both must get the same HTTP status and the same status, subject and claims, over the
//! bundle matrix in both body forms and the 400/415/404 cases. Skipped loudly without node and
//! `npm ci --prefix tests/interop`, except under CI=true.

use crate::support::serve::{
    Bundles, Response, Server, header_value, read_response, request_bytes,
};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The node Kliento Verifier; killed on drop.
struct NodeVerifier {
    address: SocketAddr,
    child: Child,
}

impl NodeVerifier {
    fn start(anchors: &Path) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/verifier.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg("--trust-anchors")
            .arg(anchors)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start node");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let started: Value = serde_json::from_str(&line).expect("the peer's URL line");
        let address = started["url"]
            .as_str()
            .unwrap()
            .trim_start_matches("http://")
            .parse()
            .unwrap();
        Self { address, child }
    }
}

impl Drop for NodeVerifier {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn send(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .write_all(&request_bytes(method, path, headers, body))
        .unwrap();
    read_response(&mut stream).expect("a response")
}

/// The part of an answer both must agree on.
fn comparable(response: &Response) -> (u16, Value) {
    let body = if response.header("content-type") == Some("application/json") {
        let json = response.json();
        match json["status"].as_str() {
            Some("valid") => serde_json::json!({
                "status": "valid",
                "subject": json["subject"],
                "claims": json["claims"],
            }),
            Some(status) => serde_json::json!({ "status": status }),
            None => json,
        }
    } else {
        Value::String(response.text())
    };
    (response.status, body)
}

#[test]
fn kliento_serve_answers_as_kliento_verifier_does() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let bundles = Bundles::all();
    let anchors = bundles.anchors();
    let node = NodeVerifier::start(&anchors);
    let kliento = Server::start(&["--trust-anchors", anchors.to_str().unwrap()]);
    let mut compared = 0;
    let mut check =
        |label: String, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]| {
            let theirs = send(node.address, method, path, headers, body);
            let ours = send(kliento.address, method, path, headers, body);
            let (theirs_c, ours_c) = (comparable(&theirs), comparable(&ours));
            assert_eq!(
                ours_c, theirs_c,
                "{label}: kliento {ours:?} / node {theirs:?}"
            );
            // Reasons start with the reference's top-level message.
            if let (Some(their_error), Some(our_error)) = (
                theirs
                    .json_opt()
                    .and_then(|j| j["error"].as_str().map(str::to_string)),
                ours.json_opt()
                    .and_then(|j| j["error"].as_str().map(str::to_string)),
            ) {
                assert!(
                    our_error.starts_with(&their_error),
                    "{label}: kliento says {our_error:?}, node {their_error:?}"
                );
            }
            compared += 1;
        };
    for (name, bytes, audience) in &bundles.cases {
        let path = format!(
            "/?audience={}",
            audience.replace(':', "%3A").replace('/', "%2F")
        );
        check(
            format!("{name}, DER, no content type"),
            "POST",
            &path,
            &[],
            bytes,
        );
        check(
            format!("{name}, DER"),
            "POST",
            &path,
            &[("Content-Type", "application/vnd.kliento.token-bundle")],
            bytes,
        );
        check(
            format!("{name}, header"),
            "POST",
            &path,
            &[("Content-Type", "application/vnd.kliento.auth-header")],
            header_value(bytes).as_bytes(),
        );
    }
    let user = bundles.get("valid-user");
    let bundle_type = [("Content-Type", "application/vnd.kliento.token-bundle")];
    for (label, method, path, headers) in [
        ("no audience", "POST", "/", &bundle_type[..]),
        ("empty audience", "POST", "/?audience=", &bundle_type[..]),
        ("other parameter", "POST", "/?aud=x", &bundle_type[..]),
        (
            "audience with + as a space",
            "POST",
            "/?audience=a+b",
            &bundle_type[..],
        ),
        (
            "text/plain",
            "POST",
            "/?audience=x",
            &[("Content-Type", "text/plain")][..],
        ),
        (
            "octet-stream",
            "POST",
            "/?audience=x",
            &[("Content-Type", "application/octet-stream")][..],
        ),
        (
            "form",
            "POST",
            "/?audience=x",
            &[("Content-Type", "application/x-www-form-urlencoded")][..],
        ),
        (
            "no audience and a bad type",
            "POST",
            "/",
            &[("Content-Type", "text/plain")][..],
        ),
        ("GET /", "GET", "/", &[][..]),
        ("GET / with audience", "GET", "/?audience=x", &[][..]),
        ("PUT /", "PUT", "/?audience=x", &[][..]),
        (
            "POST elsewhere",
            "POST",
            "/verify?audience=x",
            &bundle_type[..],
        ),
    ] {
        check(label.to_string(), method, path, headers, &user);
    }
    assert_eq!(compared, bundles.cases.len() * 3 + 12);
    assert!(bundles.cases.len() >= 12);
}
