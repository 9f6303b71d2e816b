//! Keys in AWS KMS (issue 15): `awskms://` URIs for every key option, signing in moto's KMS
//! (made to sign as AWS KMS does: tests/it/support/kms.rs), the results verified by the
//! reference implementation and by kliento, and each KMS failure with its message, exit code and
//! hint, no AWS secret shown.

use crate::support::kms::{ALLOWED, DENIED, EC, ENCRYPTION, Key, KmsPeer, ORG, kms_peer, moto};
use crate::support::oracle::oracle_script;
use crate::support::temp_dir;
use jiff::Timestamp;
use serde_json::{Value, json};
use std::path::Path;

const AUDIENCE: &str = "https://api.example.com";

/// The peer, or `None` (skipped; a failure under CI) without moto.
fn peer() -> Option<&'static KmsPeer> {
    moto().then(kms_peer)
}

/// Runs `kliento args` in `dir` with `key`'s credentials; returns stdout, asserting success.
fn run(peer: &KmsPeer, key: Key, dir: &Path, args: &[&str]) -> String {
    let output = peer
        .kliento(key)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "kliento {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Runs a failing `kliento args`; returns stderr after checking the exit code, an empty stdout
/// and that no secret of `key` is on stderr.
fn fails(command: &mut assert_cmd::Command, key: Key, args: &[&str], code: i32) -> String {
    let output = command.args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}");
    for secret in [Some(key.secret), key.token].into_iter().flatten() {
        assert!(!stderr.contains(secret), "a secret is on stderr: {stderr}");
    }
    stderr
}

fn b64_of_file(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.strip_prefix("-----BEGIN CERTIFICATE-----") {
        Some(rest) => rest
            .split("-----END")
            .next()
            .unwrap()
            .split_whitespace()
            .collect(),
        None => text.trim().to_string(),
    }
}

/// `awskms:///KEY`.
fn uri(key: &str) -> String {
    format!("awskms:///{key}")
}

#[test]
fn txt_record_from_a_kms_key_equals_the_one_from_its_public_key() {
    let Some(peer) = peer() else { return };
    let dir = temp_dir();
    let org = &peer.created[ORG];
    std::fs::write(dir.path().join("org.pub.der"), &org.public_key).unwrap();
    let from_file = run(
        peer,
        ALLOWED,
        dir.path(),
        &["txt-record", "--key", "org.pub.der"],
    );
    assert!(from_file.starts_with("1 "), "{from_file}");
    // By alias, key id and ARN; the ARN names the region itself.
    for key in [ORG, &org.id, &org.arn] {
        let from_kms = run(
            peer,
            ALLOWED,
            dir.path(),
            &["txt-record", "--key", &uri(key)],
        );
        assert_eq!(from_kms, from_file, "{key}");
    }
    let output = peer
        .kliento(ALLOWED)
        .env_remove("AWS_REGION")
        .args(["txt-record", "--key", &uri(&org.arn)])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), from_file);
    // The endpoint in the URI, as cosign writes it (a loopback host: plain http).
    let output = peer
        .kliento(ALLOWED)
        .env_remove("AWS_ENDPOINT_URL_KMS")
        .arg("txt-record")
        .arg("--key")
        .arg(format!("awskms://{}/{ORG}", peer.host_port()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), from_file);
}

