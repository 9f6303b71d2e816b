//! Self-contained DNSSEC chains for tests and developers: a root, every intermediate zone and the
//! organisation's zone, signed in memory with throw-away keys, whose `_veraid.<domain>` TXT
//! RRset carries the given RDATA (the Rust counterpart of dnssec-js's `MockChain`, VeraId digest
//! §11.2).
//!
//! [`TestZones::generate`] makes one key per zone (RSA keys are slow to make, so reuse the zones
//! for many chains); [`TestZones::build`] signs a chain according to a [`ChainSpec`], whose
//! [`Fault`]s each break exactly one validation rule. Messages come out in the order veraid-js
//! retrieves them (§6.2): DNSKEY for every zone and for the TXT owner, DS for the same names but
//! the root, then the TXT response.

mod build;
mod faults;
mod keys;

pub use faults::{Fault, Target};
pub use keys::ZoneAlgorithm;

use super::anchors::TrustAnchor;
use super::chain::{self, ChainError, DnssecChain};
use crate::domain::Domain;
use crate::time::Period;
use build::Builder;
use hickory_proto::rr::Name;
use keys::{Zone, ZoneKey};

/// Why a test chain could not be made (key generation or signing failed, or bad parameters).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot build the test chain: {detail}")]
pub struct TestChainError {
    /// What failed.
    pub detail: String,
}

pub(super) fn failure(detail: impl std::fmt::Display) -> TestChainError {
    TestChainError {
        detail: detail.to_string(),
    }
}

/// What to put in a chain and how to sign it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainSpec {
    /// The TXT records, each a single character-string (e.g. `TxtRdata` rendered).
    pub txt: Vec<String>,
    /// TTL of the TXT RRset and of its RRSIG.
    pub txt_ttl: u32,
    /// Inception and expiration of every RRSIG (whole seconds are used).
    pub validity: Period,
    /// Digest type of every DS and of the root anchor: 1, 2 (default) or 4; any other number is
    /// written with a SHA-256 digest, which a verifier cannot check.
    pub digest_type: u8,
    /// Defects to introduce.
    pub faults: Vec<Fault>,
}

impl ChainSpec {
    /// One TXT record, TTL 300, no fault.
    pub fn new(txt: impl Into<String>, validity: Period) -> Self {
        Self {
            txt: vec![txt.into()],
            txt_ttl: 300,
            validity,
            digest_type: 2,
            faults: Vec::new(),
        }
    }

    /// Adds a fault.
    pub fn with(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }
}

/// The zones of a test hierarchy, root first, each with its keys.
pub struct TestZones {
    domain: Domain,
    zones: Vec<Zone>,
}

/// A built chain: the raw messages (in retrieval order) and the root's DS as trust anchor.
#[derive(Clone, Debug)]
pub struct TestChain {
    /// The DNS messages, in veraid-js's retrieval order.
    pub messages: Vec<Vec<u8>>,
    /// The DS of the root's key-signing key, to use as the only trust anchor.
    pub root_anchor: TrustAnchor,
}

impl TestChain {
    /// The messages as a parsed chain (fails for a `Truncate` fault).
    pub fn chain(&self) -> Result<DnssecChain, ChainError> {
        DnssecChain::from_messages(self.messages.clone())
    }

    /// The standalone DER SET OF OCTET STRING, written even when a message is malformed.
    pub fn to_der(&self) -> Vec<u8> {
        chain::encode_set(self.messages.iter().map(Vec::as_slice))
    }
}

impl TestZones {
    /// Generates one key per zone: `.`, then each ancestor of `domain`, then `domain` itself.
    /// `algorithms` lists them root first; the last entry applies to any remaining zone.
    pub fn generate(domain: &Domain, algorithms: &[ZoneAlgorithm]) -> Result<Self, TestChainError> {
        let apex = Name::from_ascii(format!("{domain}."))
            .map_err(|e| failure(format!("bad domain {domain}: {e}")))?;
        let count = usize::from(apex.num_labels()) + 1;
        let last = *algorithms
            .last()
            .ok_or_else(|| failure("at least one algorithm is needed"))?;
        let zones = (0..count)
            .map(|depth| {
                let algorithm = algorithms.get(depth).copied().unwrap_or(last);
                Ok(Zone {
                    name: apex.trim_to(depth),
                    ksk: ZoneKey::generate(algorithm)?,
                    zsk: None,
                })
            })
            .collect::<Result<_, TestChainError>>()?;
        Ok(Self {
            domain: domain.clone(),
            zones,
        })
    }

    /// Adds to every zone a zone-signing key of the same algorithm: the key-signing key then
    /// signs only the DNSKEY RRset, and the zone-signing key the child DS and TXT RRsets.
    pub fn with_zone_signing_keys(mut self) -> Result<Self, TestChainError> {
        for zone in &mut self.zones {
            zone.zsk = Some(ZoneKey::generate(zone.ksk.algorithm)?);
        }
        Ok(self)
    }

    /// The zone names, root first (`.`, `com.`, `example.com.`).
    pub fn zone_names(&self) -> Vec<String> {
        self.zones.iter().map(|z| z.name.to_string()).collect()
    }

    /// The organisation domain the zones lead to.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Signs a chain per `spec`.
    pub fn build(&self, spec: &ChainSpec) -> Result<TestChain, TestChainError> {
        let rollover_keys = spec
            .faults
            .iter()
            .filter_map(|f| match f {
                Fault::Rollover { zone } => Some(*zone),
                _ => None,
            })
            .map(|zone| {
                let keys = self
                    .zones
                    .get(zone)
                    .ok_or_else(|| failure("no such zone"))?;
                Ok((zone, ZoneKey::generate(keys.ksk.algorithm)?))
            })
            .collect::<Result<_, TestChainError>>()?;
        Builder {
            zones: self,
            spec,
            rollover_keys,
        }
        .build()
    }
}
