//! Offline validation of `_veraid.<domain>./TXT` from a chain, at a caller-given window `W`
//! (VeraId digest §6.4, §6.5).
//!
//! The walk follows dnssec-js 1.12.0 as veraid-js 3.1.2 runs it:
//! 1. the root DNSKEY RRset must hold a zone key matching a trust anchor and be signed by one;
//! 2. the apex is the longest signer name among the TXT RRset's RRSIGs;
//! 3. for each zone from the TLD down to the apex, its DS RRset must be signed by the parent's
//!    keys (signer = parent) and its DNSKEY RRset must hold a zone key matching one of those DS
//!    and be signed by such a key (signer = zone);
//! 4. the TXT RRset must be signed by a key of the apex (signer = apex).
//!
//! An RRSIG counts only if its key tag and algorithm match the key, its validity overlaps `W`
//! (`inception <= W.end && expiration >= W.start`), its labels field equals the owner's label
//! count and the signature verifies over the canonical RRset (duplicates removed).
//!
//! Decisions where dnssec-js is silent or loose (all documented in the README):
//! * Names are matched case-insensitively (RFC 4343) and signed data uses RFC 4034 canonical
//!   (lowercase) names. dnssec-js compares names as exact strings and signs them as received, so
//!   it rejects a chain whose label case was rewritten; here such a chain names the same zones
//!   and validates (a superset of what dnssec-js accepts, VeraId digest §6.5).
//! * The work is bounded ([`Limits`]), as DNSSEC resolvers bounded it after KeyTrap
//!   (CVE-2023-50387); past a limit the chain is Bogus and the reason names the limit.
//! * A key must have the Zone Key flag to verify any RRSIG (RFC 4034 §2.1.1); dnssec-js checks it
//!   only when matching DS records.
//! * Supported algorithms: 5, 8, 10, 13, 14, 15. A DNSKEY of any other algorithm (7, 16...) in a
//!   DNSKEY RRset the walk processes fails validation (Bogus), as dnssec-js throws while parsing
//!   it. DS digest types 1, 2 and 4 are supported; a DS of another type simply matches no key.
//! * Where dnssec-js throws instead of returning a status (no records of the expected type, an
//!   unsigned TXT RRset, differing TTLs), the outcome here is Indeterminate (missing data) or
//!   Bogus (inconsistent data). An unsigned DNSKEY RRset is Indeterminate and an unsigned DS
//!   RRset Bogus, as in dnssec-js.

use super::anchors::TrustAnchor;
use super::chain::DnssecChain;
use crate::domain::Domain;
use crate::time::{self, Period, Timestamp};
use crate::warm::WarmCache;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKey, TBS, Verifier};
use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use std::fmt;

/// The four DNSSEC security statuses (RFC 4033 §5), as dnssec-js reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// The TXT RRset is authenticated from a trust anchor.
    Secure,
    /// The chain shows the name is not (or not entirely) signed.
    Insecure,
    /// Signatures or digests are present but wrong.
    Bogus,
    /// Data needed to decide is absent.
    Indeterminate,
}

impl fmt::Display for Status {
    /// Upper case, as dnssec-js names them (`SECURE`, `BOGUS`...).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Secure => "SECURE",
            Status::Insecure => "INSECURE",
            Status::Bogus => "BOGUS",
            Status::Indeterminate => "INDETERMINATE",
        })
    }
}

/// The RRset types a chain walk reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RrType {
    /// DNSKEY (48).
    Dnskey,
    /// DS (43).
    Ds,
    /// TXT (16).
    Txt,
}

impl RrType {
    fn hickory(self) -> RecordType {
        match self {
            RrType::Dnskey => RecordType::DNSKEY,
            RrType::Ds => RecordType::DS,
            RrType::Txt => RecordType::TXT,
        }
    }
}

impl fmt::Display for RrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RrType::Dnskey => "DNSKEY",
            RrType::Ds => "DS",
            RrType::Txt => "TXT",
        })
    }
}

/// Why the `_veraid` TXT answer cannot be taken from the chain (VeraId digest §9 steps 7e, 7f).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerError {
    /// `_veraid.<domain>.` is not a valid DNS name (over 255 octets), so no response can hold it.
    #[error("{name} is not a valid DNS name: {detail}")]
    InvalidName {
        /// The TXT owner name.
        name: String,
        /// What the DNS name parser reported.
        detail: String,
    },
    /// No message has the question `(_veraid.<domain>., TXT, IN)`.
    #[error("chain is missing the VeraId TXT response for {name}")]
    Missing {
        /// The TXT owner name.
        name: String,
    },
    /// Several messages have that question, so it is unclear which one DNSSEC would cover.
    #[error("chain contains {count} VeraId TXT responses for {name}; exactly one is allowed")]
    Multiple {
        /// The TXT owner name.
        name: String,
        /// How many messages answer it.
        count: usize,
    },
    /// The response holds no TXT record at that name (exact case).
    #[error("RRset for {name}/TXT should have at least one matching record")]
    NoRecords {
        /// The TXT owner name.
        name: String,
    },
    /// The response's answers (RRSIGs included) do not all share one TTL (veraid-js quirk).
    #[error("RRset for {name}/TXT contains different TTLs (e.g., {first}, {other})")]
    TtlMismatch {
        /// The TXT owner name.
        name: String,
        /// TTL of the first answer record.
        first: u32,
        /// A different TTL found after it.
        other: u32,
    },
}

