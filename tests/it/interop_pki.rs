//! Certificates and CMS signatures agree with the reference implementation, @relaycorp/veraid
//! 3.1.2, in both directions (tests/interop/pki.mjs runs the JS side).
//!
//! veraid-js checks certificates against the wall clock, so the certificates here are valid now.

use crate::support::oracle::oracle_script;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::{Timestamp, ToSpan};
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::veraid::certificate::{
    Certificate, CertificateOptions, issue_member_certificate, issue_organisation_certificate,
    verify_issued_by,
};
use kliento::veraid::member::Member;
use kliento::veraid::signature::{self, SignOptions, SignatureMetadata, SignedData, Signer};
use kliento::veraid::{HashAlgorithm, ServiceOid};
use pkcs8::EncodePrivateKey;
use serde_json::{Value, json};

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn unb64(value: &Value) -> Vec<u8> {
    STANDARD
        .decode(value.as_str().expect("base64 string"))
        .expect("base64")
}

fn pkcs8(key: &rsa::PrivateKey) -> String {
    b64(key.to_pkcs8_der().unwrap().as_bytes())
}

fn pki(command: &str, cases: Vec<Value>) -> Vec<Value> {
    oracle_script("pki.mjs", command, cases)
}

fn ok(result: &Value) -> &Value {
    assert!(result.get("error").is_none(), "JS failed: {result}");
    result
}

/// Whole-second "now", so JS and Rust agree on validity without truncation effects.
fn now() -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second()).unwrap()
}

fn iso(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

struct Fixture {
    org_key: rsa::PrivateKey,
    member_key: rsa::PrivateKey,
    org: Certificate,
    start: Timestamp,
    expiry: Timestamp,
}

fn fixture(bits: OrgKeyAlgorithm) -> Fixture {
    let org_key = keys::generate(bits).unwrap();
    let member_key = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let start = now() - 1.hour();
    let expiry = now() + 24.hours();
    let org = issue_organisation_certificate(
        "example.com",
        &org_key,
        &CertificateOptions {
            start,
            expiry,
            hash: HashAlgorithm::Sha256,
        },
    )
    .unwrap();
    Fixture {
        org_key,
        member_key,
        org,
        start,
        expiry,
    }
}

impl Fixture {
    fn member(&self, member: &Member) -> Certificate {
        issue_member_certificate(
            member,
            &self.member_key.to_public_key(),
            &self.org,
            &self.org_key,
            &CertificateOptions {
                start: self.start,
                expiry: self.expiry,
                hash: HashAlgorithm::Sha256,
            },
        )
        .unwrap()
    }
}

#[test]
fn kliento_certificates_parse_and_chain_in_veraid_js() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let fixtures = [
        fixture(OrgKeyAlgorithm::Rsa2048),
        fixture(OrgKeyAlgorithm::Rsa3072),
    ];
    let members = [Member::from_name("alice").unwrap(), Member::Bot];
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for f in &fixtures {
        cases.push(json!({ "orgCert": b64(f.org.to_der()) }));
        expected.push((f.org.clone(), None));
        for member in &members {
            let cert = f.member(member);
            cases.push(json!({ "orgCert": b64(f.org.to_der()), "memberCert": b64(cert.to_der()) }));
            expected.push((f.org.clone(), Some(cert)));
        }
    }
    // A member certificate presented with another organisation's certificate must not chain.
    let stranger = fixtures[1].member(&Member::Bot);
    cases.push(
        json!({ "orgCert": b64(fixtures[0].org.to_der()), "memberCert": b64(stranger.to_der()) }),
    );

    let results = pki("check-certs", cases);
    for (result, (org, member)) in results.iter().zip(&expected) {
        let result = ok(result);
        assert_eq!(result["org"]["commonName"], org.common_name());
        assert_eq!(result["org"]["start"], iso(org.not_before()));
        assert_eq!(result["org"]["end"], iso(org.not_after()));
        assert_eq!(result["org"]["serial"], org.serial_number().to_string());
        if let Some(member) = member {
            assert_eq!(result["member"]["commonName"], member.common_name());
            assert_eq!(result["member"]["start"], iso(member.not_before()));
            assert_eq!(result["member"]["end"], iso(member.not_after()));
        }
        assert_eq!(result["path"]["ok"], true, "{result}");
    }
    let rejected = &results[expected.len()];
    assert_eq!(rejected["path"]["ok"], false, "{rejected}");
}

