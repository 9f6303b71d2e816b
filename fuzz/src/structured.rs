//! Structure-aware bundle generation: bytes (from libFuzzer or a seeded generator) are read as a
//! description of a token bundle (times, names, service OIDs, key sizes, signer, TXT record,
//! DNSSEC faults and RRSIG fields, a final edit), which is then built and signed with
//! kliento's issuing API and `dnssec::test_chain`, so that mutations reach the checks behind
//! the signatures. Shared by the `bundle_structured` fuzz target and the differential test.

#![allow(dead_code)]

use jiff::{SignedDuration, Timestamp};
use kliento::dnssec::TrustAnchor;
use kliento::dnssec::test_chain::{ChainSpec, Fault, Target, TestChain, TestZones, ZoneAlgorithm};
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::time::Period;
use kliento::token::{KLIENTO_SERVICE_OID, Token};
use kliento::veraid::bundle::SignatureBundle;
use kliento::veraid::certificate::{
    Certificate, CertificateOptions, issue_member_certificate, issue_organisation_certificate,
};
use kliento::veraid::member::Member;
use kliento::veraid::signature::{self, SignOptions, SignatureMetadata, Signer};
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use kliento::veraid::{HashAlgorithm, ServiceOid};
use rsa::pss::Pss;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The audience of every generated token.
pub const AUDIENCE: &str = "https://api.example.com";

/// Reads small values from bytes; zeros once they run out (so every input describes a bundle).
pub struct Draw<'a>(&'a [u8]);

impl<'a> Draw<'a> {
    /// Over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self(bytes)
    }

    /// One byte.
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    /// A value below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A 16-bit value.
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }
}

/// Deliberate mutations whose verdicts may differ from veraid-js's by design (README, `verify`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Difference {
    /// Certificates are checked at the verification time, not at the wall clock.
    CertificatesAtInstant,
    /// The organisation certificate's self-signature is checked.
    OrganisationSelfSignature,
    /// Trailing bytes after the bundle are malformed.
    TrailingBytes,
    /// Names are compared case-insensitively; subject ids are in lower case.
    CaseInsensitiveNames,
    /// The DNSSEC work is bounded.
    BoundedCost,
    /// A DNSKEY needs the Zone Key flag to verify an RRSIG.
    ZoneKeyFlag,
    /// An RRSIG's labels field must equal the owner's label count.
    LabelsField,
    /// The bundle's outer tag must be SEQUENCE (veraid-js reads any constructed tag there).
    BundleOuterTag,
}

/// A built bundle and how to verify it.
pub struct Built {
    /// The DER bundle.
    pub der: Vec<u8>,
    /// The chain's root anchor.
    pub anchors: Vec<TrustAnchor>,
    /// The verification instant.
    pub at: Timestamp,
    /// What was done, for the report of a disagreement.
    pub description: Vec<String>,
    /// Mutations that may make kliento and veraid-js disagree by design.
    pub differences: Vec<Difference>,
}

struct Fixture {
    zones: TestZones,
    member_key: rsa::PrivateKey,
    org_keys: Mutex<HashMap<usize, rsa::PrivateKey>>,
    /// Built chains and issued certificates by description: signing dominates the cost of a
    /// case, and fuzzing repeats descriptions that differ only further on.
    chains: Mutex<HashMap<String, TestChain>>,
    certificates: Mutex<HashMap<String, Certificate>>,
}

/// `make()`, or its earlier result for the same `key` (at most 512 kept).
fn cached<T: Clone>(
    cache: &Mutex<HashMap<String, T>>,
    key: String,
    make: impl FnOnce() -> Option<T>,
) -> Option<T> {
    if let Some(value) = cache.lock().expect("lock").get(&key) {
        return Some(value.clone());
    }
    let value = make()?;
    let mut cache = cache.lock().expect("lock");
    if cache.len() >= 512 {
        cache.clear();
    }
    cache.insert(key, value.clone());
    Some(value)
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture {
        zones: TestZones::generate(
            &"example.com".parse().expect("domain"),
            &[ZoneAlgorithm::RsaSha256],
        )
        .expect("test zones"),
        member_key: keys::generate(OrgKeyAlgorithm::Rsa2048).expect("member key"),
        org_keys: Mutex::new(HashMap::new()),
        chains: Mutex::new(HashMap::new()),
        certificates: Mutex::new(HashMap::new()),
    })
}