/// The `_veraid` TXT RRset as read from the chain (not yet authenticated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxtAnswer {
    /// The owner name, absolute (`_veraid.example.com.`).
    pub name: String,
    /// The RRset's TTL (shared by every answer record).
    pub ttl: u32,
    /// Each TXT record's character-strings, in canonical order (RFC 4034 §6.3), duplicates
    /// removed, as veraid-js iterates them.
    pub records: Vec<Vec<Vec<u8>>>,
}

impl TxtAnswer {
    /// Takes the TXT RRset for `_veraid.<domain>.` from the one message answering it, with
    /// veraid-js's checks: exactly one such message, at least one TXT record, and one TTL for
    /// every answer record including RRSIGs.
    pub fn from_chain(chain: &DnssecChain, domain: &Domain) -> Result<Self, AnswerError> {
        let name = veraid_name(domain)?;
        let text = name.to_string();
        let mut responses = chain
            .parsed()
            .filter(|m| answers_question(m, &name, RecordType::TXT));
        let Some(message) = responses.next() else {
            return Err(AnswerError::Missing { name: text });
        };
        let extra = responses.count();
        if extra > 0 {
            return Err(AnswerError::Multiple {
                name: text,
                count: extra + 1,
            });
        }
        let records = rrset(&message.answers, &name, RecordType::TXT);
        if records.is_empty() {
            return Err(AnswerError::NoRecords { name: text });
        }
        if let Some((first, other)) = differing_ttls(message.answers.iter()) {
            return Err(AnswerError::TtlMismatch {
                name: text,
                first,
                other,
            });
        }
        let records = records
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(txt) => Some(txt.txt_data.iter().map(|s| s.to_vec()).collect()),
                _ => None,
            })
            .collect();
        Ok(Self {
            name: text,
            ttl: message.answers[0].ttl,
            records,
        })
    }

    /// Each record's character-strings as slices, ready for `TxtRdata::parse_strings`.
    pub fn strings(&self) -> impl Iterator<Item = Vec<&[u8]>> {
        self.records
            .iter()
            .map(|strings| strings.iter().map(Vec::as_slice).collect())
    }
}

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
    limits: Limits,
    spent: Work,
    cache: Option<&'c WarmCache>,
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
    fn charge_verification(&mut self, key: &DNSKEY) -> Result<(), Limit> {
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

/// The modulus size of an RFC 3110 RSA public key (exponent length, exponent, modulus); 0 when
/// the bytes are not one.
fn rsa_modulus_bits(key: &[u8]) -> u64 {
    let (exponent_length, rest) = match key {
        [0, high, low, rest @ ..] => (usize::from(*high) << 8 | usize::from(*low), rest),
        [length, rest @ ..] => (usize::from(*length), rest),
        [] => return 0,
    };
    let modulus = rest.get(exponent_length..).unwrap_or_default();
    let modulus = match modulus.iter().position(|&b| b != 0) {
        Some(first) => &modulus[first..],
        None => return 0,
    };
    (modulus.len() as u64) * 8 - u64::from(modulus[0].leading_zeros())
}

/// The window `W = [max(P.start, P.end − T), P.end]` for a verification period `P` and a TXT
/// record's TTL override `T` seconds (VeraId digest §6.4).
pub fn ttl_override_window(period: &Period, ttl_override_seconds: u32) -> Period {
    let earliest = period
        .end
        .checked_sub(jiff::SignedDuration::from_secs(i64::from(
            ttl_override_seconds,
        )))
        .unwrap_or(Timestamp::MIN);
    Period {
        start: period.start.max(earliest),
        end: period.end,
    }
}

/// How one RRSIG was used to authenticate an RRset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureUse {
    /// The RRset it covers, `owner/TYPE` (`com./DS`).
    pub rrset: String,
    /// Its signer name.
    pub signer: String,
    /// Key tag of the DNSKEY that verified it.
    pub key_tag: u16,
    /// Its algorithm number.
    pub algorithm: u8,
    /// Its inception and expiration.
    pub validity: Period,
}

/// A DNSKEY as listed in a zone's RRset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySummary {
    /// RFC 4034 Appendix B key tag.
    pub key_tag: u16,
    /// Algorithm number.
    pub algorithm: u8,
    /// Flags (256 zone key, 257 zone key + secure entry point).
    pub flags: u16,
}

/// A DS (or trust anchor) that matched a DNSKEY.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsMatch {
    /// Key tag stated in the DS.
    pub ds_key_tag: u16,
    /// Digest type of the DS.
    pub digest_type: u8,
    /// Key tag of the DNSKEY it matched.
    pub dnskey_tag: u16,
    /// Algorithm of that DNSKEY.
    pub algorithm: u8,
}

