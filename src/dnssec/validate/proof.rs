//! The vocabulary of a verdict (RFC 4035 §4.3): the four security statuses, why a chain is not
//! Secure, and the outcome of one validation.

use super::limits::{Limit, Work};
use super::responses::{AnswerError, RrType};
use super::rrsig::RrsigRejection;
use super::walk::{KeySummary, Walk};
use hickory_proto::op::ResponseCode;
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
    /// The chain needs more work than [`Limits`](super::Limits) allow (a KeyTrap-style chain,
    /// or one far larger than real chains are).
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
