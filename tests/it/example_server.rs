//! examples/server.rs, the minimal HTTP server of the library docs (issue 9): built, started on
//! a free loopback port with a test chain's anchors, and asked with good and bad
//! `Authorization: Kliento ...` headers.

use crate::support::serve::{Bundles, Response, header_value, read_response, request_bytes};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn get(address: &str, authorization: Option<&str>) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let headers: Vec<(&str, &str)> = authorization
        .map(|value| ("Authorization", value))
        .into_iter()
        .collect();
    stream
        .write_all(&request_bytes("GET", "/", &headers, b""))
        .unwrap();
    read_response(&mut stream).expect("a response")
}

#[test]
fn the_example_server_answers_200_with_the_subject_or_401_with_the_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut build = Command::new(env!("CARGO"));
    // Without the variables cargo sets for tests, which would make this build differ from the
    // one that built the tests (and each rebuild the other's crates).
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if (name.starts_with("CARGO_") && name != "CARGO_HOME" && name != "CARGO_TARGET_DIR")
            || name == "OUT_DIR"
        {
            build.env_remove(name);
        }
    }
    let built = build
        .args(["build", "--quiet", "--example", "server"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(built.success());
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), Into::into);
    let bundles = Bundles::valid();
    let child = Command::new(target.join("debug/examples/server"))
        .arg("127.0.0.1:0")
        .arg(bundles.anchors())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_string();

    let user = bundles.get("valid-user");
    let response = get(&address, Some(&header_value(&user)));
    assert_eq!(response.status, 200);
    assert_eq!(
        response.text(),
        "hello alice@example.com\nrole=admin\nteam=ops\n"
    );
    let response = get(&address, Some(&header_value(&bundles.get("valid-bot"))));
    assert_eq!(response.text(), "hello example.com\n");

    let mut tampered = user.clone();
    let at = tampered
        .windows(15)
        .position(|w| w == b"api.example.com")
        .unwrap();
    tampered[at..at + 15].copy_from_slice(b"api.example.net");
    let response = get(&address, Some(&header_value(&tampered)));
    assert_eq!(response.status, 401);
    assert_eq!(response.header("www-authenticate"), Some("Kliento"));
    assert!(
        response
            .text()
            .starts_with("Invalid VeraId signature bundle: "),
        "{}",
        response.text()
    );
    for header in [None, Some("Bearer abc"), Some("Kliento !!!")] {
        let response = get(&address, header);
        assert_eq!(response.status, 401, "{header:?}");
        assert!(
            response
                .text()
                .starts_with("Token serialisation is malformed: "),
            "{header:?}: {}",
            response.text()
        );
    }
}

/// The example's process, killed when the test ends, passed or not.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