/// One zone of the walk: how its DS and DNSKEY RRsets were authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneLink {
    /// The zone name, absolute (`.`, `com.`).
    pub zone: String,
    /// The RRSIG over the zone's DS RRset, made by the parent; `None` for the root, whose DS
    /// records are the trust anchors.
    pub ds_signature: Option<SignatureUse>,
    /// Which DS matched which DNSKEY.
    pub ds_matches: Vec<DsMatch>,
    /// The RRSIG over the DNSKEY RRset, made by a DS-matched key.
    pub dnskey_signature: Option<SignatureUse>,
    /// The zone's DNSKEYs.
    pub keys: Vec<KeySummary>,
}

/// What the walk established, zone by zone, up to where it stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Walk {
    /// The window `W` every RRSIG had to overlap.
    pub window: Period,
    /// Zones authenticated (or attempted last), from the root down.
    pub zones: Vec<ZoneLink>,
    /// The RRSIG that authenticated the TXT RRset, when it did.
    pub answer_signature: Option<SignatureUse>,
}

/// Why one RRSIG could not authenticate its RRset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RrsigProblem {
    /// Its signer is not the zone that must sign the RRset.
    SignerMismatch {
        /// The zone that must sign.
        expected: String,
    },
    /// No candidate DNSKEY has its key tag.
    UnknownKeyTag,
    /// Keys with its tag have another algorithm.
    AlgorithmMismatch {
        /// The keys' algorithm.
        key_algorithm: u8,
    },
    /// It expired before `W` starts.
    Expired {
        /// The verification window.
        window: Period,
    },
    /// It starts after `W` ends.
    NotYetValid {
        /// The verification window.
        window: Period,
    },
    /// Its expiration precedes its inception.
    InvalidPeriod,
    /// Its labels field differs from the owner name's label count.
    LabelsMismatch {
        /// The owner's label count.
        expected: u8,
    },
    /// The matching key lacks the Zone Key flag (RFC 4034 §2.1.1).
    NotZoneKey,
    /// The signature does not verify with the matching key(s).
    BadSignature,
}

/// One rejected RRSIG and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RrsigRejection {
    /// Its key tag.
    pub key_tag: u16,
    /// Its algorithm.
    pub algorithm: u8,
    /// Its signer name.
    pub signer: String,
    /// Its inception and expiration (expiration may precede inception when malformed).
    pub inception: Timestamp,
    /// See `inception`.
    pub expiration: Timestamp,
    /// What is wrong with it.
    pub problem: RrsigProblem,
}

impl fmt::Display for RrsigRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let distance = |a: Timestamp, b: Timestamp| time::humanise(a.duration_since(b));
        let reference = |window: &Period| {
            if window.start == window.end {
                "the verification time"
            } else {
                "the verification window"
            }
        };
        match &self.problem {
            RrsigProblem::SignerMismatch { expected } => write!(
                f,
                "is signed by {} but must be signed by {expected}",
                self.signer
            ),
            RrsigProblem::UnknownKeyTag => write!(
                f,
                "names key tag {}, which no usable DNSKEY of {} has",
                self.key_tag, self.signer
            ),
            RrsigProblem::AlgorithmMismatch { key_algorithm } => write!(
                f,
                "has algorithm {} but key {} has algorithm {key_algorithm}",
                self.algorithm, self.key_tag
            ),
            RrsigProblem::Expired { window } => write!(
                f,
                "expired {}, {} before {}",
                self.expiration,
                distance(window.start, self.expiration),
                reference(window)
            ),
            RrsigProblem::NotYetValid { window } => write!(
                f,
                "is not valid until {}, {} after {}",
                self.inception,
                distance(self.inception, window.end),
                reference(window)
            ),
            RrsigProblem::InvalidPeriod => write!(
                f,
                "expires ({}) before its inception ({})",
                self.expiration, self.inception
            ),
            RrsigProblem::LabelsMismatch { expected } => {
                write!(f, "has a labels field that is not {expected}")
            }
            RrsigProblem::NotZoneKey => write!(
                f,
                "was made by key {}, which lacks the Zone Key flag",
                self.key_tag
            ),
            RrsigProblem::BadSignature => write!(
                f,
                "by key {} does not verify (signature or RRset altered)",
                self.key_tag
            ),
        }
    }
}

