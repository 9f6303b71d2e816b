//! Validating a 4-zone chain (RSA-2048 root and TLD, ECDSA P-256 and Ed25519 below) beside the
//! cost of the raw signature verifications it needs (the floor): 4 DNSKEY, 3 DS and 1 TXT RRSIG.
//!
//! `cargo bench --bench dnssec` runs criterion, then prints validation time / floor time from an
//! interleaved measurement.

use criterion::Criterion;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, RRSIG};
use hickory_proto::dnssec::{TBS, Verifier};
use hickory_proto::op::Message;
use hickory_proto::rr::{DNSClass, RData, Record};
use kliento::dnssec::test_chain::{ChainSpec, TestZones, ZoneAlgorithm};
use kliento::dnssec::{DnssecChain, TrustAnchor, validate_veraid_txt};
use kliento::domain::Domain;
use kliento::time::{Period, Timestamp};
use std::hint::black_box;
use std::time::Instant;

struct Fixture {
    der: Vec<u8>,
    chain: DnssecChain,
    domain: Domain,
    anchor: TrustAnchor,
    window: Period,
    /// Each RRSIG with the DNSKEY that made it and its precomputed signed data.
    signatures: Vec<(DNSKEY, TBS, RRSIG)>,
}

fn fixture() -> Fixture {
    let domain: Domain = "a.example.com".parse().unwrap();
    let zones = TestZones::generate(
        &domain,
        &[
            ZoneAlgorithm::RsaSha256,
            ZoneAlgorithm::RsaSha256,
            ZoneAlgorithm::EcdsaP256Sha256,
            ZoneAlgorithm::Ed25519,
        ],
    )
    .unwrap();
    let at = |t: &str| t.parse::<Timestamp>().unwrap();
    let validity = Period::new(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z")).unwrap();
    let txt = "1 LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM= 3600";
    let test = zones.build(&ChainSpec::new(txt, validity)).unwrap();
    let chain = test.chain().unwrap();

    // The floor: pair every RRSIG with the DNSKEY whose tag it names, outside the timed loop.
    let messages: Vec<Message> = test
        .messages
        .iter()
        .map(|m| Message::from_vec(m).unwrap())
        .collect();
    let answers: Vec<&Record> = messages.iter().flat_map(|m| &m.answers).collect();
    let keys: Vec<(DNSKEY, u16)> = answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::DNSKEY(k)) => {
                Some((k.clone(), k.calculate_key_tag().unwrap()))
            }
            _ => None,
        })
        .collect();
    let mut signatures = Vec::new();
    for record in &answers {
        if let RData::DNSSEC(DNSSECRData::RRSIG(rrsig)) = &record.data {
            let input = rrsig.input();
            let key = keys
                .iter()
                .find(|(_, tag)| *tag == input.key_tag)
                .unwrap()
                .0
                .clone();
            let rrset = answers
                .iter()
                .copied()
                .filter(|r| r.name == record.name && r.record_type() == input.type_covered);
            let tbs = TBS::from_input(&record.name, DNSClass::IN, input, rrset).unwrap();
            key.verify(tbs.as_ref(), rrsig.sig()).unwrap();
            signatures.push((key, tbs, rrsig.clone()));
        }
    }
    assert_eq!(signatures.len(), 8, "4 DNSKEY + 3 DS + 1 TXT RRSIGs");
    Fixture {
        der: test.to_der(),
        chain,
        domain,
        anchor: test.root_anchor,
        window: Period::instant(at("2026-01-15T00:00:00Z")),
        signatures,
    }
}

fn validate(f: &Fixture) {
    let outcome = validate_veraid_txt(
        black_box(&f.chain),
        &f.domain,
        &f.window,
        std::slice::from_ref(&f.anchor),
    );
    assert!(outcome.is_secure());
}

fn floor(f: &Fixture) {
    for (key, tbs, rrsig) in &f.signatures {
        key.verify(black_box(tbs.as_ref()), rrsig.sig()).unwrap();
    }
}

/// Mean times (µs) of validation and of the floor, measured in alternation so that a busy
/// machine slows both alike and the ratio stays meaningful.
fn interleaved_means(f: &Fixture, iterations: u32) -> (f64, f64) {
    validate(f);
    floor(f);
    let (mut validation, mut crypto) = (0.0, 0.0);
    for _ in 0..iterations {
        let start = Instant::now();
        validate(f);
        let middle = Instant::now();
        floor(f);
        validation += (middle - start).as_secs_f64();
        crypto += middle.elapsed().as_secs_f64();
    }
    let scale = 1e6 / f64::from(iterations);
    (validation * scale, crypto * scale)
}

fn main() {
    let f = fixture();
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("dnssec");
    group.bench_function("parse_4_zone_chain_der", |b| {
        b.iter(|| DnssecChain::from_der(black_box(&f.der)).unwrap())
    });
    group.bench_function("validate_4_zone_chain", |b| b.iter(|| validate(&f)));
    group.bench_function("floor_8_signature_verifications", |b| b.iter(|| floor(&f)));
    group.finish();
    c.final_summary();

    let (validation, crypto) = interleaved_means(&f, 500);
    println!(
        "dnssec: validate {validation:.1} µs, signature floor {crypto:.1} µs, ratio {:.2}",
        validation / crypto
    );
}
