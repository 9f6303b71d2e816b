//! What the validation tests share: a fast test hierarchy for `example.com`, a spec signed for
//! January 2026, and validation in mid-January.

use crate::dnssec::test_chain::{ChainSpec, TestChain, TestZones, ZoneAlgorithm};
use crate::dnssec::validate::{Outcome, Status, validate_veraid_txt};
use crate::domain::Domain;
use crate::time::{Period, Timestamp};
use std::sync::OnceLock;

pub(super) const TXT: &str = "1 LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM= 3600";

pub(super) fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub(super) fn domain() -> Domain {
    "example.com".parse().unwrap()
}

/// Fast keys (ECDSA and Ed25519), made once for the whole test binary.
pub(super) fn zones() -> &'static TestZones {
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
pub(super) fn validity() -> Period {
    Period::new(ts("2026-01-01T00:00:00Z"), ts("2026-02-01T00:00:00Z")).unwrap()
}

pub(super) fn spec() -> ChainSpec {
    ChainSpec::new(TXT, validity())
}

pub(super) fn mid_january() -> Period {
    Period::instant(ts("2026-01-15T00:00:00Z"))
}

pub(super) fn build(spec: &ChainSpec) -> TestChain {
    zones().build(spec).unwrap()
}

pub(super) fn validate_at(test: &TestChain, window: &Period) -> Outcome {
    validate_veraid_txt(
        &test.chain().unwrap(),
        &domain(),
        window,
        std::slice::from_ref(&test.root_anchor),
    )
}

pub(super) fn validate(test: &TestChain) -> Outcome {
    validate_at(test, &mid_january())
}

/// Asserts the status and the full reason message.
pub(super) fn assert_rejected(outcome: &Outcome, status: Status, message: &str) {
    assert_eq!(outcome.status, status, "{:?}", outcome.reason);
    let reason = outcome.reason.as_ref().expect("a reason");
    assert_eq!(reason.to_string(), message);
}

/// The same hierarchy with a separate zone-signing key in every zone.
pub(super) fn split_zones() -> &'static TestZones {
    static ZONES: OnceLock<TestZones> = OnceLock::new();
    ZONES.get_or_init(|| {
        TestZones::generate(&domain(), &[ZoneAlgorithm::Ed25519])
            .and_then(TestZones::with_zone_signing_keys)
            .unwrap()
    })
}
