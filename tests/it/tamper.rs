//! Tamper test (issue 4 item 7): every single-byte change and every truncation of one valid
//! token bundle goes through the library verification without panicking, and no variant
//! verifies with a different subject, audience or claims.
//!
//! A variant may still verify with the same meaning when the changed byte is not covered by
//! any signature and not read by any check (e.g. a DNS message ID): those are counted, located
//! and printed, not failed.

use jiff::{Timestamp, ToSpan};
use kliento::dnssec::TrustAnchor;
use kliento::dnssec::test_chain::{ChainSpec, TestZones, ZoneAlgorithm};
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::report::Verdict;
use kliento::time::Period;
use kliento::token::{Token, bundle};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::bundle::SignatureBundle;
use kliento::veraid::certificate::{
    Certificate, CertificateOptions, issue_organisation_certificate,
};
use kliento::veraid::member::Member;
use kliento::veraid::signature::Signer;
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use kliento::veraid::verify::Mode;
use kliento::warm::WarmCache;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

const AUDIENCE: &str = "https://api.example.com";

/// A valid organisation-signed bundle for alice@example.com with two claims, over a test chain
/// valid for a day, and the instant at which everything in it is valid.
fn valid_bundle() -> (Vec<u8>, TrustAnchor, Timestamp, Token) {
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
    let certificate = issue_organisation_certificate(
        "example.com",
        &key,
        &CertificateOptions {
            start,
            expiry: start + 24.hours(),
            hash: HashAlgorithm::Sha256,
        },
    )
    .unwrap();
    let mut token = Token::new(AUDIENCE);
    token.claims.insert("role", "admin");
    token.claims.insert("scope", "read");
    let alice = Member::from_name("alice").unwrap();
    let signer = Signer::Organisation {
        certificate: &certificate,
        attribution: &alice,
    };
    let validity = Period::new(start + 1.hour(), start + 2.hours()).unwrap();
    let bytes = bundle::issue(
        &token,
        signer,
        &key,
        &chain.messages,
        &certificate,
        validity,
    )
    .unwrap();
    (bytes, chain.root_anchor, start + 90.minutes(), token)
}

/// How one variant fared.
enum Fate {
    /// Rejected (invalid or malformed).
    Rejected,
    /// Valid with the original subject, audience and claims.
    SameMeaning,
    /// Valid with another meaning: a forgery.
    Forged(String),
    /// Verification panicked.
    Panicked,
}

/// Shared by every variant: what one variant's verification leaves in it must never change
/// another's report (warm and cold verification agree).
fn warm_cache() -> &'static WarmCache {
    static CACHE: OnceLock<WarmCache> = OnceLock::new();
    CACHE.get_or_init(|| WarmCache::new(1_000_000))
}

fn verify(variant: &[u8], anchors: &[TrustAnchor], at: Timestamp, original: &Token) -> Fate {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let cold = bundle::verify(variant, AUDIENCE, Period::instant(at), anchors);
        let warm = bundle::verify_warm(
            variant,
            Some(AUDIENCE),
            Period::instant(at),
            anchors,
            Mode::FirstFailure,
            Some(warm_cache()),
        );
        (cold, warm)
    }));
    let Ok((verification, warm)) = outcome else {
        return Fate::Panicked;
    };
    let same_walk = warm.findings().walk == verification.findings().walk
        && warm.findings().dnssec_work == verification.findings().dnssec_work;
    if warm.report() != verification.report()
        || warm.verified() != verification.verified()
        || !same_walk
    {
        return Fate::Forged(format!(
            "warm verification differs: {:?} vs {:?}",
            warm.report(),
            verification.report()
        ));
    }
    if verification.verdict() != Verdict::Valid {
        return Fate::Rejected;
    }
    match verification.verified() {
        Some(v) if v.token == *original && v.subject_id == "alice@example.com" => Fate::SameMeaning,
        other => Fate::Forged(format!("{other:?}")),
    }
}

/// Where byte `offset` of the bundle lies, for the summary of same-meaning variants: the part
/// (DNS message n, a field of the organisation certificate, the CMS ContentInfo) and the offset
/// within it. The certificate and the ContentInfo are embedded re-tagged (`[2]`, `[3]` instead of
/// SEQUENCE), so they are looked up without their first byte.
fn region(bundle: &[u8], offset: usize) -> (String, usize) {
    let decoded = SignatureBundle::decode(bundle).unwrap();
    let span = |part: &[u8], skip: usize| {
        bundle
            .windows(part.len() - skip)
            .position(|w| w == &part[skip..])
            .map(|at| (at - skip, at + part.len() - skip))
            .filter(|(start, end)| (*start..*end).contains(&offset))
    };
    for (index, message) in decoded.dnssec_chain.iter().enumerate() {
        if let Some((start, _)) = span(message, 0) {
            let part = if offset - start < 12 {
                "header"
            } else {
                "records"
            };
            return (format!("DNS message {index} {part}"), offset - start);
        }
    }
    let certificate = &decoded.organisation_certificate;
    if let Some((start, _)) = span(certificate, 1) {
        return (
            certificate_field(certificate, offset - start),
            offset - start,
        );
    }
    if let Some((start, _)) = span(&decoded.signature, 1) {
        return ("CMS ContentInfo".into(), offset - start);
    }
    ("bundle framing".into(), offset)
}

