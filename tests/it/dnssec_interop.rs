//! DNSSEC interop with `@relaycorp/dnssec` 1.12.0 and `@relaycorp/veraid` 3.1.2, both ways:
//! MockChain fixtures get the same verdict here, and our test chains (valid and broken) get the
//! same verdict there. Needs node and `npm ci` in tests/interop; without them the tests skip
//! loudly, except under CI=true where that is a failure.

use kliento::dnssec::test_chain::{ChainSpec, Fault, Target, TestChain, TestZones, ZoneAlgorithm};
use kliento::dnssec::{
    DnssecChain, Status, format_trust_anchors, parse_trust_anchors, ttl_override_window,
    validate_veraid_txt,
};
use kliento::domain::Domain;
use kliento::time::{Period, Timestamp};
use serde_json::json;
use std::fs;

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn status_name(status: Status) -> String {
    status.to_string()
}

#[test]
fn mockchain_fixtures_get_the_same_verdict_here() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let dir = crate::support::temp_dir();
    let summary = crate::support::oracle::oracle_script(
        "dnssec.mjs",
        "fixtures",
        vec![json!({"dir": dir.path()})],
    )
    .remove(0);
    let domain: Domain = "example.com".parse().unwrap();
    for name in ["SECURE", "BOGUS", "INSECURE", "INDETERMINATE"] {
        let fixture = &summary[name];
        assert_eq!(
            fixture["verdict"]["status"], name,
            "dnssec-js on its own fixture"
        );
        let der = fs::read(dir.path().join(format!("{name}.der"))).unwrap();
        let chain = DnssecChain::from_der(&der).unwrap();
        assert_eq!(chain.to_der(), der, "{name}: re-encoded byte for byte");
        let anchors = parse_trust_anchors(
            &fs::read_to_string(dir.path().join(format!("{name}.anchors"))).unwrap(),
        )
        .unwrap();
        let window = Period::new(
            fixture["window"]["start"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap(),
            fixture["window"]["end"].as_str().unwrap().parse().unwrap(),
        )
        .unwrap();
        let outcome = validate_veraid_txt(&chain, &domain, &window, &anchors);
        assert_eq!(
            status_name(outcome.status),
            name,
            "{name}: our reason {:?}",
            outcome.reason.map(|r| r.to_string())
        );
    }
}

/// The case where kliento is deliberately stricter than dnssec-js.
const ZSK_WITHOUT_ZONE_FLAG: &str = "ZSK without the Zone Key flag";

/// One chain of ours, with the period the verifier is asked about.
struct Case {
    label: String,
    test: TestChain,
    period: Period,
}

