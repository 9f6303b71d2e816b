//! Replays the fuzz seed corpora (`fuzz/corpus/<target>/`) and every crash or timeout input the
//! fuzzers found (`fuzz/regressions/<target>/`) through the same invariant checks the fuzz
//! targets assert (`fuzz/src/checks.rs`, compiled in here), on stable, in the normal suite.

use crate::{checks, structured};
use kliento::report::Verdict;
use std::path::{Path, PathBuf};

/// A fuzz target's check.
type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 11] = [
    ("bundle", checks::bundle),
    ("dnssec_chain", checks::dnssec_chain),
    ("dns_message", checks::dns_message),
    ("certificate", checks::certificate),
    ("cms", checks::cms),
    ("txt", checks::txt),
    ("trust_anchors", checks::trust_anchors),
    ("header", checks::header),
    ("token_json", checks::token_json),
    ("authority_answer", checks::authority_answer),
    ("oidc", checks::oidc),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

fn replay(kind: &str) -> usize {
    let mut count = 0;
    for (target, check) in TARGETS {
        for (path, bytes) in inputs(kind, target) {
            eprintln!("{target}: {}", path.display());
            check(&bytes);
            count += 1;
        }
    }
    for (path, bytes) in inputs(kind, "bundle_structured") {
        eprintln!("bundle_structured: {}", path.display());
        if let Some(built) = structured::build(&bytes, checks::at(), &[2048]) {
            checks::verify_bundle(&built.der, &built.anchors, built.at);
        }
        count += 1;
    }
    count
}

#[test]
fn seed_corpora_keep_their_invariants() {
    assert!(replay("corpus") >= 30, "the seed corpora are missing");
}

#[test]
fn fuzz_findings_stay_fixed() {
    replay("regressions");
}

#[test]
fn seed_bundles_verify_as_generated() {
    let corpus = fuzz_dir().join("corpus/bundle");
    let verdict = |name: &str| {
        let bytes = std::fs::read(corpus.join(name)).unwrap();
        let (_, der) = kliento::token::encoding::decode(&bytes, None).unwrap();
        checks::verify_bundle(&der, checks::anchors(), checks::at())
    };
    for valid in ["valid.der", "valid.b64", "valid.header", "member.der"] {
        assert_eq!(verdict(valid), Verdict::Valid, "{valid}");
    }
    for invalid in ["other-audience.der", "bogus-chain.der"] {
        assert_eq!(verdict(invalid), Verdict::Invalid, "{invalid}");
    }
}

#[test]
fn structured_descriptions_build_and_keep_their_invariants() {
    let mut valid = 0;
    for seed in 0..40u32 {
        let bytes: Vec<u8> = (0..64u32)
            .map(|i| (seed.wrapping_mul(2_654_435_761).wrapping_add(i * 97) >> 7) as u8)
            .collect();
        if let Some(built) = structured::build(&bytes, checks::at(), &[2048])
            && checks::verify_bundle(&built.der, &built.anchors, built.at) == Verdict::Valid
        {
            valid += 1;
        }
    }
    // All-zero bytes describe the plain valid bundle.
    let built = structured::build(&[0; 64], checks::at(), &[2048]).unwrap();
    assert_eq!(
        checks::verify_bundle(&built.der, &built.anchors, built.at),
        Verdict::Valid
    );
    eprintln!("{valid} of 40 structured bundles valid");
}
