//! The RRSIG rules (`rrsig.rs`), one test each, on test chains that break exactly that rule:
//! validity against the window, signer, key tag, algorithm, labels, Zone Key flag, signature.

use super::fixtures::*;
use crate::dnssec::test_chain::{Fault, Target};
use crate::dnssec::validate::{Reason, RrsigProblem, Status, ttl_override_window};
use crate::time::Period;

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
