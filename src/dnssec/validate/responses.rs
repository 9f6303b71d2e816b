//! What the walk reads from the chain's messages: the response to a question, its RRset and
//! the RRSIGs over it, and the `_veraid` TXT answer, with veraid-js's checks on each response.

use super::proof::Reason;
use crate::dnssec::chain::DnssecChain;
use crate::dnssec::retrieve::veraid_name;
use crate::domain::Domain;
use hickory_proto::dnssec::rdata::{DNSSECRData, RRSIG};
use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use std::fmt;

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
    pub(crate) fn hickory(self) -> RecordType {
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
        let name = txt_owner(domain)?;
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

/// The absolute owner name `_veraid.<domain>.` of the TXT RRset, or why the domain cannot make
/// it.
pub(super) fn txt_owner(domain: &Domain) -> Result<Name, AnswerError> {
    veraid_name(domain).map_err(|e| AnswerError::InvalidName {
        name: e.name,
        detail: e.reason,
    })
}

/// The first message whose question is `(name, type, IN)` (veraid-js's offline resolver), or
/// the reason it cannot be used.
pub(super) fn response<'c>(
    chain: &'c DnssecChain,
    name: &Name,
    rtype: RrType,
) -> Result<&'c Message, Reason> {
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
pub(super) fn answers_question(message: &Message, name: &Name, rtype: RecordType) -> bool {
    message.queries.iter().any(|q| is_question(q, name, rtype))
}

/// Whether `query` is `(name, type, IN)`, names compared case-insensitively.
pub(crate) fn is_question(query: &Query, name: &Name, rtype: RecordType) -> bool {
    query.name() == name && query.query_type() == rtype && query.query_class() == DNSClass::IN
}

/// The answer records `(name, type, IN)`, sorted by RDATA with duplicates removed (RFC 4034
/// §6.3); sorting first keeps this O(n log n) however many records a message holds.
pub(super) fn rrset(answers: &[Record], name: &Name, rtype: RecordType) -> Vec<Record> {
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
pub(super) fn rrsigs<'m>(answers: &'m [Record], name: &Name, rtype: RecordType) -> Vec<&'m RRSIG> {
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
pub(super) fn differing_ttls<'r>(
    mut records: impl Iterator<Item = &'r Record>,
) -> Option<(u32, u32)> {
    let first = records.next()?.ttl;
    records.find(|r| r.ttl != first).map(|r| (first, r.ttl))
}