/// The organisation key of `bits` (one per size per process; `index` 1 is another key).
fn org_key(bits: usize, index: usize) -> rsa::PrivateKey {
    let mut keys = fixture().org_keys.lock().expect("lock");
    keys.entry(bits * 2 + index)
        .or_insert_with(|| {
            keys::generate(OrgKeyAlgorithm::from_bits(bits).expect("size")).expect("org key")
        })
        .clone()
}

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

fn target(draw: &mut Draw<'_>) -> Target {
    match draw.below(5) {
        0 => Target::Dnskey(0),
        1 => Target::Dnskey(1),
        2 => Target::Dnskey(2),
        3 => Target::Ds(draw.below(2) + 1),
        _ => Target::Txt,
    }
}

/// A DNSSEC fault (or none) and the deliberate difference it may show.
fn fault(draw: &mut Draw<'_>, now: Timestamp) -> Option<(Fault, Option<Difference>)> {
    let zone = draw.below(3);
    Some(match draw.below(18) {
        0 => {
            let target = target(draw);
            let start = now + hours(i64::from(draw.byte() % 8) - 6);
            let end = start + hours(i64::from(draw.byte() % 8) - 1);
            let validity = Period::new(start, end).ok()?;
            (Fault::RrsigValidity { target, validity }, None)
        }
        1 => (Fault::WrongDsDigest { zone }, None),
        2 => (Fault::NoZoneFlag { zone }, Some(Difference::ZoneKeyFlag)),
        3 => {
            let signer = draw.pick(&["example.net.", "com.", ".", "EXAMPLE.com."]);
            let difference = (signer == "EXAMPLE.com.").then_some(Difference::CaseInsensitiveNames);
            (
                Fault::Signer {
                    target: target(draw),
                    signer: signer.into(),
                },
                difference,
            )
        }
        4 => (Fault::TamperedTxt, None),
        5 => (
            Fault::OmitResponse {
                target: target(draw),
            },
            None,
        ),
        6 => (
            Fault::Nxdomain {
                target: target(draw),
            },
            None,
        ),
        7 => (
            Fault::WrongKeyTag {
                target: target(draw),
            },
            None,
        ),
        8 => (
            Fault::Unsigned {
                target: target(draw),
            },
            None,
        ),
        9 => (
            Fault::ExtraDnskey {
                zone,
                algorithm: draw.pick(&[8, 13, 7, 16, 5]),
            },
            None,
        ),
        10 => (
            Fault::RrsigTtl {
                target: target(draw),
                ttl: draw.pick(&[0, 42, 300, 86400]),
            },
            None,
        ),
        11 => (
            Fault::Labels {
                target: target(draw),
                labels: draw.below(5) as u8,
            },
            Some(Difference::LabelsField),
        ),
        12 => (
            Fault::RrsigAlgorithm {
                target: target(draw),
                algorithm: draw.pick(&[8, 10, 13, 5, 200]),
            },
            None,
        ),
        13 => (
            Fault::Truncate {
                target: target(draw),
            },
            None,
        ),
        14 => (
            Fault::CollidingKeys {
                zone,
                count: draw.below(6),
            },
            Some(Difference::BoundedCost),
        ),
        15 => (
            Fault::JunkRrsigs {
                target: target(draw),
                count: draw.below(20),
            },
            Some(Difference::BoundedCost),
        ),
        16 => (Fault::Rollover { zone }, None),
        _ => return None,
    })
}

