//! Root trust anchors: DS records for the root zone's key-signing keys (VeraId digest §6.6).
//!
//! The built-in anchors are IANA's KSK-2017 (20326) and KSK-2024 (38696). A trust-anchors file
//! replaces them: DS records in zone-file presentation form, one per line, for example
//! `. IN DS 20326 8 2 E06D44B8...`, with an optional TTL, an optional `IN` class, `;` comments,
//! blank lines, and the digest's hex possibly split by spaces. hickory's zone parser refuses DS
//! records (rust-stack.md §1.2), hence this small parser.

use super::chain::DnssecChain;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_proto::dnssec::{DigestType, PublicKey};
use hickory_proto::rr::{Name, RData, RecordType};
use std::fmt;

/// A DS record for the root zone, trusted without a signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrustAnchor {
    /// Key tag of the DNSKEY the digest covers (informational: matching uses the digest).
    pub key_tag: u16,
    /// DNSSEC algorithm number of that DNSKEY (8 = RSASHA256).
    pub algorithm: u8,
    /// Digest type: 1 SHA-1, 2 SHA-256, 4 SHA-384.
    pub digest_type: u8,
    /// The digest of the root's owner name and DNSKEY RDATA.
    pub digest: Vec<u8>,
}

/// Why a trust-anchors file could not be read. Always malformed input.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnchorsError {
    /// A line is not a root DS record.
    #[error("trust anchors line {line}: {reason}")]
    Line {
        /// Line number, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The file holds no DS record at all.
    #[error("trust anchors file holds no DS record")]
    Empty,
}

/// IANA's root KSK-2017 DS (`20326 8 2 E06D44B8...`).
const KSK_2017: &str = "20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
/// IANA's root KSK-2024 DS (`38696 8 2 683D2D0A...`).
const KSK_2024: &str = "38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16";

/// The built-in root anchors: KSK-2017 (20326) and KSK-2024 (38696), as `@relaycorp/dnssec` ≥ 1.11.
pub fn iana_root_anchors() -> Vec<TrustAnchor> {
    [KSK_2017, KSK_2024]
        .iter()
        .map(|text| parse_ds_fields(&text.split(' ').collect::<Vec<_>>()).expect("valid built-in"))
        .collect()
}

/// Reads a trust-anchors file (see the module documentation for the format).
pub fn parse_trust_anchors(text: &str) -> Result<Vec<TrustAnchor>, AnchorsError> {
    let mut anchors = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let content = line.split(';').next().unwrap_or_default();
        let tokens: Vec<&str> = content.split_whitespace().collect();
        if tokens.is_empty() {
            continue;
        }
        let anchor = parse_line(&tokens).map_err(|reason| AnchorsError::Line {
            line: number + 1,
            reason,
        })?;
        anchors.push(anchor);
    }
    if anchors.is_empty() {
        return Err(AnchorsError::Empty);
    }
    Ok(anchors)
}

/// Writes anchors in the file format [`parse_trust_anchors`] reads, one line each.
pub fn format_trust_anchors(anchors: &[TrustAnchor]) -> String {
    anchors.iter().map(|a| format!("{a}\n")).collect()
}

impl fmt::Display for TrustAnchor {
    /// The presentation form `. IN DS <tag> <algorithm> <digest type> <HEX>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            ". IN DS {} {} {} ",
            self.key_tag, self.algorithm, self.digest_type
        )?;
        self.digest.iter().try_for_each(|b| write!(f, "{b:02X}"))
    }
}

/// `<owner> [<ttl>] [IN] DS <tag> <alg> <digest type> <hex...>` (RFC 1035 §5.1 allows TTL and
/// class in either order).
fn parse_line(tokens: &[&str]) -> Result<TrustAnchor, String> {
    let (owner, rest) = tokens.split_first().expect("caller skips empty lines");
    if *owner != "." {
        return Err(format!(
            "owner must be the root \".\" (got \"{owner}\"): only root anchors are supported"
        ));
    }
    let mut rest = rest;
    let mut seen_ttl = false;
    let mut seen_class = false;
    loop {
        match rest.first() {
            Some(t) if !seen_ttl && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                t.parse::<u32>()
                    .map_err(|_| format!("TTL \"{t}\" is too large"))?;
                seen_ttl = true;
            }
            Some(t) if !seen_class && t.eq_ignore_ascii_case("IN") => seen_class = true,
            _ => break,
        }
        rest = &rest[1..];
    }
    match rest.split_first() {
        Some((t, fields)) if t.eq_ignore_ascii_case("DS") => parse_ds_fields(fields),
        Some((t, _)) => Err(format!("expected record type DS, found \"{t}\"")),
        None => Err("the record type DS and its fields are missing".into()),
    }
}

