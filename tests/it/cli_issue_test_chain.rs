//! `kliento issue test-chain` end to end: arguments, files written, output and exit codes. The
//! chains written are checked with the library's validator against the anchors file written.

use crate::support::kliento;
use kliento::dnssec::{DnssecChain, Status, TxtAnswer, parse_trust_anchors, validate_veraid_txt};
use kliento::domain::Domain;
use kliento::time::{Period, Timestamp};
use kliento::veraid::txt::TxtRdata;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A temporary directory holding a fresh organisation key `org.pem`.
fn workdir() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let key = dir.path().join("org.pem");
    kliento()
        .args(["keygen", "-o"])
        .arg(&key)
        .assert()
        .success();
    (dir, key)
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn validate(chain: &Path, anchors: &Path, domain: &str, at: Period) -> (Status, String) {
    let chain = DnssecChain::from_der(&fs::read(chain).unwrap()).unwrap();
    let anchors = parse_trust_anchors(&fs::read_to_string(anchors).unwrap()).unwrap();
    let domain: Domain = domain.parse().unwrap();
    let outcome = validate_veraid_txt(&chain, &domain, &at, &anchors);
    let reason = outcome.reason.map(|r| r.to_string()).unwrap_or_default();
    (outcome.status, reason)
}

#[test]
fn writes_chain_and_anchor_that_validate_together() {
    let (dir, key) = workdir();
    let chain = dir.path().join("chain.der");
    let anchors = dir.path().join("anchors.txt");
    kliento()
        .args(["issue", "test-chain", "--domain", "example.com", "--key"])
        .arg(&key)
        .arg("-o")
        .arg(&chain)
        .arg("--trust-anchors-out")
        .arg(&anchors)
        .args(["--start", "2026-01-01T00:00:00Z", "--valid-for", "7d"])
        .args(["--service", "1.3.6.1.4.1.58708.1.1", "--ttl-override", "1d"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "wrote a test DNSSEC chain for _veraid.example.com. (8 messages, ",
        ))
        .stderr(predicate::str::contains(
            "RRSIGs valid 2026-01-01T00:00:00Z..2026-01-08T00:00:00Z",
        ));
    assert_eq!(fs::read(&chain).unwrap()[0], 0x31, "DER SET");
    let at = Period::instant(ts("2026-01-05T00:00:00Z"));
    assert_eq!(
        validate(&chain, &anchors, "example.com", at).0,
        Status::Secure
    );
    let late = Period::instant(ts("2026-01-09T00:00:00Z"));
    let (status, reason) = validate(&chain, &anchors, "example.com", late);
    assert_eq!(status, Status::Bogus);
    assert!(
        reason.contains("expired 2026-01-08T00:00:00Z, 1 day before"),
        "{reason}"
    );

    // The TXT record is what `kliento txt-record` prints for the key.
    let expected = kliento()
        .args([
            "txt-record",
            "--ttl-override",
            "86400",
            "--service",
            "1.3.6.1.4.1.58708.1.1",
        ])
        .arg("--key")
        .arg(&key)
        .output()
        .unwrap();
    let parsed = DnssecChain::from_der(&fs::read(&chain).unwrap()).unwrap();
    let answer = TxtAnswer::from_chain(&parsed, &"example.com".parse().unwrap()).unwrap();
    let strings: Vec<Vec<&[u8]>> = answer.strings().collect();
    let rdata = TxtRdata::parse_strings(&strings[0]).unwrap();
    assert_eq!(
        format!("{rdata}\n"),
        String::from_utf8(expected.stdout).unwrap()
    );
}

#[test]
fn anchors_file_is_a_commented_ds_line() {
    let (dir, key) = workdir();
    let anchors = dir.path().join("anchors.txt");
    kliento()
        .args(["issue", "test-chain", "--domain", "example.org", "--key"])
        .arg(&key)
        .args(["-o", "-", "--trust-anchors-out"])
        .arg(&anchors)
        .args(["--zone-algorithms", "ed25519"])
        .assert()
        .success()
        .stdout(predicate::function(|out: &[u8]| out.first() == Some(&0x31)));
    let text = fs::read_to_string(&anchors).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("; throw-away test root"));
    assert!(lines[1].starts_with(". IN DS "), "{}", lines[1]);
    assert!(
        lines[1].contains(" 15 2 "),
        "Ed25519 root, SHA-256 digest: {}",
        lines[1]
    );
}