/// Builds the bundle `bytes` describe, around `now` (the verification instant), with RSA keys
/// of the sizes in `key_bits`. `None` when the description is not buildable (e.g. a period
/// ending before it starts).
pub fn build(bytes: &[u8], now: Timestamp, key_bits: &[usize]) -> Option<Built> {
    let mut draw = Draw::new(bytes);
    let mut description = Vec::new();
    let mut differences = Vec::new();
    let now = Timestamp::from_second(now.as_second()).ok()?;

    // Keys: the organisation's size, and whether the TXT record names another key.
    let bits = draw.pick(key_bits);
    let key = org_key(bits, 0);
    let txt_key = if draw.below(8) == 7 {
        description.push("TXT record for another key".into());
        org_key(bits, 1)
    } else {
        key.clone()
    };
    description.push(format!("RSA-{bits}"));

    // The TXT record: TTL override and service.
    let ttl = draw.pick(&[3600, 0, 60, 86400, 7_776_000]);
    let txt_service = draw.pick(&[
        None,
        None,
        Some(KLIENTO_SERVICE_OID),
        Some("1.3.6.1.4.1.58708.1.1"),
    ]);
    let service = txt_service.map(|s| s.parse::<ServiceOid>().expect("oid"));
    let rdata = TxtRdata::for_key(
        &txt_key.to_public_key(),
        TtlOverride::new(ttl).ok()?,
        service.as_ref(),
    )
    .ok()?;
    description.push(format!("TXT {rdata}"));

    // The chain: validity, digest type, faults.
    let chain_start = now - hours(1 + i64::from(draw.byte() % 32));
    let chain_end = now + hours(1 + i64::from(draw.byte() % 32)) - hours(draw.pick(&[0, 0, 0, 40]));
    let mut spec = ChainSpec::new(rdata.to_string(), Period::new(chain_start, chain_end).ok()?);
    spec.digest_type = draw.pick(&[2, 2, 1, 4, 3]);
    spec.txt_ttl = draw.pick(&[300, 42, 86400]);
    for _ in 0..draw.below(3) {
        if let Some((fault, difference)) = fault(&mut draw, now) {
            description.push(format!("{fault:?}"));
            differences.extend(difference);
            spec.faults.push(fault);
        }
    }
    description.push(format!(
        "chain {chain_start}..{chain_end} digest {} TTL {}",
        spec.digest_type, spec.txt_ttl
    ));
    let chain = cached(&fixture().chains, format!("{spec:?}"), || {
        fixture().zones.build(&spec).ok()
    })?;

    // The organisation certificate: name, validity, hash.
    let name = draw.pick(&[
        "example.com",
        "example.com",
        "EXAMPLE.com",
        "example.com.",
        "example.org",
    ]);
    if name == "EXAMPLE.com" {
        differences.push(Difference::CaseInsensitiveNames);
    }
    let cert_start = now - hours(1 + i64::from(draw.byte() % 48)) + hours(draw.pick(&[0, 0, 0, 2]));
    let cert_expiry =
        now + hours(1 + i64::from(draw.byte() % 48)) - hours(draw.pick(&[0, 0, 0, 60]));
    if cert_expiry < now || cert_start > now {
        differences.push(Difference::CertificatesAtInstant);
    }
    let hash = draw.pick(&[
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ]);
    let options = CertificateOptions {
        start: cert_start,
        expiry: cert_expiry,
        hash,
    };
    let certificate = cached(
        &fixture().certificates,
        format!("org {bits} {name} {cert_start} {cert_expiry} {hash:?}"),
        || issue_organisation_certificate(name, &key, &options).ok(),
    )?;
    description.push(format!(
        "org cert {name:?} {cert_start}..{cert_expiry} {hash:?}"
    ));
    let issued_org_certificate = certificate.clone();
    let certificate = match extension_edit(&mut draw) {
        Some(edit) => {
            description.push(format!("org cert extensions: {edit:?}"));
            if matches!(
                edit,
                ExtensionEdit::OtherSubjectKeyId | ExtensionEdit::OtherAuthorityKeyId
            ) {
                // Its authority key id no longer names itself: not validly self-issued.
                differences.push(Difference::OrganisationSelfSignature);
            }
            let der = resign_extensions(certificate.to_der(), &key, hash, edit)?;
            Certificate::from_der(&der).ok()?
        }
        None => certificate,
    };

    // The signature: signer, member, service, validity, token.
    let user = draw.pick(&[Some("alice"), None, Some("Alice"), Some("bob.smith")]);
    let member = match user {
        Some(user) => Member::from_name(user).ok()?,
        None => Member::Bot,
    };
    let by_member = draw.below(3) == 2;
    let mut member_certificate;
    let (signer, signing_key) = if by_member {
        let member_options = CertificateOptions {
            start: now - hours(1 + i64::from(draw.byte() % 4)),
            expiry: now + hours(1 + i64::from(draw.byte() % 4)) - hours(draw.pick(&[0, 0, 0, 6])),
            hash,
        };
        if member_options.expiry < now {
            differences.push(Difference::CertificatesAtInstant);
        }
        member_certificate = cached(
            &fixture().certificates,
            format!(
                "member {member:?} {:?} {:?} {:?}",
                certificate.to_der(),
                member_options.start,
                member_options.expiry
            ),
            || {
                issue_member_certificate(
                    &member,
                    &fixture().member_key.to_public_key(),
                    &issued_org_certificate,
                    &key,
                    &member_options,
                )
                .ok()
            },
        )?;
        if let Some(edit) = extension_edit(&mut draw) {
            description.push(format!("member cert extensions: {edit:?}"));
            let der = resign_extensions(member_certificate.to_der(), &key, hash, edit)?;
            member_certificate = Certificate::from_der(&der).ok()?;
        }
        (
            Signer::Member {
                certificate: &member_certificate,
            },
            &fixture().member_key,
        )
    } else {
        (
            Signer::Organisation {
                certificate: &certificate,
                attribution: &member,
            },
            &key,
        )
    };
    description.push(format!("member {member:?} by_member {by_member}"));
    let signed_service = draw.pick(&[
        KLIENTO_SERVICE_OID,
        KLIENTO_SERVICE_OID,
        KLIENTO_SERVICE_OID,
        "1.3.6.1.4.1.58708.1.1",
    ]);
    let sig_start = now - hours(1 + i64::from(draw.byte() % 3)) + hours(draw.pick(&[0, 0, 0, 4]));
    let sig_end = now + hours(1 + i64::from(draw.byte() % 3)) - hours(draw.pick(&[0, 0, 0, 4]));
    let metadata = SignatureMetadata {
        service: signed_service.parse().expect("oid"),
        start: sig_start,
        end: sig_end,
    };
    let mut token = Token::new(draw.pick(&[AUDIENCE, AUDIENCE, "https://other.example"]));
    for i in 0..draw.below(3) {
        token
            .claims
            .insert(format!("claim{i}"), draw.pick(&["admin", "", "ü"]));
    }
    let plaintext = match draw.below(8) {
        6 => b"not json".to_vec(),
        7 => b"{\"audience\":42}".to_vec(),
        _ => token.to_json_bytes(),
    };
    let options = SignOptions {
        encapsulate: true,
        signature_hash: draw.pick(&[HashAlgorithm::Sha256, HashAlgorithm::Sha384]),
    };
    let mut signed = signature::sign(&plaintext, &metadata, signer, signing_key, &options).ok()?;
    let edit = match draw.below(16) {
        13 => Some(AttributeEdit::Reverse),
        14 => Some(AttributeEdit::Drop(draw.below(4))),
        15 => Some(AttributeEdit::Duplicate(draw.below(4))),
        _ => None,
    };
    if let Some(edit) = edit {
        signed = resign_attributes(&signed, signing_key, options.signature_hash, edit)?;
        description.push(format!("signed attributes: {edit:?}"));
    }
    description.push(format!(
        "signature {signed_service} {sig_start}..{sig_end} {:?}",
        options.signature_hash
    ));
    let mut der = SignatureBundle::encode(&chain.messages, certificate.to_der(), &signed).ok()?;

    // A final edit of the bytes.
    match draw.below(8) {
        6 => {
            der.extend_from_slice(&[0, 0]);
            differences.push(Difference::TrailingBytes);
            description.push("trailing bytes".into());
        }
        7 if !der.is_empty() => {
            let at = usize::from(draw.u16()) % der.len();
            der[at] ^= draw.byte() | 1;
            description.push(format!("byte {at} flipped"));
            if at == 0 {
                differences.push(Difference::BundleOuterTag);
            }
            // The certificate is embedded re-tagged: look it up without its first byte.
            let cert = &certificate.to_der()[1..];
            let inside = der.windows(cert.len()).position(|w| w == cert).is_none();
            if inside {
                differences.push(Difference::OrganisationSelfSignature);
            }
        }
        _ => {}
    }
    Some(Built {
        der,
        anchors: vec![chain.root_anchor],
        at: now,
        description,
        differences,
    })
}

