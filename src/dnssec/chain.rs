//! The DNSSEC chain container: `DnssecChain ::= SET OF OCTET STRING`, each element one whole DNS
//! wire message (VeraId digest §6.1).
//!
//! Elements are parsed in any order and written back in insertion order, which is what veraid-js
//! emits (it does not DER-sort the SET). The SET is encoded by hand because the `der` crate sorts
//! `SET OF` values, which would break byte compatibility with veraid-js.

use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode, Encode, Header, Length, Reader, SliceReader, Tag, Tagged};
use hickory_proto::dnssec::rdata::DNSSECRData;
use hickory_proto::op::Message;
use hickory_proto::rr::RData;
use std::sync::Arc;

/// A chain of DNS response messages, in the order they were added or read. Cheap to clone (the
/// parsed messages are shared).
#[derive(Clone, Debug)]
pub struct DnssecChain {
    messages: Arc<[ChainMessage]>,
}

/// One element of a chain: its raw bytes and their parse.
#[derive(Clone, Debug)]
pub(crate) struct ChainMessage {
    pub(crate) raw: Vec<u8>,
    pub(crate) parsed: Message,
}

/// Why a chain could not be read. Every variant is malformed input.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainError {
    /// The bytes are not a DER `SET OF OCTET STRING`.
    #[error("DNSSEC chain is not a DER SET OF OCTET STRING: {detail}")]
    Encoding {
        /// What the DER decoder reported.
        detail: String,
    },
    /// One element is not a DNS message (RFC 1035 §4).
    #[error("DNSSEC chain element {index} (counting from 0) is not a valid DNS message: {detail}")]
    Message {
        /// Position of the element in the SET, from 0.
        index: usize,
        /// What the DNS decoder reported.
        detail: String,
    },
}

impl DnssecChain {
    /// A chain from raw DNS messages, kept in the given order.
    pub fn from_messages(messages: Vec<Vec<u8>>) -> Result<Self, ChainError> {
        let messages = messages
            .into_iter()
            .enumerate()
            .map(|(index, raw)| match Message::from_vec(&raw) {
                Ok(parsed) => Ok(ChainMessage { raw, parsed }),
                Err(e) => Err(ChainError::Message {
                    index,
                    detail: e.to_string(),
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            messages: messages.into(),
        })
    }

    /// Reads a standalone chain: a universal `SET` (tag 0x31) of OCTET STRINGs, nothing after it.
    pub fn from_der(bytes: &[u8]) -> Result<Self, ChainError> {
        let any = AnyRef::from_der(bytes).map_err(encoding)?;
        if any.tag() != Tag::Set {
            return Err(ChainError::Encoding {
                detail: format!("expected a SET (tag 0x31), found {}", any.tag()),
            });
        }
        Self::from_set_contents(any.value())
    }

    /// Reads the contents of the SET (the concatenated OCTET STRING elements, without the SET's
    /// own tag and length), for containers that tag the chain differently (`[1] IMPLICIT`).
    pub fn from_set_contents(contents: &[u8]) -> Result<Self, ChainError> {
        let mut reader = SliceReader::new(contents).map_err(encoding)?;
        let mut messages = Vec::new();
        while !reader.is_finished() {
            let element = <&OctetStringRef>::decode(&mut reader).map_err(encoding)?;
            messages.push(element.as_bytes().to_vec());
        }
        Self::from_messages(messages)
    }

    /// The SET's contents: each message as a DER OCTET STRING, in insertion order.
    pub fn set_contents(&self) -> Vec<u8> {
        set_contents(self.messages())
    }

    /// The standalone DER encoding (universal SET, tag 0x31), byte-compatible with veraid-js's
    /// `VeraidDnssecChain.serialise()`.
    pub fn to_der(&self) -> Vec<u8> {
        encode_set(self.messages())
    }

    /// The raw messages, in order.
    pub fn messages(&self) -> impl Iterator<Item = &[u8]> {
        self.messages.iter().map(|m| m.raw.as_slice())
    }

    /// How many messages the chain holds.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Whether the chain holds no message.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// A one-line summary of each message (question, response code, answer count), in order.
    pub fn summaries(&self) -> Vec<MessageSummary> {
        self.messages
            .iter()
            .map(|m| MessageSummary {
                questions: m
                    .parsed
                    .queries
                    .iter()
                    .map(|q| format!("{}/{}", q.name(), q.query_type()))
                    .collect(),
                response_code: u16::from(m.parsed.metadata.response_code),
                answers: m.parsed.answers.len(),
                bytes: m.raw.len(),
                rrsets: rrset_summaries(&m.parsed),
            })
            .collect()
    }

    pub(crate) fn parsed(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter().map(|m| &m.parsed)
    }

    /// The inception and expiration (Unix seconds) of every RRSIG in every section of every
    /// message.
    pub(crate) fn rrsig_validities(&self) -> impl Iterator<Item = (u32, u32)> {
        self.parsed()
            .flat_map(|m| m.answers.iter().chain(&m.authorities).chain(&m.additionals))
            .filter_map(|record| match &record.data {
                RData::DNSSEC(DNSSECRData::RRSIG(rrsig)) => {
                    let input = rrsig.input();
                    Some((input.sig_inception.get(), input.sig_expiration.get()))
                }
                _ => None,
            })
    }
}

/// What one chain message holds, for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageSummary {
    /// Its questions as `name/TYPE` (normally exactly one).
    pub questions: Vec<String>,
    /// The RCODE (0 NOERROR, 3 NXDOMAIN...).
    pub response_code: u16,
    /// How many answer records it carries.
    pub answers: usize,
    /// Its size in bytes.
    pub bytes: usize,
    /// The answer section, grouped into RRsets (RRSIGs attached to the RRset they cover).
    pub rrsets: Vec<RrsetSummary>,
}

/// One RRset of an answer section, for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RrsetSummary {
    /// Owner name and type, `example.com./DNSKEY`.
    pub name: String,
    /// TTL of the first record.
    pub ttl: u32,
    /// Each record's data in presentation form.
    pub records: Vec<String>,
    /// The RRSIGs covering it.
    pub signatures: Vec<RrsigSummary>,
}

