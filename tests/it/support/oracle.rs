//! The node oracle: scripts of tests/interop running the reference implementation
//! (@relaycorp/veraid) over JSON cases. Check [`super::gate::node_oracle`] first.

use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn interop_dir() -> PathBuf {
    super::gate::root().join("tests/interop")
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