/// How the signed attributes of a SignerInfo are edited before re-signing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeEdit {
    /// The attributes in reverse order.
    Reverse,
    /// Attribute `n` (content type, message digest, metadata, attribution) left out.
    Drop(usize),
    /// Attribute `n` twice.
    Duplicate(usize),
}

/// How a certificate's extensions are edited before its issuer signs it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionEdit {
    /// basicConstraints without cA (an empty SEQUENCE: cA defaults to false).
    NotCa,
    /// No basicConstraints.
    DropBasicConstraints,
    /// No subjectKeyIdentifier.
    DropSubjectKeyId,
    /// Another subjectKeyIdentifier (its last byte changed).
    OtherSubjectKeyId,
    /// Another authorityKeyIdentifier (its last byte changed).
    OtherAuthorityKeyId,
    /// An extension nobody knows, critical or not.
    Unknown {
        /// Its critical flag.
        critical: bool,
    },
}

/// One certificate in eight gets an extension edit.
fn extension_edit(draw: &mut Draw<'_>) -> Option<ExtensionEdit> {
    (draw.below(8) == 7).then(|| {
        draw.pick(&[
            ExtensionEdit::NotCa,
            ExtensionEdit::DropBasicConstraints,
            ExtensionEdit::DropSubjectKeyId,
            ExtensionEdit::OtherSubjectKeyId,
            ExtensionEdit::OtherAuthorityKeyId,
            ExtensionEdit::Unknown { critical: false },
            ExtensionEdit::Unknown { critical: true },
        ])
    })
}