#[test]
fn veraid_js_certificates_parse_and_verify_in_kliento() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let org_key = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let member_key = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let start = now() - 1.hour();
    let expiry = now() + 24.hours();
    let member_expiry = now() + 48.hours();
    let mut cases = Vec::new();
    for hash in ["SHA-256", "SHA-384", "SHA-512"] {
        for user in [json!("alice"), json!(null)] {
            cases.push(json!({
                "orgKey": pkcs8(&org_key), "memberKey": pkcs8(&member_key), "hash": hash,
                "domain": "example.com", "member": { "user": user },
                "start": iso(start), "expiry": iso(expiry), "memberExpiry": iso(member_expiry),
            }));
        }
    }
    let results = pki("issue-certs", cases);
    for (i, result) in results.iter().enumerate() {
        let result = ok(result);
        let org = Certificate::from_der(&unb64(&result["orgCert"])).unwrap();
        let member = Certificate::from_der(&unb64(&result["memberCert"])).unwrap();
        assert_eq!(org.common_name(), "example.com");
        assert_eq!(member.common_name(), if i % 2 == 0 { "alice" } else { "@" });
        assert_eq!(org.not_before(), start);
        assert_eq!(org.not_after(), expiry);
        assert_eq!(
            member.not_after(),
            expiry,
            "capped at the organisation's expiry"
        );
        org.check_is_ca().unwrap();
        org.check_rsa_pss_signed().unwrap();
        verify_issued_by(&org, &org).unwrap();
        verify_issued_by(&member, &org).unwrap();
        let hash = org.signature_algorithm().unwrap().hash();
        assert_eq!(
            hash,
            [
                HashAlgorithm::Sha256,
                HashAlgorithm::Sha384,
                HashAlgorithm::Sha512
            ][i / 2]
        );
        assert_eq!(
            member.subject_key_id().unwrap(),
            HashAlgorithm::Sha256.digest(&keys::canonical_spki_der(&member_key.to_public_key()))
        );
    }
}

#[test]
fn veraid_js_certificate_with_non_minimal_serial_parses_and_verifies() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let f = fixture(OrgKeyAlgorithm::Rsa2048);
    let results = pki(
        "reissue-with-serial",
        vec![json!({
            "orgKey": pkcs8(&f.org_key), "orgCert": b64(f.org.to_der()), "serialHex": "00123456789abcde",
        })],
    );
    let result = ok(&results[0]);
    let der = unb64(&result["cert"]);
    // JS wrote the eight bytes verbatim: 02 08 00 12 ...
    assert!(der.windows(4).any(|w| w == [0x02, 0x08, 0x00, 0x12]));
    let cert = Certificate::from_der(&der).unwrap();
    assert_eq!(
        cert.serial_number().as_bytes(),
        [0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde]
    );
    verify_issued_by(&cert, &f.org).unwrap();
    verify_issued_by(&cert, &cert).unwrap();
}

fn metadata(start: Timestamp, end: Timestamp) -> SignatureMetadata {
    SignatureMetadata {
        service: ServiceOid::TEST.parse().unwrap(),
        start,
        end,
    }
}

