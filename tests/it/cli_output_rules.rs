//! Command-line hardening rules (issue 8): untrusted strings escaped in text output, `issue`
//! commands refusing what could never verify, reports saying what was signed, names
//! normalised, and help texts that say what the flags do.

use crate::support::fixture::Org;
use crate::support::http::{Answer, HttpServer};
use crate::support::peers::jwt_file;
use crate::support::{kliento, temp_dir, write};
use serde_json::Value;
use std::path::{Path, PathBuf};

const AUDIENCE: &str = "https://api.example.com";

/// This file's steps on the organisation fixture.
trait RuleSteps {
    /// `issue token` for example.com with the key, chain and anchors, plus `extra`.
    fn issue_cmd(&self, extra: &[&str]) -> assert_cmd::Command;
    fn issue(&self, extra: &[&str]) -> Vec<u8>;
    fn check(&self, command: &str, input: &Path, extra: &[&str]) -> std::process::Output;
}

impl RuleSteps for Org {
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

    fn check(&self, command: &str, input: &Path, extra: &[&str]) -> std::process::Output {
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
    let setup = Org::new();
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

    // inspect: the audience escaped in the failing check...
    let output = setup.check("inspect", &file, &["--audience", AUDIENCE, "-v"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert_no_raw_controls("inspect", &stdout);
    assert!(stdout.contains("\\u{1b}]0;owned\\u{7}"), "{stdout}");
    // ... and names and claims (shown once the other checks pass) escaped too.
    let output = setup.check("inspect", &file, &["-v"]);
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
    let server = HttpServer::scripted(vec![Answer::Reply(
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
    let bundle = crate::support::peers::outer_bundle();
    let server = HttpServer::scripted(vec![Answer::Reply(
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
            "received a signature bundle: <redacted, {} bytes>, sent as binary DER",
            bundle.len()
        )),
        "{stderr}"
    );
}

/// `issue token` for example.com over `chain` with `extra` flags, writing `out` in the setup.
fn issue_over(setup: &Org, chain: &PathBuf, out: &str, extra: &[&str]) -> std::process::Output {
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
        .arg(setup.path("org.pem"))
        .arg("--chain")
        .arg(chain)
        .arg("-o")
        .arg(setup.path(out))
        .args(extra)
        .output()
        .unwrap()
}

/// Asserts a refusal: exit 1, the failing check named, a hint, and no file written.
fn assert_refused(setup: &Org, output: &std::process::Output, out: &str, check: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(check), "{check} not named: {stderr}");
    assert!(
        stderr.contains("hint:") && stderr.contains("--allow-invalid"),
        "{stderr}"
    );
    assert!(!setup.path(out).exists(), "{out} was written");
}

#[test]
fn issue_token_refuses_a_bundle_that_would_not_verify_at_its_start() {
    let setup = Org::new();
    let anchors = setup.path("root.ds");
    let anchors = ["--trust-anchors", anchors.to_str().unwrap()];

    // A chain for another domain.
    let org = Org::for_domain("example.org", &[]);
    std::fs::copy(org.path("chain.der"), setup.path("org-chain.der")).unwrap();
    let output = issue_over(&setup, &setup.path("org-chain.der"), "a.b64", &[]);
    assert_refused(&setup, &output, "a.b64", "txt-record");

    // A chain whose TXT record names another key.
    let other = Org::new();
    let output = issue_over(&setup, &other.path("chain.der"), "b.b64", &[]);
    assert_refused(&setup, &output, "b.b64", "txt-record");

    // A chain whose TXT record is for another service.
    let chain = temp_dir();
    kliento()
        .args([
            "-q",
            "issue",
            "test-chain",
            "--domain",
            "example.com",
            "--key",
        ])
        .arg(setup.path("org.pem"))
        .arg("-o")
        .arg(chain.path().join("c.der"))
        .arg("--trust-anchors-out")
        .arg(chain.path().join("c.ds"))
        .args(["--service", "1.3.6.1.4.1.58708.1.1"])
        .assert()
        .success();
    let output = issue_over(&setup, &chain.path().join("c.der"), "c.b64", &[]);
    assert_refused(&setup, &output, "c.b64", "txt-record");

    // A chain whose RRSIGs expired.
    kliento()
        .args([
            "-q",
            "issue",
            "test-chain",
            "--domain",
            "example.com",
            "--key",
        ])
        .arg(setup.path("org.pem"))
        .arg("-o")
        .arg(setup.path("old.der"))
        .arg("--trust-anchors-out")
        .arg(setup.path("old.ds"))
        .args(["--start", "-40d", "--valid-for", "30d"])
        .assert()
        .success();
    let output = issue_over(&setup, &setup.path("old.der"), "d.b64", &[]);
    assert_refused(&setup, &output, "d.b64", "dnssec");

    // An empty validity, and one that is over before the token is issued.
    let output = issue_over(
        &setup,
        &setup.path("chain.der"),
        "e.b64",
        &["--valid-for", "0"],
    );
    assert_refused(&setup, &output, "e.b64", "empty");
    kliento()
        .args([
            "-q",
            "issue",
            "test-chain",
            "--domain",
            "example.com",
            "--key",
        ])
        .arg(setup.path("org.pem"))
        .arg("-o")
        .arg(setup.path("week.der"))
        .arg("--trust-anchors-out")
        .arg(setup.path("week.ds"))
        .args(["--start", "-7d"])
        .assert()
        .success();
    let past = ["--start", "-2d", "--expiry", "-1d"];
    let output = issue_over(&setup, &setup.path("week.der"), "f.b64", &past);
    assert_refused(&setup, &output, "f.b64", "expired");

    // --allow-invalid writes it anyway, with a warning.
    let output = issue_over(
        &setup,
        &setup.path("org-chain.der"),
        "g.b64",
        &[&anchors[..], &["--allow-invalid"]].concat(),
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning:") && stderr.contains("txt-record"),
        "{stderr}"
    );
    assert!(setup.path("g.b64").exists());
    let output = setup.check("verify", &setup.path("g.b64"), &["--audience", AUDIENCE]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the bundle is indeed invalid"
    );
}

#[test]
fn issue_token_over_a_test_chain_needs_it_secure_from_its_own_root() {
    let setup = Org::new();
    // No --trust-anchors: the IANA anchors do not hold the test root; the chain is checked
    // from its own root, and the command says verifiers will need its anchors.
    let output = issue_over(&setup, &setup.path("chain.der"), "t.b64", &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("--trust-anchors"), "{stderr}");
    let output = setup.check("verify", &setup.path("t.b64"), &["--audience", AUDIENCE]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    // With anchors that match, nothing to say.
    let output = issue_over(
        &setup,
        &setup.path("chain.der"),
        "u.b64",
        &["--trust-anchors", setup.path("root.ds").to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(
        !text(&output.stderr).contains("trust anchors"),
        "{}",
        text(&output.stderr)
    );
    // A test chain that is not SECURE from its own root is still refused.
    kliento()
        .args([
            "-q",
            "issue",
            "test-chain",
            "--domain",
            "example.com",
            "--key",
        ])
        .arg(setup.path("org.pem"))
        .arg("-o")
        .arg(setup.path("late.der"))
        .arg("--trust-anchors-out")
        .arg(setup.path("late.ds"))
        .args(["--start", "+2d"])
        .assert()
        .success();
    let output = issue_over(&setup, &setup.path("late.der"), "v.b64", &[]);
    assert_refused(&setup, &output, "v.b64", "dnssec");
}

#[test]
fn issue_token_reports_the_times_it_signed() {
    let setup = Org::new();
    let output = setup
        .issue_cmd(&["--audience", AUDIENCE, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let bundle = report["bundle"].as_str().unwrap();
    let file = write(setup.dir.path(), "t.b64", bundle);
    let output = setup.check(
        "inspect",
        &file,
        &["--audience", AUDIENCE, "--format", "json"],
    );
    let inspected: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["start"], inspected["signature"]["start"]);
    assert_eq!(report["expiry"], inspected["signature"]["end"]);
    assert!(!report["start"].as_str().unwrap().contains('.'), "{report}");
}

#[test]
fn domains_are_normalised_to_lower_case() {
    let setup = Org::new();
    let output = kliento()
        .args([
            "issue",
            "token",
            "--audience",
            AUDIENCE,
            "--domain",
            "EXAMPLE.Com",
        ])
        .args(["--user", "alice", "--key"])
        .arg(setup.path("org.pem"))
        .arg("--chain")
        .arg(setup.path("chain.der"))
        .arg("--trust-anchors")
        .arg(setup.path("root.ds"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let file = write(setup.dir.path(), "t.b64", &output.stdout);
    let output = setup.check("verify", &file, &["--audience", AUDIENCE]);
    assert_eq!(text(&output.stdout), "valid: alice@example.com\n");

    let output = kliento()
        .args([
            "--format",
            "json",
            "issue",
            "org-cert",
            "--domain",
            "Example.COM",
            "--key",
        ])
        .arg(setup.path("org.pem"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["commonName"], "example.com");

    kliento()
        .args(["txt-record", "--domain", "EXAMPLE.COM", "--key"])
        .arg(setup.path("org.pem"))
        .assert()
        .success()
        .stdout(predicates::str::starts_with("_veraid.example.com. "));
}

#[test]
fn empty_user_names_are_refused() {
    let setup = Org::new();
    let output = setup
        .issue_cmd(&["--audience", AUDIENCE, "--user", ""])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("--bot"),
        "{}",
        text(&output.stderr)
    );
    let output = kliento()
        .args(["issue", "member-cert", "--user", "", "--org-key"])
        .arg(setup.path("org.pem"))
        .arg("--org-cert")
        .arg(setup.path("org.pem"))
        .arg("--member-key")
        .arg(setup.path("org.pem"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_chain_under_foreign_anchors_gets_a_trust_anchors_hint() {
    let setup = Org::new();
    let file = write(
        setup.dir.path(),
        "t.b64",
        setup.issue(&["--audience", AUDIENCE]),
    );
    for command in ["verify", "inspect"] {
        let output = kliento()
            .args([command, "--audience", AUDIENCE])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("hint:") && stderr.contains("--trust-anchors"),
            "{command}: {stderr}"
        );
    }
    // Not when the anchors are the chain's.
    let output = setup.check("verify", &file, &["--audience", AUDIENCE]);
    assert!(!text(&output.stderr).contains("hint:"));
}

#[test]
fn issue_certificates_refuse_what_would_not_verify() {
    let setup = Org::new();
    let org_cert = |out: &str, extra: &[&str]| {
        kliento()
            .args(["issue", "org-cert", "--domain", "example.com", "--key"])
            .arg(setup.path("org.pem"))
            .arg("-o")
            .arg(setup.path(out))
            .args(extra)
            .output()
            .unwrap()
    };
    let output = org_cert("empty.crt", &["--valid-for", "0"]);
    assert_refused(&setup, &output, "empty.crt", "empty");
    let output = org_cert("old.crt", &["--start", "-2d", "--expiry", "-1d"]);
    assert_refused(&setup, &output, "old.crt", "expired");
    let output = org_cert("future.crt", &["--start", "+1d"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = org_cert("org.crt", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    let member_cert = |org: &str, out: &str, extra: &[&str]| {
        kliento()
            .args(["issue", "member-cert", "--user", "alice", "--org-key"])
            .arg(setup.path("org.pem"))
            .arg("--org-cert")
            .arg(setup.path(org))
            .arg("--member-key")
            .arg(setup.path("org.pem"))
            .arg("-o")
            .arg(setup.path(out))
            .args(extra)
            .output()
            .unwrap()
    };
    // The organisation certificate must be valid when the member certificate starts.
    let output = member_cert("future.crt", "a.crt", &[]);
    assert_refused(
        &setup,
        &output,
        "a.crt",
        "organisation certificate is not valid",
    );
    let output = member_cert("org.crt", "b.crt", &["--start", "-1d"]);
    assert_refused(
        &setup,
        &output,
        "b.crt",
        "organisation certificate is not valid",
    );
    let output = member_cert("org.crt", "c.crt", &["--valid-for", "0"]);
    assert_refused(&setup, &output, "c.crt", "empty");
    let output = member_cert("org.crt", "d.crt", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = member_cert("future.crt", "e.crt", &["--allow-invalid"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stderr).contains("warning:"));
    assert!(setup.path("e.crt").exists());
}

fn help_of(args: &[&str]) -> String {
    let output = kliento().args(args).arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    text(&output.stdout)
}

#[test]
fn help_states_defaults_and_uses_meaningful_value_names() {
    let commands: [&[&str]; 12] = [
        &[],
        &["keygen"],
        &["txt-record"],
        &["issue", "token"],
        &["issue", "org-cert"],
        &["issue", "member-cert"],
        &["issue", "chain"],
        &["issue", "test-chain"],
        &["verify"],
        &["inspect"],
        &["exchange"],
        &["man"],
    ];
    for command in commands {
        let help = help_of(command);
        for vague in [
            "<T>",
            "<SECONDS>",
            "<JWT_SOURCE>",
            "<OIDC_TOKEN>",
            "<COLOR>",
        ] {
            assert!(!help.contains(vague), "{command:?} --help shows {vague}");
        }
        assert!(
            !help.contains("more detail on stderr (repeat for more)\n"),
            "{command:?}: -v is not only stderr"
        );
        let exit_1 = help
            .lines()
            .find(|l| l.trim_start().starts_with("1  "))
            .unwrap();
        assert!(exit_1.contains("issue"), "{command:?}: {exit_1}");
    }
    assert!(help_of(&["issue", "token"]).contains("[default: 5m]"));
    assert!(help_of(&["issue", "org-cert"]).contains("[default: 90d]"));
    assert!(help_of(&["issue", "member-cert"]).contains("[default: 90d"));
    assert!(help_of(&["inspect"]).contains("inspect -v"));
    assert!(help_of(&["exchange"]).contains("--timeout <DURATION>"));
    assert!(help_of(&["verify"]).contains("--at <TIME>"));
}

#[test]
fn man_pages_have_environment_and_exit_status_sections() {
    let dir = temp_dir();
    kliento()
        .args(["-q", "man", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let mut pages = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        pages += 1;
        assert!(!page.contains(".SH EXTRA"), "{page}");
        assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
        assert!(page.contains(".SH \"ENVIRONMENT\""), "{page}");
        assert!(
            page.contains("KLIENTO_FORMAT") && page.contains("NO_COLOR"),
            "{page}"
        );
    }
    assert!(pages >= 10);
    let verify = std::fs::read_to_string(dir.path().join("kliento-verify.1")).unwrap();
    assert!(verify.contains("KLIENTO_TRUST_ANCHORS"));
    let exchange = std::fs::read_to_string(dir.path().join("kliento-exchange.1")).unwrap();
    assert!(exchange.contains("GITHUB_OUTPUT"));
}

#[test]
fn keygen_note_names_every_file_written() {
    let dir = temp_dir();
    let output = kliento()
        .args(["keygen", "-o"])
        .arg(dir.path().join("k.pem"))
        .arg("--public-out")
        .arg(dir.path().join("k.pub.pem"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("k.pem (mode 0600)"), "{stderr}");
    assert!(
        stderr.contains("public key to") && stderr.contains("k.pub.pem"),
        "{stderr}"
    );
}

#[test]
fn inspect_labels_the_member_key_by_its_size() {
    let setup = Org::new();
    let dir = setup.dir.path();
    setup.member("alice", "member.pem");
    let anchors = setup.path("root.ds");
    let bundle = setup.member_token(
        "alice",
        "member.pem",
        &["--trust-anchors", anchors.to_str().unwrap()],
    );
    let file = write(dir, "t.b64", bundle);
    let output = setup.check("inspect", &file, &["--audience", AUDIENCE]);
    let stdout = text(&output.stdout);
    let member = stdout.split("Member certificate:").nth(1).unwrap();
    let key_line = member.lines().find(|l| l.contains("key")).unwrap();
    assert!(!key_line.contains("TXT algorithm"), "{key_line}");
    assert!(key_line.contains("RSA-2048"), "{key_line}");
    let org = stdout.split("Organisation certificate:").nth(1).unwrap();
    assert!(
        org.contains("key: RSA-2048, TXT algorithm 1, key id"),
        "{stdout}"
    );
}
