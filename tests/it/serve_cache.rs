//! The verified-result cache never answers differently from a cold verification at the same
//! instant: every bundle of the serve matrix is verified once and cached, then asked about at
//! every instant that matters (each bound of every validity period the bundle holds, a
//! millisecond and a second either side, and times from days before to months after), and each
//! cached answer is compared with a cold verification at that instant. Then `kliento serve`
//! with and without the cache answers the same requests alike, and /metrics counts the hits.

use crate::support::serve::{Bundles, Server};
use jiff::{SignedDuration, Timestamp};
use kliento::cache::{ResultCache, holds_during, key};
use kliento::veraid::verify::Mode;
use kliento::{TokenBundle, Verifier};

/// Every instant at which a verification of `bundle` could change its answer, with neighbours.
fn instants(
    verifier: &Verifier,
    bundle: &TokenBundle,
    audience: &str,
    now: Timestamp,
) -> Vec<Timestamp> {
    let verification = verifier.check(bundle, Some(audience), now, Mode::Diagnose);
    let findings = verification.findings();
    let mut bounds = vec![now];
    if let Some(metadata) = &findings.metadata {
        bounds.extend([metadata.start, metadata.end]);
    }
    for certificate in [
        &findings.organisation_certificate,
        &findings.member_certificate,
    ]
    .into_iter()
    .flatten()
    {
        bounds.extend([certificate.not_before(), certificate.not_after()]);
    }
    if let Some((from, until)) = holds_during(&verification) {
        bounds.extend([from, until]);
    }
    if let Some(chain) = &findings.chain {
        for raw in chain.messages() {
            let message = hickory_proto::op::Message::from_vec(raw).unwrap();
            for record in message.answers.iter().chain(&message.authorities) {
                if let hickory_proto::rr::RData::DNSSEC(
                    hickory_proto::dnssec::rdata::DNSSECRData::RRSIG(rrsig),
                ) = &record.data
                {
                    let input = rrsig.input();
                    for seconds in [input.sig_inception.get(), input.sig_expiration.get()] {
                        bounds.push(Timestamp::from_second(i64::from(seconds)).unwrap());
                    }
                }
            }
        }
    }
    let mut all = Vec::new();
    for bound in bounds {
        for offset_ms in [-2000, -1000, -1, 0, 1, 1000, 2000] {
            all.push(bound + SignedDuration::from_millis(offset_ms));
        }
    }
    for days in [-3i64, -1, 1, 7, 29, 31, 60, 100] {
        all.push(now + SignedDuration::from_hours(24 * days));
    }
    for minutes in [-90i64, -30, -1, 1, 30, 59, 61, 90, 180] {
        all.push(now + SignedDuration::from_mins(minutes));
    }
    all
}

#[test]
fn a_cached_answer_is_always_the_cold_answer_at_the_same_instant() {
    let bundles = Bundles::all();
    let anchors =
        kliento::dnssec::parse_trust_anchors(&std::fs::read_to_string(bundles.anchors()).unwrap())
            .unwrap();
    let verifier = Verifier::with_trust_anchors(anchors);
    let now = Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap();
    let (mut hits, mut compared, mut cached_bundles) = (0, 0, 0);
    for (name, bytes, audience) in &bundles.cases {
        let Ok(bundle) = TokenBundle::from_der(bytes) else {
            continue; // malformed before verification: nothing to cache
        };
        let instants = instants(&verifier, &bundle, audience, now);
        // Cached at each instant in turn (as a server would, whenever it first saw the bundle),
        // then asked at every instant.
        for cached_at in &instants {
            let cache = ResultCache::new(4);
            let key = key(audience, bundle.as_der());
            let verification =
                verifier.check(&bundle, Some(audience), *cached_at, Mode::FirstFailure);
            cache.put(key, &verification, *cached_at);
            if cache.is_empty() {
                continue;
            }
            cached_bundles += 1;
            for at in &instants {
                let cold = verifier.verify_at(&bundle, audience, *at);
                compared += 1;
                if let Some(hit) = cache.get(&key, *at) {
                    hits += 1;
                    assert_eq!(
                        cold.as_ref(),
                        Ok(&*hit),
                        "{name}: cached at {cached_at}, asked at {at}"
                    );
                }
            }
        }
    }
    // The comparison ran on real hits, for the valid bundles.
    assert!(cached_bundles >= 3, "{cached_bundles}");
    assert!(hits > 100, "{hits} hits in {compared} comparisons");
}

#[test]
fn serve_answers_alike_with_and_without_the_cache_and_counts_hits() {
    let bundles = Bundles::all();
    let anchors = bundles.anchors();
    let anchors = anchors.to_str().unwrap();
    let cold = Server::start(&["--trust-anchors", anchors, "--cache-entries", "0"]);
    let warm = Server::start(&["--trust-anchors", anchors]);
    for round in 0..3 {
        for (name, bytes, audience) in &bundles.cases {
            let path = format!(
                "/?audience={}",
                audience.replace(':', "%3A").replace('/', "%2F")
            );
            let a = cold.post(&path, None, bytes);
            let b = warm.post(&path, None, bytes);
            assert_eq!(a.status, b.status, "{name}, round {round}");
            // The same but for the instant a reason may quote (a millisecond apart, its fraction
            // written only when not zero).
            let timeless = |json: serde_json::Value| {
                json.to_string()
                    .chars()
                    .filter(|c| !c.is_ascii_digit() && *c != '.')
                    .collect::<String>()
            };
            assert_eq!(
                timeless(a.json()),
                timeless(b.json()),
                "{name}, round {round}"
            );
        }
    }
    let metrics = warm.request("GET", "/metrics", &[], b"");
    assert_eq!(
        metrics.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = metrics.text();
    // Three valid bundles, sent three times: two rounds of hits.
    assert!(text.contains("kliento_cache_hits_total 6\n"), "{text}");
    assert!(text.contains("kliento_cache_entries 3\n"), "{text}");
    assert!(
        text.contains("kliento_requests_total{code=\"200\",status=\"valid\"} 9\n"),
        "{text}"
    );
    assert!(
        text.contains("kliento_verification_failures_total{check=\"audience\"} 3\n"),
        "{text}"
    );
    assert!(
        text.contains("kliento_request_duration_seconds_count "),
        "{text}"
    );
    assert!(text.contains("kliento_queue_depth 0\n"), "{text}");
    let cold_metrics = cold.request("GET", "/metrics", &[], b"").text();
    assert!(
        cold_metrics.contains("kliento_cache_hits_total 0\n"),
        "{cold_metrics}"
    );
}