#[test]
fn certificates_and_tokens_signed_in_kms_verify_in_veraid_js_and_kliento() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let Some(peer) = peer() else { return };
    let dir = temp_dir();
    let at = |args: &[&str]| run(peer, ALLOWED, dir.path(), args);
    std::fs::write(
        dir.path().join("org.pub.der"),
        &peer.created[ORG].public_key,
    )
    .unwrap();
    at(&[
        "-q",
        "issue",
        "test-chain",
        "--domain",
        "example.com",
        "--key",
        "org.pub.der",
        "-o",
        "chain.der",
        "--trust-anchors-out",
        "anchors.ds",
        "--zone-algorithms",
        "ed25519",
        "--start",
        "-1h",
        "--valid-for",
        "2h",
    ]);
    let org = uri(ORG);
    let validity = ["--start", "-1h", "--valid-for", "2h"];
    let mut org_cert = vec!["-q", "issue", "org-cert", "--key", &org];
    org_cert.extend(["--domain", "example.com", "-o", "org.crt"]);
    org_cert.extend(validity);
    at(&org_cert);
    // A member key made in KMS by kliento, RSA-3072 (the key id hashes with SHA-384; signatures
    // use SHA-256, as for every key size).
    let member = uri("alias/member-for-tokens");
    at(&["-q", "keygen", "--bits", "3072", "--key", &member]);
    let mut member_cert = vec!["-q", "issue", "member-cert", "--org-key", &org];
    member_cert.extend(["--org-cert", "org.crt", "--member-key", &member]);
    member_cert.extend(["--user", "alice", "-o", "alice.crt"]);
    member_cert.extend(validity);
    at(&member_cert);

    let certs = oracle_script(
        "pki.mjs",
        "check-certs",
        vec![json!({
            "orgCert": b64_of_file(&dir.path().join("org.crt")),
            "memberCert": b64_of_file(&dir.path().join("alice.crt")),
        })],
    );
    assert!(certs[0].get("error").is_none(), "{}", certs[0]);
    assert_eq!(certs[0]["org"]["commonName"], "example.com");
    assert_eq!(certs[0]["member"]["commonName"], "alice");
    assert_eq!(certs[0]["path"]["ok"], true, "{}", certs[0]);

    let token = [
        "issue",
        "token",
        "--audience",
        AUDIENCE,
        "--domain",
        "example.com",
    ];
    let chain = ["--chain", "chain.der", "--claim", "role=admin"];
    let signers: [(&str, &str, Vec<&str>); 3] = [
        (
            "alice@example.com",
            "org-self.b64",
            vec!["--key", &org, "--user", "alice"],
        ),
        (
            "example.com",
            "org-bot.b64",
            vec!["--key", &org, "--org-cert", "org.crt", "--bot"],
        ),
        (
            "alice@example.com",
            "member.b64",
            vec![
                "--org-cert",
                "org.crt",
                "--member-cert",
                "alice.crt",
                "--member-key",
                &member,
            ],
        ),
    ];
    for (_, file, args) in &signers {
        at(&[&token[..], &chain, args, &["-o", file]].concat());
    }
    let now = Timestamp::now();
    let cases = signers
        .iter()
        .map(|(_, file, _)| {
            json!({
                "bundle": b64_of_file(&dir.path().join(file)),
                "audience": AUDIENCE,
                "at": now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                "anchors": std::fs::read_to_string(dir.path().join("anchors.ds")).unwrap(),
            })
        })
        .collect();
    let results = oracle_script("bundles.mjs", "verify", cases);
    for ((subject, file, _), js) in signers.iter().zip(&results) {
        assert!(js.get("error").is_none(), "{file}: veraid-js rejects: {js}");
        assert_eq!(js["subjectId"], *subject, "{file}");
        assert_eq!(js["claims"], json!({"role": "admin"}), "{file}");
        assert_eq!(js["wasSignedByMember"], *file == "member.b64", "{file}");
        let ours = at(&[
            "--format",
            "json",
            "verify",
            "--audience",
            AUDIENCE,
            "--trust-anchors",
            "anchors.ds",
            file,
        ]);
        let ours: Value = serde_json::from_str(&ours).unwrap();
        assert_eq!(ours["status"], "valid", "{file}: {ours}");
        assert_eq!(ours["subjectId"], *subject, "{file}");
    }
}

#[test]
fn keygen_in_kms_creates_a_signing_key_named_by_its_alias_and_prints_its_txt_record() {
    let Some(peer) = peer() else { return };
    let dir = temp_dir();
    let at = |args: &[&str]| run(peer, ALLOWED, dir.path(), args);
    for (bits, alias, algorithm) in [
        ("2048", "alias/keygen-2048", "1"),
        ("4096", "alias/keygen-4096", "3"),
    ] {
        let key = uri(alias);
        let printed = at(&["keygen", "--bits", bits, "--key", &key]);
        assert!(printed.starts_with(&format!("{algorithm} ")), "{printed}");
        assert_eq!(at(&["txt-record", "--key", &key]), printed);
    }
    // The RSA-4096 key signs (RSA-PSS with SHA-256) a self-issued certificate veraid-js accepts.
    if crate::support::gate::node_oracle() {
        at(&[
            "-q",
            "issue",
            "org-cert",
            "--key",
            &uri("alias/keygen-4096"),
            "--domain",
            "example.com",
            "-o",
            "org.crt",
        ]);
        let certs = oracle_script(
            "pki.mjs",
            "check-certs",
            vec![json!({ "orgCert": b64_of_file(&dir.path().join("org.crt")) })],
        );
        assert!(certs[0].get("error").is_none(), "{}", certs[0]);
        assert_eq!(certs[0]["path"]["ok"], true, "{}", certs[0]);
    }
    // The JSON report names the key by its URI.
    let report = at(&[
        "--format",
        "json",
        "keygen",
        "--key",
        &uri("alias/keygen-json"),
    ]);
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["awsKmsUri"], "awskms:///alias/keygen-json");
    assert_eq!(report["bits"], 2048);
    assert!(report["txtRecord"].as_str().unwrap().starts_with("1 "));
    // With -v, the key id KMS chose, usable as a reference too.
    let output = peer
        .kliento(ALLOWED)
        .args(["-v", "keygen", "--key", &uri("alias/keygen-verbose")])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let by_id = stderr
        .lines()
        .find_map(|line| line.split("the new key is also ").nth(1))
        .unwrap_or_else(|| panic!("no key id in {stderr}"));
    assert_eq!(
        at(&["txt-record", "--key", by_id.trim()]),
        String::from_utf8(output.stdout).unwrap()
    );
    // An alias that is taken is refused, and no key is made.
    let stderr = fails(
        &mut peer.kliento(ALLOWED),
        ALLOWED,
        &["keygen", "--key", &uri("alias/keygen-json")],
        2,
    );
    assert!(
        stderr.contains("the alias alias/keygen-json already exists"),
        "{stderr}"
    );
    // A new key is named by an alias: KMS chooses key ids.
    let stderr = fails(
        &mut peer.kliento(ALLOWED),
        ALLOWED,
        &[
            "keygen",
            "--key",
            &uri("1234abcd-12ab-34cd-56ef-1234567890ab"),
        ],
        2,
    );
    assert!(stderr.contains("awskms:///alias/NAME"), "{stderr}");
}

