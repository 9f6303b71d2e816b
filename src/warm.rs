//! What a long-lived verifier remembers between bundles (warm verification): the outcomes of
//! the expensive checks that do not depend on the bundle's own signature, keyed by a digest of
//! everything they depend on, so that a remembered outcome is exactly what recomputing it would
//! give.
//!
//! - a DNSSEC RRSIG verification: keyed by the DNSKEY, the signed data (the RRset in canonical
//!   form with the RRSIG's fields) and the signature. The walk itself (which RRSIGs count, the
//!   window rule, the limits) runs for every bundle; only the cryptography is remembered.
//! - a certificate issued by another (or itself): keyed by both certificates' DER.
//!
//! Bounded in entries (the oldest entry goes first); no global state: each cache belongs to the
//! `Verifier` that made it, shared by its clones.

use crate::veraid::certificate::CertificateError;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// The default number of remembered outcomes (each about 100 bytes).
pub const DEFAULT_ENTRIES: usize = 4096;

/// Remembered outcomes of pure checks, bounded in entries; `Send + Sync`.
#[derive(Debug)]
pub struct WarmCache {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    outcomes: HashMap<[u8; 32], Outcome>,
    order: VecDeque<[u8; 32]>,
}

#[derive(Clone, Debug)]
enum Outcome {
    Rrsig(bool),
    Issued(Result<(), CertificateError>),
}

impl WarmCache {
    /// A cache remembering at most `capacity` outcomes.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    /// How many outcomes are remembered.
    pub fn len(&self) -> usize {
        self.lock().outcomes.len()
    }

    /// Whether nothing is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the RRSIG verifies, remembered or computed by `verify`.
    pub(crate) fn rrsig(
        &self,
        key: &[u8],
        signed_data: &[u8],
        signature: &[u8],
        verify: impl FnOnce() -> bool,
    ) -> bool {
        let digest = digest(b"rrsig", &[key, signed_data, signature]);
        if let Some(Outcome::Rrsig(valid)) = self.get(&digest) {
            return valid;
        }
        let valid = verify();
        self.put(digest, Outcome::Rrsig(valid));
        valid
    }

    /// Whether `child` was issued by `issuer`, remembered or computed by `check`.
    pub(crate) fn issued(
        &self,
        child: &[u8],
        issuer: &[u8],
        check: impl FnOnce() -> Result<(), CertificateError>,
    ) -> Result<(), CertificateError> {
        let digest = digest(b"issued", &[child, issuer]);
        if let Some(Outcome::Issued(outcome)) = self.get(&digest) {
            return outcome;
        }
        let outcome = check();
        self.put(digest, Outcome::Issued(outcome.clone()));
        outcome
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map inconsistent (each operation is
        // one insert or one lookup), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, digest: &[u8; 32]) -> Option<Outcome> {
        self.lock().outcomes.get(digest).cloned()
    }

    fn put(&self, digest: [u8; 32], outcome: Outcome) {
        if self.capacity == 0 {
            return;
        }
        let mut state = self.lock();
        if state.outcomes.insert(digest, outcome).is_none() {
            state.order.push_back(digest);
        }
        while state.order.len() > self.capacity {
            if let Some(oldest) = state.order.pop_front() {
                state.outcomes.remove(&oldest);
            }
        }
    }
}

/// SHA-256 over a domain label and length-prefixed parts (so that no two inputs collide by
/// shifting bytes between parts).
fn digest(label: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(label);
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_outcomes_and_forgets_the_oldest_past_capacity() {
        let cache = WarmCache::new(2);
        let mut calls = 0;
        for _ in 0..3 {
            assert!(cache.rrsig(b"k", b"d", b"s1", || {
                calls += 1;
                true
            }));
        }
        assert_eq!(calls, 1, "computed once");
        assert!(!cache.rrsig(b"k", b"d", b"s2", || false));
        assert!(cache.rrsig(b"k", b"d", b"s3", || true));
        assert_eq!(cache.len(), 2);
        let mut recomputed = false;
        cache.rrsig(b"k", b"d", b"s1", || {
            recomputed = true;
            true
        });
        assert!(recomputed, "the oldest entry was forgotten");
    }

    #[test]
    fn parts_cannot_be_shifted_into_each_other() {
        assert_ne!(digest(b"x", &[b"ab", b"c"]), digest(b"x", &[b"a", b"bc"]));
    }

    #[test]
    fn a_zero_capacity_cache_remembers_nothing() {
        let cache = WarmCache::new(0);
        cache.rrsig(b"k", b"d", b"s", || true);
        assert!(cache.is_empty());
    }
}