#[test]
fn our_chains_get_the_same_verdict_in_dnssec_js() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let domain: Domain = "example.com".parse().unwrap();
    let zones = TestZones::generate(
        &domain,
        &[
            ZoneAlgorithm::RsaSha256,
            ZoneAlgorithm::EcdsaP256Sha256,
            ZoneAlgorithm::Ed25519,
        ],
    )
    .unwrap();
    let validity = Period::new(ts("2026-01-01T00:00:00Z"), ts("2026-02-01T00:00:00Z")).unwrap();
    // TTL override 90 days: W equals every period below (shorter than 90 days).
    let txt = "1 LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM= 7776000";
    let spec = || ChainSpec::new(txt, validity);
    let mid = Period::instant(ts("2026-01-15T00:00:00Z"));
    let expired = Period::new(ts("2025-12-01T00:00:00Z"), ts("2026-01-10T00:00:00Z")).unwrap();
    let future = Period::new(ts("2026-01-20T00:00:00Z"), ts("2026-03-01T00:00:00Z")).unwrap();
    let faults: Vec<(&str, Fault)> = vec![
        (
            "expired DNSKEY RRSIG",
            Fault::RrsigValidity {
                target: Target::Dnskey(1),
                validity: expired,
            },
        ),
        (
            "future TXT RRSIG",
            Fault::RrsigValidity {
                target: Target::Txt,
                validity: future,
            },
        ),
        ("wrong DS digest", Fault::WrongDsDigest { zone: 2 }),
        ("wrong root anchor", Fault::WrongDsDigest { zone: 0 }),
        ("no zone flag", Fault::NoZoneFlag { zone: 1 }),
        (
            "DS signed by child",
            Fault::Signer {
                target: Target::Ds(2),
                signer: "example.com.".into(),
            },
        ),
        (
            "TXT signer off-tree",
            Fault::Signer {
                target: Target::Txt,
                signer: "example.net.".into(),
            },
        ),
        ("tampered TXT", Fault::TamperedTxt),
        (
            "missing DS",
            Fault::OmitResponse {
                target: Target::Ds(2),
            },
        ),
        (
            "NXDOMAIN DS",
            Fault::Nxdomain {
                target: Target::Ds(1),
            },
        ),
        (
            "missing TXT",
            Fault::OmitResponse {
                target: Target::Txt,
            },
        ),
        (
            "unknown key tag",
            Fault::WrongKeyTag {
                target: Target::Txt,
            },
        ),
        (
            "unsupported algorithm",
            Fault::ExtraDnskey {
                zone: 1,
                algorithm: 253,
            },
        ),
        (
            "unsigned DS",
            Fault::Unsigned {
                target: Target::Ds(1),
            },
        ),
        (
            "unsigned DNSKEY",
            Fault::Unsigned {
                target: Target::Dnskey(2),
            },
        ),
        (
            "wrong labels",
            Fault::Labels {
                target: Target::Txt,
                labels: 2,
            },
        ),
        (
            "TXT RRSIG TTL differs",
            Fault::RrsigTtl {
                target: Target::Txt,
                ttl: 301,
            },
        ),
        (
            "truncated message",
            Fault::Truncate {
                target: Target::Dnskey(1),
            },
        ),
    ];
    let mut cases: Vec<Case> = faults
        .into_iter()
        .map(|(label, fault)| Case {
            label: label.into(),
            test: zones.build(&spec().with(fault)).unwrap(),
            period: mid,
        })
        .collect();
    let valid = zones.build(&spec()).unwrap();
    let mut with = |label: &str, edit: &dyn Fn(&mut TestChain), period: Period| {
        let mut test = valid.clone();
        edit(&mut test);
        cases.push(Case {
            label: label.into(),
            test,
            period,
        });
    };
    with("valid", &|_| {}, mid);
    with("reversed messages", &|t| t.messages.reverse(), mid);
    with(
        "duplicated zone messages",
        &|t| {
            let copies = t.messages[..7].to_vec();
            t.messages.extend(copies);
        },
        mid,
    );
    with(
        "duplicated TXT response",
        &|t| {
            let txt = t.messages[7].clone();
            t.messages.insert(0, txt);
        },
        mid,
    );
    let ms = jiff::SignedDuration::from_millis(1);
    with(
        "window starts at expiration",
        &|_| {},
        Period::new(validity.end, ts("2026-03-01T00:00:00Z")).unwrap(),
    );
    with(
        "window starts 1 ms after expiration",
        &|_| {},
        Period::new(
            validity.end.checked_add(ms).unwrap(),
            ts("2026-03-01T00:00:00Z"),
        )
        .unwrap(),
    );
    with(
        "window ends at inception",
        &|_| {},
        Period::new(ts("2025-12-01T00:00:00Z"), validity.start).unwrap(),
    );
    with(
        "window ends 1 ms before inception",
        &|_| {},
        Period::new(
            ts("2025-12-01T00:00:00Z"),
            validity.start.checked_sub(ms).unwrap(),
        )
        .unwrap(),
    );
    // Separate key- and zone-signing keys, other algorithms and DS digest types 1 and 4.
    let split = TestZones::generate(
        &domain,
        &[
            ZoneAlgorithm::RsaSha512,
            ZoneAlgorithm::EcdsaP384Sha384,
            ZoneAlgorithm::Ed25519,
        ],
    )
    .and_then(TestZones::with_zone_signing_keys)
    .unwrap();
    for digest_type in [1, 4] {
        let mut spec = spec();
        spec.digest_type = digest_type;
        cases.push(Case {
            label: format!("KSK/ZSK split, DS digest type {digest_type}"),
            test: split.build(&spec).unwrap(),
            period: mid,
        });
    }
    cases.push(Case {
        label: ZSK_WITHOUT_ZONE_FLAG.into(),
        test: split
            .build(&spec().with(Fault::ZskFlags { zone: 2, flags: 0 }))
            .unwrap(),
        period: mid,
    });

    let dir = crate::support::temp_dir();
    let mut manifest = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let der = dir.path().join(format!("{index}.der"));
        let anchors = dir.path().join(format!("{index}.anchors"));
        fs::write(&der, case.test.to_der()).unwrap();
        fs::write(
            &anchors,
            format_trust_anchors(std::slice::from_ref(&case.test.root_anchor)),
        )
        .unwrap();
        let window = ttl_override_window(&case.period, 7_776_000);
        manifest.push(json!({
            "der": der, "anchors": anchors, "domain": "example.com",
            "start": case.period.start.to_string(), "end": case.period.end.to_string(),
            "window": {"start": window.start.to_string(), "end": window.end.to_string()},
        }));
    }
    let results = crate::support::oracle::oracle_script("dnssec.mjs", "verify", manifest);

    let mut disagreements = Vec::new();
    let mut secure = 0;
    for (case, result) in cases.iter().zip(&results) {
        let ours = match DnssecChain::from_der(&case.test.to_der()) {
            Ok(chain) => {
                let window = ttl_override_window(&case.period, 7_776_000);
                let outcome = validate_veraid_txt(
                    &chain,
                    &domain,
                    &window,
                    std::slice::from_ref(&case.test.root_anchor),
                );
                (
                    status_name(outcome.status),
                    outcome.reason.map(|r| r.to_string()).unwrap_or_default(),
                )
            }
            Err(e) => ("MALFORMED".to_string(), e.to_string()),
        };
        // veraid-js's verdict: OK, else the DNSSEC status when dnssec-js gave one, else an error.
        let theirs = if result["veraid"] == "OK" {
            "SECURE".to_string()
        } else if let Some(status) = result["lookup"]["status"]
            .as_str()
            .filter(|s| *s != "SECURE")
        {
            status.to_string()
        } else {
            "ERROR".to_string()
        };
        let agree = match theirs.as_str() {
            // The one deliberate difference: RFC 4034 §2.1.1 forbids verifying RRSIGs with a key
            // lacking the Zone Key flag; dnssec-js only checks the flag when matching DS records.
            "SECURE" if case.label == ZSK_WITHOUT_ZONE_FLAG => ours.0 == "BOGUS",
            // An error there (malformed message, throw, veraid-js-only check) is any failure here.
            "ERROR" => ours.0 != "SECURE",
            status => ours.0 == status,
        };
        if ours.0 == "SECURE" {
            secure += 1;
        }
        eprintln!(
            "{}: ours {} ({}); theirs {theirs} {result}",
            case.label, ours.0, ours.1
        );
        if !agree {
            disagreements.push(format!(
                "{}: ours {} ({}), theirs {} ({})",
                case.label, ours.0, ours.1, theirs, result
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "disagreements:\n{}",
        disagreements.join("\n")
    );
    assert_eq!(
        secure, 7,
        "valid, reversed, duplicated zones, two window edges and the KSK/ZSK splits are SECURE"
    );
}
