//! Validation rules, one test each, on test chains that break exactly that rule.

use super::test_chain::{ChainSpec, Fault, Target, TestChain, TestZones, ZoneAlgorithm};
use super::validate::{Reason, RrsigProblem};
use super::*;
use crate::domain::Domain;
use crate::time::{Period, Timestamp};
use std::sync::OnceLock;

const TXT: &str = "1 LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM= 3600";

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn domain() -> Domain {
    "example.com".parse().unwrap()
}

/// Fast keys (ECDSA and Ed25519), made once for the whole test binary.
fn zones() -> &'static TestZones {
    static ZONES: OnceLock<TestZones> = OnceLock::new();
    ZONES.get_or_init(|| {
        TestZones::generate(
            &domain(),
            &[
                ZoneAlgorithm::EcdsaP256Sha256,
                ZoneAlgorithm::Ed25519,
                ZoneAlgorithm::EcdsaP384Sha384,
            ],
        )
        .unwrap()
    })
}

/// RRSIGs valid for January 2026.
fn validity() -> Period {
    Period::new(ts("2026-01-01T00:00:00Z"), ts("2026-02-01T00:00:00Z")).unwrap()
}

fn spec() -> ChainSpec {
    ChainSpec::new(TXT, validity())
}

fn mid_january() -> Period {
    Period::instant(ts("2026-01-15T00:00:00Z"))
}

fn build(spec: &ChainSpec) -> TestChain {
    zones().build(spec).unwrap()
}

fn validate_at(test: &TestChain, window: &Period) -> Outcome {
    validate_veraid_txt(
        &test.chain().unwrap(),
        &domain(),
        window,
        std::slice::from_ref(&test.root_anchor),
    )
}

fn validate(test: &TestChain) -> Outcome {
    validate_at(test, &mid_january())
}

/// Asserts the status and the full reason message.
fn assert_rejected(outcome: &Outcome, status: Status, message: &str) {
    assert_eq!(outcome.status, status, "{:?}", outcome.reason);
    let reason = outcome.reason.as_ref().expect("a reason");
    assert_eq!(reason.to_string(), message);
}

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
fn rejects_chain_whose_rrsig_expired() {
    let expired = Period::new(ts("2025-09-01T00:00:00Z"), ts("2026-01-10T00:00:00Z")).unwrap();
    let test = build(&spec().with(Fault::RrsigValidity {
        target: Target::Dnskey(1),
        validity: expired,
    }));
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "RRSIG for com./DNSKEY expired 2026-01-10T00:00:00Z, 5 days before the verification time",
    );
}

#[test]
fn rejects_chain_whose_rrsig_is_not_yet_valid() {
    let future = Period::new(ts("2026-01-15T03:00:00Z"), ts("2026-03-01T00:00:00Z")).unwrap();
    let test = build(&spec().with(Fault::RrsigValidity {
        target: Target::Txt,
        validity: future,
    }));
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "RRSIG for _veraid.example.com./TXT is not valid until 2026-01-15T03:00:00Z, \
         3 hours after the verification time",
    );
}

#[test]
fn rejects_rrsig_with_expiration_before_inception() {
    let backwards = Period {
        start: ts("2026-01-20T00:00:00Z"),
        end: ts("2026-01-10T00:00:00Z"),
    };
    let test = build(&spec().with(Fault::RrsigValidity {
        target: Target::Ds(2),
        validity: backwards,
    }));
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "RRSIG for example.com./DS expires (2026-01-10T00:00:00Z) before its inception \
         (2026-01-20T00:00:00Z)",
    );
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
fn rejects_ds_rrsig_whose_signer_is_not_the_parent() {
    let test = build(&spec().with(Fault::Signer {
        target: Target::Ds(2),
        signer: "example.com.".into(),
    }));
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "RRSIG for example.com./DS is signed by example.com. but must be signed by com.",
    );
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
fn rejects_tampered_txt() {
    let outcome = validate(&build(&spec().with(Fault::TamperedTxt)));
    assert_eq!(outcome.status, Status::Bogus);
    let message = outcome.reason.unwrap().to_string();
    assert!(
        message.starts_with("RRSIG for _veraid.example.com./TXT by key "),
        "{message}"
    );
    assert!(
        message.ends_with(" does not verify (signature or RRset altered)"),
        "{message}"
    );
}

