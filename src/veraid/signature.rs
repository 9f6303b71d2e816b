//! CMS SignedData with the VeraId profile (VeraId digest §7): producing organisation and member
//! signatures, reading what veraid-js emits, and verifying them as pkijs does.
//!
//! Hand-assembled with `der` rather than the `cms` crate: `cms` is only a release candidate
//! (0.3.0-rc.0, whose builder needs an older rsa API), has no verifier, and its `SetOfVec`
//! re-sorts signed attributes on decode and encode. veraid-js writes them unsorted
//! (contentType, messageDigest, metadata, attribution) and signs those exact bytes, so they
//! are written in that order and verified over the bytes received.

use super::ServiceOid;
use super::algorithm::{AlgorithmError, HashAlgorithm, SignatureAlgorithm, pss_sign};
use super::asn1::{context, der_of, hex, sequence, set, tlv};
use super::certificate::{Certificate, MalformedCertificate, SerialNumber};
use super::der_time::{self, TimeError, parse_generalized_time};
use super::member::{Member, UserNameError};
use crate::keys;
use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Header, Length, Reader, SliceReader, Tag};
use jiff::Timestamp;
use spki::AlgorithmIdentifierRef;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// VeraId signature metadata signed attribute (digest §1).
pub const METADATA_ATTRIBUTE: &str = "1.3.6.1.4.1.58708.1.0";
/// VeraId member attribution signed attribute, on organisation signatures (digest §1).
pub const ATTRIBUTION_ATTRIBUTE: &str = "1.3.6.1.4.1.58708.1.2";
const METADATA: ObjectIdentifier = ObjectIdentifier::new_unwrap(METADATA_ATTRIBUTE);
const ATTRIBUTION: ObjectIdentifier = ObjectIdentifier::new_unwrap(ATTRIBUTION_ATTRIBUTE);

/// The VeraId signature metadata: which service the signature is for, and when it is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureMetadata {
    /// The service OID the signature is bound to.
    pub service: ServiceOid,
    /// Start of validity (inclusive), millisecond precision.
    pub start: Timestamp,
    /// End of validity (inclusive), millisecond precision.
    pub end: Timestamp,
}

/// Who signs: the organisation (attributing the content to a member) or a member.
#[derive(Clone, Copy, Debug)]
pub enum Signer<'a> {
    /// An organisation signature: signed with the organisation key, no certificate attached,
    /// member attribution attribute added.
    Organisation {
        /// The organisation certificate (its issuer and serial identify the signer).
        certificate: &'a Certificate,
        /// The user or bot the content is attributed to.
        attribution: &'a Member,
    },
    /// A member signature: signed with the member key, the member certificate attached.
    Member {
        /// The member certificate.
        certificate: &'a Certificate,
    },
}

impl Signer<'_> {
    fn certificate(&self) -> &Certificate {
        match self {
            Self::Organisation { certificate, .. } | Self::Member { certificate } => certificate,
        }
    }
}

/// How to produce the SignedData.
#[derive(Clone, Copy, Debug, Default)]
pub struct SignOptions {
    /// Put the plaintext inside (`eContent`) instead of leaving it detached (veraid-js default).
    pub encapsulate: bool,
    /// Hash of the RSASSA-PSS signature: veraid-js uses the signing key's configured hash,
    /// SHA-256 by default. The message digest is always SHA-256 (digest §3).
    pub signature_hash: HashAlgorithm,
}

/// Signs `plaintext` as a VeraId CMS SignedData (ContentInfo DER). Times are truncated to whole
/// seconds (GeneralizedTime `YYYYMMDDHHMMSSZ`, as DomainAuth requires).
pub fn sign(
    plaintext: &[u8],
    metadata: &SignatureMetadata,
    signer: Signer<'_>,
    key: &rsa::PrivateKey,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let start = der_time::truncate_to_second(metadata.start);
    let end = der_time::truncate_to_second(metadata.end);
    if end < start {
        return Err(SignError::StartAfterEnd { start, end });
    }
    let certificate = signer.certificate();
    let certified = certificate
        .rsa_public_key()
        .map_err(|e| SignError::Certificate {
            detail: e.to_string(),
        })?;
    if keys::canonical_spki_der(&certified) != keys::canonical_spki_der(&key.to_public_key()) {
        return Err(SignError::KeyMismatch {
            subject: certificate.common_name().to_string(),
        });
    }

    let digest = HashAlgorithm::Sha256.digest(plaintext);
    let period = tlv(
        context(1, true),
        &[
            tlv(context(0, false), &der_time::generalized_seconds(start)?),
            tlv(context(1, false), &der_time::generalized_seconds(end)?),
        ]
        .concat(),
    );
    let metadata_value = sequence(&[
        &tlv(context(0, false), metadata.service.as_oid().as_bytes()),
        &period,
    ]);
    let mut attributes = vec![
        attribute(CONTENT_TYPE, &der_of(&DATA)),
        attribute(MESSAGE_DIGEST, &octets(&digest)),
        attribute(METADATA, &metadata_value),
    ];
    if let Signer::Organisation { attribution, .. } = signer {
        let name =
            der::asn1::Utf8StringRef::new(attribution.name()).expect("a name is valid UTF-8");
        attributes.push(attribute(ATTRIBUTION, &der_of(&name)));
    }
    // Organisation signatures carry an empty but present certificate set (`A0 00`), as
    // veraid-js writes it; member signatures carry the member certificate only.
    let certificates = match signer {
        Signer::Organisation { .. } => &[][..],
        Signer::Member { certificate } => certificate.to_der(),
    };
    assemble(
        &attributes.concat(),
        plaintext,
        signer,
        certificates,
        key,
        options,
    )
}

/// Signs `attributes` (the concatenated Attribute TLVs, in order) and wraps everything, with
/// `certificates` (concatenated DER), in a ContentInfo.
fn assemble(
    attributes: &[u8],
    plaintext: &[u8],
    signer: Signer<'_>,
    certificates: &[u8],
    key: &rsa::PrivateKey,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let certificate = signer.certificate();
    // RFC 5652 §5.4: the signature covers the attributes with an explicit SET OF tag.
    let signature =
        pss_sign(key, options.signature_hash, &tlv(Tag::Set, attributes)).map_err(|e| {
            SignError::Signing {
                detail: e.to_string(),
            }
        })?;

    let digest_algorithm = sha256_identifier();
    let signer_info = sequence(&[
        &der_of(&1u8),
        &sequence(&[
            certificate.issuer_der(),
            &certificate.serial_number().to_der(),
        ]),
        &digest_algorithm,
        &tlv(context(0, true), attributes),
        &SignatureAlgorithm::pss(options.signature_hash).to_der(),
        &octets(&signature),
    ]);
    let content = if options.encapsulate {
        sequence(&[&der_of(&DATA), &tlv(context(0, true), &octets(plaintext))])
    } else {
        sequence(&[&der_of(&DATA)])
    };
    let signed_data = sequence(&[
        &der_of(&1u8),
        &set(&[&digest_algorithm]),
        &content,
        &tlv(context(0, true), certificates),
        &set(&[&signer_info]),
    ]);
    Ok(sequence(&[
        &der_of(&SIGNED_DATA),
        &tlv(context(0, true), &signed_data),
    ]))
}

