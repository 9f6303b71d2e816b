//! `kliento txt-record`: output forms and every kind of bad input, end to end.

use crate::support::{kliento, temp_dir, write};
use der::Encode;
use kliento::keys::{OrgKeyAlgorithm, RsaKey};
use pkcs1::{EncodeRsaPrivateKey, LineEnding};
use predicates::prelude::*;
use predicates::str::{contains, is_match};

fn org_key(dir: &std::path::Path) -> std::path::PathBuf {
    let key = kliento::keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    write(
        dir,
        "org.pem",
        kliento::keys::private_key_pem(&key).as_bytes(),
    )
}

fn expected_rdata(key_file: &std::path::Path, ttl: u32, service: Option<&str>) -> String {
    let key = RsaKey::from_bytes(&std::fs::read(key_file).unwrap())
        .unwrap()
        .public_key();
    let (algorithm, id) = kliento::keys::key_id(&key).unwrap();
    let mut rdata = format!("{} {id} {ttl}", algorithm.id());
    if let Some(service) = service {
        rdata.push_str(&format!(" {service}"));
    }
    rdata
}

#[test]
fn prints_the_bare_rdata_with_a_default_ttl_override_of_one_hour() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    kliento()
        .args(["txt-record", "--key"])
        .arg(&key)
        .assert()
        .success()
        .stdout(format!("{}\n", expected_rdata(&key, 3600, None)))
        .stderr("");
}

#[test]
fn domain_prints_the_zone_file_line() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    let rdata = expected_rdata(&key, 86_400, Some("1.3.6.1.4.1.58708.3.0"));
    kliento()
        .args([
            "txt-record",
            "--domain",
            "example.com",
            "--ttl-override",
            "1d",
        ])
        .args(["--service", "1.3.6.1.4.1.58708.3.0", "--key"])
        .arg(&key)
        .assert()
        .success()
        .stdout(format!("_veraid.example.com. 3600 IN TXT \"{rdata}\"\n"));
}

#[test]
fn json_output_has_the_contract_fields() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    let output = kliento()
        .args([
            "--format",
            "json",
            "txt-record",
            "--domain",
            "example.com.",
            "--key",
        ])
        .arg(&key)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let rdata = expected_rdata(&key, 3600, None);
    let key_id = rdata.split(' ').nth(1).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "schemaVersion": 1,
            "name": "_veraid.example.com.",
            "rdata": rdata,
            "algorithm": 1,
            "keyId": key_id,
            "ttlOverride": 3600,
            "serviceOid": null,
        })
    );
}

#[test]
fn format_can_come_from_the_environment() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    kliento()
        .env("KLIENTO_FORMAT", "json")
        .args(["txt-record", "--key"])
        .arg(&key)
        .assert()
        .success()
        .stdout(contains("\"schemaVersion\": 1"));
}

#[test]
fn reads_the_key_from_stdin() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    kliento()
        .args(["txt-record", "--key", "-"])
        .write_stdin(std::fs::read(&key).unwrap())
        .assert()
        .success()
        .stdout(format!("{}\n", expected_rdata(&key, 3600, None)));
}

#[test]
fn accepts_ttl_overrides_from_zero_to_ninety_days() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    for (flag, seconds) in [
        ("0", 0),
        ("7776000", 7_776_000),
        ("90d", 7_776_000),
        ("90m", 5400),
    ] {
        kliento()
            .args(["txt-record", "--ttl-override", flag, "--key"])
            .arg(&key)
            .assert()
            .success()
            .stdout(format!("{}\n", expected_rdata(&key, seconds, None)));
    }
}

