//! What a long-lived verifier remembers between bundles (warm verification): the outcomes of
//! the expensive checks that do not depend on the bundle's own signature, keyed by everything
//! they depend on, byte for byte, so that a remembered outcome is exactly what recomputing it
//! would give.
//!
//! - a DNSSEC RRSIG verification: keyed by the DNSKEY, the signed data (the RRset in canonical
//!   form with the RRSIG's fields) and the signature. The walk itself (which RRSIGs count, the
//!   window rule, the limits) runs for every bundle; only the cryptography is remembered.
//! - a certificate's parse (with the key it holds, parsed for verification on first use, and
//!   its key id): keyed by its DER.
//! - a certificate issued by another (or itself): keyed by both certificates' DER.
//! - a DNSSEC chain: keyed by its messages' bytes, it is parsed once, and a secure walk over it
//!   is remembered for the windows that every RRSIG time in it compares alike with (see
//!   `dnssec::validate::memo`); any other window, and any walk that fails, is walked again.
//!
//! The keys are the inputs themselves, not digests of them: hashing kilobytes of signed data
//! with SHA-256 costs more than half an RSA-2048 verification without SHA extensions, while the
//! map's keyed SipHash and an exact comparison cost little and cannot collide. Bounded in entries
//! and in key bytes (the oldest entry goes first); each value is a small multiple of its key's
//! size at most (a parsed chain or certificate, a few walks per chain), so the byte bound bounds
//! memory too. No global state: each cache belongs to the `Verifier` that made it, shared by its
//! clones.

use crate::dnssec::validate::RememberedChain;
use crate::dnssec::{ChainError, DnssecChain};
use crate::veraid::certificate::{Certificate, CertificateError, MalformedCertificate};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// The default number of remembered outcomes.
pub const DEFAULT_ENTRIES: usize = 4096;

/// The most key bytes remembered, whatever the number of entries (a bundle's checks need a few
/// kilobytes; 16 MiB covers thousands of organisations).
pub const MAX_KEY_BYTES: usize = 16 << 20;

/// Remembered outcomes of pure checks, bounded in entries and bytes; `Send + Sync`.
#[derive(Debug)]
pub struct WarmCache {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    outcomes: HashMap<Arc<[u8]>, Outcome>,
    order: VecDeque<Arc<[u8]>>,
    key_bytes: usize,
}

#[derive(Clone, Debug)]
enum Outcome {
    Rrsig(bool),
    Issued(Result<(), CertificateError>),
    Chain(Arc<RememberedChain>),
    Certificate(Certificate),
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
        let key = cache_key(b"rrsig", &[key, signed_data, signature]);
        if let Some(Outcome::Rrsig(valid)) = self.get(&key) {
            return valid;
        }
        let valid = verify();
        self.put(key, Outcome::Rrsig(valid));
        valid
    }

    /// Whether `child` was issued by `issuer`, remembered or computed by `check`.
    pub(crate) fn issued(
        &self,
        child: &[u8],
        issuer: &[u8],
        check: impl FnOnce() -> Result<(), CertificateError>,
    ) -> Result<(), CertificateError> {
        let key = cache_key(b"issued", &[child, issuer]);
        if let Some(Outcome::Issued(outcome)) = self.get(&key) {
            return outcome;
        }
        let outcome = check();
        self.put(key, Outcome::Issued(outcome.clone()));
        outcome
    }

    /// The certificate of this DER, remembered or parsed (one that does not parse is not
    /// remembered).
    pub(crate) fn certificate(&self, der: &[u8]) -> Result<Certificate, MalformedCertificate> {
        let key = cache_key(b"certificate", &[der]);
        if let Some(Outcome::Certificate(certificate)) = self.get(&key) {
            return Ok(certificate);
        }
        let certificate = Certificate::from_der(der)?;
        self.put(key, Outcome::Certificate(certificate.clone()));
        Ok(certificate)
    }

    /// The chain of these messages, remembered or parsed (a chain that does not parse is not
    /// remembered).
    pub(crate) fn chain(&self, messages: &[Vec<u8>]) -> Result<Arc<RememberedChain>, ChainError> {
        let parts: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        let key = cache_key(b"chain", &parts);
        if let Some(Outcome::Chain(chain)) = self.get(&key) {
            return Ok(chain);
        }
        let chain = Arc::new(RememberedChain::new(DnssecChain::from_messages(
            messages.to_vec(),
        )?));
        self.put(key, Outcome::Chain(chain.clone()));
        Ok(chain)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map inconsistent (each operation is
        // one insert or one lookup), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: &[u8]) -> Option<Outcome> {
        self.lock().outcomes.get(key).cloned()
    }

    fn put(&self, key: Vec<u8>, outcome: Outcome) {
        if self.capacity == 0 || key.len() > MAX_KEY_BYTES {
            return;
        }
        let key: Arc<[u8]> = key.into();
        let mut state = self.lock();
        if state.outcomes.insert(key.clone(), outcome).is_none() {
            state.key_bytes += key.len();
            state.order.push_back(key);
        }
        while state.order.len() > self.capacity || state.key_bytes > MAX_KEY_BYTES {
            let Some(oldest) = state.order.pop_front() else {
                break;
            };
            state.outcomes.remove(&oldest);
            state.key_bytes -= oldest.len();
        }
    }
}

/// A domain label and the length-prefixed parts, concatenated (so that no two inputs collide by
/// shifting bytes between parts).
fn cache_key(label: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let size = label.len() + parts.iter().map(|p| 8 + p.len()).sum::<usize>();
    let mut key = Vec::with_capacity(size);
    key.extend_from_slice(label);
    for part in parts {
        key.extend_from_slice(&(part.len() as u64).to_be_bytes());
        key.extend_from_slice(part);
    }
    key
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
        assert_ne!(
            cache_key(b"x", &[b"ab", b"c"]),
            cache_key(b"x", &[b"a", b"bc"])
        );
    }

    #[test]
    fn key_bytes_are_bounded_whatever_the_entries() {
        let cache = WarmCache::new(usize::MAX);
        let big = vec![0u8; MAX_KEY_BYTES / 3];
        for signature in [b"1", b"2", b"3", b"4"] {
            cache.rrsig(&big, b"d", signature, || true);
        }
        assert_eq!(
            cache.len(),
            2,
            "the oldest went to stay within the byte bound"
        );
        let state = cache.lock();
        assert!(state.key_bytes <= MAX_KEY_BYTES);
    }

    #[test]
    fn a_zero_capacity_cache_remembers_nothing() {
        let cache = WarmCache::new(0);
        cache.rrsig(b"k", b"d", b"s", || true);
        assert!(cache.is_empty());
    }
}
