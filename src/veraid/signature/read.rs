//! Reading a SignedData as received: the ContentInfo split by hand, the first SignerInfo with
//! its signed attributes in the order received, and the VeraId metadata and attribution.

use super::{
    ATTRIBUTION, METADATA, METADATA_ATTRIBUTE, SIGNED_DATA, SignatureError, SignatureMetadata,
};
use crate::keys::RSA_ENCRYPTION;
use crate::veraid::ServiceOid;
use crate::veraid::algorithm::{AlgorithmError, HashAlgorithm, SignatureAlgorithm};
use crate::veraid::asn1::context;
use crate::veraid::certificate::{Certificate, MalformedCertificate, SerialNumber};
use crate::veraid::der_time::{TimeError, parse_generalized_time};
use crate::veraid::member::Member;
use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Header, Length, Reader, SliceReader, Tag};
use spki::AlgorithmIdentifierRef;

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
        Self::from_der_with(der, Certificate::from_der)
    }

    /// [`SignedData::from_der`] reading the attached certificates with `certificate` (a warm
    /// cache's).
    pub(crate) fn from_der_with(
        der: &[u8],
        certificate: impl Fn(&[u8]) -> Result<Certificate, MalformedCertificate>,
    ) -> Result<Self, MalformedSignature> {
        let raw = read_content_info(der).map_err(|e| MalformedSignature::Encoding {
            detail: e.to_string(),
        })?;
        let certificates = raw
            .certificates
            .iter()
            .map(|c| certificate(c))
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

    pub(super) fn first_signer(&self) -> Result<&SignerInfo, MalformedSignature> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::signature::SignOptions;
    use crate::veraid::signature::fixtures::*;
    use crate::veraid::signature::sign::attribute;
    use crate::veraid::testing::{ts, unhex};

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
}
