//! Differential fuzzing against @relaycorp/veraid 3.1.2 (issue 13): structurally mutated token
//! bundles (times, names, service OIDs, key sizes, signer, TXT record, DNSSEC records and RRSIG
//! fields, byte edits; see `fuzz/src/structured.rs`), each built and re-signed by kliento, are
//! verified by kliento and by the reference (`tests/interop/bundles.mjs verify`) at the same
//! instant (now: veraid-js checks certificates at the wall clock). The verdicts must agree,
//! and valid bundles must name the same subject and claims, except where a case carries one of
//! the documented deliberate differences, in the direction the README gives.
//!
//! `KLIENTO_DIFFERENTIAL_CASES` (default 300) and `KLIENTO_DIFFERENTIAL_SEED` choose the run;
//! `scripts/differential.sh 5000` runs a long one.

use crate::structured::Difference;
use crate::support::oracle::oracle_script;
use crate::{checks, structured};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kliento::dnssec::format_trust_anchors;
use kliento::report::Verdict;
use kliento::time::Period;
use kliento::token::bundle::verify_with;
use kliento::veraid::verify::Mode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Whether kliento may reject what veraid-js accepts (`true`) or accept what it rejects
/// (`false`) because of `difference`.
fn kliento_stricter(difference: Difference) -> bool {
    match difference {
        Difference::CertificatesAtInstant
        | Difference::OrganisationSelfSignature
        | Difference::TrailingBytes
        | Difference::BoundedCost
        | Difference::ZoneKeyFlag
        | Difference::LabelsField
        | Difference::BundleOuterTag => true,
        Difference::CaseInsensitiveNames => false,
    }
}

/// A small deterministic generator (SplitMix64) for the description bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Description bytes, most of them zero (the valid choice) so that each case differs from
    /// a valid bundle in a few places.
    fn description(&mut self) -> Vec<u8> {
        (0..64)
            .map(|_| {
                let r = self.next();
                if r.is_multiple_of(4) {
                    (r >> 8) as u8
                } else {
                    0
                }
            })
            .collect()
    }
}

struct Case {
    description: Vec<String>,
    differences: Vec<Difference>,
    kliento: Result<(String, Value), String>,
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn kliento_and_veraid_js_agree_on_mutated_bundles() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let count = env_number("KLIENTO_DIFFERENTIAL_CASES", 300) as usize;
    let seed = env_number("KLIENTO_DIFFERENTIAL_SEED", 13);
    let mut rng = Rng(seed);
    let now = jiff::Timestamp::now();
    let mut cases = Vec::new();
    let mut js_cases = Vec::new();
    while cases.len() < count {
        let Some(built) = structured::build(&rng.description(), now, &[2048, 3072, 4096]) else {
            continue;
        };
        let period = Period::instant(built.at);
        let verdict = checks::verify_bundle(&built.der, &built.anchors, built.at);
        let verification = verify_with(
            &built.der,
            Some(checks::AUDIENCE),
            period,
            &built.anchors,
            Mode::FirstFailure,
        );
        let kliento = match verification.verified() {
            Some(v) if verdict == Verdict::Valid => {
                let claims: serde_json::Map<String, Value> = v
                    .token
                    .claims
                    .iter()
                    .map(|(n, v)| (n.to_string(), Value::from(v)))
                    .collect();
                Ok((v.subject_id.clone(), Value::Object(claims)))
            }
            _ => Err(verification.error().unwrap_or_default()),
        };
        js_cases.push(json!({
            "bundle": STANDARD.encode(&built.der),
            "audience": checks::AUDIENCE,
            "at": built.at.to_string(),
            "anchors": format_trust_anchors(&built.anchors),
        }));
        cases.push(Case {
            description: built.description,
            differences: built.differences,
            kliento,
        });
    }
    let mut js = Vec::new();
    for chunk in js_cases.chunks(500) {
        js.extend(oracle_script("bundles.mjs", "verify", chunk.to_vec()));
    }
    assert_eq!(js.len(), cases.len());

    let mut agreed = (0, 0);
    let mut explained: BTreeMap<String, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for (case, js) in cases.iter().zip(&js) {
        let js_valid = js.get("error").is_none();
        match (&case.kliento, js_valid) {
            (Ok((subject, claims)), true) => {
                if js["subjectId"] == *subject && js["claims"] == *claims {
                    agreed.0 += 1;
                } else {
                    unexplained.push(format!(
                        "both valid, different identity: kliento {subject} {claims}, js {js}\n  {:?}",
                        case.description
                    ));
                }
            }
            (Err(_), false) => agreed.1 += 1,
            (kliento, _) => {
                let kliento_rejects = kliento.is_err();
                let reason = case
                    .differences
                    .iter()
                    .find(|d| kliento_stricter(**d) == kliento_rejects);
                match reason {
                    Some(difference) => {
                        *explained.entry(format!("{difference:?}")).or_default() += 1
                    }
                    None => unexplained.push(format!(
                        "kliento {kliento:?}, veraid-js {js}\n  {:?}",
                        case.description
                    )),
                }
            }
        }
    }
    eprintln!(
        "differential: {} cases (seed {seed}): {} both valid, {} both rejected, deliberate \
         differences {explained:?}, {} unexplained",
        cases.len(),
        agreed.0,
        agreed.1,
        unexplained.len()
    );
    assert!(
        unexplained.is_empty(),
        "{} disagreement(s):\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        agreed.0 > 0 && agreed.1 > 0,
        "the run must hold valid and invalid bundles"
    );
}
