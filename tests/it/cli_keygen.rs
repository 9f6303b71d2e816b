//! `kliento keygen`: key files, their modes, and the refusal to clobber.

use crate::support::{kliento, temp_dir, write};
use kliento::keys::{RsaKey, modulus_bits};
use predicates::str::contains;

fn read_key(path: &std::path::Path) -> RsaKey {
    RsaKey::from_bytes(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn writes_a_pkcs8_private_key_with_mode_0600_and_a_matching_public_key() {
    let dir = temp_dir();
    let private = dir.path().join("org.pem");
    let public = dir.path().join("org.pub.pem");
    kliento()
        .args(["keygen", "-o"])
        .arg(&private)
        .arg("--public-out")
        .arg(&public)
        .assert()
        .success()
        .stdout("")
        .stderr(contains("wrote a 2048-bit RSA private key"));
    let pem = std::fs::read_to_string(&private).unwrap();
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "{pem:.40}"
    );
    assert!(
        std::fs::read_to_string(&public)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let key = read_key(&private);
    assert!(matches!(key, RsaKey::Private(_)));
    assert_eq!(key.public_key(), read_key(&public).public_key());
    assert_eq!(modulus_bits(&key.public_key()), 2048);
}

#[test]
fn generates_each_allowed_size() {
    let dir = temp_dir();
    for bits in [3072, 4096] {
        let path = dir.path().join(format!("{bits}.pem"));
        kliento()
            .args(["-q", "keygen", "--bits", &bits.to_string(), "-o"])
            .arg(&path)
            .assert()
            .success()
            .stderr("");
        assert_eq!(modulus_bits(&read_key(&path).public_key()), bits);
    }
}

#[test]
fn rejects_sizes_veraid_does_not_allow() {
    let dir = temp_dir();
    kliento()
        .args(["keygen", "--bits", "1024", "-o"])
        .arg(dir.path().join("k.pem"))
        .assert()
        .code(2)
        .stderr(contains("invalid value '1024' for '--bits <BITS>'"));
    assert!(!dir.path().join("k.pem").exists());
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = temp_dir();
    let path = write(dir.path(), "org.pem", "precious");
    kliento()
        .args(["keygen", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains("already exists; refusing to overwrite it"))
        .stderr(contains("hint: pass --force to replace it"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    kliento()
        .args(["keygen", "--force", "-o"])
        .arg(&path)
        .assert()
        .success();
    assert!(matches!(read_key(&path), RsaKey::Private(_)));
}

#[test]
fn leaves_no_file_behind_when_a_write_fails() {
    let dir = temp_dir();
    let private = dir.path().join("org.pem");
    kliento()
        .args(["keygen", "-o"])
        .arg(&private)
        .arg("--public-out")
        .arg(dir.path().join("missing/dir/org.pub.pem"))
        .assert()
        .code(4)
        .stderr(contains("cannot write"))
        .stderr(contains("no such file or directory"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_same_file_for_both_keys_is_a_usage_error() {
    let dir = temp_dir();
    let path = dir.path().join("k.pem");
    kliento()
        .args(["keygen", "-o"])
        .arg(&path)
        .arg("--public-out")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains("--output and --public-out name the same file"));
}

#[test]
fn json_reports_the_files_and_the_key_id() {
    let dir = temp_dir();
    let path = dir.path().join("k.pem");
    let output = kliento()
        .args(["--format", "json", "keygen", "-o"])
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let (_, key_id) = kliento::keys::key_id(&read_key(&path).public_key()).unwrap();
    assert_eq!(json["schemaVersion"], 1);
    assert_eq!(json["bits"], 2048);
    assert_eq!(json["algorithm"], 1);
    assert_eq!(json["keyId"], key_id);
    assert_eq!(json["privateKeyFile"], path.display().to_string());
    assert_eq!(json["publicKeyFile"], serde_json::Value::Null);
}

#[test]
fn writes_the_private_key_to_stdout_for_dash() {
    let output = kliento()
        .args(["keygen", "-o", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(matches!(
        RsaKey::from_bytes(&output).unwrap(),
        RsaKey::Private(_)
    ));
}
