//! The walk from the anchors (`walk.rs`), one test each: what a Secure walk records, every
//! supported algorithm, DS matching, zone keys, the apex, and how a rejection reads.

use super::fixtures::*;
use crate::dnssec::iana_root_anchors;
use crate::dnssec::test_chain::{Fault, Target, TestZones, ZoneAlgorithm};
use crate::dnssec::validate::{Reason, Status, validate_veraid_txt};
use crate::domain::Domain;

#[test]
fn accepts_valid_chain_and_describes_the_walk() {
    let test = build(&spec());
    assert_eq!(test.messages.len(), 8, "2 * 3 labels + 2 messages (§6.2)");
    let outcome = validate(&test);
    assert_eq!(outcome.status, Status::Secure, "{:?}", outcome.reason);
    assert!(outcome.reason.is_none());
    let walk = outcome.into_result().unwrap();
    let zones: Vec<&str> = walk.zones.iter().map(|z| z.zone.as_str()).collect();
    assert_eq!(zones, [".", "com.", "example.com."]);
    assert!(walk.zones[0].ds_signature.is_none(), "the root is anchored");
    let com = &walk.zones[1];
    assert_eq!(com.ds_signature.as_ref().unwrap().signer, ".");
    assert_eq!(com.ds_signature.as_ref().unwrap().rrset, "com./DS");
    assert_eq!(com.ds_matches.len(), 1);
    assert_eq!(com.ds_matches[0].algorithm, 15);
    assert_eq!(com.ds_matches[0].dnskey_tag, com.keys[0].key_tag);
    assert_eq!(com.dnskey_signature.as_ref().unwrap().validity, validity());
    let answer = walk.answer_signature.unwrap();
    assert_eq!(
        (
            answer.rrset.as_str(),
            answer.signer.as_str(),
            answer.algorithm
        ),
        ("_veraid.example.com./TXT", "example.com.", 14)
    );
}

#[test]
fn accepts_chain_with_every_supported_signing_algorithm() {
    let domain: Domain = "a.b.example.com".parse().unwrap();
    let zones = TestZones::generate(
        &domain,
        &[
            ZoneAlgorithm::RsaSha256,
            ZoneAlgorithm::RsaSha512,
            ZoneAlgorithm::EcdsaP256Sha256,
            ZoneAlgorithm::EcdsaP384Sha384,
            ZoneAlgorithm::Ed25519,
        ],
    )
    .unwrap();
    let test = zones.build(&spec()).unwrap();
    let outcome = validate_veraid_txt(
        &test.chain().unwrap(),
        &domain,
        &mid_january(),
        std::slice::from_ref(&test.root_anchor),
    );
    assert_eq!(outcome.status, Status::Secure, "{:?}", outcome.reason);
    let algorithms: Vec<u8> = outcome
        .walk
        .zones
        .iter()
        .map(|z| z.keys[0].algorithm)
        .collect();
    assert_eq!(algorithms, [8, 10, 13, 14, 15]);
}

#[test]
fn rejects_chain_with_wrong_ds_digest() {
    let outcome = validate(&build(&spec().with(Fault::WrongDsDigest { zone: 2 })));
    assert_eq!(outcome.status, Status::Bogus);
    let message = outcome.reason.unwrap().to_string();
    assert!(
        message.starts_with("no zone DNSKEY of example.com. matches its DS records (DS "),
        "{message}"
    );
}

