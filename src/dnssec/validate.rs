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
//! * Names are matched case-sensitively, as dnssec-js compares strings; the signed data uses
//!   RFC 4034 canonical (lowercase) names, which only matters for names with capitals.
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
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKey, Verifier};
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

impl fmt::Display for SignatureUse {
    /// `signed by <signer> key <tag> (algorithm <n>), valid <inception>..<expiration>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "signed by {} key {} (algorithm {}), valid {}",
            self.signer, self.key_tag, self.algorithm, self.validity
        )
    }
}

impl fmt::Display for Walk {
    /// One line per step, root first, for `-v` output: which DS matched which key, which RRSIG
    /// authenticated each RRset, and the window.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "window {}", self.window)?;
        for zone in &self.zones {
            let source = if zone.ds_signature.is_some() {
                "DS"
            } else {
                "trust anchor"
            };
            if let Some(signature) = &zone.ds_signature {
                writeln!(f, "{}: {}", signature.rrset, signature)?;
            }
            for m in &zone.ds_matches {
                writeln!(
                    f,
                    "{}: {source} {}/{}/{} matches DNSKEY {}",
                    zone.zone, m.ds_key_tag, m.algorithm, m.digest_type, m.dnskey_tag
                )?;
            }
            if let Some(signature) = &zone.dnskey_signature {
                writeln!(f, "{}: {}", signature.rrset, signature)?;
            }
        }
        if let Some(signature) = &self.answer_signature {
            writeln!(f, "{}: {}", signature.rrset, signature)?;
        }
        Ok(())
    }
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
/// used to overlap `window` (W of VeraId digest §6.4; pass `Period::instant(t)` for one instant).
pub fn validate_veraid_txt(
    chain: &DnssecChain,
    domain: &Domain,
    window: &Period,
    anchors: &[TrustAnchor],
) -> Outcome {
    let mut walk = Walk {
        window: *window,
        zones: Vec::new(),
        answer_signature: None,
    };
    match walk_chain(chain, domain, window, anchors, &mut walk) {
        Ok(()) => Outcome {
            status: Status::Secure,
            reason: None,
            walk,
        },
        Err(reason) => Outcome {
            status: reason.status(),
            reason: Some(reason),
            walk,
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

fn walk_chain(
    chain: &DnssecChain,
    domain: &Domain,
    window: &Period,
    anchors: &[TrustAnchor],
    walk: &mut Walk,
) -> Result<(), Reason> {
    let answer = TxtAnswer::from_chain(chain, domain).map_err(Reason::Answer)?;
    let owner = veraid_name(domain).expect("TxtAnswer::from_chain parsed it");
    let message = chain
        .parsed()
        .find(|m| answers_question(m, &owner, RecordType::TXT))
        .expect("TxtAnswer::from_chain found it");

    let root = Name::root();
    let mut keys = authenticate_zone(chain, &root, anchors, None, window, walk)?;

    // dnssec-js: the apex is the longest signer among on-tree RRSIGs over the TXT RRset.
    let signatures = rrsigs(&message.answers, &owner, RecordType::TXT);
    let Some(apex) = signatures
        .iter()
        .map(|s| &s.input().signer_name)
        .max_by_key(|n| n.num_labels())
        .cloned()
    else {
        return Err(Reason::Unsigned {
            name: answer.name,
            rtype: RrType::Txt,
        });
    };

    let mut parent = root;
    for depth in 1..=usize::from(apex.num_labels()) {
        let zone = apex.trim_to(depth);
        let ds = authenticated_ds(chain, &zone, &parent, &keys, window)?;
        keys = authenticate_zone(chain, &zone, &ds.records, Some(ds.signature), window, walk)?;
        parent = zone;
    }

    let records = rrset(&message.answers, &owner, RecordType::TXT);
    let used = verify_rrset(
        &owner,
        RrType::Txt,
        &records,
        &signatures,
        &keys,
        &apex,
        window,
    )?;
    walk.answer_signature = Some(used);
    Ok(())
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

/// The zone's DS RRset, authenticated with the parent's keys (signer = parent).
fn authenticated_ds(
    chain: &DnssecChain,
    zone: &Name,
    parent: &Name,
    parent_keys: &[Key],
    window: &Period,
) -> Result<AuthenticatedDs, Reason> {
    let message = response(chain, zone, RrType::Ds)?;
    let records = rrset(&message.answers, zone, RecordType::DS);
    let signatures = rrsigs(&message.answers, zone, RecordType::DS);
    let signature = verify_rrset(
        zone,
        RrType::Ds,
        &records,
        &signatures,
        parent_keys,
        parent,
        window,
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

/// Authenticates the zone's DNSKEY RRset from `ds` (trust anchors for the root) and returns all
/// its keys (dnssec-js `Zone.init`). Records the zone in the walk.
fn authenticate_zone(
    chain: &DnssecChain,
    zone: &Name,
    ds: &[TrustAnchor],
    ds_signature: Option<SignatureUse>,
    window: &Period,
    walk: &mut Walk,
) -> Result<Vec<Key>, Reason> {
    walk.zones.push(ZoneLink {
        zone: zone.to_string(),
        ds_signature,
        ds_matches: Vec::new(),
        dnskey_signature: None,
        keys: Vec::new(),
    });
    let link = walk.zones.last_mut().expect("just pushed");
    let message = response(chain, zone, RrType::Dnskey)?;
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
    link.keys = keys.iter().map(summary).collect();
    if let Some(key) = keys.iter().find(|k| !supported(algorithm_of(&k.dnskey))) {
        return Err(Reason::UnsupportedAlgorithm {
            zone: zone.to_string(),
            key_tag: key.tag,
            algorithm: algorithm_of(&key.dnskey),
        });
    }
    let mut entry = Vec::new();
    for key in &keys {
        let matches: Vec<&TrustAnchor> = ds.iter().filter(|d| ds_matches(d, zone, key)).collect();
        for d in &matches {
            link.ds_matches.push(DsMatch {
                ds_key_tag: d.key_tag,
                digest_type: d.digest_type,
                dnskey_tag: key.tag,
                algorithm: algorithm_of(&key.dnskey),
            });
        }
        if !matches.is_empty() {
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
    let used = verify_rrset(
        zone,
        RrType::Dnskey,
        &records,
        &signatures,
        &entry,
        zone,
        window,
    )?;
    link.dnskey_signature = Some(used);
    Ok(keys)
}

/// DS ↔ DNSKEY match (dnssec-js `DsData.verifyDnskey`): Zone Key flag, same algorithm, and the
/// digest of owner name ‖ DNSKEY RDATA (RFC 4034 §5.1.4). The DS key tag is not compared.
fn ds_matches(ds: &TrustAnchor, zone: &Name, key: &Key) -> bool {
    if !key.dnskey.zone_key() || ds.algorithm != algorithm_of(&key.dnskey) {
        return false;
    }
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

/// Tries every RRSIG against every key with its tag; returns the first that verifies.
fn verify_rrset(
    owner: &Name,
    rtype: RrType,
    records: &[Record],
    signatures: &[&RRSIG],
    keys: &[Key],
    expected_signer: &Name,
    window: &Period,
) -> Result<SignatureUse, Reason> {
    let mut rejected = Vec::new();
    for signature in signatures {
        match check_rrsig(owner, records, signature, keys, expected_signer, window) {
            Ok(key_tag) => {
                let input = signature.input();
                return Ok(SignatureUse {
                    rrset: format!("{owner}/{rtype}"),
                    signer: input.signer_name.to_string(),
                    key_tag,
                    algorithm: u8::from(input.algorithm),
                    validity: Period {
                        start: time::from_unix_seconds(input.sig_inception.get()),
                        end: time::from_unix_seconds(input.sig_expiration.get()),
                    },
                });
            }
            Err(problem) => {
                let input = signature.input();
                rejected.push(RrsigRejection {
                    key_tag: input.key_tag,
                    algorithm: u8::from(input.algorithm),
                    signer: input.signer_name.to_string(),
                    inception: time::from_unix_seconds(input.sig_inception.get()),
                    expiration: time::from_unix_seconds(input.sig_expiration.get()),
                    problem,
                });
            }
        }
    }
    // An RRset without any RRSIG lands here only for DS (callers check DNSKEY and TXT first):
    // dnssec-js then finds no valid DS record, which is Bogus.
    Err(Reason::NoValidSignature {
        name: owner.to_string(),
        rtype,
        rejected,
    })
}

/// The checks on one RRSIG, cheapest first; the cryptography comes last.
fn check_rrsig(
    owner: &Name,
    records: &[Record],
    signature: &RRSIG,
    keys: &[Key],
    expected_signer: &Name,
    window: &Period,
) -> Result<u16, RrsigProblem> {
    let input = signature.input();
    if !input.signer_name.eq_case(expected_signer) {
        return Err(RrsigProblem::SignerMismatch {
            expected: expected_signer.to_string(),
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
    if input.num_labels != owner.num_labels() {
        return Err(RrsigProblem::LabelsMismatch {
            expected: owner.num_labels(),
        });
    }
    let zone_keys: Vec<&Key> = candidates
        .into_iter()
        .filter(|k| k.dnskey.zone_key())
        .collect();
    if zone_keys.is_empty() {
        return Err(RrsigProblem::NotZoneKey);
    }
    zone_keys
        .iter()
        .find(|k| {
            k.dnskey
                .verify_rrsig(owner, DNSClass::IN, signature, records.iter())
                .is_ok()
        })
        .map(|k| k.tag)
        .ok_or(RrsigProblem::BadSignature)
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

/// Whether a question of the message is exactly `(name, type, IN)`, name case included.
fn answers_question(message: &Message, name: &Name, rtype: RecordType) -> bool {
    message.queries.iter().any(|q| {
        q.name().eq_case(name) && q.query_type() == rtype && q.query_class() == DNSClass::IN
    })
}

/// The answer records `(name, type, IN)`, duplicates (same RDATA) removed (RFC 4034 §6.3).
fn rrset(answers: &[Record], name: &Name, rtype: RecordType) -> Vec<Record> {
    let mut records: Vec<Record> = Vec::new();
    for record in answers {
        let member = record.name.eq_case(name)
            && record.record_type() == rtype
            && record.dns_class == DNSClass::IN;
        if member && !records.iter().any(|r| r.data == record.data) {
            records.push(record.clone());
        }
    }
    records.sort_by_key(|r| r.data.clone());
    records
}

/// The RRSIGs over `(name, type)` whose signer is the owner or one of its ancestors (dnssec-js
/// ignores off-tree signers).
fn rrsigs<'m>(answers: &'m [Record], name: &Name, rtype: RecordType) -> Vec<&'m RRSIG> {
    answers
        .iter()
        .filter(|r| r.name.eq_case(name) && r.dns_class == DNSClass::IN)
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::RRSIG(sig)) => Some(sig),
            _ => None,
        })
        .filter(|sig| {
            let input = sig.input();
            input.type_covered == rtype && input.signer_name.zone_of_case(name)
        })
        .collect()
}

/// The first TTL and one that differs from it, if any.
fn differing_ttls<'r>(mut records: impl Iterator<Item = &'r Record>) -> Option<(u32, u32)> {
    let first = records.next()?.ttl;
    records.find(|r| r.ttl != first).map(|r| (first, r.ttl))
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
