//! `kliento issue org-cert` and `kliento issue member-cert`, end to end.

use crate::support::{kliento, temp_dir, write};
use jiff::{Timestamp, ToSpan};
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::veraid::certificate::{Certificate, verify_issued_by};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use std::path::{Path, PathBuf};

struct Setup {
    dir: tempfile::TempDir,
    org_key: PathBuf,
    member_public: PathBuf,
}

fn setup() -> Setup {
    let dir = temp_dir();
    let org = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let member = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let org_key = write(
        dir.path(),
        "org.pem",
        keys::private_key_pem(&org).as_bytes(),
    );
    let member_public = write(
        dir.path(),
        "member.pub.pem",
        keys::public_key_pem(&member.to_public_key()),
    );
    Setup {
        dir,
        org_key,
        member_public,
    }
}

fn read_cert(path: &Path) -> Certificate {
    Certificate::from_bytes(&std::fs::read(path).unwrap()).unwrap()
}

impl Setup {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn org_cert(&self, extra: &[&str]) -> PathBuf {
        let out = self.path("org.crt");
        kliento()
            .args([
                "issue",
                "org-cert",
                "--domain",
                "example.com",
                "--force",
                "--key",
            ])
            .arg(&self.org_key)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        out
    }

    fn member_cmd(&self, org_cert: &Path) -> assert_cmd::Command {
        let mut cmd = kliento();
        cmd.args(["issue", "member-cert", "--org-key"])
            .arg(&self.org_key)
            .arg("--org-cert")
            .arg(org_cert)
            .arg("--member-key")
            .arg(&self.member_public);
        cmd
    }
}

#[test]
fn org_cert_defaults_to_pem_on_stdout_valid_for_90_days() {
    let s = setup();
    let before = Timestamp::now();
    let output = kliento()
        .args(["issue", "org-cert", "--domain", "example.com.", "--key"])
        .arg(&s.org_key)
        .assert()
        .success()
        .stderr(contains(
            "wrote the organisation certificate for example.com, valid from",
        ))
        .get_output()
        .stdout
        .clone();
    assert!(output.starts_with(b"-----BEGIN CERTIFICATE-----\n"));
    let cert = Certificate::from_bytes(&output).unwrap();
    assert_eq!(cert.common_name(), "example.com", "trailing dot dropped");
    assert!(cert.not_before() >= before - 1.second() && cert.not_before() <= Timestamp::now());
    assert_eq!(
        cert.not_after().as_second() - cert.not_before().as_second(),
        90 * 86_400
    );
    cert.check_is_ca().unwrap();
    cert.check_rsa_pss_signed().unwrap();
    verify_issued_by(&cert, &cert).unwrap();
}

#[test]
fn org_cert_honours_start_and_expiry_and_writes_der() {
    let s = setup();
    let out = s.org_cert(&[
        "--start",
        "2026-01-01T00:00:00Z",
        "--expiry",
        "2026-06-01T12:00:00.750Z",
        "--encoding",
        "der",
        // Over before it is issued: refused without --allow-invalid.
        "--allow-invalid",
    ]);
    let der = std::fs::read(&out).unwrap();
    assert_eq!(der[0], 0x30, "DER, not PEM");
    let cert = Certificate::from_der(&der).unwrap();
    assert_eq!(cert.not_before().to_string(), "2026-01-01T00:00:00Z");
    assert_eq!(cert.not_after().to_string(), "2026-06-01T12:00:00Z");
}

#[test]
fn org_cert_accepts_relative_start_and_valid_for() {
    let s = setup();
    let out = s.org_cert(&["--start", "-1h", "--valid-for", "2d"]);
    let cert = read_cert(&out);
    let hour_ago = Timestamp::now() - 1.hour();
    assert!((cert.not_before().as_second() - hour_ago.as_second()).abs() <= 5);
    assert_eq!(
        cert.not_after().as_second() - cert.not_before().as_second(),
        2 * 86_400
    );
}

#[test]
fn member_certs_for_user_and_bot_chain_to_the_organisation() {
    let s = setup();
    let org_path = s.org_cert(&[]);
    let org = read_cert(&org_path);
    for (flags, common_name) in [
        (&["--user", "alice smith"][..], "alice smith"),
        (&["--bot"], "@"),
    ] {
        let out = s.path("member.crt");
        s.member_cmd(&org_path)
            .args(flags)
            .args(["--force", "-o"])
            .arg(&out)
            .assert()
            .success()
            .stderr(contains(format!(
                "wrote the member certificate for {common_name} to"
            )));
        let member = read_cert(&out);
        assert_eq!(member.common_name(), common_name);
        assert_eq!(member.issuer_der(), org.subject_der());
        verify_issued_by(&member, &org).unwrap();
        assert!(member.check_is_ca().is_err());
    }
}

#[test]
fn member_cert_expiry_is_capped_at_the_organisation_expiry_with_a_note() {
    let s = setup();
    let org_path = s.org_cert(&["--valid-for", "1d"]);
    let org = read_cert(&org_path);
    let output = s
        .member_cmd(&org_path)
        .args(["--bot", "--valid-for", "30d"])
        .assert()
        .success()
        .stderr(contains(format!(
            "note: the expiry is capped at the organisation certificate's: {}",
            org.not_after()
        )))
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        Certificate::from_bytes(&output).unwrap().not_after(),
        org.not_after()
    );
}