/// Why a chain is not Secure: the zone, the record and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The TXT answer could not be taken from the chain.
    Answer(AnswerError),
    /// No message answers `(name, type)`; dnssec-js resolves it to NXDOMAIN offline.
    MissingResponse {
        /// The queried name.
        name: String,
        /// The queried type.
        rtype: RrType,
    },
    /// The response's RCODE is not NOERROR.
    ResponseCode {
        /// The queried name.
        name: String,
        /// The queried type.
        rtype: RrType,
        /// The RCODE found.
        rcode: u16,
    },
    /// The response holds no record of the type at the name.
    NoRecords {
        /// The queried name.
        name: String,
        /// The queried type.
        rtype: RrType,
    },
    /// The response's answer records (RRSIGs aside) do not share one TTL.
    TtlMismatch {
        /// The queried name.
        name: String,
        /// The queried type.
        rtype: RrType,
        /// TTL of the first answer.
        first: u32,
        /// A different TTL.
        other: u32,
    },
    /// The RRset carries no RRSIG covering it.
    Unsigned {
        /// The owner name.
        name: String,
        /// The RRset type.
        rtype: RrType,
    },
    /// A DNSKEY of the zone uses an algorithm this verifier (like dnssec-js) cannot process.
    UnsupportedAlgorithm {
        /// The zone.
        zone: String,
        /// The key's tag.
        key_tag: u16,
        /// The algorithm number.
        algorithm: u8,
    },
    /// No DNSKEY with the Zone Key flag matches any of the zone's DS records (or anchors).
    NoDnskeyMatchesDs {
        /// The zone.
        zone: String,
        /// The DS records tried, as `tag/algorithm/digest type`.
        ds: Vec<String>,
        /// The zone's keys.
        keys: Vec<KeySummary>,
    },
    /// The chain needs more work than [`Limits`] allow (a KeyTrap-style chain, or one far
    /// larger than real chains are).
    LimitExceeded {
        /// The limit hit.
        limit: Limit,
        /// Where: `owner/TYPE` or the zone.
        at: String,
    },
    /// No RRSIG authenticates the RRset (possibly because it has none).
    NoValidSignature {
        /// The owner name.
        name: String,
        /// The RRset type.
        rtype: RrType,
        /// Every RRSIG tried and why it failed (empty when there was none).
        rejected: Vec<RrsigRejection>,
    },
}

impl Reason {
    /// The status this reason leads to.
    pub fn status(&self) -> Status {
        match self {
            Reason::MissingResponse { .. } | Reason::ResponseCode { .. } => Status::Insecure,
            Reason::Answer(
                AnswerError::Missing { .. }
                | AnswerError::NoRecords { .. }
                | AnswerError::InvalidName { .. },
            )
            | Reason::NoRecords { .. }
            | Reason::Unsigned { .. } => Status::Indeterminate,
            Reason::Answer(_)
            | Reason::TtlMismatch { .. }
            | Reason::UnsupportedAlgorithm { .. }
            | Reason::NoDnskeyMatchesDs { .. }
            | Reason::LimitExceeded { .. }
            | Reason::NoValidSignature { .. } => Status::Bogus,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Answer(e) => write!(f, "{e}"),
            Reason::MissingResponse { name, rtype } => {
                write!(f, "chain has no response for {name}/{rtype}")
            }
            Reason::ResponseCode { name, rtype, rcode } => write!(
                f,
                "response for {name}/{rtype} has RCODE {} ({rcode}), expected NOERROR (0)",
                <ResponseCode as From<u16>>::from(*rcode)
            ),
            Reason::NoRecords { name, rtype } => {
                write!(f, "response for {name}/{rtype} holds no {rtype} record")
            }
            Reason::TtlMismatch {
                name,
                rtype,
                first,
                other,
            } => write!(
                f,
                "response for {name}/{rtype} has answers with different TTLs ({first}, {other})"
            ),
            Reason::Unsigned { name, rtype } => write!(f, "{name}/{rtype} has no RRSIG"),
            Reason::UnsupportedAlgorithm {
                zone,
                key_tag,
                algorithm,
            } => write!(
                f,
                "DNSKEY {key_tag} of {zone} uses unsupported algorithm {algorithm} \
                 (supported: 5, 8, 10, 13, 14, 15)"
            ),
            Reason::NoDnskeyMatchesDs { zone, ds, keys } => {
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{}/{} flags {}", k.key_tag, k.algorithm, k.flags))
                    .collect();
                write!(
                    f,
                    "no zone DNSKEY of {zone} matches its DS records (DS {}; DNSKEY {})",
                    ds.join(", "),
                    keys.join(", ")
                )
            }
            Reason::LimitExceeded { limit, at } => write!(
                f,
                "validation stopped at {at}: the chain needs more than {limit}"
            ),
            Reason::NoValidSignature {
                name,
                rtype,
                rejected,
            } => match rejected.as_slice() {
                [only] => write!(f, "RRSIG for {name}/{rtype} {only}"),
                all => {
                    write!(f, "no valid RRSIG for {name}/{rtype}")?;
                    for (i, r) in all.iter().enumerate() {
                        let separator = if i == 0 { ": " } else { "; " };
                        write!(f, "{separator}RRSIG by key {} {r}", r.key_tag)?;
                    }
                    Ok(())
                }
            },
        }
    }
}

/// The result of a validation: the status, the reason when not Secure, and the walk so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The verdict.
    pub status: Status,
    /// Why it is not Secure (`None` exactly when Secure).
    pub reason: Option<Reason>,
    /// What was authenticated, zone by zone.
    pub walk: Walk,
    /// The work the validation did (for this validation alone).
    pub work: Work,
}

/// A chain that is not Secure, as an error.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("DNSSEC chain is {status}: {reason}")]
pub struct Rejection {
    /// Insecure, Bogus or Indeterminate.
    pub status: Status,
    /// Why.
    pub reason: Reason,
    /// What was authenticated before the failure.
    pub walk: Box<Walk>,
}