fn attribute(oid: ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    sequence(&[&der_of(&oid), &set(&[value])])
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(Tag::OctetString, bytes)
}

/// `AlgorithmIdentifier { sha256, NULL }`, the form pkijs writes.
fn sha256_identifier() -> Vec<u8> {
    der_of(&AlgorithmIdentifierRef {
        oid: HashAlgorithm::Sha256.oid(),
        parameters: Some(AnyRef::NULL),
    })
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignerIdentifier {
    /// Issuer Name (DER as received) and serial number: what VeraId writes.
    IssuerAndSerialNumber {
        /// The issuer Name DER.
        issuer: Vec<u8>,
        /// The serial number.
        serial: SerialNumber,
    },
    /// `[0] SubjectKeyIdentifier`: valid CMS, never written by VeraId implementations.
    SubjectKeyIdentifier(Vec<u8>),
}

/// One signed attribute as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute type.
    pub oid: ObjectIdentifier,
    /// Each value's TLV, in the order received.
    pub values: Vec<Vec<u8>>,
}

/// The first SignerInfo, as received.
#[derive(Clone, Debug)]
pub struct SignerInfo {
    /// How the signer certificate is identified.
    pub sid: SignerIdentifier,
    /// The digest algorithm's AlgorithmIdentifier DER.
    pub digest_algorithm: Vec<u8>,
    /// The signedAttrs TLV exactly as received (`[0] IMPLICIT`, tag 0xA0), if present.
    pub signed_attributes_der: Option<Vec<u8>>,
    /// The signed attributes, in the order received.
    pub signed_attributes: Vec<Attribute>,
    /// The signatureAlgorithm's AlgorithmIdentifier DER.
    pub signature_algorithm: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
}

impl SignerInfo {
    /// The first attribute of a type, if present.
    pub fn attribute(&self, oid: &ObjectIdentifier) -> Option<&Attribute> {
        self.signed_attributes.iter().find(|a| a.oid == *oid)
    }

    /// The digest algorithm, if it is SHA-256/384/512.
    pub fn digest_hash(&self) -> Result<HashAlgorithm, AlgorithmError> {
        let identifier = AlgorithmIdentifierRef::from_der(&self.digest_algorithm).map_err(|e| {
            AlgorithmError::Malformed {
                detail: e.to_string(),
            }
        })?;
        HashAlgorithm::from_oid(&identifier.oid).ok_or_else(|| AlgorithmError::Unsupported {
            oid: identifier.oid.to_string(),
        })
    }

    /// The signature algorithm. A bare rsaEncryption means PKCS#1 v1.5 with the digest
    /// algorithm's hash (RFC 3370 §3.2), which pkijs accepts.
    pub fn signature_scheme(&self) -> Result<SignatureAlgorithm, AlgorithmError> {
        match SignatureAlgorithm::from_der(&self.signature_algorithm) {
            Err(AlgorithmError::Unsupported { oid }) if oid == RSA_ENCRYPTION.to_string() => {
                Ok(SignatureAlgorithm::RsaPkcs1v15 {
                    hash: self.digest_hash()?,
                })
            }
            other => other,
        }
    }
}

/// A parsed CMS SignedData (the ContentInfo), keeping the bytes that were signed.
#[derive(Clone, Debug)]
pub struct SignedData {
    encapsulated: Option<Vec<u8>>,
    certificates: Vec<Certificate>,
    signer_info: Option<SignerInfo>,
    signer_count: usize,
}

impl SignedData {
    /// Reads a ContentInfo holding a SignedData (DER).
    pub fn from_der(der: &[u8]) -> Result<Self, MalformedSignature> {
        let raw = read_content_info(der).map_err(|e| MalformedSignature::Encoding {
            detail: e.to_string(),
        })?;
        let certificates = raw
            .certificates
            .iter()
            .map(|c| Certificate::from_der(c))
            .collect::<Result<Vec<_>, _>>()?;
        let signer_info = match raw.signer_infos.first() {
            Some(bytes) => Some(read_signer_info(bytes)?),
            None => None,
        };
        Ok(Self {
            encapsulated: raw.encapsulated,
            certificates,
            signer_info,
            signer_count: raw.signer_infos.len(),
        })
    }

    /// The encapsulated plaintext, if not detached.
    pub fn encapsulated_plaintext(&self) -> Option<&[u8]> {
        self.encapsulated.as_deref()
    }

    /// The certificates attached (the member certificate for member signatures).
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The first SignerInfo (the only one VeraId considers), if any.
    pub fn signer_info(&self) -> Option<&SignerInfo> {
        self.signer_info.as_ref()
    }

    /// How many SignerInfos there are (only the first is used).
    pub fn signer_count(&self) -> usize {
        self.signer_count
    }

    fn first_signer(&self) -> Result<&SignerInfo, MalformedSignature> {
        self.signer_info
            .as_ref()
            .ok_or(MalformedSignature::NoSignerInfo)
    }

    /// The VeraId signature metadata attribute.
    pub fn metadata(&self) -> Result<SignatureMetadata, MalformedSignature> {
        let attribute = self
            .first_signer()?
            .attribute(&METADATA)
            .ok_or(MalformedSignature::MissingMetadata)?;
        let value = attribute
            .values
            .first()
            .ok_or(MalformedSignature::MissingMetadata)?;
        read_metadata(value).map_err(|detail| MalformedSignature::Metadata { detail })
    }

    /// The member attribution of an organisation signature, or `None` for a member signature.
    /// Its presence is what makes this an organisation signature (digest §7.3).
    pub fn attribution(&self) -> Result<Option<Member>, SignatureError> {
        let Some(attribute) = self.first_signer()?.attribute(&ATTRIBUTION) else {
            return Ok(None);
        };
        let name = attribute
            .values
            .first()
            .and_then(|v| der::asn1::Utf8StringRef::from_der(v).ok())
            .ok_or(MalformedSignature::Attribution)?;
        Ok(Some(Member::from_name(name.as_str())?))
    }