/// `<tag> <alg> <digest type> <hex...>`: the DS RDATA in presentation form (RFC 4034 §5.3).
fn parse_ds_fields(fields: &[&str]) -> Result<TrustAnchor, String> {
    let [tag, algorithm, digest_type, hex @ ..] = fields else {
        return Err(format!(
            "a DS record needs a key tag, an algorithm, a digest type and a digest (got {} fields)",
            fields.len()
        ));
    };
    let number = |what: &str, text: &str| -> Result<u64, String> {
        text.parse::<u64>()
            .map_err(|_| format!("{what} \"{text}\" is not a number"))
    };
    let key_tag = u16::try_from(number("key tag", tag)?)
        .map_err(|_| format!("key tag {tag} is larger than 65535"))?;
    let algorithm = u8::try_from(number("algorithm", algorithm)?)
        .map_err(|_| format!("algorithm {algorithm} is larger than 255"))?;
    let digest_type = u8::try_from(number("digest type", digest_type)?)
        .map_err(|_| format!("digest type {digest_type} is larger than 255"))?;
    if hex.is_empty() {
        return Err("the digest is missing".into());
    }
    let digest = decode_hex(&hex.concat())?;
    let expected = match digest_type {
        1 => Some(20),
        2 => Some(32),
        4 => Some(48),
        _ => None,
    };
    if let Some(expected) = expected
        && digest.len() != expected
    {
        return Err(format!(
            "a digest of type {digest_type} has {expected} bytes (got {})",
            digest.len()
        ));
    }
    Ok(TrustAnchor {
        key_tag,
        algorithm,
        digest_type,
        digest,
    })
}

fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("digest \"{text}\" is not hexadecimal"));
    }
    if !text.len().is_multiple_of(2) {
        return Err(format!(
            "digest has an odd number of hex digits ({})",
            text.len()
        ));
    }
    Ok((0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("checked hex digits"))
        .collect())
}

/// The root zone's DNSKEYs (Zone Key flag set) that a chain carries in its answers.
fn root_keys(chain: &DnssecChain) -> Vec<DNSKEY> {
    let root = Name::root();
    let mut keys: Vec<DNSKEY> = Vec::new();
    for message in chain.parsed() {
        for record in &message.answers {
            if record.record_type() != RecordType::DNSKEY || record.name != root {
                continue;
            }
            if let RData::DNSSEC(DNSSECRData::DNSKEY(key)) = &record.data
                && key.zone_key()
                && !keys.contains(key)
            {
                keys.push(key.clone());
            }
        }
    }
    keys
}

impl TrustAnchor {
    /// The fields of a DS record.
    pub(super) fn from_ds(ds: &DS) -> Self {
        Self {
            key_tag: ds.key_tag(),
            algorithm: u8::from(ds.algorithm()),
            digest_type: u8::from(ds.digest_type()),
            digest: ds.digest().to_vec(),
        }
    }

    /// Whether the digest is that of `owner` ‖ `key`'s RDATA (RFC 4034 §5.1.4; dnssec-js
    /// `DsData.verifyDnskey`). Neither the key tag nor the algorithm is compared; a digest type
    /// other than 1, 2 and 4 matches no key.
    pub(super) fn digest_matches(&self, owner: &Name, key: &DNSKEY) -> bool {
        let digest_type = match self.digest_type {
            1 => DigestType::SHA1,
            2 => DigestType::SHA256,
            4 => DigestType::SHA384,
            _ => return false,
        };
        key.to_digest(owner, digest_type)
            .is_ok_and(|d| d.as_ref() == self.digest.as_slice())
    }
}

/// Whether `anchor` is a DS of `key` at the root (same algorithm and digest; the key tag is
/// informational, as in validation).
fn anchor_matches(anchor: &TrustAnchor, key: &DNSKEY) -> bool {
    u8::from(key.public_key().algorithm()) == anchor.algorithm
        && anchor.digest_matches(&Name::root(), key)
}

/// Whether any root DNSKEY the chain carries is one of `anchors`: `false` for a chain made
/// under another root (a test chain checked against the IANA anchors, say), or with no root
/// DNSKEY at all.
pub fn chain_root_matches(chain: &DnssecChain, anchors: &[TrustAnchor]) -> bool {
    root_keys(chain)
        .iter()
        .any(|key| anchors.iter().any(|a| anchor_matches(a, key)))
}

