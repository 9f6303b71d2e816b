//! How the responses are read from the chain (`responses.rs`): missing, NXDOMAIN, duplicated,
//! reordered or malformed messages, TTLs, and the `_veraid` TXT answer.

use super::fixtures::*;
use crate::dnssec::test_chain::{Fault, Target};
use crate::dnssec::validate::{AnswerError, Status, TxtAnswer, validate_veraid_txt};
use crate::dnssec::{ChainError, DnssecChain, iana_root_anchors};
use crate::domain::Domain;

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
