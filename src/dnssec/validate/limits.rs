//! The cost bound on one validation (KeyTrap, CVE-2023-50387): the [`Limits`], the [`Work`]
//! done and the [`Budget`] that books it, one signature verification at a time.

use crate::warm::WarmCache;
use hickory_proto::dnssec::rdata::DNSKEY;
use hickory_proto::dnssec::{Algorithm, PublicKey};
use std::fmt;

/// Bounds on the work of one validation, so that a chain crafted with colliding key tags, junk
/// RRSIGs or deep delegations cannot buy seconds of CPU (KeyTrap, CVE-2023-50387).
///
/// The model is Unbound 1.19.1's fix: a cap on signature verifications attempted per RRset
/// (its `MAX_VALIDATE_RRSIGS`, 8) and on failed DS matches, plus, because a bundle is verified
/// offline in one go rather than query by query, a cap on the total cost of the whole walk.
/// Costs are weighted by algorithm and key size in units of one RSA-2048 verification, measured
/// with the ring backend hickory uses: RSA grows with the square of the modulus (4096 bits: 4),
/// P-256 costs 3, Ed25519 2 and P-384 28.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Signature verifications attempted for one RRset, successful or not.
    pub attempts_per_rrset: u32,
    /// RRSIGs examined for one RRset (cheap checks included).
    pub rrsigs_per_rrset: usize,
    /// Keys sharing one RRSIG's key tag and algorithm that are tried for it.
    pub keys_per_tag: usize,
    /// DS digests computed for one zone (DS records times candidate keys).
    pub ds_digests_per_zone: u32,
    /// Zones walked, the root included.
    pub zones: usize,
    /// Total weighted cost of every signature verification of the walk.
    pub cost: u32,
}

impl Default for Limits {
    /// Real chains use a small part of these: `example.com` under RSA-2048 root and TLD keys
    /// costs 6 units in 6 verifications (one per RRset); with its own keys in P-384, 60. The
    /// total keeps the worst bundle under 16 KiB below 10x a normal one's verification time
    /// (`cargo bench --bench verification_cost`).
    fn default() -> Self {
        Self {
            attempts_per_rrset: 8,
            rrsigs_per_rrset: 16,
            keys_per_tag: 4,
            ds_digests_per_zone: 16,
            zones: 16,
            cost: 72,
        }
    }
}

/// Which limit a chain exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::attempts_per_rrset`].
    AttemptsPerRrset(u32),
    /// [`Limits::rrsigs_per_rrset`].
    RrsigsPerRrset(usize),
    /// [`Limits::keys_per_tag`].
    KeysPerTag(usize),
    /// [`Limits::ds_digests_per_zone`].
    DsDigestsPerZone(u32),
    /// [`Limits::zones`].
    Zones(usize),
    /// [`Limits::cost`].
    Cost(u32),
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::AttemptsPerRrset(n) => write!(f, "{n} signature verifications per RRset"),
            Limit::RrsigsPerRrset(n) => write!(f, "{n} RRSIGs per RRset"),
            Limit::KeysPerTag(n) => write!(f, "{n} keys sharing one key tag"),
            Limit::DsDigestsPerZone(n) => write!(f, "{n} DS digest computations per zone"),
            Limit::Zones(n) => write!(f, "{n} zones"),
            Limit::Cost(n) => write!(
                f,
                "a total signature verification cost of {n} (RSA-2048 verifications)"
            ),
        }
    }
}

/// The work a validation did: what the limits are checked against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Signature verifications attempted, successful or not.
    pub verifications: u32,
    /// Their weighted cost ([`Limits`]).
    pub cost: u32,
    /// DS digests computed.
    pub ds_digests: u32,
}

/// The limits and the work done so far; one budget can span several validations of the same
/// bundle (for example at two windows) so that together they stay within the limits.
#[derive(Clone, Debug, Default)]
pub struct Budget<'c> {
    pub(super) limits: Limits,
    pub(super) spent: Work,
    pub(super) cache: Option<&'c WarmCache>,
}

impl<'c> Budget<'c> {
    /// A fresh budget with these limits.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            spent: Work::default(),
            cache: None,
        }
    }

    /// The same budget, taking RRSIG verification outcomes from `cache` when it remembers them
    /// (and remembering new ones). The work is counted alike, remembered or not.
    pub fn with_cache(mut self, cache: Option<&'c WarmCache>) -> Self {
        self.cache = cache;
        self
    }

    /// The work done so far.
    pub fn spent(&self) -> Work {
        self.spent
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Books one signature verification with `key`, or refuses it when the total cost would
    /// exceed the limit.
    pub(super) fn charge_verification(&mut self, key: &DNSKEY) -> Result<(), Limit> {
        let cost = self.spent.cost.saturating_add(verification_cost(key));
        if cost > self.limits.cost {
            return Err(Limit::Cost(self.limits.cost));
        }
        self.spent.cost = cost;
        self.spent.verifications += 1;
        Ok(())
    }
}

/// The cost of one verification with `key`, in RSA-2048 verifications (see [`Limits`]).
#[allow(deprecated)]
fn verification_cost(key: &DNSKEY) -> u32 {
    let public_key = key.public_key();
    match public_key.algorithm() {
        Algorithm::ECDSAP384SHA384 => 28,
        Algorithm::ECDSAP256SHA256 => 3,
        Algorithm::ED25519 => 2,
        _ => {
            let bits = rsa_modulus_bits(public_key.public_bytes()).max(2048);
            // Quadratic in the modulus size, rounded up: 2048 -> 1, 3072 -> 3, 4096 -> 4.
            u32::try_from((bits * bits).div_ceil(2048 * 2048)).unwrap_or(u32::MAX)
        }
    }
}

/// The modulus size of an RFC 3110 RSA public key; 0 when the bytes are not one (costs count
/// at least 2048 bits whatever this says).
fn rsa_modulus_bits(key: &[u8]) -> u64 {
    super::rrsig::rsa_exponent_and_modulus(key)
        .map_or(0, |(_, modulus)| crate::keys::bit_length(modulus) as u64)
}
