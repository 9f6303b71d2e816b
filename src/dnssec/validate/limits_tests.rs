//! The work bounds of validation ([`Limits`]): adversarial chains (colliding key tags, junk
//! RRSIGs, deep delegations, large DNSKEY sets, duplicated messages) each stay within a fixed
//! budget of signature operations, counted rather than timed; real chain shapes stay far inside.

use super::fixtures::{mid_january, spec};
use crate::dnssec::test_chain::{ChainSpec, Fault, Target, TestChain, TestZones, ZoneAlgorithm};
use crate::dnssec::validate::{
    Budget, Limit, Limits, Outcome, Reason, Status, validate_veraid_txt_within,
};
use crate::domain::Domain;
use std::sync::OnceLock;

/// An attacker's zone under a root and TLD it does not control: P-256 above (3 units a
/// verification), the most expensive algorithm, P-384 (28 units), in `example.com`.
fn p384_zones() -> &'static TestZones {
    static ZONES: OnceLock<TestZones> = OnceLock::new();
    ZONES.get_or_init(|| {
        TestZones::generate(
            &"example.com".parse().unwrap(),
            &[
                ZoneAlgorithm::EcdsaP256Sha256,
                ZoneAlgorithm::EcdsaP256Sha256,
                ZoneAlgorithm::EcdsaP384Sha384,
            ],
        )
        .unwrap()
    })
}

/// A cheap hierarchy with zone-signing keys: P-256 root, Ed25519 below.
fn p256_root_split_zones() -> &'static TestZones {
    static ZONES: OnceLock<TestZones> = OnceLock::new();
    ZONES.get_or_init(|| {
        TestZones::generate(
            &"example.com".parse().unwrap(),
            &[ZoneAlgorithm::EcdsaP256Sha256, ZoneAlgorithm::Ed25519],
        )
        .unwrap()
        .with_zone_signing_keys()
        .unwrap()
    })
}

fn validate(zones: &TestZones, test: &TestChain) -> Outcome {
    validate_veraid_txt_within(
        &test.chain().unwrap(),
        zones.domain(),
        &mid_january(),
        std::slice::from_ref(&test.root_anchor),
        &mut Budget::default(),
    )
}

fn build(zones: &TestZones, spec: &ChainSpec) -> TestChain {
    zones.build(spec).unwrap()
}

/// Asserts the chain is Bogus because of `limit`, and that the work stayed within the limits.
fn assert_stopped_by(outcome: &Outcome, limit: Limit) {
    assert_eq!(outcome.status, Status::Bogus, "{:?}", outcome.reason);
    match &outcome.reason {
        Some(Reason::LimitExceeded { limit: hit, .. }) => assert_eq!(*hit, limit),
        other => panic!("expected {limit:?}, got {other:?}"),
    }
    assert_within_limits(outcome);
}

fn assert_within_limits(outcome: &Outcome) {
    let limits = Limits::default();
    assert!(outcome.work.cost <= limits.cost, "{:?}", outcome.work);
    // Every verification costs at least one unit, so the count is bounded by the cost too.
    assert!(
        outcome.work.verifications <= limits.cost,
        "{:?}",
        outcome.work
    );
}

#[test]
fn the_reported_keytrap_chain_stays_within_the_limits() {
    let zones = p384_zones();
    // The chain of the report: 50 P-384 keys share the TXT signer's tag and 40 junk RRSIGs
    // name it, 2,000 verifications unbounded. Hashing 51 keys against the DS already stops it.
    let spec = spec()
        .with(Fault::CollidingKeys { zone: 2, count: 50 })
        .with(Fault::JunkRrsigs {
            target: Target::Txt,
            count: 40,
        });
    let outcome = validate(zones, &build(zones, &spec));
    assert_stopped_by(&outcome, Limit::DsDigestsPerZone(16));
}

#[test]
fn colliding_key_tags_are_tried_a_bounded_number_of_times() {
    let zones = p384_zones();
    // 10 keys share the TXT signer's tag: 11 candidates for each RRSIG naming it.
    let spec = spec()
        .with(Fault::CollidingKeys { zone: 2, count: 10 })
        .with(Fault::JunkRrsigs {
            target: Target::Txt,
            count: 4,
        });
    let outcome = validate(zones, &build(zones, &spec));
    assert_stopped_by(&outcome, Limit::KeysPerTag(4));
}

#[test]
fn a_few_colliding_keys_are_tried_up_to_the_attempts_per_rrset() {
    let zones = p256_root_split_zones();
    // 3 colliding keys (4 candidates, within keys_per_tag) and 10 junk RRSIGs before the
    // genuine one: the ninth attempt on the TXT RRset is refused.
    let spec = spec()
        .with(Fault::CollidingKeys { zone: 2, count: 3 })
        .with(Fault::JunkRrsigs {
            target: Target::Txt,
            count: 10,
        });
    let outcome = validate(zones, &build(zones, &spec));
    assert_stopped_by(&outcome, Limit::AttemptsPerRrset(8));
    // Root DNSKEY, com DS and DNSKEY, example.com DS and DNSKEY: one each; then 8 on TXT.
    assert_eq!(outcome.work.verifications, 5 + 8);
}

