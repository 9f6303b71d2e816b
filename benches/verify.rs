//! In-process verification of one Kliento token bundle (`kliento::token::bundle::verify`): CMS
//! signature, certificates, TXT record, DNSSEC chain from the root anchor, token and audience.
//!
//! `cargo bench --bench verify` verifies a bundle built here (organisation signature for alice,
//! RSA-2048, a 3-zone RSA/SHA-256 test chain) at a fixed instant. With `KLIENTO_BENCH_DIR` set,
//! it verifies `bundle.der` from that directory instead, with the anchors in `anchors.ds`, for
//! the audience in `audience` at the instant in `at` (scripts/bench-vs-veraid-js.sh writes them
//! so that @relaycorp/veraid verifies the very same bundle). Besides criterion's report it
//! prints `KLIENTO_NS_PER_VERIFICATION=<mean>` and `KLIENTO_NS_PER_WARM_VERIFICATION=<mean>`
//! from a plain loop (cold and warm interleaved), for that script; `KLIENTO_BENCH_LOOP_ONLY=1`
//! skips criterion.

use criterion::Criterion;
use jiff::ToSpan;
use kliento::dnssec::TrustAnchor;
use kliento::dnssec::parse_trust_anchors;
use kliento::dnssec::test_chain::{ChainSpec, TestZones, ZoneAlgorithm};
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::report::Verdict;
use kliento::time::{Period, Timestamp};
use kliento::token::{Token, bundle};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::certificate::{CertificateOptions, issue_organisation_certificate};
use kliento::veraid::member::Member;
use kliento::veraid::signature::Signer;
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use kliento::{TokenBundle, Verifier};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

struct Fixture {
    bundle: Vec<u8>,
    anchors: Vec<TrustAnchor>,
    audience: String,
    at: Period,
}

/// The bundle given by scripts/bench-vs-veraid-js.sh.
fn from_dir(dir: &Path) -> Fixture {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    Fixture {
        bundle: std::fs::read(dir.join("bundle.der")).unwrap(),
        anchors: parse_trust_anchors(&read("anchors.ds")).unwrap(),
        audience: read("audience").trim().to_string(),
        at: Period::instant(read("at").trim().parse().unwrap()),
    }
}

/// An organisation signature for alice@example.com over a 3-zone test chain.
fn built_here() -> Fixture {
    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let day = Period::new(start, start + 24.hours()).unwrap();
    let key = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let rdata =
        TxtRdata::for_key(&key.to_public_key(), TtlOverride::new(3600).unwrap(), None).unwrap();
    let zones =
        TestZones::generate(&"example.com".parse().unwrap(), &[ZoneAlgorithm::RsaSha256]).unwrap();
    let chain = zones
        .build(&ChainSpec::new(rdata.to_string(), day))
        .unwrap();
    let options = CertificateOptions {
        start,
        expiry: day.end,
        hash: HashAlgorithm::Sha256,
    };
    let certificate = issue_organisation_certificate("example.com", &key, &options).unwrap();
    let mut token = Token::new("https://api.example.com");
    token.claims.insert("role", "admin");
    let alice = Member::from_name("alice").unwrap();
    let signer = Signer::Organisation {
        certificate: &certificate,
        attribution: &alice,
    };
    let validity = Period::new(start + 1.hour(), start + 2.hours()).unwrap();
    Fixture {
        bundle: bundle::issue(
            &token,
            signer,
            &key,
            &chain.messages,
            &certificate,
            validity,
        )
        .unwrap(),
        anchors: vec![chain.root_anchor],
        audience: token.audience,
        at: Period::instant(start + 90.minutes()),
    }
}

fn verify(f: &Fixture) {
    let verification = bundle::verify(black_box(&f.bundle), &f.audience, f.at, &f.anchors);
    assert_eq!(
        verification.verdict(),
        Verdict::Valid,
        "{:?}",
        verification.error()
    );
}

/// Warm: a `Verifier` that has seen the organisation's chain and certificate before. Its CMS
/// signature is never remembered, so this is what a new bundle over a known chain costs.
fn verify_warm(f: &Fixture, verifier: &Verifier, bundle: &TokenBundle) {
    let verified = verifier.verify_at(black_box(bundle), &f.audience, f.at.start);
    assert!(verified.is_ok(), "{verified:?}");
}

fn main() {
    let f = match std::env::var_os("KLIENTO_BENCH_DIR") {
        Some(dir) => from_dir(Path::new(&dir)),
        None => built_here(),
    };
    let verifier = Verifier::with_trust_anchors(f.anchors.clone());
    let bundle = TokenBundle::from_der(&f.bundle).unwrap();
    verify_warm(&f, &verifier, &bundle);
    // scripts/bench-vs-veraid-js.sh repeats the plain loop only (KLIENTO_BENCH_LOOP_ONLY=1).
    if std::env::var_os("KLIENTO_BENCH_LOOP_ONLY").is_none() {
        let mut c = Criterion::default().configure_from_args();
        let mut group = c.benchmark_group("verify");
        group.bench_function("token_bundle", |b| b.iter(|| verify(&f)));
        group.bench_function("token_bundle_warm", |b| {
            b.iter(|| verify_warm(&f, &verifier, &bundle))
        });
        group.finish();
        c.final_summary();
    }

    let iterations: u32 = std::env::var("KLIENTO_BENCH_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    verify(&f);
    // Cold and warm interleaved, so that machine load slows both alike.
    let (mut cold, mut warm) = (0u128, 0u128);
    for _ in 0..iterations {
        let start = Instant::now();
        verify(&f);
        let middle = Instant::now();
        verify_warm(&f, &verifier, &bundle);
        cold += (middle - start).as_nanos();
        warm += middle.elapsed().as_nanos();
    }
    let nanos = cold / u128::from(iterations);
    let warm_nanos = warm / u128::from(iterations);
    println!(
        "verify: {:.1} µs per token bundle ({} bytes) cold, {:.1} µs warm ({:.1}x), mean of \
         {iterations}",
        nanos as f64 / 1e3,
        f.bundle.len(),
        warm_nanos as f64 / 1e3,
        nanos as f64 / warm_nanos as f64
    );
    println!("KLIENTO_NS_PER_VERIFICATION={nanos}");
    println!("KLIENTO_NS_PER_WARM_VERIFICATION={warm_nanos}");
}