/// Which field of the organisation certificate byte `at` (an offset in its DER) belongs to.
fn certificate_field(der: &[u8], at: usize) -> String {
    let certificate = Certificate::from_der(der).unwrap();
    let span = |part: &[u8]| {
        der.windows(part.len())
            .position(|w| w == part)
            .map(|p| (p, p + part.len()))
            .unwrap()
    };
    let (tbs_start, tbs_end) = span(certificate.tbs_der());
    let (issuer_start, issuer_end) = span(certificate.issuer_der());
    // The subject equals the issuer (self-issued): its copy is the second occurrence.
    let subject_start = issuer_end
        + der[issuer_end..]
            .windows(certificate.subject_der().len())
            .position(|w| w == certificate.subject_der())
            .unwrap();
    let subject_end = subject_start + certificate.subject_der().len();
    let (spki_start, spki_end) = span(certificate.spki_der());
    let (signature_start, _) = span(certificate.signature());
    let field = match at {
        a if a >= signature_start => "signature value",
        a if a >= tbs_end => "signature algorithm",
        a if a >= spki_end => "extensions",
        a if a >= spki_start => "public key",
        a if a >= subject_end => "public key",
        a if a >= subject_start => "subject",
        a if a >= issuer_end => "validity",
        a if a >= issuer_start => "issuer",
        a if a >= tbs_start + 4 => "version, serial number, signature algorithm (TBS)",
        _ => "certificate framing",
    };
    format!("organisation certificate {field}")
}

/// Sorted offsets as `1-3, 7, 9-12`.
fn ranges(offsets: &[usize]) -> String {
    let mut parts: Vec<(usize, usize)> = Vec::new();
    for &offset in offsets {
        match parts.last_mut() {
            Some((_, end)) if *end + 1 == offset => *end = offset,
            _ => parts.push((offset, offset)),
        }
    }
    let text: Vec<String> = parts
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    text.join(", ")
}

#[test]
fn no_single_byte_change_or_truncation_verifies_with_another_meaning() {
    let (original, anchor, at, token) = valid_bundle();
    let anchors = [anchor];
    assert!(
        matches!(verify(&original, &anchors, at, &token), Fate::SameMeaning),
        "the original bundle must be valid"
    );

    // Variant n: flip byte n/3 with 0x01, 0xFF, or truncate to n/3 bytes.
    let variants = original.len() * 3;
    let make = |n: usize| -> Vec<u8> {
        let (offset, kind) = (n / 3, n % 3);
        let mut bytes = original.clone();
        match kind {
            0 => bytes[offset] ^= 0x01,
            1 => bytes[offset] ^= 0xFF,
            _ => bytes.truncate(offset),
        }
        bytes
    };
    // Two threads (the suite's machines have two cores); each takes every other variant.
    let started = std::time::Instant::now();
    let results: Vec<(usize, Fate)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                let (make, anchors, token) = (&make, &anchors, &token);
                scope.spawn(move || {
                    (worker..variants)
                        .step_by(2)
                        .map(|n| (n, verify(&make(n), anchors, at, token)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    let elapsed = started.elapsed();

    let describe = |n: usize| {
        let kind = ["XOR 0x01", "XOR 0xFF", "truncated"][n % 3];
        format!("byte {} {kind}", n / 3)
    };
    let mut panicked = Vec::new();
    let mut forged = Vec::new();
    let mut same: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut rejected = 0;
    for (n, fate) in &results {
        match fate {
            Fate::Rejected => rejected += 1,
            Fate::SameMeaning => {
                let (part, at) = region(&original, n / 3);
                same.entry(part).or_default().push(at);
            }
            Fate::Forged(what) => forged.push(format!("{}: {what}", describe(*n))),
            Fate::Panicked => panicked.push(describe(*n)),
        }
    }
    let same_total: usize = same.values().map(Vec::len).sum();
    eprintln!(
        "tamper: {} variants of a {}-byte bundle ({} flips XOR 0x01, {} XOR 0xFF, {} \
         truncations) in {elapsed:.1?}: {rejected} rejected, {same_total} still valid with the \
         same meaning, {} forged, {} panicked",
        results.len(),
        original.len(),
        original.len(),
        original.len(),
        original.len(),
        forged.len(),
        panicked.len()
    );
    for (part, offsets) in &mut same {
        let count = offsets.len();
        offsets.sort_unstable();
        offsets.dedup();
        eprintln!(
            "  still valid, same meaning: {count} variant(s) in {part}, at bytes {}",
            ranges(offsets)
        );
    }
    assert_eq!(results.len(), variants);
    assert!(
        panicked.is_empty(),
        "verification panicked on: {panicked:?}"
    );
    assert!(
        forged.is_empty(),
        "variants verified with another meaning: {forged:?}"
    );
}
