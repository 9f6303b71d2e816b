//! `kliento issue token`, `kliento verify` and `kliento inspect` end to end: the README
//! quickstart, the Kliento Verifier answer shapes, input forms and exit codes.

use crate::support::fixture::Org;
use crate::support::{kliento, write};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use predicates::str::contains;
use serde_json::{Value, json};
use std::path::Path;

const AUDIENCE: &str = "https://api.example.com";

/// This file's steps on the organisation fixture.
trait TokenSteps {
    /// `issue token` with the organisation key and chain, plus `extra` arguments.
    fn issue(&self, extra: &[&str]) -> Vec<u8>;
    fn verify(&self, input: &Path, extra: &[&str]) -> assert_cmd::assert::Assert;
}

impl TokenSteps for Org {
    /// `issue token` with the organisation key and chain, plus `extra` arguments.
    fn issue(&self, extra: &[&str]) -> Vec<u8> {
        kliento()
            .args([
                "issue",
                "token",
                "--audience",
                AUDIENCE,
                "--domain",
                "example.com",
            ])
            .arg("--key")
            .arg(self.path("org.pem"))
            .arg("--chain")
            .arg(self.path("chain.der"))
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    }

    fn verify(&self, input: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
        kliento()
            .arg("verify")
            .arg(input)
            .args(["--audience", AUDIENCE, "--trust-anchors"])
            .arg(self.path("root.ds"))
            .args(extra)
            .assert()
    }
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(output)))
}

