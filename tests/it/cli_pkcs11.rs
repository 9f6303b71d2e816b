//! Keys in a PKCS#11 device (issue 15): `pkcs11:` URIs for every key option, signing in a real
//! SoftHSM2 token, the results verified by the reference implementation and by kliento, and
//! each device failure with its message, exit code and hint, the PIN never shown.

use crate::support::oracle::oracle_script;
use crate::support::softhsm::{MODULE, PIN, SoftHsm};
use jiff::Timestamp;
use serde_json::{Value, json};

const AUDIENCE: &str = "https://api.example.com";

fn b64_of_file(hsm: &SoftHsm, name: &str) -> String {
    let bytes = std::fs::read(hsm.path(name)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    match text.strip_prefix("-----BEGIN CERTIFICATE-----") {
        // PEM certificate: its base64 body is the DER's base64.
        Some(rest) => rest
            .split("-----END")
            .next()
            .unwrap()
            .split_whitespace()
            .collect(),
        // A base64 bundle as `issue token` writes it.
        None => text.trim().to_string(),
    }
}

/// The Org token with an RSA-2048 organisation key `org` (pkcs11-tool), a test chain for
/// example.com whose TXT record binds it (`chain.der`, `anchors.ds`).
fn organisation() -> Option<SoftHsm> {
    let hsm = SoftHsm::start()?;
    hsm.keypair("Org", "org", "01", "rsa:2048");
    let public = hsm.export_public_key("Org", "org");
    hsm.run(&[
        "-q",
        "issue",
        "test-chain",
        "--domain",
        "example.com",
        "--key",
        public.to_str().unwrap(),
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
    Some(hsm)
}

#[test]
fn txt_record_from_a_device_key_equals_the_one_from_its_exported_public_key() {
    let Some(hsm) = SoftHsm::start() else { return };
    hsm.keypair("Org", "org", "01", "rsa:2048");
    let public = hsm.export_public_key("Org", "org");
    let from_file = hsm.run(&["txt-record", "--key", public.to_str().unwrap()]);
    let from_device = hsm.run(&["txt-record", "--key", &hsm.uri("org")]);
    assert!(from_file.starts_with("1 "), "{from_file}");
    assert_eq!(from_device, from_file);
    // Without a PIN the public key object is read; by id as well as by label.
    let public_only = hsm.run(&["txt-record", "--key", "pkcs11:token=Org;id=%01"]);
    assert_eq!(public_only, from_file);
    // The module from the URI instead of the environment.
    let output = hsm
        .kliento()
        .env_remove("KLIENTO_PKCS11_MODULE")
        .args(["txt-record", "--key"])
        .arg(format!(
            "pkcs11:token=Org;object=org?module-path={MODULE}&pin-value={PIN}"
        ))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), from_file);
}

#[test]
fn certificates_signed_in_the_device_verify_in_veraid_js() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let Some(hsm) = SoftHsm::start() else { return };
    hsm.keypair("Org", "org", "01", "rsa:2048");
    // The PIN from a file, as pin-source=file: names it.
    std::fs::write(hsm.path("pin"), format!("{PIN}\n")).unwrap();
    let org_uri = format!(
        "pkcs11:token=Org;object=org?pin-source=file:{}",
        hsm.path("pin").display()
    );
    hsm.run(&[
        "-q",
        "issue",
        "org-cert",
        "--key",
        &org_uri,
        "--domain",
        "example.com",
        "-o",
        "org.crt",
    ]);
    hsm.run(&["-q", "keygen", "-o", "member.pem"]);
    for (member, flag) in [("alice", "--user"), ("bot", "--bot")] {
        let mut args = vec!["-q", "issue", "member-cert", "--org-key", &org_uri];
        args.extend(["--org-cert", "org.crt", "--member-key", "member.pem"]);
        args.push(flag);
        if flag == "--user" {
            args.push(member);
        }
        let out = format!("{member}.crt");
        args.extend(["-o", &out]);
        hsm.run(&args);
    }
    let cases = ["alice", "bot"]
        .iter()
        .map(|m| {
            json!({
                "orgCert": b64_of_file(&hsm, "org.crt"),
                "memberCert": b64_of_file(&hsm, &format!("{m}.crt")),
            })
        })
        .chain([json!({ "orgCert": b64_of_file(&hsm, "org.crt") })])
        .collect();
    let results = oracle_script("pki.mjs", "check-certs", cases);
    for result in &results {
        assert!(result.get("error").is_none(), "{result}");
        assert_eq!(result["org"]["commonName"], "example.com", "{result}");
        assert_eq!(result["path"]["ok"], true, "{result}");
    }
    assert_eq!(results[0]["member"]["commonName"], "alice");
    assert_eq!(results[1]["member"]["commonName"], "@");
}