#[test]
fn json_report_describes_the_certificate() {
    let s = setup();
    let org_path = s.org_cert(&[]);
    let output = s
        .member_cmd(&org_path)
        .args(["--format", "json", "--user", "alice"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let cert = Certificate::from_bytes(report["pem"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(report["kind"], "member");
    assert_eq!(report["commonName"], "alice");
    assert_eq!(report["serialNumber"], cert.serial_number().to_string());
    assert_eq!(report["notAfter"], cert.not_after().to_string());
    assert_eq!(
        report["authorityKeyId"],
        kliento::veraid::hex(read_cert(&org_path).subject_key_id().unwrap())
    );
    assert_eq!(report["file"], serde_json::Value::Null);
}

#[test]
fn rejects_user_names_veraid_refuses() {
    let s = setup();
    let org_path = s.org_cert(&[]);
    s.member_cmd(&org_path)
        .args(["--user", "alice@example.com"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains(
            "invalid user name \"alice@example.com\": user names should not contain at signs",
        ));
}

#[test]
fn requires_exactly_one_of_user_and_bot() {
    let s = setup();
    let org_path = s.org_cert(&[]);
    s.member_cmd(&org_path).assert().code(2).stderr(contains(
        "the following required arguments were not provided",
    ));
    s.member_cmd(&org_path)
        .args(["--bot", "--user", "alice"])
        .assert()
        .code(2)
        .stderr(contains("cannot be used with"));
}

#[test]
fn rejects_an_organisation_key_that_does_not_match_the_certificate() {
    let s = setup();
    let org_path = s.org_cert(&[]);
    let other = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let other_key = write(
        s.dir.path(),
        "other.pem",
        keys::private_key_pem(&other).as_bytes(),
    );
    kliento()
        .args(["issue", "member-cert", "--bot", "--org-key"])
        .arg(&other_key)
        .arg("--org-cert")
        .arg(&org_path)
        .arg("--member-key")
        .arg(&s.member_public)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: the organisation key does not match the organisation certificate's public \
             key\nhint: --org-key must be the private key of the certificate given with \
             --org-cert\n",
        );
}

#[test]
fn rejects_a_member_certificate_as_issuer() {
    let s = setup();
    let org_path = s.org_cert(&[]);
    let member_path = s.path("member.crt");
    s.member_cmd(&org_path)
        .args(["--bot", "-o"])
        .arg(&member_path)
        .assert()
        .success();
    // The member key (public only here) cannot sign, so use the org key with the member cert:
    // the CA check comes first.
    s.member_cmd(&member_path)
        .arg("--bot")
        .assert()
        .code(2)
        .stderr(contains(
            "the organisation certificate cannot issue certificates: certificate for @ is not a \
             CA: basicConstraints cA is FALSE",
        ));
}

#[test]
fn malformed_inputs_exit_3() {
    let s = setup();
    let garbage = write(s.dir.path(), "garbage.crt", b"not a certificate");
    s.member_cmd(&garbage)
        .arg("--bot")
        .assert()
        .code(3)
        .stderr(contains(
            "error: cannot read the organisation certificate in",
        ));
    // A public key cannot sign.
    kliento()
        .args(["issue", "org-cert", "--domain", "example.com", "--key"])
        .arg(&s.member_public)
        .assert()
        .code(3)
        .stderr(contains(
            "a private key is required, but this is a public key",
        ));
    let small = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
    let small_key = write(
        s.dir.path(),
        "small.pem",
        keys::private_key_pem(&small).as_bytes(),
    );
    kliento()
        .args(["issue", "org-cert", "--domain", "example.com", "--key"])
        .arg(&small_key)
        .assert()
        .code(3)
        .stderr(contains(
            "RSA key with a 1024-bit modulus is unsupported: VeraId needs 2048, 3072 or 4096 bits",
        ));
}

#[test]
fn rejects_bad_times() {
    let s = setup();
    kliento()
        .args([
            "issue",
            "org-cert",
            "--domain",
            "example.com",
            "--expiry",
            "-1d",
            "--key",
        ])
        .arg(&s.org_key)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("error: the expiry").and(contains("is before the start")))
        .stderr(contains("hint: choose an --expiry after --start"));
    kliento()
        .args([
            "issue",
            "org-cert",
            "--domain",
            "example.com",
            "--start",
            "yesterday",
            "--key",
        ])
        .arg(&s.org_key)
        .assert()
        .code(2)
        .stderr(contains("\"yesterday\" is not a time"));
    kliento()
        .args([
            "issue",
            "org-cert",
            "--domain",
            "example.com",
            "--expiry",
            "+1d",
        ])
        .args(["--valid-for", "1d", "--key"])
        .arg(&s.org_key)
        .assert()
        .code(2)
        .stderr(contains("cannot be used with"));
}

#[test]
fn refuses_to_overwrite_without_force() {
    let s = setup();
    let out = write(s.dir.path(), "existing.crt", b"keep me");
    kliento()
        .args(["issue", "org-cert", "--domain", "example.com", "-o"])
        .arg(&out)
        .arg("--key")
        .arg(&s.org_key)
        .assert()
        .code(2)
        .stderr(contains("already exists; refusing to overwrite it"));
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
}