impl Outcome {
    /// Whether the TXT RRset is authenticated.
    pub fn is_secure(&self) -> bool {
        self.status == Status::Secure
    }

    /// The walk when Secure, the rejection otherwise.
    pub fn into_result(self) -> Result<Walk, Rejection> {
        match self.reason {
            None => Ok(self.walk),
            Some(reason) => Err(Rejection {
                status: self.status,
                reason,
                walk: Box::new(self.walk),
            }),
        }
    }
}

/// Validates `_veraid.<domain>./TXT` from `chain` against root `anchors`, requiring every RRSIG
/// used to overlap `window` (W of VeraId digest §6.4; pass `Period::instant(t)` for one instant),
/// within the default [`Limits`].
pub fn validate_veraid_txt(
    chain: &DnssecChain,
    domain: &Domain,
    window: &Period,
    anchors: &[TrustAnchor],
) -> Outcome {
    validate_veraid_txt_within(chain, domain, window, anchors, &mut Budget::default())
}

/// [`validate_veraid_txt`] charging its work to `budget`, which may already be partly spent.
pub fn validate_veraid_txt_within(
    chain: &DnssecChain,
    domain: &Domain,
    window: &Period,
    anchors: &[TrustAnchor],
    budget: &mut Budget,
) -> Outcome {
    let before = budget.spent();
    let mut walk = Walk {
        window: *window,
        zones: Vec::new(),
        answer_signature: None,
    };
    let result = Walker {
        chain,
        window,
        budget,
        walk: &mut walk,
    }
    .walk(domain, anchors);
    let after = budget.spent();
    let work = Work {
        verifications: after.verifications - before.verifications,
        cost: after.cost - before.cost,
        ds_digests: after.ds_digests - before.ds_digests,
    };
    match result {
        Ok(()) => Outcome {
            status: Status::Secure,
            reason: None,
            walk,
            work,
        },
        Err(reason) => Outcome {
            status: reason.status(),
            reason: Some(reason),
            walk,
            work,
        },
    }
}

/// The absolute owner name `_veraid.<domain>.` as hickory parses it.
fn veraid_name(domain: &Domain) -> Result<Name, AnswerError> {
    let name = domain.veraid_record_name();
    Name::from_ascii(&name).map_err(|e| AnswerError::InvalidName {
        detail: e.to_string(),
        name,
    })
}

/// One validation in progress: the chain, the window, the budget and the walk recorded so far.
struct Walker<'a, 'c> {
    chain: &'a DnssecChain,
    window: &'a Period,
    budget: &'a mut Budget<'c>,
    walk: &'a mut Walk,
}

/// A DNSKEY with its owner and precomputed tag.
struct Key {
    dnskey: DNSKEY,
    tag: u16,
}

struct AuthenticatedDs {
    records: Vec<TrustAnchor>,
    signature: SignatureUse,
}

/// An RRset to authenticate: its owner, type and records, and who must sign it.
struct RrsetToVerify<'r> {
    owner: &'r Name,
    rtype: RrType,
    records: &'r [Record],
    signatures: &'r [&'r RRSIG],
    signer: &'r Name,
}

impl RrsetToVerify<'_> {
    fn label(&self) -> String {
        format!("{}/{}", self.owner, self.rtype)
    }
}

impl Walker<'_, '_> {
    fn walk(&mut self, domain: &Domain, anchors: &[TrustAnchor]) -> Result<(), Reason> {
        let answer = TxtAnswer::from_chain(self.chain, domain).map_err(Reason::Answer)?;
        let owner = veraid_name(domain).map_err(Reason::Answer)?;
        let message = self
            .chain
            .parsed()
            .find(|m| answers_question(m, &owner, RecordType::TXT))
            .ok_or_else(|| {
                Reason::Answer(AnswerError::Missing {
                    name: answer.name.clone(),
                })
            })?;

        let root = Name::root();
        let mut keys = self.authenticate_zone(&root, anchors, None)?;

        // dnssec-js: the apex is the longest signer among on-tree RRSIGs over the TXT RRset.
        let signatures = rrsigs(&message.answers, &owner, RecordType::TXT);
        let Some(apex) = signatures
            .iter()
            .map(|s| &s.input().signer_name)
            .max_by_key(|n| n.num_labels())
            .map(Name::to_lowercase)
        else {
            return Err(Reason::Unsigned {
                name: answer.name,
                rtype: RrType::Txt,
            });
        };

        let mut parent = root;
        for depth in 1..=usize::from(apex.num_labels()) {
            let zone = apex.trim_to(depth);
            let ds = self.authenticated_ds(&zone, &parent, &keys)?;
            keys = self.authenticate_zone(&zone, &ds.records, Some(ds.signature))?;
            parent = zone;
        }

        let records = rrset(&message.answers, &owner, RecordType::TXT);
        let used = self.verify_rrset(
            &RrsetToVerify {
                owner: &owner,
                rtype: RrType::Txt,
                records: &records,
                signatures: &signatures,
                signer: &apex,
            },
            &keys,
        )?;
        self.walk.answer_signature = Some(used);
        Ok(())
    }

