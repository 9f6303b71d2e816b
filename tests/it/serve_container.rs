//! The Dockerfile's contract, checked without a container (no registry is reachable here to
//! pull its base images): the binary runs with the image's ENTRYPOINT, ENV and USER, listens on
//! all interfaces, answers its probes, and stops with exit 0 on SIGTERM.

use crate::support::serve::read_response;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn dockerfile() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Dockerfile")).unwrap()
}

/// The value of the last `INSTRUCTION` line.
fn instruction<'a>(file: &'a str, name: &str) -> &'a str {
    file.lines()
        .rev()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in the Dockerfile"))
        .trim()
}

#[test]
fn the_image_entrypoint_serves_on_all_interfaces_as_a_non_root_user() {
    let file = dockerfile();
    let stages = file.lines().filter(|l| l.starts_with("FROM ")).count();
    assert_eq!(
        stages, 2,
        "multi-stage: a build stage and a small final one"
    );
    assert_eq!(instruction(&file, "EXPOSE"), "3000");
    assert_eq!(instruction(&file, "ENV"), "KLIENTO_LISTEN=0.0.0.0:3000");
    let user = instruction(&file, "USER");
    assert!(!user.starts_with("0") && user != "root", "{user}");
    let entrypoint: Vec<String> = serde_json::from_str(instruction(&file, "ENTRYPOINT")).unwrap();
    assert_eq!(entrypoint[0], "/usr/local/bin/kliento");

    // The same command, binary and environment (port 0: 3000 may be taken here).
    let mut command = if cfg!(unix) && is_root() && Path::new("/usr/bin/setpriv").exists() {
        let (uid, gid) = user.split_once(':').unwrap_or((user, user));
        let mut command = Command::new("/usr/bin/setpriv");
        command
            .args(["--reuid", uid, "--regid", gid, "--clear-groups", "--"])
            .arg(crate::support::binary());
        command
    } else {
        Command::new(crate::support::binary())
    };
    let mut child = command
        .args(&entrypoint[1..])
        .env_clear()
        .env("KLIENTO_LISTEN", "0.0.0.0:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("listening on http://0.0.0.0:")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let get = |path: &str| {
        let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
        read_response(&mut stream).unwrap().status
    };
    assert_eq!(get("/"), 404, "Kliento Verifier's probe");
    assert_eq!(get("/healthz"), 200);
    assert_eq!(get("/readyz"), 200);
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    })
}