#[test]
fn junk_rrsigs_on_every_rrset_exhaust_the_total_cost() {
    let zones = p384_zones();
    // 6 junk RRSIGs before each genuine one: 7 verifications per RRset.
    let mut spec = spec();
    for target in [
        Target::Dnskey(0),
        Target::Ds(1),
        Target::Dnskey(1),
        Target::Ds(2),
        Target::Dnskey(2),
        Target::Txt,
    ] {
        spec = spec.with(Fault::JunkRrsigs { target, count: 6 });
    }
    let outcome = validate(zones, &build(zones, &spec));
    assert_stopped_by(&outcome, Limit::Cost(72));
    // 7 P-256 verifications (3 units each) on each of 3 RRsets, then 3 on the fourth: 72.
    assert_eq!(outcome.work.verifications, 3 * 7 + 3);
    assert_eq!(outcome.work.cost, 72);
}

#[test]
fn too_many_rrsigs_on_one_rrset_are_refused_before_any_cryptography() {
    let zones = p384_zones();
    let spec = spec().with(Fault::JunkRrsigs {
        target: Target::Dnskey(0),
        count: 16,
    });
    let outcome = validate(zones, &build(zones, &spec));
    assert_stopped_by(&outcome, Limit::RrsigsPerRrset(16));
    assert_eq!(outcome.work.verifications, 0);
}

#[test]
fn deep_delegations_are_bounded_in_zones_and_cost() {
    let deep: Domain = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.example.com"
        .parse()
        .unwrap();
    let zones = TestZones::generate(&deep, &[ZoneAlgorithm::Ed25519]).unwrap();
    let outcome = validate(&zones, &build(&zones, &spec()));
    // 19 zones below the root: the cost (2 units a verification) or the zone count stops it.
    assert_eq!(outcome.status, Status::Bogus, "{:?}", outcome.reason);
    assert!(matches!(
        outcome.reason,
        Some(Reason::LimitExceeded {
            limit: Limit::Zones(16) | Limit::Cost(72),
            ..
        })
    ));
    assert_within_limits(&outcome);
}

#[test]
fn large_dnskey_sets_are_bounded_in_ds_digests() {
    let zones = p384_zones();
    // 40 extra zone keys in the root: 41 DS digests against one anchor.
    let spec = spec().with(Fault::CollidingKeys { zone: 0, count: 40 });
    let outcome = validate(zones, &build(zones, &spec));
    assert_stopped_by(&outcome, Limit::DsDigestsPerZone(16));
    assert_eq!(outcome.work.ds_digests, 16);
}

#[test]
fn duplicated_messages_cost_no_extra_verification() {
    let zones = p384_zones();
    let mut test = build(zones, &spec());
    let single = validate(zones, &test);
    let txt = test.messages.pop().expect("TXT last");
    let copies: Vec<Vec<u8>> = test.messages.iter().cycle().take(60).cloned().collect();
    test.messages = copies;
    test.messages.push(txt);
    let outcome = validate(zones, &test);
    assert_eq!(outcome.status, Status::Secure, "{:?}", outcome.reason);
    assert_eq!(outcome.work, single.work);
}

#[test]
fn one_budget_spans_several_validations() {
    let zones = p384_zones();
    let test = build(zones, &spec());
    let chain = test.chain().unwrap();
    let anchors = std::slice::from_ref(&test.root_anchor);
    let mut budget = Budget::default();
    // One run costs 4 P-256 and 2 P-384 verifications (68 units): two do not fit in 72.
    let first =
        validate_veraid_txt_within(&chain, zones.domain(), &mid_january(), anchors, &mut budget);
    assert_eq!(first.status, Status::Secure);
    assert_eq!(first.work.cost, 4 * 3 + 2 * 28);
    let second =
        validate_veraid_txt_within(&chain, zones.domain(), &mid_january(), anchors, &mut budget);
    assert_stopped_by(&second, Limit::Cost(72));
    assert!(budget.spent().cost <= 72);
}

#[test]
fn real_chain_shapes_use_one_verification_per_rrset() {
    // KSK/ZSK split in every zone, and a rollover (a second key signing everything, its RRSIG
    // first) in the organisation's zone and the TLD.
    let zones = p256_root_split_zones();
    let plain = validate(zones, &build(zones, &spec()));
    assert!(plain.is_secure(), "{:?}", plain.reason);
    let rollover = spec()
        .with(Fault::Rollover { zone: 1 })
        .with(Fault::Rollover { zone: 2 });
    let rolled = validate(zones, &build(zones, &rollover));
    assert!(rolled.is_secure(), "{:?}", rolled.reason);
    for outcome in [&plain, &rolled] {
        // Root DNSKEY, com DS and DNSKEY, example.com DS and DNSKEY, TXT.
        assert_eq!(outcome.work.verifications, 6);
        // P-256 root (3 units) signing the root DNSKEY and com DS; Ed25519 (2) below.
        assert_eq!(outcome.work.cost, 2 * 3 + 4 * 2);
    }
    let limits = Limits::default();
    assert!(limits.cost >= 5 * plain.work.cost, "a 5x margin on cost");
}

#[test]
fn rsa_costs_grow_with_the_modulus() {
    let zones =
        TestZones::generate(&"example.com".parse().unwrap(), &[ZoneAlgorithm::RsaSha256]).unwrap();
    let outcome = validate(&zones, &build(&zones, &spec()));
    assert!(outcome.is_secure(), "{:?}", outcome.reason);
    assert_eq!(outcome.work.cost, 6, "RSA-2048: one unit a verification");
}