    /// The zone's DS RRset, authenticated with the parent's keys (signer = parent).
    fn authenticated_ds(
        &mut self,
        zone: &Name,
        parent: &Name,
        parent_keys: &[Key],
    ) -> Result<AuthenticatedDs, Reason> {
        let message = response(self.chain, zone, RrType::Ds)?;
        let records = rrset(&message.answers, zone, RecordType::DS);
        let signatures = rrsigs(&message.answers, zone, RecordType::DS);
        let signature = self.verify_rrset(
            &RrsetToVerify {
                owner: zone,
                rtype: RrType::Ds,
                records: &records,
                signatures: &signatures,
                signer: parent,
            },
            parent_keys,
        )?;
        let records = records
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DS(ds)) => Some(ds_fields(ds)),
                _ => None,
            })
            .collect();
        Ok(AuthenticatedDs { records, signature })
    }

    /// Authenticates the zone's DNSKEY RRset from `ds` (trust anchors for the root) and returns
    /// all its keys (dnssec-js `Zone.init`). Records the zone in the walk.
    fn authenticate_zone(
        &mut self,
        zone: &Name,
        ds: &[TrustAnchor],
        ds_signature: Option<SignatureUse>,
    ) -> Result<Vec<Key>, Reason> {
        let limits = self.budget.limits;
        if self.walk.zones.len() >= limits.zones {
            return Err(Reason::LimitExceeded {
                limit: Limit::Zones(limits.zones),
                at: zone.to_string(),
            });
        }
        self.walk.zones.push(ZoneLink {
            zone: zone.to_string(),
            ds_signature,
            ds_matches: Vec::new(),
            dnskey_signature: None,
            keys: Vec::new(),
        });
        let message = response(self.chain, zone, RrType::Dnskey)?;
        let records = rrset(&message.answers, zone, RecordType::DNSKEY);
        let signatures = rrsigs(&message.answers, zone, RecordType::DNSKEY);
        if signatures.is_empty() {
            return Err(Reason::Unsigned {
                name: zone.to_string(),
                rtype: RrType::Dnskey,
            });
        }
        let keys: Vec<Key> = records
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(Key {
                    dnskey: k.clone(),
                    tag: k.calculate_key_tag().unwrap_or_default(),
                }),
                _ => None,
            })
            .collect();
        let link = self.walk.zones.last_mut().expect("just pushed");
        link.keys = keys.iter().map(summary).collect();
        if let Some(key) = keys.iter().find(|k| !supported(algorithm_of(&k.dnskey))) {
            return Err(Reason::UnsupportedAlgorithm {
                zone: zone.to_string(),
                key_tag: key.tag,
                algorithm: algorithm_of(&key.dnskey),
            });
        }
        let mut entry = Vec::new();
        let mut digests = 0;
        for key in &keys {
            let mut matched = false;
            for d in ds {
                if !key.dnskey.zone_key() || d.algorithm != algorithm_of(&key.dnskey) {
                    continue;
                }
                digests += 1;
                if digests > limits.ds_digests_per_zone {
                    return Err(Reason::LimitExceeded {
                        limit: Limit::DsDigestsPerZone(limits.ds_digests_per_zone),
                        at: format!("{zone}/DNSKEY"),
                    });
                }
                self.budget.spent.ds_digests += 1;
                if ds_digest_matches(d, zone, key) {
                    matched = true;
                    link.ds_matches.push(DsMatch {
                        ds_key_tag: d.key_tag,
                        digest_type: d.digest_type,
                        dnskey_tag: key.tag,
                        algorithm: algorithm_of(&key.dnskey),
                    });
                }
            }
            if matched {
                entry.push(Key {
                    dnskey: key.dnskey.clone(),
                    tag: key.tag,
                });
            }
        }
        if entry.is_empty() {
            return Err(Reason::NoDnskeyMatchesDs {
                zone: zone.to_string(),
                ds: ds
                    .iter()
                    .map(|d| format!("{}/{}/{}", d.key_tag, d.algorithm, d.digest_type))
                    .collect(),
                keys: link.keys.clone(),
            });
        }
        let used = self.verify_rrset(
            &RrsetToVerify {
                owner: zone,
                rtype: RrType::Dnskey,
                records: &records,
                signatures: &signatures,
                signer: zone,
            },
            &entry,
        )?;
        let link = self.walk.zones.last_mut().expect("pushed above");
        link.dnskey_signature = Some(used);
        Ok(keys)
    }

    /// Tries the RRSIGs in order, each against the keys with its tag, within the limits;
    /// returns the first that verifies.
    fn verify_rrset(
        &mut self,
        rrset: &RrsetToVerify<'_>,
        keys: &[Key],
    ) -> Result<SignatureUse, Reason> {
        let limits = self.budget.limits;
        let exceeded = |limit| Reason::LimitExceeded {
            limit,
            at: rrset.label(),
        };
        if rrset.signatures.len() > limits.rrsigs_per_rrset {
            return Err(exceeded(Limit::RrsigsPerRrset(limits.rrsigs_per_rrset)));
        }
        let mut attempts = 0;
        let mut rejected = Vec::new();
        for signature in rrset.signatures {
            let input = signature.input();
            let candidates = match candidate_keys(rrset, signature, keys, self.window) {
                Ok(candidates) => candidates,
                Err(problem) => {
                    rejected.push(rejection(signature, problem));
                    continue;
                }
            };
            if candidates.len() > limits.keys_per_tag {
                return Err(exceeded(Limit::KeysPerTag(limits.keys_per_tag)));
            }
            // The signed data depends on the RRSIG alone: built once, verified with each key.
            let Ok(signed_data) =
                TBS::from_input(rrset.owner, DNSClass::IN, input, rrset.records.iter())
            else {
                rejected.push(rejection(signature, RrsigProblem::BadSignature));
                continue;
            };
            let mut verified_by = None;
            for key in candidates {
                if attempts == limits.attempts_per_rrset {
                    return Err(exceeded(Limit::AttemptsPerRrset(limits.attempts_per_rrset)));
                }
                attempts += 1;
                self.budget
                    .charge_verification(&key.dnskey)
                    .map_err(exceeded)?;
                let verify = || {
                    key.dnskey
                        .verify(signed_data.as_ref(), signature.sig())
                        .is_ok()
                };
                let valid = match self.budget.cache {
                    Some(cache) => cache.rrsig(
                        &dnskey_bytes(&key.dnskey),
                        signed_data.as_ref(),
                        signature.sig(),
                        verify,
                    ),
                    None => verify(),
                };
                if valid {
                    verified_by = Some(key.tag);
                    break;
                }
            }
            match verified_by {
                Some(key_tag) => {
                    return Ok(SignatureUse {
                        rrset: rrset.label(),
                        signer: input.signer_name.to_string(),
                        key_tag,
                        algorithm: u8::from(input.algorithm),
                        validity: Period {
                            start: time::from_unix_seconds(input.sig_inception.get()),
                            end: time::from_unix_seconds(input.sig_expiration.get()),
                        },
                    });
                }
                None => rejected.push(rejection(signature, RrsigProblem::BadSignature)),
            }
        }
        // An RRset without any RRSIG lands here only for DS (callers check DNSKEY and TXT
        // first): dnssec-js then finds no valid DS record, which is Bogus.
        Err(Reason::NoValidSignature {
            name: rrset.owner.to_string(),
            rtype: rrset.rtype,
            rejected,
        })
    }
}