/// One RRSIG, for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RrsigSummary {
    /// DNSSEC algorithm number.
    pub algorithm: u8,
    /// Key tag of the signing DNSKEY.
    pub key_tag: u16,
    /// Signer (zone) name.
    pub signer: String,
    /// Inception, Unix seconds.
    pub inception: u32,
    /// Expiration, Unix seconds.
    pub expiration: u32,
}

/// Groups a message's answers into RRsets, each with the RRSIGs that cover it.
fn rrset_summaries(message: &Message) -> Vec<RrsetSummary> {
    use hickory_proto::dnssec::rdata::DNSSECRData;
    use hickory_proto::rr::{RData, RecordType};
    let mut rrsets: Vec<RrsetSummary> = Vec::new();
    let mut signatures: Vec<(String, RrsigSummary)> = Vec::new();
    for record in &message.answers {
        match &record.data {
            RData::DNSSEC(DNSSECRData::RRSIG(rrsig)) => {
                let input = rrsig.input();
                signatures.push((
                    format!("{}/{}", record.name, input.type_covered),
                    RrsigSummary {
                        algorithm: u8::from(input.algorithm),
                        key_tag: input.key_tag,
                        signer: input.signer_name.to_string(),
                        inception: input.sig_inception.get(),
                        expiration: input.sig_expiration.get(),
                    },
                ));
            }
            data => {
                let name = format!("{}/{}", record.name, record.record_type());
                let text = if record.record_type() == RecordType::TXT {
                    format!("\"{}\"", data.to_string().trim_matches('"'))
                } else {
                    data.to_string()
                };
                match rrsets.iter_mut().find(|r| r.name == name) {
                    Some(rrset) => rrset.records.push(text),
                    None => rrsets.push(RrsetSummary {
                        name,
                        ttl: record.ttl,
                        records: vec![text],
                        signatures: Vec::new(),
                    }),
                }
            }
        }
    }
    for (covered, signature) in signatures {
        match rrsets.iter_mut().find(|r| r.name == covered) {
            Some(rrset) => rrset.signatures.push(signature),
            None => rrsets.push(RrsetSummary {
                name: covered,
                ttl: 0,
                records: Vec::new(),
                signatures: vec![signature],
            }),
        }
    }
    rrsets
}