    /// Verifies the signature as veraid-js (pkijs) does (digest §7.4), in its order: attribution,
    /// member signer certificate among the attached ones, plaintext rules, organisation
    /// signer certificate (signer ids are IssuerAndSerialNumber), contentType present,
    /// messageDigest, the signature over the signed attributes as received (re-tagged as SET),
    /// and finally the metadata attribute.
    ///
    /// It does not check the member certificate's chain, validity or the metadata's period:
    /// callers do that with [`super::certificate::verify_issued_by`] and the returned values.
    pub fn verify(
        &self,
        detached_plaintext: Option<&[u8]>,
        org_certificate: &Certificate,
    ) -> Result<VerifiedSignature, SignatureError> {
        // veraid-js decides organisation vs member signature, and finds a member signature's
        // certificate, before it looks at the plaintext; pkijs then does the rest, starting
        // with the plaintext rules.
        let signer_info = self.first_signer()?;
        let attribution = self.attribution()?;
        let (issuer, serial) = match &signer_info.sid {
            SignerIdentifier::IssuerAndSerialNumber { issuer, serial } => (issuer, serial),
            SignerIdentifier::SubjectKeyIdentifier(_) => {
                return Err(SignatureError::UnsupportedSignerIdentifier);
            }
        };
        let matches = |c: &&Certificate| c.issuer_der() == issuer && c.serial_number() == serial;
        let not_found = |searched| SignatureError::SignerNotFound {
            issuer: hex(issuer),
            serial: serial.to_string(),
            searched,
        };
        let member_signer = match attribution {
            Some(_) => None,
            None => Some(
                self.certificates
                    .iter()
                    .find(matches)
                    .ok_or_else(|| not_found("the attached certificates"))?,
            ),
        };

        let plaintext = match (self.encapsulated_plaintext(), detached_plaintext) {
            (Some(_), Some(_)) => return Err(SignatureError::PlaintextAlreadyEncapsulated),
            (None, None) => return Err(SignatureError::PlaintextMissing),
            (Some(p), None) | (None, Some(p)) => p.to_vec(),
        };
        let signer = match member_signer {
            Some(signer) => signer,
            None => Some(org_certificate)
                .filter(matches)
                .ok_or_else(|| not_found("the organisation certificate"))?,
        };
        let signed_attributes = signer_info
            .signed_attributes_der
            .as_ref()
            .ok_or(SignatureError::MissingSignedAttributes)?;

        if signer_info.attribute(&CONTENT_TYPE).is_none() {
            return Err(SignatureError::MissingContentType);
        }
        let digest_hash = signer_info
            .digest_hash()
            .map_err(SignatureError::Algorithm)?;
        let claimed = signer_info
            .attribute(&MESSAGE_DIGEST)
            .ok_or(SignatureError::MissingMessageDigest)?
            .values
            .first()
            .and_then(|v| <&OctetStringRef>::from_der(v).ok())
            .ok_or(MalformedSignature::Field {
                field: "messageDigest",
                detail: "expected one OCTET STRING value".into(),
            })?
            .as_bytes();
        let actual = digest_hash.digest(&plaintext);
        if claimed != actual.as_slice() {
            return Err(SignatureError::DigestMismatch {
                algorithm: digest_hash,
                expected: hex(&actual),
                actual: hex(claimed),
            });
        }

        let algorithm = signer_info
            .signature_scheme()
            .map_err(SignatureError::Algorithm)?;
        let key = signer
            .rsa_public_key()
            .map_err(|e| SignatureError::SignerKey {
                detail: e.to_string(),
            })?;
        let mut signed = signed_attributes.clone();
        signed[0] = 0x31; // RFC 5652 §5.4: [0] IMPLICIT becomes an explicit SET OF tag.
        algorithm
            .verify(&key, &signed, &signer_info.signature)
            .map_err(|_| SignatureError::BadSignature {
                algorithm: algorithm.to_string(),
                signer: signer.common_name().to_string(),
            })?;

        let metadata = self.metadata()?;
        Ok(VerifiedSignature {
            plaintext,
            metadata,
            signed_by_member: attribution.is_none(),
            attribution,
            signer: signer.clone(),
        })
    }
}

/// What a valid signature says.
#[derive(Clone, Debug)]
pub struct VerifiedSignature {
    /// The plaintext signed (encapsulated or supplied).
    pub plaintext: Vec<u8>,
    /// Service and validity period.
    pub metadata: SignatureMetadata,
    /// For organisation signatures, the member the content is attributed to.
    pub attribution: Option<Member>,
    /// The certificate whose key made the signature (member or organisation).
    pub signer: Certificate,
    /// Whether a member signed it (with a member certificate) rather than the organisation.
    pub signed_by_member: bool,
}

struct RawContentInfo<'a> {
    encapsulated: Option<Vec<u8>>,
    certificates: Vec<&'a [u8]>,
    signer_infos: Vec<&'a [u8]>,
}

fn read_content_info(der: &[u8]) -> der::Result<RawContentInfo<'_>> {
    let mut reader = SliceReader::new(der)?;
    let raw = reader.sequence(|r| {
        let content_type = ObjectIdentifier::decode(r)?;
        if content_type != SIGNED_DATA {
            return Err(r.error(der::ErrorKind::Value {
                tag: Tag::ObjectIdentifier,
            }));
        }
        let header = Header::decode(r)?;
        header.tag().assert_eq(context(0, true))?;
        r.read_nested(header.length(), |r| r.sequence(read_signed_data))
    })?;
    reader.finish()?;
    Ok(raw)
}

/// Skips a field whose value nobody checks (pkijs neither), after checking its tag: a wrong tag
/// is malformed, as asn1js's schema check says.
fn skip_field(r: &mut SliceReader<'_>, tag: Tag) -> der::Result<()> {
    Tag::peek(r)?.assert_eq(tag)?;
    r.tlv_bytes().map(drop)
}

