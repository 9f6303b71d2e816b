//! Command-line hardening rules (issue 8): untrusted strings escaped in text output, `issue`
//! commands refusing what could never verify, reports saying what was signed, names
//! normalised, and help texts that say what the flags do.

mod exchange_support;
mod support;

use exchange_support::{Answer, Scripted, jwt_file};
use serde_json::Value;
use std::path::PathBuf;
use support::{kliento, temp_dir, write};

const AUDIENCE: &str = "https://api.example.com";

/// An organisation key, a test chain for example.com and its anchors, in `dir`.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        Self::for_domain("example.com", &[])
    }

    fn for_domain(domain: &str, extra: &[&str]) -> Self {
        let dir = temp_dir();
        kliento()
            .args(["-q", "keygen", "-o"])
            .arg(dir.path().join("org.pem"))
            .assert()
            .success();
        kliento()
            .args(["-q", "issue", "test-chain", "--domain", domain, "--key"])
            .arg(dir.path().join("org.pem"))
            .arg("-o")
            .arg(dir.path().join("chain.der"))
            .arg("--trust-anchors-out")
            .arg(dir.path().join("root.ds"))
            .args(["--zone-algorithms", "ed25519"])
            .args(extra)
            .assert()
            .success();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `issue token` for example.com with the key, chain and anchors, plus `extra`.
    fn issue_cmd(&self, extra: &[&str]) -> assert_cmd::Command {
        let mut command = kliento();
        command
            .args(["issue", "token", "--domain", "example.com", "--key"])
            .arg(self.path("org.pem"))
            .arg("--chain")
            .arg(self.path("chain.der"))
            .arg("--trust-anchors")
            .arg(self.path("root.ds"))
            .args(extra);
        command
    }

    fn issue(&self, extra: &[&str]) -> Vec<u8> {
        self.issue_cmd(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    }

    fn check(&self, command: &str, input: &PathBuf, extra: &[&str]) -> std::process::Output {
        kliento()
            .arg(command)
            .arg(input)
            .arg("--trust-anchors")
            .arg(self.path("root.ds"))
            .args(extra)
            .output()
            .unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_raw_controls(what: &str, output: &str) {
    assert!(
        !output.contains('\u{1b}') && !output.contains('\u{7}') && !output.contains('\u{202e}'),
        "{what} carries raw control characters: {output:?}"
    );
}

#[test]
fn untrusted_strings_are_escaped_in_text_output() {
    let setup = Setup::new();
    let audience = "https://api.example.com/\u{1b}]0;owned\u{7}";
    let bundle = setup.issue(&[
        "--audience",
        audience,
        "--user",
        "eve\u{1b}[31m\u{202e}",
        "--claim",
        "note=hi\nrole=admin",
    ]);
    let file = write(setup.dir.path(), "token.b64", &bundle);

    // verify: one line per claim, the forged line stays inside its claim.
    let output = setup.check("verify", &file, &["--audience", audience]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert_eq!(
        stdout,
        "valid: eve\\u{1b}[31m\\u{202e}@example.com\nnote=hi\\nrole=admin\n"
    );

    // JSON is unaffected: the claim comes back as it was signed.
    let output = setup.check(
        "verify",
        &file,
        &["--audience", audience, "--format", "json"],
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["claims"]["note"], "hi\nrole=admin");
    assert_eq!(json["subjectId"], "eve\u{1b}[31m\u{202e}@example.com");

    // An invalid verdict quotes the token's audience: escaped too.
    let output = setup.check("verify", &file, &["--audience", AUDIENCE]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert_no_raw_controls("verify invalid", &stdout);
    assert!(stdout.contains("\\u{1b}]0;owned\\u{7}"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");

    // inspect: names, audience and claims escaped, on stdout and in the checks.
    let output = setup.check("inspect", &file, &["--audience", AUDIENCE, "-v"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert_no_raw_controls("inspect", &stdout);
    assert!(stdout.contains("claim note=hi\\nrole=admin\n"), "{stdout}");
    assert!(
        !stdout
            .lines()
            .any(|l| l.trim_start().starts_with("role=admin")),
        "{stdout}"
    );
    assert!(stdout.contains("user eve\\u{1b}[31m\\u{202e}"), "{stdout}");
}

#[test]
fn untrusted_strings_are_escaped_in_error_messages() {
    let dir = temp_dir();
    // An Authority whose problem type carries terminal escapes and a forged line.
    let body = br#"{"type":"https://example.com/\u001b[2J\nerror: forged"}"#.to_vec();
    let server = Scripted::start(vec![Answer::Reply(
        400,
        Some("application/problem+json"),
        body,
    )]);
    let output = kliento()
        .env_clear()
        .args([
            "exchange",
            &format!("{}/credentials/signatureBundles/abc", server.base),
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = text(&output.stderr);
    assert_no_raw_controls("exchange error", &stderr);
    assert!(stderr.contains("\\u{1b}[2J\\nerror: forged"), "{stderr}");
    assert!(
        !stderr.lines().any(|l| l.starts_with("error: forged")),
        "{stderr}"
    );
}

#[test]
fn exchange_details_are_text_not_debug_formats() {
    let dir = temp_dir();
    let bundle = exchange_support::outer_bundle();
    let server = Scripted::start(vec![Answer::Reply(
        200,
        Some("application/vnd.veraid.signature-bundle"),
        bundle.clone(),
    )]);
    let output = kliento()
        .env_clear()
        .args([
            "-vv",
            "exchange",
            &format!("{}/credentials/signatureBundles/abc", server.base),
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("Credential("), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "received a signature bundle: {} bytes, sent as binary DER",
            bundle.len()
        )),
        "{stderr}"
    );
}
