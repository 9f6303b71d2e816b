//! Shared test helpers: the `kliento` binary, temporary files, and the node oracle that runs the
//! reference implementation (@relaycorp/veraid) from tests/interop.
#![allow(dead_code)] // each test crate uses a different subset

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `kliento` as built for this test run, with a clean, deterministic environment.
pub fn kliento() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("kliento").expect("kliento binary");
    cmd.env_remove("KLIENTO_FORMAT")
        .env_remove("KLIENTO_TRUST_ANCHORS")
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1");
    cmd
}

/// A temporary directory that lives as long as the value.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// Whether tests that need an external tool must fail (CI) rather than skip when it is absent.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Skips (returns false, with a loud message) or fails under CI when `what` is unavailable.
pub fn available(what: &str, present: bool, how_to_get_it: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        !required(),
        "{what} is required under CI=true but absent: {how_to_get_it}"
    );
    eprintln!("\n!!! SKIPPED: {what} is absent ({how_to_get_it}) !!!\n");
    false
}

/// Whether the node oracle can run (node on PATH and `npm ci` done in tests/interop).
pub fn oracle_available() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let installed = interop_dir()
        .join("node_modules/@relaycorp/veraid/package.json")
        .exists();
    available(
        "the node oracle (@relaycorp/veraid)",
        node && installed,
        "install node and run `npm ci --prefix tests/interop`",
    )
}

/// Runs `node oracle.mjs <command>` over `cases` and returns one result per case.
pub fn oracle(command: &str, cases: Vec<Value>) -> Vec<Value> {
    oracle_script("oracle.mjs", command, cases)
}

/// Runs a node script of tests/interop with `{"cases": [...]}` on stdin; returns its results.
pub fn oracle_script(script: &str, command: &str, cases: Vec<Value>) -> Vec<Value> {
    let count = cases.len();
    let mut child = Command::new("node")
        .arg(script)
        .arg(command)
        .current_dir(interop_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let input = json!({ "cases": cases }).to_string();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to node");
    let output = child.wait_with_output().expect("node output");
    assert!(
        output.status.success(),
        "node {script} {command} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).expect("oracle JSON");
    let results = answer["results"].as_array().expect("results").clone();
    assert_eq!(results.len(), count, "one result per case");
    results
}