/// Each message as a DER OCTET STRING, concatenated in the given order.
fn set_contents<'m>(messages: impl Iterator<Item = &'m [u8]>) -> Vec<u8> {
    let mut contents = Vec::new();
    for message in messages {
        OctetStringRef::new(message)
            .and_then(|octets| octets.encode_to_vec(&mut contents))
            .expect("a DNS message (at most 65535 bytes) encodes as an OCTET STRING");
    }
    contents
}

/// A universal SET of the messages as OCTET STRINGs, in the given order (not DER-sorted, as
/// veraid-js writes it).
pub(crate) fn encode_set<'m>(messages: impl Iterator<Item = &'m [u8]>) -> Vec<u8> {
    let contents = set_contents(messages);
    let length = Length::try_from(contents.len()).expect("chain length fits DER lengths");
    let mut der = Vec::with_capacity(contents.len() + 6);
    Header::new(Tag::Set, length)
        .encode_to_vec(&mut der)
        .expect("a SET header always encodes");
    der.extend_from_slice(&contents);
    der
}

fn encoding(e: der::Error) -> ChainError {
    ChainError::Encoding {
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::{Name, RecordType};

    fn query(name: &str, rtype: RecordType) -> Vec<u8> {
        let mut m = Message::query();
        m.add_query(Query::query(Name::from_ascii(name).unwrap(), rtype));
        m.to_vec().unwrap()
    }

    #[test]
    fn round_trips_in_insertion_order_without_sorting() {
        // The longer message first: DER would sort it after the shorter one.
        let long = query("_veraid.example.com.", RecordType::TXT);
        let short = query(".", RecordType::DNSKEY);
        let chain = DnssecChain::from_messages(vec![long.clone(), short.clone()]).unwrap();
        let der = chain.to_der();
        assert_eq!(der[0], 0x31);
        let back = DnssecChain::from_der(&der).unwrap();
        let messages: Vec<&[u8]> = back.messages().collect();
        assert_eq!(messages, vec![long.as_slice(), short.as_slice()]);
        assert_eq!(back.to_der(), der);
    }

    #[test]
    fn set_contents_round_trip_for_implicitly_tagged_containers() {
        let chain = DnssecChain::from_messages(vec![query("com.", RecordType::DS)]).unwrap();
        let contents = chain.set_contents();
        assert_eq!(contents[0], 0x04);
        let back = DnssecChain::from_set_contents(&contents).unwrap();
        assert_eq!(back.to_der(), chain.to_der());
    }

    #[test]
    fn rejects_chain_that_is_not_a_set() {
        let octets = OctetStringRef::new(b"x").unwrap().to_der().unwrap();
        let error = DnssecChain::from_der(&octets).unwrap_err();
        assert!(
            error.to_string().starts_with(
                "DNSSEC chain is not a DER SET OF OCTET STRING: expected a SET (tag 0x31)"
            ),
            "{error}"
        );
        assert!(matches!(
            DnssecChain::from_der(&[0x31, 0x05, 0x04]),
            Err(ChainError::Encoding { .. })
        ));
    }

    #[test]
    fn rejects_trailing_bytes_and_non_octet_string_elements() {
        let chain = DnssecChain::from_messages(vec![query(".", RecordType::DNSKEY)]).unwrap();
        let mut trailing = chain.to_der();
        trailing.push(0);
        assert!(matches!(
            DnssecChain::from_der(&trailing),
            Err(ChainError::Encoding { .. })
        ));
        // SET { INTEGER 1 }: elements must be OCTET STRINGs.
        assert!(matches!(
            DnssecChain::from_der(&[0x31, 0x03, 0x02, 0x01, 0x01]),
            Err(ChainError::Encoding { .. })
        ));
        assert!(DnssecChain::from_der(&[0x31, 0x00]).unwrap().is_empty());
    }

    #[test]
    fn rejects_truncated_message_naming_its_index() {
        let good = query(".", RecordType::DNSKEY);
        let mut truncated = query("com.", RecordType::DS);
        truncated.truncate(truncated.len() - 3);
        let chain = DnssecChain::from_messages(vec![good.clone(), good, truncated]);
        match chain.unwrap_err() {
            ChainError::Message { index, detail } => {
                assert_eq!(index, 2);
                assert!(!detail.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