#[test]
fn tokens_signed_in_the_device_verify_in_veraid_js_and_kliento() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let Some(hsm) = organisation() else { return };
    let org = hsm.uri("org");
    let validity = ["--start", "-1h", "--valid-for", "2h"];
    let mut org_cert = vec!["-q", "issue", "org-cert", "--key", &org];
    org_cert.extend(["--domain", "example.com", "-o", "org.crt"]);
    org_cert.extend(validity);
    hsm.run(&org_cert);
    // A member key made in the device by kliento, RSA-3072.
    hsm.run(&[
        "-q",
        "keygen",
        "--bits",
        "3072",
        "--key",
        &hsm.uri("member"),
    ]);
    let member = hsm.uri("member");
    let mut member_cert = vec!["-q", "issue", "member-cert", "--org-key", &org];
    member_cert.extend(["--org-cert", "org.crt", "--member-key", &member]);
    member_cert.extend(["--user", "alice", "-o", "alice.crt"]);
    member_cert.extend(validity);
    hsm.run(&member_cert);

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
        // The organisation key signs for alice, with a self-issued certificate...
        (
            "alice@example.com",
            "org-self.b64",
            vec!["--key", &org, "--user", "alice"],
        ),
        // ... and for a bot, with org.crt.
        (
            "example.com",
            "org-bot.b64",
            vec!["--key", &org, "--org-cert", "org.crt", "--bot"],
        ),
        // The member key signs for itself.
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
        let all = [&token[..], &chain, args, &["-o", file]].concat();
        hsm.run(&all);
    }
    // After every issuance: each bundle starts at the second it was issued.
    let at = Timestamp::now();
    let mut cases = Vec::new();
    for (_, file, _) in &signers {
        cases.push(json!({
            "bundle": b64_of_file(&hsm, file),
            "audience": AUDIENCE,
            "at": at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "anchors": std::fs::read_to_string(hsm.path("anchors.ds")).unwrap(),
        }));
    }
    let results = oracle_script("bundles.mjs", "verify", cases);
    for ((subject, file, _), js) in signers.iter().zip(&results) {
        assert!(js.get("error").is_none(), "{file}: veraid-js rejects: {js}");
        assert_eq!(js["subjectId"], *subject, "{file}");
        assert_eq!(js["claims"], json!({"role": "admin"}), "{file}");
        assert_eq!(js["wasSignedByMember"], *file == "member.b64", "{file}");
        let ours = hsm.run(&[
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
fn keygen_in_the_device_makes_sensitive_non_extractable_keys_and_prints_their_txt_record() {
    let Some(hsm) = SoftHsm::start() else { return };
    for (bits, label, algorithm) in [("2048", "new-2048", "1"), ("4096", "new-4096", "3")] {
        let uri = hsm.uri(label);
        let printed = hsm.run(&["keygen", "--bits", bits, "--key", &uri]);
        assert!(printed.starts_with(&format!("{algorithm} ")), "{printed}");
        assert_eq!(hsm.run(&["txt-record", "--key", &uri]), printed);
        let listing = hsm.tool(
            "Org",
            &["--list-objects", "--type", "privkey", "--label", label],
        );
        let line = |name: &str| {
            let line = listing.lines().find(|l| l.trim_start().starts_with(name));
            let (_, items) = line.unwrap().split_once(':').unwrap();
            items
                .split(',')
                .map(|i| i.trim().to_string())
                .collect::<Vec<_>>()
        };
        let access = line("Access:");
        assert!(access.contains(&"sensitive".into()), "{listing}");
        assert!(access.contains(&"never extractable".into()), "{listing}");
        assert!(!access.contains(&"extractable".into()), "{listing}");
        assert_eq!(line("Usage:"), ["sign"], "{listing}");
    }
    // The JSON report names the key by its URI, without the PIN.
    let output = hsm
        .kliento()
        .args(["--format", "json", "keygen", "--key", &hsm.uri("json")])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["pkcs11Uri"],
        "pkcs11:token=Org;object=json?pin-value=***"
    );
    assert_eq!(report["bits"], 2048);
    assert!(report["txtRecord"].as_str().unwrap().starts_with("1 "));
    // A label that is taken is refused, and nothing replaces the key.
    let output = hsm
        .kliento()
        .args(["keygen", "--key", &hsm.uri("json")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("already holds a key"), "{stderr}");
    // Creating a key needs a login.
    let output = hsm
        .kliento()
        .args(["keygen", "--key", "pkcs11:token=Org;object=no-pin"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("requires a login"), "{stderr}");
    assert!(
        stderr.contains("hint: add pin-value= or pin-source="),
        "{stderr}"
    );
    // A key file path is not a device.
    let output = hsm
        .kliento()
        .args(["keygen", "--key", "org.pem"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pkcs11: URI"));
}

/// Runs `txt-record --key <key>` and checks the exit code, that stderr holds each of
/// `expected`, and that no PIN (the right one or `wrong`) is on it.
fn fails(hsm: &SoftHsm, key: &str, env: &[(&str, &str)], code: i32, expected: &[&str]) {
    let mut command = hsm.kliento();
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.args(["txt-record", "--key", key]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(code), "{key}: {stderr}");
    assert!(output.stdout.is_empty(), "{key}");
    for text in expected {
        assert!(stderr.contains(text), "{key}: {text:?} not in {stderr}");
    }
    for secret in [PIN, "wrong-0000"] {
        assert!(
            !stderr.contains(secret),
            "{key}: the PIN is on stderr: {stderr}"
        );
    }
}

#[test]
fn device_failures_give_their_error_exit_code_and_hint_without_the_pin() {
    let Some(hsm) = SoftHsm::start() else { return };
    hsm.keypair("Org", "org", "01", "rsa:2048");
    hsm.keypair("Org", "ec", "02", "EC:prime256v1");
    fails(
        &hsm,
        "pkcs11:token=Org;object=org?pin-value=wrong-0000",
        &[],
        4,
        &[
            "cannot use the key pkcs11:token=Org;object=org?pin-value=***: the token refused \
             the PIN (CKR_PIN_INCORRECT)",
            "hint: check the PIN: pin-value=PIN in the URI, or pin-source=file:PATH",
        ],
    );
    fails(
        &hsm,
        &hsm.uri("missing"),
        &[],
        4,
        &[
            "the token holds no key matching the URI",
            "hint: check object=",
        ],
    );
    fails(
        &hsm,
        &format!("pkcs11:token=Elsewhere;object=org?pin-value={PIN}"),
        &[],
        4,
        &[
            "no token matches the URI (tokens present: Org)",
            "hint: check token=",
        ],
    );
    fails(
        &hsm,
        &hsm.uri("ec"),
        &[],
        3,
        &[
            "the key is a CKK_EC key: VeraId needs an RSA key",
            "hint: VeraId keys are RSA",
        ],
    );
    fails(
        &hsm,
        &format!("pkcs11:token=Org;object=org?pin-value={PIN}&colour=red"),
        &[],
        2,
        &["cannot use the key: invalid PKCS#11 URI: unknown query attribute colour"],
    );
    fails(
        &hsm,
        &format!(
            "pkcs11:token=Org;object=org?pin-source=file:{}",
            hsm.path("no-pin").display()
        ),
        &[],
        4,
        &["cannot read the PIN file", "no such file or directory"],
    );
    fails(
        &hsm,
        &hsm.uri("org"),
        &[("KLIENTO_PKCS11_MODULE", "")],
        2,
        &[
            "no PKCS#11 module",
            "hint: name the PKCS#11 module with module-path=",
        ],
    );
    fails(
        &hsm,
        &hsm.uri("org"),
        &[("KLIENTO_PKCS11_MODULE", "/nonexistent/module.so")],
        4,
        &[
            "cannot load the PKCS#11 module /nonexistent/module.so",
            "KLIENTO_PKCS11_MODULE",
        ],
    );
    // The same failures when signing: a wrong PIN for the organisation certificate.
    let output = hsm
        .kliento()
        .args([
            "issue",
            "org-cert",
            "--domain",
            "example.com",
            "-o",
            "org.crt",
            "--key",
        ])
        .arg("pkcs11:token=Org;object=org?pin-value=wrong-0000")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("refused the PIN"), "{stderr}");
    assert!(!stderr.contains("wrong-0000"), "{stderr}");
    assert!(!hsm.path("org.crt").exists());
}