#[test]
fn treats_missing_ds_response_as_insecure() {
    let test = build(&spec().with(Fault::OmitResponse {
        target: Target::Ds(2),
    }));
    assert_eq!(test.messages.len(), 7);
    assert_rejected(
        &validate(&test),
        Status::Insecure,
        "chain has no response for example.com./DS",
    );
}

#[test]
fn treats_nxdomain_ds_response_as_insecure() {
    let test = build(&spec().with(Fault::Nxdomain {
        target: Target::Ds(1),
    }));
    assert_rejected(
        &validate(&test),
        Status::Insecure,
        "response for com./DS has RCODE Non-Existent Domain (3), expected NOERROR (0)",
    );
}

#[test]
fn rejects_rrsig_by_unknown_key_tag() {
    let outcome = validate(&build(&spec().with(Fault::WrongKeyTag {
        target: Target::Txt,
    })));
    assert_eq!(outcome.status, Status::Bogus);
    match outcome.reason.unwrap() {
        Reason::NoValidSignature { name, rejected, .. } => {
            assert_eq!(name, "_veraid.example.com.");
            assert_eq!(rejected[0].problem, RrsigProblem::UnknownKeyTag);
            assert_eq!(
                rejected[0].to_string(),
                format!(
                    "names key tag {}, which no usable DNSKEY of example.com. has",
                    rejected[0].key_tag
                )
            );
        }
        other => panic!("unexpected {other:?}"),
    }
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
fn rejects_rrsig_with_wrong_labels() {
    let test = build(&spec().with(Fault::Labels {
        target: Target::Txt,
        labels: 2,
    }));
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "RRSIG for _veraid.example.com./TXT has a labels field that is not 3",
    );
}

#[test]
fn rejects_truncated_message_naming_it() {
    let test = build(&spec().with(Fault::Truncate {
        target: Target::Dnskey(1),
    }));
    match DnssecChain::from_der(&test.to_der()).unwrap_err() {
        ChainError::Message { index, .. } => assert_eq!(index, 1),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn accepts_duplicated_zone_messages() {
    let mut test = build(&spec());
    let copies: Vec<Vec<u8>> = test.messages[..7].to_vec();
    test.messages.extend(copies);
    assert_eq!(validate(&test).status, Status::Secure);
}

#[test]
fn accepts_reordered_messages() {
    let mut test = build(&spec());
    test.messages.reverse();
    assert_eq!(validate(&test).status, Status::Secure);
}

#[test]
fn rejects_duplicated_txt_response() {
    let mut test = build(&spec());
    let txt = test.messages.last().unwrap().clone();
    test.messages.insert(0, txt);
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "chain contains 2 VeraId TXT responses for _veraid.example.com.; exactly one is allowed",
    );
}

#[test]
fn treats_missing_txt_response_as_indeterminate() {
    let test = build(&spec().with(Fault::OmitResponse {
        target: Target::Txt,
    }));
    assert_rejected(
        &validate(&test),
        Status::Indeterminate,
        "chain is missing the VeraId TXT response for _veraid.example.com.",
    );
}

#[test]
fn rejects_txt_rrsig_with_different_ttl() {
    let test = build(&spec().with(Fault::RrsigTtl {
        target: Target::Txt,
        ttl: 301,
    }));
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "RRset for _veraid.example.com./TXT contains different TTLs (e.g., 300, 301)",
    );
}

#[test]
fn window_may_start_exactly_at_rrsig_expiration() {
    let test = build(&spec());
    let window = Period::new(validity().end, ts("2026-03-01T00:00:00Z")).unwrap();
    assert_eq!(validate_at(&test, &window).status, Status::Secure);
    let late = Period::new(ts("2026-02-01T00:00:00.001Z"), ts("2026-03-01T00:00:00Z")).unwrap();
    let outcome = validate_at(&test, &late);
    assert_eq!(outcome.status, Status::Bogus);
    assert!(
        outcome.reason.unwrap().to_string().ends_with(
            "expired 2026-02-01T00:00:00Z, 1 millisecond before the verification window"
        ),
    );
}

#[test]
fn window_may_end_exactly_at_rrsig_inception() {
    let test = build(&spec());
    let window = Period::new(ts("2025-12-01T00:00:00Z"), validity().start).unwrap();
    assert_eq!(validate_at(&test, &window).status, Status::Secure);
    let early = Period::instant(ts("2025-12-31T23:59:59.999Z"));
    assert_eq!(validate_at(&test, &early).status, Status::Bogus);
}