/// SHA-256 DS records of the root DNSKEYs the chain carries: the anchors under which a
/// self-contained (test) chain can be checked. Empty when the chain holds no root DNSKEY.
pub fn chain_root_anchors(chain: &DnssecChain) -> Vec<TrustAnchor> {
    root_keys(chain)
        .iter()
        .filter_map(|key| {
            let digest = key.to_digest(&Name::root(), DigestType::SHA256).ok()?;
            Some(TrustAnchor {
                key_tag: key.calculate_key_tag().ok()?,
                algorithm: u8::from(key.public_key().algorithm()),
                digest_type: 2,
                digest: digest.as_ref().to_vec(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_anchors_are_the_iana_root_ksks() {
        let anchors = iana_root_anchors();
        assert_eq!(anchors.len(), 2);
        assert_eq!(anchors[0].to_string(), format!(". IN DS {KSK_2017}"));
        assert_eq!(anchors[1].key_tag, 38696);
        assert_eq!((anchors[1].algorithm, anchors[1].digest_type), (8, 2));
        assert_eq!(anchors[1].digest.len(), 32);
    }

    #[test]
    fn accepts_ttl_class_comments_and_split_digests() {
        let text = "; root anchors\n\n\
                    . IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n\
                    . 3600 IN DS 38696 8 2 683D2D0A CB8C9B71 2A1948B27F741219298D0A450D612C483AF444A4C0FB2B16 ; KSK-2024\n\
                    .\tDS 1 13 2 e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d\n\
                    . in 60 ds 2 15 1 0000000000000000000000000000000000000000\n";
        let anchors = parse_trust_anchors(text).unwrap();
        assert_eq!(anchors.len(), 4);
        assert_eq!(anchors[..2], iana_root_anchors()[..]);
        assert_eq!(anchors[2].digest, anchors[0].digest);
        assert_eq!((anchors[3].key_tag, anchors[3].digest_type), (2, 1));
    }

    #[test]
    fn formatted_anchors_parse_back() {
        let anchors = iana_root_anchors();
        assert_eq!(
            parse_trust_anchors(&format_trust_anchors(&anchors)).unwrap(),
            anchors
        );
    }

    #[test]
    fn rejects_malformed_lines_with_their_number() {
        let cases = [
            (
                "com. IN DS 1 8 2 00",
                "owner must be the root \".\" (got \"com.\")",
            ),
            (
                ". IN DNSKEY 257 3 8 AA==",
                "expected record type DS, found \"DNSKEY\"",
            ),
            (". IN", "the record type DS and its fields are missing"),
            (". IN DS 1 8", "got 2 fields"),
            (". IN DS 1 8 2", "the digest is missing"),
            (". IN DS x 8 2 00", "key tag \"x\" is not a number"),
            (". IN DS 70000 8 2 00", "key tag 70000 is larger than 65535"),
            (". IN DS 1 8 2 0G", "is not hexadecimal"),
            (". IN DS 1 8 2 ABC", "odd number of hex digits"),
            (
                ". IN DS 1 8 2 ABCD",
                "a digest of type 2 has 32 bytes (got 2)",
            ),
        ];
        for (line, expected) in cases {
            let text = format!("; header\n{line}\n");
            let error = parse_trust_anchors(&text).unwrap_err();
            let message = error.to_string();
            assert!(message.starts_with("trust anchors line 2: "), "{message}");
            assert!(message.contains(expected), "{line}: {message}");
        }
    }

    #[test]
    fn rejects_file_without_records() {
        assert_eq!(
            parse_trust_anchors("; nothing\n\n").unwrap_err(),
            AnchorsError::Empty
        );
    }

    #[test]
    fn a_chain_yields_the_anchors_of_its_own_root_and_matches_only_those() {
        use crate::dnssec::test_chain::{ChainSpec, TestZones, ZoneAlgorithm};
        use crate::time::Period;
        let domain = "example.com".parse().unwrap();
        let zones = TestZones::generate(&domain, &[ZoneAlgorithm::Ed25519]).unwrap();
        let validity = Period::new(
            "2026-01-01T00:00:00Z".parse().unwrap(),
            "2026-02-01T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
        let test = zones.build(&ChainSpec::new("1 a 3600", validity)).unwrap();
        let chain = test.chain().unwrap();
        assert_eq!(chain_root_anchors(&chain), vec![test.root_anchor.clone()]);
        assert!(chain_root_matches(
            &chain,
            std::slice::from_ref(&test.root_anchor)
        ));
        assert!(!chain_root_matches(&chain, &iana_root_anchors()));
        let empty = DnssecChain::from_messages(Vec::new()).unwrap();
        assert!(chain_root_anchors(&empty).is_empty());
        assert!(!chain_root_matches(&empty, &[test.root_anchor]));
    }
}
