//! A verified-result cache for servers: clients send one bundle for its whole lifetime, so a
//! valid result is kept, keyed by a SHA-256 digest of the audience and the bundle's exact DER
//! bytes, for the period in which it holds and no longer (`kliento serve` uses it).
//!
//! ```
//! use kliento::cache::{ResultCache, key};
//! use kliento::veraid::verify::Mode;
//! # let header = format!("Kliento {}", include_str!("../examples/token.b64").trim());
//! # let anchors = kliento::dnssec::parse_trust_anchors(include_str!("../examples/test-root.ds")).unwrap();
//! # let verifier = kliento::Verifier::with_trust_anchors(anchors);
//! # let now: kliento::time::Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
//! let cache = ResultCache::new(10_000);
//! let bundle = kliento::TokenBundle::from_auth_header(&header)?;
//! let key = key("https://api.example.com", bundle.as_der());
//! let subject = match cache.get(&key, now) {
//!     Some(verified) => verified.subject_id.clone(),
//!     None => {
//!         let verification = verifier.check(&bundle, Some("https://api.example.com"), now, Mode::FirstFailure);
//!         cache.put(key, &verification, now);
//!         verification.into_result()?.subject_id
//!     }
//! };
//! assert_eq!(subject, "alice@example.com");
//! assert!(cache.get(&key, now).is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Verification depends on the time only through comparisons of the verification instant with
//! the signature period, each certificate's validity and each RRSIG's inception and expiration.
//! Strictly inside all of them at once (one second in from every bound, so no inclusive or
//! exclusive end matters) every comparison comes out as it did when the result was computed,
//! and so does the verification. Only valid results are kept; rejections are verified again.

use crate::time::{self, Timestamp};
use crate::token::bundle::{TokenVerification, VerifiedToken};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The cache key: SHA-256 over the audience's length and bytes, then the bundle.
pub type Key = [u8; 32];

/// The key of `der` verified for `audience`.
pub fn key(audience: &str, der: &[u8]) -> Key {
    let mut digest = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    digest.update(&(audience.len() as u64).to_be_bytes());
    digest.update(audience.as_bytes());
    digest.update(der);
    let mut key = [0; 32];
    key.copy_from_slice(digest.finish().as_ref());
    key
}

struct Entry {
    verified: Arc<VerifiedToken>,
    from: Timestamp,
    until: Timestamp,
}

/// At most `capacity` valid results, each with the period in which it holds.
pub struct ResultCache {
    capacity: usize,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl ResultCache {
    /// A cache of `capacity` entries (0: nothing is kept).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The result kept for `key`, if it holds at `at`.
    pub fn get(&self, key: &Key, at: Timestamp) -> Option<Arc<VerifiedToken>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        if entry.from <= at && at <= entry.until {
            return Some(entry.verified.clone());
        }
        if at > entry.until {
            entries.remove(key);
        }
        None
    }

    /// Keeps the result of a verification at `at`, when valid, for the period in which it holds.
    pub fn put(&self, key: Key, verification: &TokenVerification, at: Timestamp) {
        if self.capacity == 0 {
            return;
        }
        let Some(verified) = verification.verified() else {
            return;
        };
        let Some((from, until)) = holds_during(verification) else {
            return;
        };
        if !(from <= at && at <= until) {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, e| e.until >= at);
            if entries.len() >= self.capacity {
                // Any entry: the clients still sending theirs will put them back.
                if let Some(evicted) = entries.keys().next().copied() {
                    entries.remove(&evicted);
                }
            }
        }
        entries.insert(
            key,
            Entry {
                verified: Arc::new(verified.clone()),
                from,
                until,
            },
        );
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The period strictly inside every validity period a verification compared the time with:
/// the signature's, each certificate's and each RRSIG's in the chain, one second in from each
/// bound. `None` when something is missing or the intersection is empty.
pub fn holds_during(verification: &TokenVerification) -> Option<(Timestamp, Timestamp)> {
    let findings = verification.findings();
    let metadata = findings.metadata.as_ref()?;
    let mut bounds = vec![(metadata.start, metadata.end)];
    for certificate in [
        &findings.organisation_certificate,
        &findings.member_certificate,
    ]
    .into_iter()
    .flatten()
    {
        bounds.push((certificate.not_before(), certificate.not_after()));
    }
    let chain = findings.chain.as_ref()?;
    for (inception, expiration) in chain.rrsig_validities() {
        bounds.push((
            time::from_unix_seconds(inception),
            time::from_unix_seconds(expiration),
        ));
    }
    let second = jiff::SignedDuration::from_secs(1);
    let from = bounds.iter().map(|b| b.0).max()?.checked_add(second).ok()?;
    let until = bounds.iter().map(|b| b.1).min()?.checked_sub(second).ok()?;
    (from <= until).then_some((from, until))
}
