//! The cost bound of verification (KeyTrap, CVE-2023-50387): the most expensive bundles we can
//! build under 16 KiB against a normal one, in `verify` (stop at the first failure) and
//! `inspect` (diagnose every check) modes.
//!
//! `cargo bench --bench verification_cost` builds the bundles, checks their size and verdict,
//! then times them interleaved (normal, worst, normal, worst...) so that machine load slows all
//! alike, and prints each mean and its ratio to the normal bundle:
//! - normal: organisation signature (RSA-2048) for alice, 3-zone RSA-2048 test chain;
//! - worst: member signature with RSA-4096 organisation and member keys (the most expensive CMS
//!   and certificate checks), and a chain spending the whole DNSSEC budget of 72 units: 8
//!   RSA-2048 attempts on each of the root DNSKEY and `com.` DS RRsets, then 2 P-384 attempts on
//!   `com.` DNSKEY (P-384 buys the most CPU per byte of bundle);
//! - certs: the same RSA-4096 member signature over a normal chain (the certificate part alone);
//! - keytrap: the chain of the report, 50 P-384 keys sharing a tag and 40 junk RRSIGs.
//!
//! `KLIENTO_BENCH_ROUNDS` sets the rounds (default 200).

use jiff::ToSpan;
use kliento::dnssec::TrustAnchor;
use kliento::dnssec::test_chain::{ChainSpec, Fault, Target, TestZones, ZoneAlgorithm};
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::report::Verdict;
use kliento::time::{Period, Timestamp};
use kliento::token::{Token, bundle};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::certificate::{
    CertificateOptions, issue_member_certificate, issue_organisation_certificate,
};
use kliento::veraid::member::Member;
use kliento::veraid::signature::Signer;
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use kliento::veraid::verify::Mode;
use std::hint::black_box;
use std::time::Instant;

const AUDIENCE: &str = "https://api.example.com";

struct Case {
    name: &'static str,
    bundle: Vec<u8>,
    anchor: TrustAnchor,
}

fn start() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn at() -> Period {
    Period::instant(start() + 90.minutes())
}

/// A token bundle for alice over a chain built from `zones` with `faults`; a member signature
/// when `member_key` is given.
fn case(
    name: &'static str,
    org_key: &rsa::PrivateKey,
    member_key: Option<&rsa::PrivateKey>,
    algorithms: &[ZoneAlgorithm],
    faults: &[Fault],
) -> Case {
    let day = Period::new(start(), start() + 24.hours()).unwrap();
    let rdata = TxtRdata::for_key(
        &org_key.to_public_key(),
        TtlOverride::new(3600).unwrap(),
        None,
    )
    .unwrap();
    let zones = TestZones::generate(&"example.com".parse().unwrap(), algorithms).unwrap();
    let mut spec = ChainSpec::new(rdata.to_string(), day);
    spec.faults = faults.to_vec();
    let chain = zones.build(&spec).unwrap();
    let options = CertificateOptions {
        start: start(),
        expiry: day.end,
        hash: HashAlgorithm::Sha256,
    };
    let org = issue_organisation_certificate("example.com", org_key, &options).unwrap();
    let alice = Member::from_name("alice").unwrap();
    let mut token = Token::new(AUDIENCE);
    token.claims.insert("role", "admin");
    let validity = Period::new(start() + 1.hour(), start() + 2.hours()).unwrap();
    let bundle = match member_key {
        None => {
            let signer = Signer::Organisation {
                certificate: &org,
                attribution: &alice,
            };
            bundle::issue(&token, signer, org_key, &chain.messages, &org, validity)
        }
        Some(member_key) => {
            let member = issue_member_certificate(
                &alice,
                &member_key.to_public_key(),
                &org,
                org_key,
                &options,
            )
            .unwrap();
            let signer = Signer::Member {
                certificate: &member,
            };
            bundle::issue(&token, signer, member_key, &chain.messages, &org, validity)
        }
    }
    .unwrap();
    assert!(bundle.len() <= 16 * 1024, "{name}: {} bytes", bundle.len());
    Case {
        name,
        bundle,
        anchor: chain.root_anchor,
    }
}

fn verify(case: &Case, mode: Mode) -> Verdict {
    bundle::verify_with(
        black_box(&case.bundle),
        Some(AUDIENCE),
        at(),
        std::slice::from_ref(&case.anchor),
        mode,
    )
    .verdict()
}

fn main() {
    let rsa2048 = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let rsa4096 = keys::generate(OrgKeyAlgorithm::Rsa4096).unwrap();
    let member4096 = keys::generate(OrgKeyAlgorithm::Rsa4096).unwrap();
    let junk = |target, count| Fault::JunkRrsigs { target, count };
    let cases = [
        case("normal", &rsa2048, None, &[ZoneAlgorithm::RsaSha256], &[]),
        case(
            "worst",
            &rsa4096,
            Some(&member4096),
            &[ZoneAlgorithm::RsaSha256, ZoneAlgorithm::EcdsaP384Sha384],
            &[
                junk(Target::Dnskey(0), 7),
                junk(Target::Ds(1), 7),
                junk(Target::Dnskey(1), 1),
            ],
        ),
        case(
            "certs",
            &rsa4096,
            Some(&member4096),
            &[ZoneAlgorithm::RsaSha256],
            &[],
        ),
        case(
            "keytrap",
            &rsa2048,
            None,
            &[
                ZoneAlgorithm::RsaSha256,
                ZoneAlgorithm::RsaSha256,
                ZoneAlgorithm::EcdsaP384Sha384,
            ],
            &[
                Fault::CollidingKeys { zone: 2, count: 50 },
                junk(Target::Txt, 40),
            ],
        ),
    ];
    for case in &cases {
        let expected = if matches!(case.name, "worst" | "keytrap") {
            Verdict::Invalid
        } else {
            Verdict::Valid
        };
        assert_eq!(verify(case, Mode::FirstFailure), expected, "{}", case.name);
    }
    let rounds: u32 = std::env::var("KLIENTO_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    for (mode, label) in [(Mode::FirstFailure, "verify"), (Mode::Diagnose, "inspect")] {
        let mut totals = vec![0f64; cases.len()];
        for _ in 0..rounds {
            for (case, total) in cases.iter().zip(&mut totals) {
                let started = Instant::now();
                verify(case, mode);
                *total += started.elapsed().as_secs_f64();
            }
        }
        let means: Vec<f64> = totals.iter().map(|t| t * 1e6 / f64::from(rounds)).collect();
        for (case, mean) in cases.iter().zip(&means) {
            println!(
                "{label} {:<8} {:>5} bytes {:>9.1} µs  {:>5.2}x normal",
                case.name,
                case.bundle.len(),
                mean,
                mean / means[0]
            );
        }
    }
}