#[test]
fn kms_failures_give_their_error_exit_code_and_hint_without_secrets() {
    let Some(peer) = peer() else { return };
    let dir = temp_dir();
    let txt = |key: Key, uri: &str| -> (assert_cmd::Command, Vec<String>) {
        let mut command = peer.kliento(key);
        command.current_dir(dir.path());
        (
            command,
            vec!["txt-record".into(), "--key".into(), uri.into()],
        )
    };
    let check = |key: Key, uri: &str, code: i32, expected: &[&str]| {
        let (mut command, args) = txt(key, uri);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stderr = fails(&mut command, key, &args, code);
        for text in expected {
            assert!(stderr.contains(text), "{uri}: {text:?} not in {stderr}");
        }
    };
    check(
        ALLOWED,
        &uri("alias/missing"),
        4,
        &[
            "cannot use the key awskms:///alias/missing: KMS has no key alias/missing",
            "hint: check the key id, ARN or alias/NAME and the region",
        ],
    );
    check(
        ALLOWED,
        &uri(EC),
        3,
        &[
            "the key is a ECC_NIST_P256 key: VeraId needs an RSA key",
            "hint: VeraId keys are RSA 2048, 3072 or 4096 bits",
        ],
    );
    check(
        ALLOWED,
        &uri(ENCRYPTION),
        3,
        &["the key's usage is ENCRYPT_DECRYPT: signing needs a SIGN_VERIFY key"],
    );
    check(
        ALLOWED,
        "awskms:///not a key",
        2,
        &["cannot use the key: invalid AWS KMS URI: the key is not a key id"],
    );
    check(
        Key {
            secret: "wrong/secret+KEY",
            ..ALLOWED
        },
        &uri(ORG),
        4,
        &[
            "InvalidSignatureException",
            "hint: KMS refused the credentials",
        ],
    );
    // No region: a usage error.
    let (mut command, args) = txt(ALLOWED, &uri(ORG));
    command.env_remove("AWS_REGION");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stderr = fails(&mut command, ALLOWED, &args, 2);
    assert!(stderr.contains("no AWS region"), "{stderr}");
    assert!(
        stderr.contains("hint: a KMS key lives in a region"),
        "{stderr}"
    );
    // KMS unreachable; an endpoint variable that is not https (nor http to loopback).
    for (endpoint, code, expected) in [
        (
            "http://127.0.0.1:1/",
            4,
            "hint: check the URL and that the server is reachable",
        ),
        (
            "http://kms.example/",
            2,
            "AWS_ENDPOINT_URL_KMS is not usable",
        ),
    ] {
        let (mut command, args) = txt(ALLOWED, &uri(ORG));
        command.env("AWS_ENDPOINT_URL_KMS", endpoint);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stderr = fails(&mut command, ALLOWED, &args, code);
        assert!(stderr.contains(expected), "{endpoint}: {stderr}");
    }
    // Denied kms:Sign: the public key is read, the signature refused; nothing is written.
    let mut command = peer.kliento(DENIED);
    command.current_dir(dir.path());
    let org = uri(ORG);
    let stderr = fails(
        &mut command,
        DENIED,
        &[
            "issue",
            "org-cert",
            "--key",
            &org,
            "--domain",
            "example.com",
            "-o",
            "org.crt",
        ],
        4,
    );
    assert!(stderr.contains("KMS denied Sign on the key"), "{stderr}");
    assert!(
        stderr.contains("hint: allow the identity kms:Sign on the key"),
        "{stderr}"
    );
    assert!(!dir.path().join("org.crt").exists());
    // Denied kms:CreateKey: keygen checks the alias (DescribeKey), then is refused.
    let stderr = fails(
        &mut peer.kliento(DENIED),
        DENIED,
        &["keygen", "--key", &uri("alias/denied-keygen")],
        4,
    );
    assert!(
        stderr
            .contains("cannot create the key awskms:///alias/denied-keygen: KMS denied CreateKey"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: allow the identity kms:CreateKey"),
        "{stderr}"
    );
}