#[test]
fn rejects_chain_whose_root_key_does_not_match_the_anchor() {
    let test = build(&spec());
    let outcome = validate_veraid_txt(
        &test.chain().unwrap(),
        &domain(),
        &mid_january(),
        &iana_root_anchors(),
    );
    assert_eq!(outcome.status, Status::Bogus);
    match outcome.reason.unwrap() {
        Reason::NoDnskeyMatchesDs { zone, ds, keys } => {
            assert_eq!(zone, ".");
            assert_eq!(ds, ["20326/8/2", "38696/8/2"]);
            assert_eq!(keys.len(), 1);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn rejects_dnskey_without_zone_flag() {
    let outcome = validate(&build(&spec().with(Fault::NoZoneFlag { zone: 1 })));
    assert_eq!(outcome.status, Status::Bogus);
    let message = outcome.reason.unwrap().to_string();
    assert!(
        message.starts_with("no zone DNSKEY of com. matches"),
        "{message}"
    );
    assert!(message.ends_with(" flags 1)"), "{message}");
}

#[test]
fn ignores_txt_rrsig_whose_signer_is_outside_the_tree() {
    let test = build(&spec().with(Fault::Signer {
        target: Target::Txt,
        signer: "example.net.".into(),
    }));
    assert_rejected(
        &validate(&test),
        Status::Indeterminate,
        "_veraid.example.com./TXT has no RRSIG",
    );
}

#[test]
fn rejects_zone_with_unsupported_algorithm() {
    let outcome = validate(&build(&spec().with(Fault::ExtraDnskey {
        zone: 1,
        algorithm: 16,
    })));
    assert_eq!(outcome.status, Status::Bogus);
    let message = outcome.reason.unwrap().to_string();
    assert!(message.starts_with("DNSKEY "), "{message}");
    assert!(
        message
            .ends_with(" of com. uses unsupported algorithm 16 (supported: 5, 8, 10, 13, 14, 15)"),
        "{message}"
    );
}

#[test]
fn treats_unsigned_dnskey_as_indeterminate() {
    let test = build(&spec().with(Fault::Unsigned {
        target: Target::Dnskey(2),
    }));
    assert_rejected(
        &validate(&test),
        Status::Indeterminate,
        "example.com./DNSKEY has no RRSIG",
    );
}

#[test]
fn rejection_renders_status_and_reason() {
    let test = build(&spec().with(Fault::Unsigned {
        target: Target::Dnskey(0),
    }));
    let rejection = validate(&test).into_result().unwrap_err();
    assert_eq!(
        rejection.to_string(),
        "DNSSEC chain is INDETERMINATE: ./DNSKEY has no RRSIG"
    );
}

#[test]
fn accepts_chain_with_separate_zone_signing_keys() {
    let test = split_zones().build(&spec()).unwrap();
    let walk = validate(&test).into_result().unwrap();
    let apex = &walk.zones[2];
    assert_eq!(apex.keys.len(), 2);
    let ksk = apex.keys.iter().find(|k| k.flags == 257).unwrap().key_tag;
    let zsk = apex.keys.iter().find(|k| k.flags == 256).unwrap().key_tag;
    assert_eq!(apex.ds_matches[0].dnskey_tag, ksk, "the DS covers the KSK");
    assert_eq!(apex.dnskey_signature.as_ref().unwrap().key_tag, ksk);
    assert_eq!(walk.answer_signature.unwrap().key_tag, zsk);
    assert_eq!(
        walk.zones[1].ds_signature.as_ref().unwrap().key_tag,
        walk.zones[0]
            .keys
            .iter()
            .find(|k| k.flags == 256)
            .unwrap()
            .key_tag,
        "com./DS is signed by the root's ZSK"
    );
}

#[test]
fn accepts_ds_digest_types_1_2_and_4() {
    for digest_type in [1, 2, 4] {
        let mut spec = spec();
        spec.digest_type = digest_type;
        let test = build(&spec);
        assert_eq!(test.root_anchor.digest_type, digest_type);
        let walk = validate(&test).into_result().unwrap();
        assert!(
            walk.zones
                .iter()
                .all(|z| z.ds_matches[0].digest_type == digest_type)
        );
    }
}

#[test]
fn ds_of_unsupported_digest_type_matches_no_key() {
    let mut spec = spec();
    spec.digest_type = 3;
    let outcome = validate(&build(&spec));
    assert_eq!(outcome.status, Status::Bogus);
    let message = outcome.reason.unwrap().to_string();
    assert!(
        message.starts_with("no zone DNSKEY of . matches its DS records (DS "),
        "{message}"
    );
    assert!(message.contains("/3;"), "{message}");
}