#[test]
fn kliento_signatures_verify_in_veraid_js() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let f = fixture(OrgKeyAlgorithm::Rsa2048);
    let alice = f.member(&Member::from_name("alice").unwrap());
    let period = metadata(f.start, f.start + 2.hours());
    let bob = Member::from_name("bob").unwrap();
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for encapsulate in [false, true] {
        for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha512] {
            let options = SignOptions {
                encapsulate,
                signature_hash: hash,
            };
            let signers = [
                (
                    Signer::Organisation {
                        certificate: &f.org,
                        attribution: &bob,
                    },
                    &f.org_key,
                ),
                (
                    Signer::Organisation {
                        certificate: &f.org,
                        attribution: &Member::Bot,
                    },
                    &f.org_key,
                ),
                (
                    Signer::Member {
                        certificate: &alice,
                    },
                    &f.member_key,
                ),
            ];
            for (signer, key) in signers {
                let der = signature::sign(b"hello", &period, signer, key, &options).unwrap();
                cases.push(json!({
                    "signedData": b64(&der),
                    "plaintext": if encapsulate { Value::Null } else { json!(b64(b"hello")) },
                    "orgCert": b64(f.org.to_der()),
                }));
                expected.push(signer);
            }
        }
    }
    // Tampered plaintext must fail on the JS side too.
    let der = signature::sign(
        b"hello",
        &period,
        Signer::Member {
            certificate: &alice,
        },
        &f.member_key,
        &SignOptions::default(),
    )
    .unwrap();
    cases.push(json!({ "signedData": b64(&der), "plaintext": b64(b"hellO"), "orgCert": b64(f.org.to_der()) }));

    let results = pki("verify-signature", cases);
    for (result, signer) in results.iter().zip(&expected) {
        let result = ok(result);
        assert_eq!(unb64(&result["plaintext"]), b"hello");
        assert_eq!(result["serviceOid"], ServiceOid::TEST);
        assert_eq!(result["start"], iso(period.start));
        assert_eq!(result["end"], iso(period.end));
        match signer {
            Signer::Organisation { attribution, .. } => {
                assert_eq!(result["wasSignedByMember"], false);
                assert_eq!(result["attribution"], attribution.name());
                assert_eq!(result["signerCommonName"], "example.com");
            }
            Signer::Member { .. } => {
                assert_eq!(result["wasSignedByMember"], true);
                assert_eq!(result["signerCommonName"], "alice");
            }
        }
    }
    let tampered = &results[expected.len()];
    assert!(
        tampered["error"]
            .as_str()
            .unwrap()
            .contains("Message digest doesn't match"),
        "{tampered}"
    );
}

#[test]
fn veraid_js_signatures_verify_in_kliento() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let f = fixture(OrgKeyAlgorithm::Rsa2048);
    let alice = f.member(&Member::from_name("alice").unwrap());
    // veraid-js keeps milliseconds in signature times: they must survive the trip.
    let start = f.start + 912.milliseconds();
    let end = f.start + 2.hours() + 500.milliseconds();
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for encapsulate in [false, true] {
        for hash in ["SHA-256", "SHA-384"] {
            for (user, member) in [
                (Some(json!("bob")), None),
                (Some(Value::Null), None),
                (None, Some(&alice)),
            ] {
                let (key, member_cert) = match member {
                    Some(cert) => (&f.member_key, Some(b64(cert.to_der()))),
                    None => (&f.org_key, None),
                };
                cases.push(json!({
                    "key": pkcs8(key), "hash": hash, "orgCert": b64(f.org.to_der()),
                    "memberCert": member_cert, "user": user.clone().unwrap_or(Value::Null),
                    "plaintext": b64(b"hello"), "serviceOid": ServiceOid::TEST,
                    "start": iso(start), "expiry": iso(end), "encapsulate": encapsulate,
                }));
                expected.push((encapsulate, user, member.is_some()));
            }
        }
    }
    let results = pki("sign", cases);
    for (result, (encapsulate, user, by_member)) in results.iter().zip(&expected) {
        let der = unb64(&ok(result)["signedData"]);
        let parsed = SignedData::from_der(&der).unwrap();
        let detached = (!encapsulate).then_some(&b"hello"[..]);
        let verified = parsed.verify(detached, &f.org).unwrap();
        assert_eq!(verified.plaintext, b"hello");
        assert_eq!(verified.metadata, metadata(start, end));
        assert_eq!(verified.signed_by_member, *by_member);
        if *by_member {
            assert_eq!(verified.signer, alice);
            assert_eq!(verified.attribution, None);
            verify_issued_by(&verified.signer, &f.org).unwrap();
        } else {
            let expected_member = match user.as_ref().and_then(Value::as_str) {
                Some(name) => Member::from_name(name).unwrap(),
                None => Member::Bot,
            };
            assert_eq!(verified.attribution, Some(expected_member));
            assert_eq!(verified.signer, f.org);
        }
        // And a different plaintext fails here as it does in JS.
        if !encapsulate {
            let error = parsed.verify(Some(b"hellO"), &f.org).unwrap_err();
            assert!(matches!(
                error,
                signature::SignatureError::DigestMismatch { .. }
            ));
        }
    }
}