#[test]
fn ttl_override_window_edges() {
    let test = build(&spec());
    // A signature valid 2026-01-20..2026-03-01, TTL override 10 days: W starts 2026-02-19,
    // after every RRSIG expired.
    let period = Period::new(ts("2026-01-20T00:00:00Z"), ts("2026-03-01T00:00:00Z")).unwrap();
    let window = ttl_override_window(&period, 10 * 86_400);
    assert_eq!(window.start, ts("2026-02-19T00:00:00Z"));
    assert_eq!(validate_at(&test, &window).status, Status::Bogus);
    // With exactly 28 days, W starts at the RRSIGs' expiration: still overlapping.
    let window = ttl_override_window(&period, 28 * 86_400);
    assert_eq!(window.start, validity().end);
    assert_eq!(validate_at(&test, &window).status, Status::Secure);
    // The override never extends W before the period's start.
    let window = ttl_override_window(&period, 90 * 86_400);
    assert_eq!(window, period);
}

#[test]
fn txt_answer_exposes_each_record_strings_for_the_bundle_verifier() {
    let mut spec = spec();
    spec.txt = vec![TXT.into(), format!("{TXT} 1.2.3"), TXT.into()];
    let test = build(&spec);
    let answer = TxtAnswer::from_chain(&test.chain().unwrap(), &domain()).unwrap();
    assert_eq!(answer.name, "_veraid.example.com.");
    assert_eq!(answer.ttl, 300);
    assert_eq!(answer.records.len(), 2, "duplicates removed");
    let parsed: Vec<crate::veraid::txt::TxtRdata> = answer
        .strings()
        .map(|strings| crate::veraid::txt::TxtRdata::parse_strings(&strings).unwrap())
        .collect();
    assert_eq!(parsed[0].service_oid, None);
    assert_eq!(parsed[1].service_oid.as_deref(), Some("1.2.3"));
    assert_eq!(validate(&test).status, Status::Secure);
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

/// The same hierarchy with a separate zone-signing key in every zone.
fn split_zones() -> &'static TestZones {
    static ZONES: OnceLock<TestZones> = OnceLock::new();
    ZONES.get_or_init(|| {
        TestZones::generate(&domain(), &[ZoneAlgorithm::Ed25519])
            .and_then(TestZones::with_zone_signing_keys)
            .unwrap()
    })
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
fn rejects_rrsig_by_key_without_zone_flag() {
    let test = split_zones()
        .build(&spec().with(Fault::ZskFlags { zone: 2, flags: 0 }))
        .unwrap();
    let outcome = validate(&test);
    assert_eq!(outcome.status, Status::Bogus);
    let message = outcome.reason.unwrap().to_string();
    assert!(
        message.starts_with("RRSIG for _veraid.example.com./TXT was made by key "),
        "{message}"
    );
    assert!(
        message.ends_with(", which lacks the Zone Key flag"),
        "{message}"
    );
}

#[test]
fn rejects_rrsig_whose_algorithm_differs_from_its_key() {
    let test = build(&spec().with(Fault::RrsigAlgorithm {
        target: Target::Txt,
        algorithm: 13,
    }));
    let outcome = validate(&test);
    assert_eq!(outcome.status, Status::Bogus);
    let message = outcome.reason.unwrap().to_string();
    assert!(
        message.starts_with("RRSIG for _veraid.example.com./TXT has algorithm 13 but key "),
        "{message}"
    );
    assert!(message.ends_with(" has algorithm 14"), "{message}");
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

#[test]
fn rejects_domain_whose_veraid_name_exceeds_255_octets() {
    let long: Domain = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(57))
        .parse()
        .unwrap();
    let chain = build(&spec()).chain().unwrap();
    let error = TxtAnswer::from_chain(&chain, &long).unwrap_err();
    assert!(
        matches!(error, AnswerError::InvalidName { .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("_veraid.aaaa"), "{error}");
    let outcome = validate_veraid_txt(&chain, &long, &mid_january(), &iana_root_anchors());
    assert_eq!(outcome.status, Status::Indeterminate);
}

#[test]
fn rejects_unsigned_ds_as_bogus() {
    let test = build(&spec().with(Fault::Unsigned {
        target: Target::Ds(1),
    }));
    assert_rejected(
        &validate(&test),
        Status::Bogus,
        "no valid RRSIG for com./DS",
    );
}