/// `certificate` (DER) with its extensions edited, signed again by `issuer_key` with RSA-PSS
/// over `hash` (the outer and inner signature algorithms stay as they were).
pub fn resign_extensions(
    certificate: &[u8],
    issuer_key: &rsa::PrivateKey,
    hash: HashAlgorithm,
    edit: ExtensionEdit,
) -> Option<Vec<u8>> {
    const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x13];
    const SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1D, 0x0E];
    const AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1D, 0x23];
    // 1.3.6.1.4.1.58708.99: under VeraId's arc, assigned to nothing.
    const UNKNOWN: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0xCA, 0x54, 0x63];
    let extension = |oid: &[u8], critical: bool, value: &[u8]| {
        let mut content = encode_tlv(0x06, oid);
        if critical {
            content.extend_from_slice(&[0x01, 0x01, 0xFF]);
        }
        content.extend(encode_tlv(0x04, value));
        encode_tlv(0x30, &content)
    };
    let (_, outer, _) = tlv(certificate)?;
    let [tbs, algorithm, _signature] = tlvs(outer)?[..] else {
        return None;
    };
    let (_, tbs_content, _) = tlv(tbs)?;
    let mut fields = tlvs(tbs_content)?;
    let (tag, explicit, _) = tlv(fields.pop()?)?;
    if tag != 0xA3 {
        return None;
    }
    let (_, sequence, _) = tlv(explicit)?;
    let mut extensions: Vec<Vec<u8>> = Vec::new();
    for whole in tlvs(sequence)? {
        let (_, content, _) = tlv(whole)?;
        let parts = tlvs(content)?;
        let (_, oid, _) = tlv(parts.first()?)?;
        let (_, value, _) = tlv(parts.last()?)?;
        let changed_last_byte = || {
            let mut value = value.to_vec();
            *value.last_mut()? ^= 0x01;
            Some(value)
        };
        match edit {
            ExtensionEdit::NotCa if oid == BASIC_CONSTRAINTS => {
                extensions.push(extension(oid, true, &[0x30, 0x00]));
            }
            ExtensionEdit::DropBasicConstraints if oid == BASIC_CONSTRAINTS => {}
            ExtensionEdit::DropSubjectKeyId if oid == SUBJECT_KEY_ID => {}
            ExtensionEdit::OtherSubjectKeyId if oid == SUBJECT_KEY_ID => {
                extensions.push(extension(oid, false, &changed_last_byte()?));
            }
            ExtensionEdit::OtherAuthorityKeyId if oid == AUTHORITY_KEY_ID => {
                extensions.push(extension(oid, false, &changed_last_byte()?));
            }
            _ => extensions.push(whole.to_vec()),
        }
    }
    if let ExtensionEdit::Unknown { critical } = edit {
        extensions.push(extension(UNKNOWN, critical, &[0x05, 0x00]));
    }
    let extensions = encode_tlv(0xA3, &encode_tlv(0x30, &extensions.concat()));
    fields.push(&extensions);
    let tbs = encode_tlv(0x30, &fields.concat());
    let signature = pss_sign(issuer_key, hash, &tbs)?;
    let bits = [&[0u8][..], &signature].concat();
    Some(encode_tlv(
        0x30,
        &[&tbs[..], algorithm, &encode_tlv(0x03, &bits)].concat(),
    ))
}