#[test]
fn json_report_describes_the_chain() {
    let (dir, key) = workdir();
    let chain = dir.path().join("c.der");
    let anchors = dir.path().join("a.txt");
    let output = kliento()
        .args([
            "--format",
            "json",
            "issue",
            "test-chain",
            "--domain",
            "a.example.com",
        ])
        .arg("--key")
        .arg(&key)
        .arg("-o")
        .arg(&chain)
        .arg("--trust-anchors-out")
        .arg(&anchors)
        .args([
            "--zone-algorithms",
            "ecdsap256sha256,ed25519",
            "--start",
            "-1h",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(
        report["zones"],
        serde_json::json!([".", "com.", "example.com.", "a.example.com."])
    );
    assert_eq!(report["messages"], 10);
    assert_eq!(report["bytes"], fs::read(&chain).unwrap().len());
    let anchor = report["trustAnchor"].as_str().unwrap();
    assert!(fs::read_to_string(&anchors).unwrap().contains(anchor));
    let inception: Timestamp = report["signatureInception"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let expiration: Timestamp = report["signatureExpiration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        expiration.as_second() - inception.as_second(),
        30 * 86_400,
        "default 30d"
    );
    let now = Period::instant(
        inception
            .checked_add(jiff::SignedDuration::from_secs(3600))
            .unwrap(),
    );
    assert_eq!(
        validate(&chain, &anchors, "a.example.com", now).0,
        Status::Secure
    );
}

#[test]
fn json_report_needs_the_chain_in_a_file() {
    let (dir, key) = workdir();
    kliento()
        .args([
            "--format",
            "json",
            "issue",
            "test-chain",
            "--domain",
            "example.com",
        ])
        .arg("--key")
        .arg(&key)
        .args(["-o", "-", "--trust-anchors-out"])
        .arg(dir.path().join("a.txt"))
        .assert()
        .code(2)
        // Issue 18.5: in JSON mode a failure is one JSON object on stderr.
        .stderr(
            "{\"error\":\"--format json needs -o FILE: stdout carries the JSON report\",\"hint\":null,\"exitCode\":2}\n",
        );
}

#[test]
fn refuses_to_overwrite_without_force() {
    let (dir, key) = workdir();
    let chain = dir.path().join("chain.der");
    fs::write(&chain, b"keep").unwrap();
    let run = |force: bool| {
        let mut cmd = kliento();
        cmd.args(["issue", "test-chain", "--domain", "example.com", "--key"])
            .arg(&key)
            .arg("-o")
            .arg(&chain)
            .arg("--trust-anchors-out")
            .arg(dir.path().join("a.txt"))
            .args(["--zone-algorithms", "ed25519"]);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    run(false)
        .code(2)
        .stderr(predicate::str::contains(
            "chain.der already exists; refusing to overwrite it",
        ))
        .stderr(predicate::str::contains("hint: pass --force to replace it"));
    assert_eq!(fs::read(&chain).unwrap(), b"keep");
    run(true).success();
    assert_eq!(fs::read(&chain).unwrap()[0], 0x31);
}

#[test]
fn rejects_bad_flag_values_as_usage_errors() {
    let (dir, key) = workdir();
    let base = |extra: &[&str]| {
        let mut cmd = kliento();
        cmd.args(["issue", "test-chain", "--domain", "example.com", "--key"])
            .arg(&key)
            .arg("-o")
            .arg(dir.path().join("c.der"))
            .arg("--trust-anchors-out")
            .arg(dir.path().join("a.txt"))
            .args(extra);
        cmd.assert()
    };
    base(&["--start", "tomorrow"])
        .code(2)
        .stderr(predicate::str::contains("\"tomorrow\" is not a time"));
    base(&["--ttl-override", "91d"])
        .code(2)
        .stderr(predicate::str::contains(
            "TTL override must not exceed 90 days",
        ));
    base(&["--start", "2105-12-01T00:00:00Z", "--valid-for", "90d"])
        .code(2)
        .stderr(predicate::str::contains(
            "out of range (supported: 1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z)",
        ));
    base(&["--zone-algorithms", "ed448"]).code(2);
    assert!(!dir.path().join("c.der").exists());
}

#[test]
fn rejects_unusable_key_as_malformed() {
    let dir = TempDir::new().unwrap();
    let key = dir.path().join("key.pem");
    fs::write(&key, "not a key").unwrap();
    kliento()
        .args(["issue", "test-chain", "--domain", "example.com", "--key"])
        .arg(&key)
        .arg("-o")
        .arg(dir.path().join("c.der"))
        .arg("--trust-anchors-out")
        .arg(dir.path().join("a.txt"))
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with(format!(
            "error: cannot read the key in {}: ",
            key.display()
        )));
    assert!(!dir.path().join("a.txt").exists());
}