#[test]
fn quickstart_issues_a_token_that_verifies_with_its_claims() {
    let setup = Org::new();
    let bundle = setup.issue(&[
        "--user",
        "alice",
        "--claim",
        "role=admin",
        "--claim",
        "team=ops",
    ]);
    let file = write(setup.dir.path(), "token.b64", &bundle);
    setup
        .verify(&file, &[])
        .success()
        .stdout("valid: alice@example.com\nrole=admin\nteam=ops\n");
    let output = setup
        .verify(&file, &["--format", "json"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json_of(&output),
        json!({"status": "valid", "subjectId": "alice@example.com", "claims": {"role": "admin", "team": "ops"}})
    );
}

#[test]
fn bots_are_the_default_subject_and_claims_may_be_empty() {
    let setup = Org::new();
    let file = write(setup.dir.path(), "token.b64", setup.issue(&[]));
    let output = setup
        .verify(&file, &["--format", "json"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json_of(&output),
        json!({"status": "valid", "subjectId": "example.com", "claims": {}})
    );
}

#[test]
fn member_signatures_verify_as_the_member() {
    let setup = Org::new();
    setup.member("alice", "alice.pem");
    let bundle = setup.member_token("alice", "alice.pem", &[]);
    let file = write(setup.dir.path(), "member.b64", bundle);
    setup
        .verify(&file, &[])
        .success()
        .stdout("valid: alice@example.com\n");
    let inspection = kliento()
        .args(["--format", "json", "inspect"])
        .arg(&file)
        .arg("--trust-anchors")
        .arg(setup.path("root.ds"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let inspection = json_of(&inspection);
    assert_eq!(inspection["member"]["signedBy"], "member");
    assert_eq!(inspection["memberCertificate"]["commonName"], "alice");
}

#[test]
fn verify_reads_der_base64_header_and_stdin() {
    let setup = Org::new();
    let der = setup.issue(&["--encoding", "der"]);
    let base64 = STANDARD.encode(&der);
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("token.der", der.clone()),
        ("token.b64", format!("{base64}\n").into_bytes()),
        (
            "token.hdr",
            format!("Authorization: Kliento {base64}\r\n").into_bytes(),
        ),
        (
            "token.url",
            base64
                .replace('+', "-")
                .replace('/', "_")
                .trim_end_matches('=')
                .as_bytes()
                .to_vec(),
        ),
    ];
    for (name, bytes) in inputs {
        let file = write(setup.dir.path(), name, bytes);
        setup
            .verify(&file, &[])
            .success()
            .stdout("valid: example.com\n");
    }
    kliento()
        .args(["verify", "--audience", AUDIENCE, "--trust-anchors"])
        .arg(setup.path("root.ds"))
        .write_stdin(setup.issue(&["--encoding", "header"]))
        .assert()
        .success();
}

#[test]
fn an_invalid_bundle_answers_invalid_with_exit_1() {
    let setup = Org::new();
    let file = write(
        setup.dir.path(),
        "token.b64",
        setup.issue(&["--valid-for", "5m"]),
    );
    let output = setup
        .verify(&file, &["--format", "json", "--at", "+1h"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let answer = json_of(&output);
    assert_eq!(answer["status"], "invalid");
    let error = answer["error"].as_str().unwrap();
    assert!(
        error.starts_with("Invalid VeraId signature bundle: Signature period ("),
        "{error}"
    );
    assert_eq!(
        answer.as_object().unwrap().len(),
        2,
        "no claims when invalid: {answer}"
    );
    kliento()
        .args(["verify", "--audience", "https://other.example"])
        .arg(&file)
        .arg("--trust-anchors")
        .arg(setup.path("root.ds"))
        .assert()
        .code(1)
        .stdout(format!(
            "invalid: Audience mismatch: Expected https://other.example, got {AUDIENCE}\n"
        ));
    // The IANA anchors do not vouch for a test chain.
    kliento()
        .args(["verify", "--audience", AUDIENCE])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(contains(
            "invalid: Invalid VeraId signature bundle: VeraId DNSSEC chain is BOGUS",
        ));
}

#[test]
fn a_malformed_bundle_answers_malformed_with_exit_3() {
    let setup = Org::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "junk.txt",
            b"not*base64!".to_vec(),
            "Token serialisation is malformed: not DER, base64",
        ),
        (
            "bearer.txt",
            b"Bearer abc".to_vec(),
            "Authorization scheme must be \\\"Kliento\\\"",
        ),
        ("huge.der", vec![0x30; 16_385], "over the 16384-byte limit"),
        (
            "short.der",
            b"\x30\x03\x02\x01\x00".to_vec(),
            "Token serialisation is malformed",
        ),
    ];
    for (name, bytes, message) in cases {
        let file = write(setup.dir.path(), name, bytes);
        let output = setup
            .verify(&file, &["--format", "json"])
            .code(3)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(output).unwrap();
        assert!(text.contains("\"status\": \"malformed\""), "{name}: {text}");
        assert!(text.contains(message), "{name}: {text}");
        kliento()
            .args(["inspect"])
            .arg(&file)
            .assert()
            .code(3)
            .stdout(contains("Status: malformed"));
    }
}

#[test]
fn inspect_shows_every_part_and_check_and_exits_0_when_decoded() {
    let setup = Org::new();
    let file = write(
        setup.dir.path(),
        "token.b64",
        setup.issue(&["--user", "alice", "--claim", "k=v"]),
    );
    let text = kliento()
        .arg("inspect")
        .arg(&file)
        .args(["--audience", "https://wrong.example", "--trust-anchors"])
        .arg(setup.path("root.ds"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    for expected in [
        "Organisation certificate: example.com",
        "Signature: service 1.3.6.1.4.1.58708.3.0",
        "DNSSEC chain: 8 messages",
        "_veraid.example.com./TXT TTL 300: 1 record(s)",
        "RRSIG alg 15",
        "[ok  ] dnssec: SECURE",
        "[FAIL] audience: Audience mismatch: Expected https://wrong.example, got https://api.example.com",
        "expected: https://wrong.example",
        "Status: invalid: Audience mismatch",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // Who signed and the claims come only from a verification that passed.
    for absent in ["Member:", "Token:", "claim k=v"] {
        assert!(
            !text.contains(absent),
            "{absent:?} shown for an invalid bundle:\n{text}"
        );
    }
    let json = kliento()
        .args(["--format", "json", "inspect"])
        .arg(&file)
        .arg("--trust-anchors")
        .arg(setup.path("root.ds"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json = json_of(&json);
    assert_eq!(json["schemaVersion"], 2);
    assert_eq!(json["input"]["encoding"], "base64");
    assert_eq!(json["organisation"]["name"], "example.com");
    assert_eq!(json["token"]["claims"], json!({"k": "v"}));
    assert_eq!(json["dnssec"]["messages"].as_array().unwrap().len(), 8);
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 14);
    assert_eq!(
        checks.last().unwrap()["outcome"],
        "not-requested",
        "no --audience given"
    );
    assert_eq!(json["status"], "valid-except-audience");
    assert_eq!(json["member"]["name"], "alice");
}

#[test]
fn inspect_without_audience_says_the_audience_was_not_checked_in_text_and_json_alike() {
    let setup = Org::new();
    let file = write(
        setup.dir.path(),
        "token.b64",
        setup.issue(&["--user", "alice", "--claim", "k=v"]),
    );
    let run = |format: &str| {
        let output = kliento()
            .args(["--format", format, "inspect"])
            .arg(&file)
            .arg("--trust-anchors")
            .arg(setup.path("root.ds"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(output).unwrap()
    };
    let text = run("text");
    let json = json_of(run("json").as_bytes());
    assert_eq!(json["status"], "valid-except-audience");
    assert_eq!(json["error"], Value::Null);
    assert_eq!(json["subjectId"], "alice@example.com");
    assert_eq!(
        text.lines().last().unwrap(),
        "Status: valid-except-audience: alice@example.com; every check passed but the \
         audience, which was not checked (pass --audience)"
    );
    assert!(text.contains("  claim k=v"), "{text}");
}

#[test]
fn inspect_json_has_every_key_whatever_fails() {
    let setup = Org::new();
    let valid = setup.issue(&["--user", "alice"]);
    let der = STANDARD
        .decode(String::from_utf8(valid.clone()).unwrap().trim())
        .unwrap();
    let inputs: [(&str, Vec<u8>); 3] = [
        ("valid", valid),
        ("not a bundle encoding", b"%%%".to_vec()),
        ("truncated DER", der[..der.len() / 2].to_vec()),
    ];
    let mut shapes = Vec::new();
    for (label, input) in inputs {
        let output = kliento()
            .args(["--format", "json", "inspect", "--trust-anchors"])
            .arg(setup.path("root.ds"))
            .write_stdin(input)
            .output()
            .unwrap();
        let json = json_of(&output.stdout);
        let keys: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
        let checks = json["checks"].as_array().unwrap();
        assert_eq!(checks.len(), 14, "{label}: {json}");
        for check in checks {
            let mut names: Vec<&String> = check.as_object().unwrap().keys().collect();
            names.sort();
            assert_eq!(
                names,
                ["actual", "detail", "expected", "name", "outcome", "title"],
                "{label}"
            );
        }
        shapes.push((label, keys));
    }
    for (label, keys) in &shapes[1..] {
        assert_eq!(keys, &shapes[0].1, "{label} has another shape");
    }
}

#[test]
fn inspect_json_gives_the_dnssec_walk_as_data() {
    let setup = Org::new();
    let file = write(
        setup.dir.path(),
        "token.b64",
        setup.issue(&["--user", "alice"]),
    );
    let output = kliento()
        .args(["--format", "json", "inspect"])
        .arg(&file)
        .args(["--audience", AUDIENCE, "--trust-anchors"])
        .arg(setup.path("root.ds"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json = json_of(&output);
    let walk = &json["dnssec"]["walk"];
    let zones = walk["zones"].as_array().unwrap();
    assert_eq!(zones[0]["zone"], ".");
    assert_eq!(
        zones[0]["dsSignature"],
        Value::Null,
        "the root's DS are the anchors"
    );
    assert!(zones[1]["dsSignature"]["keyTag"].is_u64(), "{walk}");
    assert_eq!(walk["answerSignature"]["rrset"], "_veraid.example.com./TXT");
    let work = &json["dnssec"]["work"];
    assert_eq!(work["signatureVerifications"], 6, "{work}");
}

#[test]
fn inspect_verbose_shows_the_dnssec_walk() {
    let setup = Org::new();
    let file = write(setup.dir.path(), "token.b64", setup.issue(&[]));
    kliento()
        .args(["-v", "inspect"])
        .arg(&file)
        .arg("--trust-anchors")
        .arg(setup.path("root.ds"))
        .assert()
        .success()
        .stdout(contains("DNSSEC walk:"))
        .stdout(contains("example.com."));
}

#[test]
fn issue_token_rejects_bad_flags_as_usage_errors() {
    let setup = Org::new();
    let base = |cmd: &mut assert_cmd::Command| {
        cmd.args([
            "issue",
            "token",
            "--audience",
            AUDIENCE,
            "--domain",
            "example.com",
            "--key",
        ])
        .arg(setup.path("org.pem"))
        .arg("--chain")
        .arg(setup.path("chain.der"));
    };
    let mut cmd = kliento();
    base(&mut cmd);
    cmd.args(["--claim", "novalue"])
        .assert()
        .code(2)
        .stderr(contains("\"novalue\" is not KEY=VALUE"));
    let mut cmd = kliento();
    base(&mut cmd);
    cmd.args(["--user", "alice", "--bot"]).assert().code(2);
    let mut cmd = kliento();
    base(&mut cmd);
    cmd.args(["--user", "a@b"])
        .assert()
        .code(2)
        .stderr(contains("--user"));
    let mut cmd = kliento();
    base(&mut cmd);
    cmd.arg("--member-cert")
        .arg(setup.path("x.crt"))
        .assert()
        .code(2)
        .stderr(contains("--member-key"));
    let mut cmd = kliento();
    base(&mut cmd);
    cmd.args(["--start", "+1h", "--expiry", "+1m"])
        .assert()
        .code(2)
        .stderr(contains("error: the token's validity period ends"));
}

#[test]
fn issue_token_reports_unreadable_inputs() {
    let setup = Org::new();
    let junk = write(setup.dir.path(), "junk.der", b"junk");
    kliento()
        .args([
            "issue",
            "token",
            "--audience",
            AUDIENCE,
            "--domain",
            "example.com",
            "--key",
        ])
        .arg(setup.path("org.pem"))
        .arg("--chain")
        .arg(&junk)
        .assert()
        .code(3)
        .stderr(contains("cannot read the DNSSEC chain in"));
    kliento()
        .args([
            "issue",
            "token",
            "--audience",
            AUDIENCE,
            "--domain",
            "example.com",
            "--key",
        ])
        .arg(setup.path("missing.pem"))
        .arg("--chain")
        .arg(setup.path("chain.der"))
        .assert()
        .code(4)
        .stderr(contains("no such file or directory"));
}

#[test]
fn der_bundles_are_never_written_to_a_terminal_and_files_are_private() {
    let setup = Org::new();
    let out = setup.path("token.der");
    setup.issue(&["--encoding", "der", "-o", out.to_str().unwrap()]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a bundle is a bearer credential");
    }
    setup.verify(&out, &[]).success();
}

#[test]
fn inspect_says_an_input_over_the_cap_was_not_read_whole() {
    let output = kliento()
        .arg("inspect")
        .write_stdin(vec![b'A'; 30_000])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Input: more than 22788 bytes"), "{text}");
    let output = kliento()
        .args(["--format", "json", "inspect"])
        .write_stdin(vec![b'A'; 30_000])
        .output()
        .unwrap();
    assert_eq!(json_of(&output.stdout)["input"]["bytes"], Value::Null);
}