/// RSASSA-PSS over `data` with `hash` (MGF1 with the same hash, salt as long as the digest), as
/// VeraId signs.
fn pss_sign(key: &rsa::PrivateKey, hash: HashAlgorithm, data: &[u8]) -> Option<Vec<u8>> {
    let hashed = hash.digest(data);
    let rng = &mut getrandom::SysRng;
    match hash {
        HashAlgorithm::Sha256 => key.sign_with_rng(rng, Pss::<sha2::Sha256>::new(), &hashed),
        HashAlgorithm::Sha384 => key.sign_with_rng(rng, Pss::<sha2::Sha384>::new(), &hashed),
        HashAlgorithm::Sha512 => key.sign_with_rng(rng, Pss::<sha2::Sha512>::new(), &hashed),
    }
    .ok()
}

/// One DER TLV: (tag, content, rest). Definite lengths only.
fn tlv(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 3 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// Every TLV of `bytes`, whole.
fn tlvs(mut bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut all = Vec::new();
    while !bytes.is_empty() {
        let (_, _, rest) = tlv(bytes)?;
        all.push(&bytes[..bytes.len() - rest.len()]);
        bytes = rest;
    }
    Some(all)
}

fn encode_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// `cms` (a ContentInfo as `signature::sign` writes it) with its signed attributes edited and
/// signed again by `key` with RSA-PSS over `hash`.
pub fn resign_attributes(
    cms: &[u8],
    key: &rsa::PrivateKey,
    hash: HashAlgorithm,
    edit: AttributeEdit,
) -> Option<Vec<u8>> {
    let (_, content_info, _) = tlv(cms)?;
    let [oid, explicit] = tlvs(content_info)?[..] else {
        return None;
    };
    let (_, signed_data_tlv, _) = tlv(explicit)?;
    let (_, signed_data, _) = tlv(signed_data_tlv)?;
    let mut parts = tlvs(signed_data)?;
    let infos = parts.pop()?;
    let (_, info_set, _) = tlv(infos)?;
    let (_, info, _) = tlv(info_set)?;
    let [version, sid, digest, attrs, algorithm, _signature] = tlvs(info)?[..] else {
        return None;
    };
    let (_, attrs, _) = tlv(attrs)?;
    let mut attributes = tlvs(attrs)?;
    match edit {
        AttributeEdit::Reverse => attributes.reverse(),
        AttributeEdit::Drop(n) if n < attributes.len() => {
            attributes.remove(n);
        }
        AttributeEdit::Duplicate(n) if n < attributes.len() => {
            attributes.insert(n, attributes[n]);
        }
        _ => return None,
    }
    let attributes = attributes.concat();
    let signed = encode_tlv(0x31, &attributes);
    let signature = pss_sign(key, hash, &signed)?;
    let info = encode_tlv(
        0x30,
        &[
            version,
            sid,
            digest,
            &encode_tlv(0xA0, &attributes),
            algorithm,
            &encode_tlv(0x04, &signature),
        ]
        .concat(),
    );
    let infos = encode_tlv(0x31, &info);
    parts.push(&infos);
    let signed_data = encode_tlv(0x30, &parts.concat());
    Some(encode_tlv(
        0x30,
        &[oid, &encode_tlv(0xA0, &signed_data)].concat(),
    ))
}