fn read_signed_data<'a>(r: &mut SliceReader<'a>) -> der::Result<RawContentInfo<'a>> {
    skip_field(r, Tag::Integer)?; // version
    skip_field(r, Tag::Set)?; // digestAlgorithms
    let encapsulated = r.sequence(|e| {
        let _content_type: ObjectIdentifier = ObjectIdentifier::decode(e)?;
        if e.is_finished() {
            return Ok(None);
        }
        let header = Header::decode(e)?;
        header.tag().assert_eq(context(0, true))?;
        e.read_nested(header.length(), read_econtent).map(Some)
    })?;
    let mut certificates = Vec::new();
    if Tag::peek(r).ok() == Some(context(0, true)) {
        let header = Header::decode(r)?;
        r.read_nested(header.length(), |c| {
            while !c.is_finished() {
                certificates.push(c.tlv_bytes()?);
            }
            Ok::<_, der::Error>(())
        })?;
    }
    if Tag::peek(r).ok() == Some(context(1, true)) {
        r.tlv_bytes()?; // crls: unused by VeraId
    }
    let header = Header::decode(r)?;
    header.tag().assert_eq(Tag::Set)?;
    let mut signer_infos = Vec::new();
    r.read_nested(header.length(), |s| {
        while !s.is_finished() {
            signer_infos.push(s.tlv_bytes()?);
        }
        Ok::<_, der::Error>(())
    })?;
    Ok(RawContentInfo {
        encapsulated,
        certificates,
        signer_infos,
    })
}

/// The eContent OCTET STRING. pkijs writes it in the constructed form (tag 0x24, primitive
/// segments of at most 64 KiB: BER, which `der` cannot decode), so both forms are read; one
/// level of segments only, as pkijs writes.
fn read_econtent(r: &mut SliceReader<'_>) -> der::Result<Vec<u8>> {
    const CONSTRUCTED_OCTET_STRING: u8 = 0x24;
    if r.peek_byte() != Some(CONSTRUCTED_OCTET_STRING) {
        return Ok(<&OctetStringRef>::decode(r)?.as_bytes().to_vec());
    }
    r.read_byte()?;
    let length = Length::decode(r)?;
    r.read_nested(length, |segments| {
        let mut content = Vec::new();
        while !segments.is_finished() {
            content.extend_from_slice(<&OctetStringRef>::decode(segments)?.as_bytes());
        }
        Ok(content)
    })
}

fn read_signer_info(der: &[u8]) -> Result<SignerInfo, MalformedSignature> {
    let field = |field: &'static str| {
        move |e: der::Error| MalformedSignature::Field {
            field,
            detail: e.to_string(),
        }
    };
    let mut reader = SliceReader::new(der).map_err(field("signerInfo"))?;
    let info = reader
        .sequence(|r| {
            skip_field(r, Tag::Integer)?; // version
            let sid = if Tag::peek(r)? == Tag::Sequence {
                r.sequence(|s| {
                    let issuer = s.tlv_bytes()?.to_vec();
                    let header = Header::decode(s)?;
                    header.tag().assert_eq(Tag::Integer)?;
                    let serial = s.read_slice(header.length())?;
                    let serial = SerialNumber::from_content(serial)
                        .ok_or_else(|| s.error(der::ErrorKind::Length { tag: Tag::Integer }))?;
                    Ok::<_, der::Error>(SignerIdentifier::IssuerAndSerialNumber { issuer, serial })
                })?
            } else {
                let header = Header::decode(r)?;
                header.tag().assert_eq(context(0, false))?;
                SignerIdentifier::SubjectKeyIdentifier(r.read_slice(header.length())?.to_vec())
            };
            let digest_algorithm = r.tlv_bytes()?.to_vec();
            let signed_attributes_der = if Tag::peek(r)? == context(0, true) {
                Some(r.tlv_bytes()?.to_vec())
            } else {
                None
            };
            let signature_algorithm = r.tlv_bytes()?.to_vec();
            let signature = <&OctetStringRef>::decode(r)?.as_bytes().to_vec();
            if !r.is_finished() {
                r.tlv_bytes()?; // unsignedAttrs [1]: unused
            }
            Ok::<_, der::Error>(SignerInfo {
                sid,
                digest_algorithm,
                signed_attributes_der,
                signed_attributes: Vec::new(),
                signature_algorithm,
                signature,
            })
        })
        .map_err(field("signerInfo"))?;
    reader.finish().map_err(field("signerInfo"))?;
    let mut info = info;
    if let Some(bytes) = &info.signed_attributes_der {
        info.signed_attributes = read_attributes(bytes).map_err(field("signedAttrs"))?;
    }
    Ok(info)
}

/// Reads `[0] IMPLICIT SET OF Attribute` in the order received (no sorting).
fn read_attributes(der: &[u8]) -> der::Result<Vec<Attribute>> {
    let mut reader = SliceReader::new(der)?;
    let header = Header::decode(&mut reader)?;
    let attributes = reader.read_nested(header.length(), |r| {
        let mut attributes = Vec::new();
        while !r.is_finished() {
            attributes.push(r.sequence(|a| {
                let oid = ObjectIdentifier::decode(a)?;
                let header = Header::decode(a)?;
                header.tag().assert_eq(Tag::Set)?;
                let values = a.read_nested(header.length(), |v| {
                    let mut values = Vec::new();
                    while !v.is_finished() {
                        values.push(v.tlv_bytes()?.to_vec());
                    }
                    Ok::<_, der::Error>(values)
                })?;
                Ok::<_, der::Error>(Attribute { oid, values })
            })?);
        }
        Ok::<_, der::Error>(attributes)
    })?;
    reader.finish()?;
    Ok(attributes)
}

/// `SEQUENCE { [0] IMPLICIT OID, [1] IMPLICIT SEQUENCE { [0] GeneralizedTime, [1] ... } }`.
fn read_metadata(der: &[u8]) -> Result<SignatureMetadata, String> {
    let (oid, start, end) = (|| {
        let mut reader = SliceReader::new(der)?;
        let parts = reader.sequence(|r| {
            let header = Header::decode(r)?;
            header.tag().assert_eq(context(0, false))?;
            let oid = r.read_slice(header.length())?;
            let header = Header::decode(r)?;
            header.tag().assert_eq(context(1, true))?;
            let times = r.read_nested(header.length(), |p| {
                let mut time = |number| -> der::Result<&[u8]> {
                    let header = Header::decode(p)?;
                    header.tag().assert_eq(context(number, false))?;
                    p.read_slice(header.length())
                };
                Ok::<_, der::Error>((time(0)?, time(1)?))
            })?;
            Ok::<_, der::Error>((oid, times.0, times.1))
        })?;
        reader.finish()?;
        Ok::<_, der::Error>(parts)
    })()
    .map_err(|e| e.to_string())?;
    let oid = ObjectIdentifier::from_bytes(oid).map_err(|e| format!("service OID: {e}"))?;
    let time = |bytes, which| {
        parse_generalized_time(bytes).map_err(|e: TimeError| format!("validity {which}: {e}"))
    };
    Ok(SignatureMetadata {
        service: ServiceOid::from(oid),
        start: time(start, "start")?,
        end: time(end, "end")?,
    })
}