fn rejection(signature: &RRSIG, problem: RrsigProblem) -> RrsigRejection {
    let input = signature.input();
    RrsigRejection {
        key_tag: input.key_tag,
        algorithm: u8::from(input.algorithm),
        signer: input.signer_name.to_string(),
        inception: time::from_unix_seconds(input.sig_inception.get()),
        expiration: time::from_unix_seconds(input.sig_expiration.get()),
        problem,
    }
}

/// The checks on one RRSIG that need no cryptography, cheapest first; the keys it may verify
/// with (its tag and algorithm, the Zone Key flag) when they pass.
fn candidate_keys<'k>(
    rrset: &RrsetToVerify<'_>,
    signature: &RRSIG,
    keys: &'k [Key],
    window: &Period,
) -> Result<Vec<&'k Key>, RrsigProblem> {
    let input = signature.input();
    if input.signer_name != *rrset.signer {
        return Err(RrsigProblem::SignerMismatch {
            expected: rrset.signer.to_string(),
        });
    }
    let tagged: Vec<&Key> = keys.iter().filter(|k| k.tag == input.key_tag).collect();
    let Some(first) = tagged.first() else {
        return Err(RrsigProblem::UnknownKeyTag);
    };
    let candidates: Vec<&Key> = tagged
        .iter()
        .copied()
        .filter(|k| k.dnskey.public_key().algorithm() == input.algorithm)
        .collect();
    if candidates.is_empty() {
        return Err(RrsigProblem::AlgorithmMismatch {
            key_algorithm: algorithm_of(&first.dnskey),
        });
    }
    let inception = input.sig_inception.get();
    let expiration = input.sig_expiration.get();
    // RRSIG times are compared as plain 32-bit Unix seconds, as dnssec-js does (no RFC 1982
    // serial arithmetic).
    if expiration < inception {
        return Err(RrsigProblem::InvalidPeriod);
    }
    if time::from_unix_seconds(expiration) < window.start {
        return Err(RrsigProblem::Expired { window: *window });
    }
    if time::from_unix_seconds(inception) > window.end {
        return Err(RrsigProblem::NotYetValid { window: *window });
    }
    // dnssec-js signs over the owner's label count, so any other labels value cannot verify
    // there; wildcard expansion is not supported (VeraId digest §6.5).
    if input.num_labels != rrset.owner.num_labels() {
        return Err(RrsigProblem::LabelsMismatch {
            expected: rrset.owner.num_labels(),
        });
    }
    let zone_keys: Vec<&Key> = candidates
        .into_iter()
        .filter(|k| k.dnskey.zone_key())
        .collect();
    if zone_keys.is_empty() {
        return Err(RrsigProblem::NotZoneKey);
    }
    Ok(zone_keys)
}

