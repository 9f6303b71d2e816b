//! The deliberate defects a test chain can carry, each breaking one validation rule, and the
//! RRset (so the response) each applies to.

use crate::time::Period;

/// Which RRset (and so which response message) a fault applies to; zones count from the root (0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The DNSKEY RRset of zone `n`.
    Dnskey(usize),
    /// The DS RRset of zone `n` (published and signed by zone `n - 1`; not the root).
    Ds(usize),
    /// The `_veraid` TXT RRset.
    Txt,
}

/// One deliberate defect in a test chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The RRSIG over the target has this validity instead of the chain's.
    RrsigValidity {
        /// The RRset.
        target: Target,
        /// Inception and expiration (whole seconds are used).
        validity: Period,
    },
    /// The DS for zone `n` (the trust anchor for the root) has a corrupted digest.
    WrongDsDigest {
        /// The zone.
        zone: usize,
    },
    /// Zone `n`'s key is published with flags 1 (secure entry point, no Zone Key flag).
    NoZoneFlag {
        /// The zone.
        zone: usize,
    },
    /// The RRSIG over the target names (and is made with) this signer name.
    Signer {
        /// The RRset.
        target: Target,
        /// Absolute signer name (`example.net.`).
        signer: String,
    },
    /// The first TXT record gains a trailing space after signing (same fields, other bytes).
    TamperedTxt,
    /// The target's response is left out of the chain.
    OmitResponse {
        /// The RRset.
        target: Target,
    },
    /// The target's response is NXDOMAIN without answers (dnssec-js's INSECURE fixture).
    Nxdomain {
        /// The RRset.
        target: Target,
    },
    /// The RRSIG over the target names another key tag (dnssec-js's BOGUS fixture).
    WrongKeyTag {
        /// The RRset.
        target: Target,
    },
    /// The RRSIG over the target is removed (dnssec-js's INDETERMINATE fixture).
    Unsigned {
        /// The RRset.
        target: Target,
    },
    /// Zone `n`'s DNSKEY RRset also holds a key with this algorithm number.
    ExtraDnskey {
        /// The zone.
        zone: usize,
        /// The extra key's algorithm number.
        algorithm: u8,
    },
    /// The RRSIG over the target is published with this TTL (its original TTL is unchanged).
    RrsigTtl {
        /// The RRset.
        target: Target,
        /// The RRSIG record's TTL.
        ttl: u32,
    },
    /// The RRSIG over the target carries this labels field.
    Labels {
        /// The RRset.
        target: Target,
        /// The labels value.
        labels: u8,
    },
    /// Zone `n`'s zone-signing key (see
    /// [`TestZones::with_zone_signing_keys`](super::TestZones::with_zone_signing_keys)) has these
    /// flags.
    ZskFlags {
        /// The zone.
        zone: usize,
        /// The DNSKEY flags (256 is a normal ZSK; 0 lacks the Zone Key flag).
        flags: u16,
    },
    /// The RRSIG over the target states this algorithm number (signed as stated).
    RrsigAlgorithm {
        /// The RRset.
        target: Target,
        /// The algorithm number written in the RRSIG.
        algorithm: u8,
    },
    /// The target's response loses its last bytes, so it no longer parses.
    Truncate {
        /// The RRset.
        target: Target,
    },
    /// Zone `n`'s DNSKEY RRset also holds `count` genuine keys of the zone's algorithm whose
    /// flags are tuned so that their key tag equals the tag of the key signing the zone's data
    /// (the KeyTrap trick: every RRSIG naming that tag has `count + 1` candidate keys).
    CollidingKeys {
        /// The zone.
        zone: usize,
        /// How many extra keys.
        count: usize,
    },
    /// The target carries `count` RRSIGs before its genuine one, with the same signer, key tag,
    /// algorithm and validity, and signatures that do not verify.
    JunkRrsigs {
        /// The RRset.
        target: Target,
        /// How many.
        count: usize,
    },
    /// Zone `n` is in a key rollover: its DNSKEY RRset also holds a second key of its algorithm
    /// (flags 256), and every RRset the zone signs carries a second, valid RRSIG by that key,
    /// placed first.
    Rollover {
        /// The zone.
        zone: usize,
    },
}