/// Why a SignedData could not be produced.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// End of the validity period before its start (veraid-js's check).
    #[error("Signature start date cannot be after expiry date ({start} > {end})")]
    StartAfterEnd {
        /// Start.
        start: Timestamp,
        /// End.
        end: Timestamp,
    },
    /// The signing key is not the signer certificate's key.
    #[error("the signing key does not match the public key of the certificate for {subject}")]
    KeyMismatch {
        /// The signer certificate's CN.
        subject: String,
    },
    /// The signer certificate's key is unusable.
    #[error("signer certificate: {detail}")]
    Certificate {
        /// Why.
        detail: String,
    },
    /// A time GeneralizedTime cannot hold.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// The RSA operation failed.
    #[error("cannot sign: {detail}")]
    Signing {
        /// Why.
        detail: String,
    },
}

/// A SignedData that cannot be parsed, or whose VeraId attributes cannot.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum MalformedSignature {
    /// Not DER of a ContentInfo with a SignedData.
    #[error("malformed CMS SignedData: {detail}")]
    Encoding {
        /// What the decoder said.
        detail: String,
    },
    /// A SignerInfo field that cannot be read.
    #[error("malformed CMS SignedData: {field}: {detail}")]
    Field {
        /// The field, named as in RFC 5652.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// An attached certificate that cannot be read.
    #[error("malformed CMS SignedData: attached certificate: {0}")]
    Certificate(#[from] MalformedCertificate),
    /// No SignerInfo at all.
    #[error("malformed CMS SignedData: there are no SignerInfos")]
    NoSignerInfo,
    /// The VeraId metadata attribute is absent.
    #[error("signature metadata attribute ({METADATA_ATTRIBUTE}) is missing")]
    MissingMetadata,
    /// The VeraId metadata attribute cannot be read.
    #[error("signature metadata attribute is malformed: {detail}")]
    Metadata {
        /// What is wrong with it.
        detail: String,
    },
    /// The attribution value is not a UTF8String (veraid-js's message).
    #[error("Member attribution attribute is malformed")]
    Attribution,
}

/// A SignedData that fails verification.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// Part of the structure needed for verification is malformed.
    #[error(transparent)]
    Malformed(#[from] MalformedSignature),
    /// Both encapsulated and caller-supplied plaintext (veraid-js's message).
    #[error("No specific plaintext should be expected because one is already encapsulated")]
    PlaintextAlreadyEncapsulated,
    /// Neither encapsulated nor caller-supplied plaintext (veraid-js's message).
    #[error("Plaintext should be encapsulated or explicitly set")]
    PlaintextMissing,
    /// No signed attributes, hence no metadata or digest to check.
    #[error("the SignerInfo has no signed attributes")]
    MissingSignedAttributes,
    /// The attributed user name is invalid.
    #[error("member attribution: {0}")]
    Attribution(#[from] UserNameError),
    /// A SubjectKeyIdentifier signer id, which VeraId never writes.
    #[error("the SignerInfo identifies its certificate by key identifier, which is unsupported")]
    UnsupportedSignerIdentifier,
    /// No certificate matches IssuerAndSerialNumber.
    #[error(
        "signer certificate not found among {searched}: no certificate with serial {serial} \
         and issuer {issuer}"
    )]
    SignerNotFound {
        /// The issuer Name sought (DER hex).
        issuer: String,
        /// The serial sought (hex).
        serial: String,
        /// Where it was looked for.
        searched: &'static str,
    },
    /// The contentType signed attribute is absent.
    #[error("the contentType signed attribute is missing")]
    MissingContentType,
    /// The messageDigest signed attribute is absent.
    #[error("the messageDigest signed attribute is missing")]
    MissingMessageDigest,
    /// The digest or signature algorithm cannot be used.
    #[error("{0}")]
    Algorithm(AlgorithmError),
    /// messageDigest differs from the plaintext's digest.
    #[error("the plaintext's {algorithm} digest is {expected}, but messageDigest says {actual}")]
    DigestMismatch {
        /// The digest algorithm.
        algorithm: HashAlgorithm,
        /// The plaintext's digest (hex).
        expected: String,
        /// The signed messageDigest (hex).
        actual: String,
    },
    /// The signer certificate's key is unusable.
    #[error("signer certificate: {detail}")]
    SignerKey {
        /// Why.
        detail: String,
    },
    /// The signature does not verify over the signed attributes.
    #[error("the {algorithm} signature by {signer} does not verify over the signed attributes")]
    BadSignature {
        /// The algorithm used.
        algorithm: String,
        /// The signer certificate's CN.
        signer: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::certificate::issue_member_certificate;
    use crate::veraid::certificate::tests::{
        member_cert, options, org_cert, resigned, test_keys, ts,
    };

    fn unhex(text: &str) -> Vec<u8> {
        let text: String = text.split_whitespace().collect();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn metadata() -> SignatureMetadata {
        SignatureMetadata {
            service: ServiceOid::TEST.parse().unwrap(),
            start: ts("2026-11-25T18:09:59Z"),
            end: ts("2026-11-25T18:39:59Z"),
        }
    }

    fn org_signature(attribution: &Member, options: &SignOptions) -> Vec<u8> {
        sign(
            b"hello",
            &metadata(),
            Signer::Organisation {
                certificate: &org_cert_cached(),
                attribution,
            },
            &test_keys()[0],
            options,
        )
        .unwrap()
    }

    /// One organisation certificate for the whole module (issuance is random).
    fn org_cert_cached() -> Certificate {
        static ORG: std::sync::OnceLock<Certificate> = std::sync::OnceLock::new();
        ORG.get_or_init(org_cert).clone()
    }

    /// Alice's member certificate, issued by [`org_cert_cached`].
    fn member_cert_cached() -> Certificate {
        static MEMBER: std::sync::OnceLock<Certificate> = std::sync::OnceLock::new();
        MEMBER
            .get_or_init(|| {
                issue_member_certificate(
                    &Member::from_name("alice").unwrap(),
                    &test_keys()[1].to_public_key(),
                    &org_cert_cached(),
                    &test_keys()[0],
                    &options("2026-02-01T00:00:00Z", "2026-12-01T00:00:00Z"),
                )
                .unwrap()
            })
            .clone()
    }

    fn member_signature(options: &SignOptions) -> Vec<u8> {
        sign(
            b"hello",
            &metadata(),
            Signer::Member {
                certificate: &member_cert_cached(),
            },
            &test_keys()[1],
            options,
        )
        .unwrap()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    const CONTENT_TYPE_ATTR: &str =
        "30 18 06 09 2a 86 48 86 f7 0d 01 09 03 31 0b 06 09 2a 86 48 86 f7 0d 01 07 01";
    const METADATA_ATTR: &str = "30 40 06 0a 2b 06 01 04 01 83 ca 54 01 00
         31 32 30 30 80 0a 2b 06 01 04 01 83 ca 54 01 01
         a1 22 80 0f 32 30 32 36 31 31 32 35 31 38 30 39 35 39 5a
               81 0f 32 30 32 36 31 31 32 35 31 38 33 39 35 39 5a";
    const BOB_ATTR: &str = "30 13 06 0a 2b 06 01 04 01 83 ca 54 01 02 31 05 0c 03 62 6f 62";

    #[test]
    fn organisation_signature_has_veraid_js_structure_and_attribute_order() {
        let der = org_signature(&Member::from_name("bob").unwrap(), &SignOptions::default());
        let digest = HashAlgorithm::Sha256.digest(b"hello");
        let mut attrs = unhex(CONTENT_TYPE_ATTR);
        attrs.extend(unhex("30 2f 06 09 2a 86 48 86 f7 0d 01 09 04 31 22 04 20"));
        attrs.extend(&digest);
        attrs.extend(unhex(METADATA_ATTR));
        attrs.extend(unhex(BOB_ATTR));
        let mut signed_attrs = unhex("a0 81");
        signed_attrs.push(u8::try_from(attrs.len()).unwrap());
        signed_attrs.extend(&attrs);
        assert!(
            contains(&der, &signed_attrs),
            "attributes in veraid-js order"
        );
        // version 1, digestAlgorithms {sha256}, detached id-data, empty certificates set.
        let prefix = unhex(
            "02 01 01 31 0f 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00
             30 0b 06 09 2a 86 48 86 f7 0d 01 07 01 a0 00 31",
        );
        assert!(contains(&der, &prefix));
        let parsed = SignedData::from_der(&der).unwrap();
        let oids: Vec<String> = parsed
            .signer_info()
            .unwrap()
            .signed_attributes
            .iter()
            .map(|a| a.oid.to_string())
            .collect();
        assert_eq!(
            oids,
            [
                "1.2.840.113549.1.9.3",
                "1.2.840.113549.1.9.4",
                METADATA_ATTRIBUTE,
                ATTRIBUTION_ATTRIBUTE
            ]
        );
        assert!(parsed.certificates().is_empty());
    }

    #[test]
    fn verifies_organisation_signature_for_user_and_bot() {
        for member in [Member::from_name("bob").unwrap(), Member::Bot] {
            let der = org_signature(&member, &SignOptions::default());
            let verified = SignedData::from_der(&der)
                .unwrap()
                .verify(Some(b"hello"), &org_cert_cached())
                .unwrap();
            assert_eq!(verified.attribution, Some(member));
            assert!(!verified.signed_by_member);
            assert_eq!(verified.signer, org_cert_cached());
            assert_eq!(verified.metadata, metadata());
            assert_eq!(verified.plaintext, b"hello");
        }
    }

    #[test]
    fn verifies_member_signature_with_attached_certificate() {
        let der = member_signature(&SignOptions::default());
        let parsed = SignedData::from_der(&der).unwrap();
        assert_eq!(parsed.certificates(), [member_cert_cached()]);
        assert!(
            parsed
                .signer_info()
                .unwrap()
                .attribute(&ATTRIBUTION)
                .is_none()
        );
        let verified = parsed.verify(Some(b"hello"), &org_cert_cached()).unwrap();
        assert!(verified.signed_by_member);
        assert_eq!(verified.attribution, None);
        assert_eq!(verified.signer.common_name(), "alice");
    }

    #[test]
    fn signature_hash_follows_the_option_while_digest_stays_sha256() {
        let options = SignOptions {
            encapsulate: false,
            signature_hash: HashAlgorithm::Sha384,
        };
        let parsed = SignedData::from_der(&member_signature(&options)).unwrap();
        let info = parsed.signer_info().unwrap();
        assert_eq!(info.digest_hash().unwrap(), HashAlgorithm::Sha256);
        assert_eq!(
            info.signature_scheme().unwrap(),
            SignatureAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha384,
                salt_len: 48
            }
        );
        parsed.verify(Some(b"hello"), &org_cert_cached()).unwrap();
    }

    #[test]
    fn encapsulated_plaintext_is_used_and_must_not_be_supplied_again() {
        let options = SignOptions {
            encapsulate: true,
            ..SignOptions::default()
        };
        let parsed = SignedData::from_der(&member_signature(&options)).unwrap();
        assert_eq!(parsed.encapsulated_plaintext(), Some(&b"hello"[..]));
        let verified = parsed.verify(None, &org_cert_cached()).unwrap();
        assert_eq!(verified.plaintext, b"hello");
        assert_eq!(
            parsed
                .verify(Some(b"hello"), &org_cert_cached())
                .unwrap_err()
                .to_string(),
            "No specific plaintext should be expected because one is already encapsulated"
        );
    }

    #[test]
    fn detached_signature_needs_the_plaintext() {
        let parsed = SignedData::from_der(&member_signature(&SignOptions::default())).unwrap();
        assert_eq!(parsed.encapsulated_plaintext(), None);
        assert_eq!(
            parsed.verify(None, &org_cert_cached()).unwrap_err(),
            SignatureError::PlaintextMissing
        );
        assert_eq!(
            SignatureError::PlaintextMissing.to_string(),
            "Plaintext should be encapsulated or explicitly set"
        );
    }

    #[test]
    fn rejects_plaintext_whose_digest_differs() {
        let parsed = SignedData::from_der(&member_signature(&SignOptions::default())).unwrap();
        let error = parsed
            .verify(Some(b"hellO"), &org_cert_cached())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "the plaintext's SHA-256 digest is {}, but messageDigest says {}",
                hex(&HashAlgorithm::Sha256.digest(b"hellO")),
                hex(&HashAlgorithm::Sha256.digest(b"hello"))
            )
        );
    }

    #[test]
    fn detects_tampered_signed_attributes() {
        let der = org_signature(&Member::from_name("bob").unwrap(), &SignOptions::default());
        // Rename bob to bOb inside the attribution attribute.
        let at = der.windows(3).position(|w| w == b"bob").unwrap();
        let mut tampered = der.clone();
        tampered[at + 1] = b'O';
        let error = SignedData::from_der(&tampered)
            .unwrap()
            .verify(Some(b"hello"), &org_cert_cached())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) signature by example.com does not \
             verify over the signed attributes"
        );
    }

    #[test]
    fn rejects_signer_certificate_missing() {
        // Organisation signature checked against another organisation certificate.
        let der = org_signature(&Member::Bot, &SignOptions::default());
        let other_org = org_cert();
        let error = SignedData::from_der(&der)
            .unwrap()
            .verify(Some(b"hello"), &other_org)
            .unwrap_err();
        assert!(matches!(
            error,
            SignatureError::SignerNotFound {
                searched: "the organisation certificate",
                ..
            }
        ));
        // Member signature whose attached certificate is another member's.
        let other_member = member_cert(&Member::Bot);
        let der = assemble(
            &[
                unhex(CONTENT_TYPE_ATTR),
                digest_attribute(),
                unhex(METADATA_ATTR),
            ]
            .concat(),
            b"hello",
            Signer::Member {
                certificate: &member_cert_cached(),
            },
            other_member.to_der(),
            &test_keys()[1],
            &SignOptions::default(),
        )
        .unwrap();
        let error = SignedData::from_der(&der)
            .unwrap()
            .verify(Some(b"hello"), &org_cert_cached())
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("signer certificate not found among the attached certificates")
        );
    }

    /// A member signature over hand-made attributes.
    fn member_signature_with(attributes: &[Vec<u8>]) -> SignedData {
        let der = assemble(
            &attributes.concat(),
            b"hello",
            Signer::Member {
                certificate: &member_cert_cached(),
            },
            member_cert_cached().to_der(),
            &test_keys()[1],
            &SignOptions::default(),
        )
        .unwrap();
        SignedData::from_der(&der).unwrap()
    }

    fn digest_attribute() -> Vec<u8> {
        attribute(
            MESSAGE_DIGEST,
            &octets(&HashAlgorithm::Sha256.digest(b"hello")),
        )
    }

    #[test]
    fn parses_fractional_second_metadata_as_asn1js_writes_it() {
        let value = unhex(
            "30 34 80 0a 2b 06 01 04 01 83 ca 54 01 01 a1 26
             80 13 32 30 32 36 31 31 32 35 31 38 31 31 30 32 2e 39 31 32 5a
             81 0f 32 30 32 36 31 31 32 35 31 39 30 30 30 30 5a",
        );
        let signed = member_signature_with(&[
            unhex(CONTENT_TYPE_ATTR),
            digest_attribute(),
            attribute(METADATA, &value),
        ]);
        let verified = signed.verify(Some(b"hello"), &org_cert_cached()).unwrap();
        assert_eq!(verified.metadata.start, ts("2026-11-25T18:11:02.912Z"));
        assert_eq!(verified.metadata.end, ts("2026-11-25T19:00:00Z"));
        assert_eq!(verified.metadata.service.to_string(), ServiceOid::TEST);
    }

    #[test]
    fn verifies_over_received_attribute_order() {
        // Metadata before contentType: not DER order, still what was signed.
        let signed = member_signature_with(&[
            unhex(METADATA_ATTR),
            digest_attribute(),
            unhex(CONTENT_TYPE_ATTR),
        ]);
        signed.verify(Some(b"hello"), &org_cert_cached()).unwrap();
    }

    #[test]
    fn requires_content_type_message_digest_and_metadata() {
        let no_content_type = member_signature_with(&[digest_attribute(), unhex(METADATA_ATTR)]);
        assert_eq!(
            no_content_type
                .verify(Some(b"hello"), &org_cert_cached())
                .unwrap_err(),
            SignatureError::MissingContentType
        );
        let no_digest = member_signature_with(&[unhex(CONTENT_TYPE_ATTR), unhex(METADATA_ATTR)]);
        assert_eq!(
            no_digest
                .verify(Some(b"hello"), &org_cert_cached())
                .unwrap_err(),
            SignatureError::MissingMessageDigest
        );
        let no_metadata = member_signature_with(&[unhex(CONTENT_TYPE_ATTR), digest_attribute()]);
        assert_eq!(
            no_metadata
                .verify(Some(b"hello"), &org_cert_cached())
                .unwrap_err()
                .to_string(),
            "signature metadata attribute (1.3.6.1.4.1.58708.1.0) is missing"
        );
    }

    #[test]
    fn rejects_malformed_or_invalid_attribution() {
        let org = org_cert_cached();
        let sign_with = |value: Vec<u8>| {
            let der = assemble(
                &[
                    unhex(CONTENT_TYPE_ATTR),
                    digest_attribute(),
                    unhex(METADATA_ATTR),
                    attribute(ATTRIBUTION, &value),
                ]
                .concat(),
                b"hello",
                Signer::Organisation {
                    certificate: &org,
                    attribution: &Member::Bot,
                },
                &[],
                &test_keys()[0],
                &SignOptions::default(),
            )
            .unwrap();
            SignedData::from_der(&der)
                .unwrap()
                .verify(Some(b"hello"), &org)
                .unwrap_err()
                .to_string()
        };
        // PrintableString instead of UTF8String.
        assert_eq!(
            sign_with(unhex("13 03 62 6f 62")),
            "Member attribution attribute is malformed"
        );
        assert_eq!(
            sign_with(unhex("0c 03 61 40 62")),
            "member attribution: invalid user name \"a@b\": user names should not contain at \
             signs or whitespace other than simple spaces"
        );
    }

    #[test]
    fn refuses_to_sign_with_end_before_start_or_wrong_key() {
        let mut backwards = metadata();
        backwards.end = ts("2026-11-25T18:00:00Z");
        let org = org_cert_cached();
        let signer = Signer::Organisation {
            certificate: &org,
            attribution: &Member::Bot,
        };
        let error = sign(
            b"x",
            &backwards,
            signer,
            &test_keys()[0],
            &SignOptions::default(),
        );
        assert_eq!(
            error.unwrap_err().to_string(),
            "Signature start date cannot be after expiry date (2026-11-25T18:09:59Z > \
             2026-11-25T18:00:00Z)"
        );
        let error = sign(
            b"x",
            &metadata(),
            signer,
            &test_keys()[1],
            &SignOptions::default(),
        );
        assert_eq!(
            error.unwrap_err(),
            SignError::KeyMismatch {
                subject: "example.com".into()
            }
        );
    }

    #[test]
    fn writes_whole_second_times() {
        let mut precise = metadata();
        precise.start = ts("2026-11-25T18:09:59.912Z");
        let der = sign(
            b"hello",
            &precise,
            Signer::Member {
                certificate: &member_cert_cached(),
            },
            &test_keys()[1],
            &SignOptions::default(),
        )
        .unwrap();
        assert!(contains(&der, &unhex(METADATA_ATTR)));
    }

    #[test]
    fn matches_signer_whose_serial_is_non_minimal() {
        // veraid-js copies the certificate's serial bytes verbatim into IssuerAndSerialNumber.
        let org = Certificate::from_der(&resigned(
            &org_cert_cached(),
            &[(1, unhex("02 08 00 12 34 56 78 9a bc de"))],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        ))
        .unwrap();
        let der = sign(
            b"hello",
            &metadata(),
            Signer::Organisation {
                certificate: &org,
                attribution: &Member::Bot,
            },
            &test_keys()[0],
            &SignOptions::default(),
        )
        .unwrap();
        assert!(contains(&der, &unhex("02 08 00 12 34 56 78 9a bc de")));
        let parsed = SignedData::from_der(&der).unwrap();
        parsed.verify(Some(b"hello"), &org).unwrap();
        // The same certificate re-encoded minimally is still the signer (INTEGER equality).
        let minimal = Certificate::from_der(&resigned(
            &org,
            &[(1, unhex("02 07 12 34 56 78 9a bc de"))],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        ))
        .unwrap();
        parsed.verify(Some(b"hello"), &minimal).unwrap();
    }

    #[test]
    fn requires_signed_attributes() {
        // RFC 5652 allows a SignerInfo without signedAttrs (signature over the content itself);
        // VeraId needs them for its metadata.
        let member = member_cert_cached();
        let signature = pss_sign(&test_keys()[1], HashAlgorithm::Sha256, b"hello").unwrap();
        let signer_info = sequence(&[
            &der_of(&1u8),
            &sequence(&[member.issuer_der(), &member.serial_number().to_der()]),
            &sha256_identifier(),
            &SignatureAlgorithm::pss(HashAlgorithm::Sha256).to_der(),
            &octets(&signature),
        ]);
        let signed_data = sequence(&[
            &der_of(&1u8),
            &set(&[&sha256_identifier()]),
            &sequence(&[&der_of(&DATA)]),
            &tlv(context(0, true), member.to_der()),
            &set(&[&signer_info]),
        ]);
        let der = sequence(&[&der_of(&SIGNED_DATA), &tlv(context(0, true), &signed_data)]);
        let parsed = SignedData::from_der(&der).unwrap();
        assert_eq!(parsed.signer_info().unwrap().signed_attributes_der, None);
        assert_eq!(
            parsed
                .verify(Some(b"hello"), &org_cert_cached())
                .unwrap_err(),
            SignatureError::MissingSignedAttributes
        );
    }

    #[test]
    fn reads_econtent_in_primitive_and_pkijs_constructed_forms() {
        let read = |bytes: &str| {
            let bytes = unhex(bytes);
            let mut reader = SliceReader::new(&bytes).unwrap();
            read_econtent(&mut reader)
        };
        assert_eq!(read("04 05 68 65 6c 6c 6f").unwrap(), b"hello");
        assert_eq!(read("24 09 04 02 68 65 04 03 6c 6c 6f").unwrap(), b"hello");
        assert!(
            read("24 04 24 02 04 00").is_err(),
            "nested constructed segments"
        );
    }

    #[test]
    fn rejects_wrong_tags_on_fields_whose_values_are_unchecked() {
        let der = org_signature(&Member::Bot, &SignOptions::default());
        // ContentInfo(30 82 LL LL) OID(06 09 ..9 bytes) [0](A0 82 LL LL) SignedData(30 82 LL LL):
        // the SignedData version tag is at 23, digestAlgorithms' at 26.
        assert_eq!((der[23], der[26]), (0x02, 0x31));
        // SignerInfo: version 1 (02 01 01) then IssuerAndSerialNumber (30 ..).
        let signer_info_version = der
            .windows(4)
            .rposition(|w| w == [0x02, 0x01, 0x01, 0x30])
            .expect("SignerInfo version");
        for (at, tag) in [(23, 0x03), (26, 0x30), (signer_info_version, 0x03)] {
            let mut bad = der.clone();
            bad[at] = tag;
            let error = SignedData::from_der(&bad)
                .and_then(|s| {
                    s.signer_info()
                        .cloned()
                        .ok_or(MalformedSignature::NoSignerInfo)
                })
                .err();
            assert!(error.is_some(), "tag {tag:#04x} at {at} accepted");
        }
    }

    #[test]
    fn rejects_non_signed_data_content() {
        assert!(matches!(
            SignedData::from_der(&unhex("30 03 02 01 00")),
            Err(MalformedSignature::Encoding { .. })
        ));
        // id-data instead of id-signedData.
        let data = unhex("30 0f 06 09 2a 86 48 86 f7 0d 01 07 01 a0 02 04 00");
        assert!(SignedData::from_der(&data).is_err());
    }

    #[test]
    fn no_single_byte_change_panics_or_still_verifies_with_the_same_plaintext() {
        let org = org_cert_cached();
        for der in [
            member_signature(&SignOptions::default()),
            org_signature(
                &Member::from_name("bob").unwrap(),
                &SignOptions {
                    encapsulate: true,
                    ..SignOptions::default()
                },
            ),
        ] {
            let encapsulated = SignedData::from_der(&der)
                .unwrap()
                .encapsulated_plaintext()
                .is_some();
            let plaintext = (!encapsulated).then_some(&b"hello"[..]);
            for at in 0..der.len() {
                let mut tampered = der.clone();
                tampered[at] ^= 0x01;
                if let Ok(parsed) = SignedData::from_der(&tampered)
                    && let Ok(verified) = parsed.verify(plaintext, &org)
                {
                    // Only bytes outside what is signed may change (e.g. unsigned metadata
                    // of the attached certificate), never the meaning.
                    assert_eq!(verified.plaintext, b"hello", "byte {at}");
                    assert_eq!(verified.metadata, metadata(), "byte {at}");
                }
            }
            for len in 0..der.len() {
                assert!(SignedData::from_der(&der[..len]).is_err());
            }
        }
    }
}