#[test]
fn rejects_a_ttl_override_over_ninety_days_as_a_usage_error() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    for flag in ["7776001", "91d"] {
        kliento()
            .args(["txt-record", "--ttl-override", flag, "--key"])
            .arg(&key)
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains(format!(
                "error: invalid value '{flag}' for '--ttl-override <DURATION>': TTL override must not exceed 90 days"
            )));
    }
    kliento()
        .args(["txt-record", "--ttl-override=-5", "--key"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(contains(
            "invalid value '-5' for '--ttl-override <DURATION>'",
        ));
}

#[test]
fn rejects_a_bad_service_oid_as_a_usage_error() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    for oid in ["1.02.3", "kliento", "1", "9.1.2"] {
        kliento()
            .args(["txt-record", "--service", oid, "--key"])
            .arg(&key)
            .assert()
            .code(2)
            .stderr(contains(format!("invalid OID \"{oid}\"")));
    }
}

#[test]
fn rejects_a_bad_domain_as_a_usage_error() {
    let dir = temp_dir();
    let key = org_key(dir.path());
    kliento()
        .args(["txt-record", "--domain", "exa mple.com", "--key"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(contains("invalid domain name \"exa mple.com\""));
}

#[test]
fn rejects_a_1024_bit_key_as_malformed_input() {
    let dir = temp_dir();
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
    let file = write(
        dir.path(),
        "small.pem",
        key.to_pkcs1_pem(LineEnding::LF).unwrap().as_bytes(),
    );
    kliento()
        .args(["txt-record", "--key"])
        .arg(&file)
        .assert()
        .code(3)
        .stdout("")
        .stderr(is_match(r"^error: cannot use the key in .*small\.pem: RSA key with a 1024-bit modulus is unsupported: VeraId needs 2048, 3072 or 4096 bits\n$").unwrap());
}

#[test]
fn rejects_ec_and_ed25519_keys_as_malformed_input() {
    let dir = temp_dir();
    // SubjectPublicKeyInfo of a P-256 key: id-ecPublicKey, prime256v1, an uncompressed point.
    let mut point = vec![4u8];
    point.extend([7u8; 64]);
    let ec = spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned {
            oid: "1.2.840.10045.2.1".parse().unwrap(),
            parameters: Some(der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7").into()),
        },
        subject_public_key: der::asn1::BitString::from_bytes(&point).unwrap(),
    };
    let ec_file = write(dir.path(), "ec.der", ec.to_der().unwrap());
    // RFC 8410 §7 shape: PKCS#8 of an Ed25519 key (OID 1.3.101.112) with a 32-byte seed.
    let mut ed25519 = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    ed25519.extend([9u8; 32]);
    let ed_file = write(dir.path(), "ed.der", ed25519);
    for (file, algorithm) in [(ec_file, "EC"), (ed_file, "Ed25519")] {
        kliento()
            .args(["txt-record", "--key"])
            .arg(&file)
            .assert()
            .code(3)
            .stderr(contains(format!(
                "{algorithm} keys are not supported: VeraId needs an RSA key"
            )));
    }
}

#[test]
fn unparsable_key_files_are_malformed_input() {
    let dir = temp_dir();
    let cases = [
        ("empty.pem", &b""[..], "the input is empty"),
        (
            "junk.bin",
            &b"\x00\x01garbage"[..],
            "no PEM header and no DER key structure",
        ),
        (
            "encrypted.pem",
            &b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"
                [..],
            "the private key is encrypted",
        ),
        (
            "cert.pem",
            &b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"[..],
            "PEM block labelled \"CERTIFICATE\" is not an RSA key",
        ),
        (
            "broken.pem",
            &b"-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n"[..],
            "bad PEM",
        ),
    ];
    for (name, bytes, message) in cases {
        let file = write(dir.path(), name, bytes);
        kliento()
            .args(["txt-record", "--key"])
            .arg(&file)
            .assert()
            .code(3)
            .stdout("")
            .stderr(contains(message).and(contains(name)))
            .stderr(predicate::function(|s: &str| s.lines().count() == 1));
    }
}

// Data cases: cases/cli_txt_record.toml.
cases!(a_missing_key_file_is_an_environment_failure);