/// DS ↔ DNSKEY digest match (dnssec-js `DsData.verifyDnskey`, after the caller checked the Zone
/// Key flag and the algorithm): the digest of owner name ‖ DNSKEY RDATA (RFC 4034 §5.1.4). The
/// DS key tag is not compared.
fn ds_digest_matches(ds: &TrustAnchor, zone: &Name, key: &Key) -> bool {
    let digest_type = match ds.digest_type {
        1 => DigestType::SHA1,
        2 => DigestType::SHA256,
        4 => DigestType::SHA384,
        _ => return false,
    };
    key.dnskey
        .to_digest(zone, digest_type)
        .is_ok_and(|d| d.as_ref() == ds.digest.as_slice())
}

/// The first message whose question is `(name, type, IN)` (veraid-js's offline resolver), or
/// the reason it cannot be used.
fn response<'c>(chain: &'c DnssecChain, name: &Name, rtype: RrType) -> Result<&'c Message, Reason> {
    let Some(message) = chain
        .parsed()
        .find(|m| answers_question(m, name, rtype.hickory()))
    else {
        return Err(Reason::MissingResponse {
            name: name.to_string(),
            rtype,
        });
    };
    let rcode = message.metadata.response_code;
    if rcode != ResponseCode::NoError {
        return Err(Reason::ResponseCode {
            name: name.to_string(),
            rtype,
            rcode: u16::from(rcode),
        });
    }
    if rrset(&message.answers, name, rtype.hickory()).is_empty() {
        return Err(Reason::NoRecords {
            name: name.to_string(),
            rtype,
        });
    }
    if let Some((first, other)) = differing_ttls(
        message
            .answers
            .iter()
            .filter(|r| r.record_type() != RecordType::RRSIG),
    ) {
        return Err(Reason::TtlMismatch {
            name: name.to_string(),
            rtype,
            first,
            other,
        });
    }
    Ok(message)
}

/// Whether a question of the message is `(name, type, IN)`, names compared case-insensitively.
fn answers_question(message: &Message, name: &Name, rtype: RecordType) -> bool {
    message
        .queries
        .iter()
        .any(|q| q.name() == name && q.query_type() == rtype && q.query_class() == DNSClass::IN)
}

/// The answer records `(name, type, IN)`, sorted by RDATA with duplicates removed (RFC 4034
/// §6.3); sorting first keeps this O(n log n) however many records a message holds.
fn rrset(answers: &[Record], name: &Name, rtype: RecordType) -> Vec<Record> {
    let mut records: Vec<Record> = answers
        .iter()
        .filter(|r| &r.name == name && r.record_type() == rtype && r.dns_class == DNSClass::IN)
        .cloned()
        .collect();
    records.sort_by(|a, b| a.data.cmp(&b.data));
    records.dedup_by(|a, b| a.data == b.data);
    records
}

/// The RRSIGs over `(name, type)` whose signer is the owner or one of its ancestors (dnssec-js
/// ignores off-tree signers).
fn rrsigs<'m>(answers: &'m [Record], name: &Name, rtype: RecordType) -> Vec<&'m RRSIG> {
    answers
        .iter()
        .filter(|r| &r.name == name && r.dns_class == DNSClass::IN)
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::RRSIG(sig)) => Some(sig),
            _ => None,
        })
        .filter(|sig| {
            let input = sig.input();
            input.type_covered == rtype && input.signer_name.zone_of(name)
        })
        .collect()
}

/// The first TTL and one that differs from it, if any.
fn differing_ttls<'r>(mut records: impl Iterator<Item = &'r Record>) -> Option<(u32, u32)> {
    let first = records.next()?.ttl;
    records.find(|r| r.ttl != first).map(|r| (first, r.ttl))
}

/// What identifies a key for the warm cache: its algorithm and public key bytes.
fn dnskey_bytes(key: &DNSKEY) -> Vec<u8> {
    let public = key.public_key();
    let mut bytes = vec![u8::from(public.algorithm())];
    bytes.extend_from_slice(public.public_bytes());
    bytes
}

fn algorithm_of(key: &DNSKEY) -> u8 {
    u8::from(key.public_key().algorithm())
}

/// The algorithms both dnssec-js and hickory (ring) verify. RSASHA1 is deprecated in hickory
/// but still verified by dnssec-js, so chains using it must keep validating here.
#[allow(deprecated)]
fn supported(algorithm: u8) -> bool {
    matches!(
        Algorithm::from_u8(algorithm),
        Algorithm::RSASHA1
            | Algorithm::RSASHA256
            | Algorithm::RSASHA512
            | Algorithm::ECDSAP256SHA256
            | Algorithm::ECDSAP384SHA384
            | Algorithm::ED25519
    )
}

fn summary(key: &Key) -> KeySummary {
    KeySummary {
        key_tag: key.tag,
        algorithm: algorithm_of(&key.dnskey),
        flags: key.dnskey.flags(),
    }
}

fn ds_fields(ds: &DS) -> TrustAnchor {
    TrustAnchor {
        key_tag: ds.key_tag(),
        algorithm: u8::from(ds.algorithm()),
        digest_type: u8::from(ds.digest_type()),
        digest: ds.digest().to_vec(),
    }
}
