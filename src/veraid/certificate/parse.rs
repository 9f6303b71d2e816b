//! Reading a certificate from DER or PEM: the TBSCertificate split by hand (see the module
//! above for why), its extensions, validity times and common names interpreted.

use super::{
    AUTHORITY_KEY_ID, BASIC_CONSTRAINTS, BasicConstraints, COMMON_NAME, Certificate, Fields,
    KEY_USAGE, SUBJECT_KEY_ID, SerialNumber,
};
use crate::keys;
use crate::veraid::asn1::context;
use crate::veraid::der_time::{parse_generalized_time, parse_utc_time};
use der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Header, Reader, SliceReader, Tag, TagMode, TagNumber, Tagged};
use jiff::Timestamp;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, KeyUsage};
use x509_cert::name::Name;

/// The raw pieces of a TBSCertificate, before their contents are interpreted.
struct RawTbs<'a> {
    version: Option<u8>,
    serial: &'a [u8],
    issuer: &'a [u8],
    not_before: (Tag, &'a [u8]),
    not_after: (Tag, &'a [u8]),
    subject: &'a [u8],
    spki: &'a [u8],
    extensions: Vec<RawExtension<'a>>,
}

struct RawExtension<'a> {
    oid: ObjectIdentifier,
    critical: bool,
    value: &'a [u8],
}

impl Certificate {
    /// Reads a certificate from DER.
    pub fn from_der(der: &[u8]) -> Result<Self, MalformedCertificate> {
        let encoding = |e: der::Error| MalformedCertificate::Encoding {
            detail: e.to_string(),
        };
        let (tbs, signature_algorithm, signature) = (|| {
            let mut reader = SliceReader::new(der)?;
            let parts = reader.sequence(|r| {
                let tbs = r.tlv_bytes()?;
                let algorithm = r.tlv_bytes()?;
                let signature = BitStringRef::decode(r)?;
                Ok::<_, der::Error>((tbs, algorithm, signature))
            })?;
            reader.finish()?;
            Ok(parts)
        })()
        .map_err(encoding)?;
        let signature = signature
            .as_bytes()
            .ok_or_else(|| MalformedCertificate::Field {
                field: "signatureValue",
                detail: "BIT STRING with unused bits".into(),
            })?
            .to_vec();
        let raw = read_tbs(tbs).map_err(encoding)?;

        let version = match raw.version {
            None => 1,
            Some(v @ 0..=2) => v + 1,
            Some(v) => {
                return Err(MalformedCertificate::Field {
                    field: "version",
                    detail: format!("unknown version value {v}"),
                });
            }
        };
        let serial = SerialNumber::from_content(raw.serial).ok_or(MalformedCertificate::Field {
            field: "serialNumber",
            detail: "empty INTEGER".into(),
        })?;
        let not_before = read_time("validity.notBefore", raw.not_before)?;
        let not_after = read_time("validity.notAfter", raw.not_after)?;
        let common_name = common_name_of(raw.subject)?;
        let mut fields = Fields {
            der: der.to_vec(),
            tbs: tbs.to_vec(),
            version,
            serial,
            issuer: raw.issuer.to_vec(),
            subject: raw.subject.to_vec(),
            common_name,
            issuer_common_name: common_name_of(raw.issuer).ok(),
            not_before,
            not_after,
            spki: raw.spki.to_vec(),
            basic_constraints: None,
            key_usage_cert_sign: None,
            subject_key_id: None,
            authority_key_id: None,
            signature_algorithm: signature_algorithm.to_vec(),
            signature,
            rsa_key: std::sync::OnceLock::new(),
        };
        fields.read_extensions(&raw.extensions)?;
        Ok(Self {
            fields: fields.into(),
        })
    }

    /// Reads a certificate from PEM (`CERTIFICATE` block) or DER, whichever `bytes` hold.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MalformedCertificate> {
        let Some(pem) = keys::pem_block(bytes) else {
            return Self::from_der(bytes);
        };
        let (label, der) =
            der::pem::decode_vec(pem).map_err(|e| MalformedCertificate::Encoding {
                detail: format!("bad PEM: {e}"),
            })?;
        if label != "CERTIFICATE" {
            return Err(MalformedCertificate::Encoding {
                detail: format!("PEM block labelled \"{label}\" is not a certificate"),
            });
        }
        Self::from_der(&der)
    }
}

impl Fields {
    fn read_extensions(&mut self, extensions: &[RawExtension<'_>]) -> Result<(), Malformed> {
        for (i, extension) in extensions.iter().enumerate() {
            if extensions[..i].iter().any(|e| e.oid == extension.oid) {
                return Err(MalformedCertificate::Field {
                    field: "extensions",
                    detail: format!("extension {} appears twice", extension.oid),
                });
            }
            let bad = |field, e: der::Error| MalformedCertificate::Field {
                field,
                detail: e.to_string(),
            };
            match extension.oid {
                BASIC_CONSTRAINTS => {
                    let (ca, path_len) = read_basic_constraints(extension.value)
                        .map_err(|e| bad("basicConstraints", e))?;
                    self.basic_constraints = Some(BasicConstraints {
                        critical: extension.critical,
                        ca,
                        path_len,
                    });
                }
                SUBJECT_KEY_ID => {
                    let id = <&OctetStringRef>::from_der(extension.value)
                        .map_err(|e| bad("subjectKeyIdentifier", e))?;
                    self.subject_key_id = Some(id.as_bytes().to_vec());
                }
                AUTHORITY_KEY_ID => {
                    let aki = AuthorityKeyIdentifier::from_der(extension.value)
                        .map_err(|e| bad("authorityKeyIdentifier", e))?;
                    self.authority_key_id = aki.key_identifier.map(|id| id.as_bytes().to_vec());
                }
                KEY_USAGE => {
                    let usage =
                        KeyUsage::from_der(extension.value).map_err(|e| bad("keyUsage", e))?;
                    self.key_usage_cert_sign = Some(usage.key_cert_sign());
                }
                _ => {}
            }
        }
        Ok(())
    }
}

type Malformed = MalformedCertificate;

fn read_tbs(tbs: &[u8]) -> der::Result<RawTbs<'_>> {
    let mut reader = SliceReader::new(tbs)?;
    let raw = reader.sequence(|r| {
        let version = r.context_specific::<u8>(TagNumber(0), TagMode::Explicit)?;
        let header = Header::decode(r)?;
        header.tag().assert_eq(Tag::Integer)?;
        let serial = r.read_slice(header.length())?;
        let _inner_signature_algorithm = r.tlv_bytes()?;
        let issuer = r.tlv_bytes()?;
        let (not_before, not_after) = r.sequence(|v| {
            let mut time = || -> der::Result<(Tag, &[u8])> {
                let header = Header::decode(v)?;
                Ok((header.tag(), v.read_slice(header.length())?))
            };
            Ok::<_, der::Error>((time()?, time()?))
        })?;
        let subject = r.tlv_bytes()?;
        let spki = r.tlv_bytes()?;
        // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING): skipped.
        for number in [1, 2] {
            if Tag::peek(r).ok() == Some(context(number, false)) {
                r.tlv_bytes()?;
            }
        }
        let mut extensions = Vec::new();
        if !r.is_finished() {
            let header = Header::decode(r)?;
            header.tag().assert_eq(context(3, true))?;
            r.read_nested(header.length(), |e| {
                e.sequence(|list| {
                    while !list.is_finished() {
                        extensions.push(list.sequence(read_extension)?);
                    }
                    Ok::<_, der::Error>(())
                })
            })?;
        }
        Ok::<_, der::Error>(RawTbs {
            version,
            serial,
            issuer,
            not_before,
            not_after,
            subject,
            spki,
            extensions,
        })
    })?;
    reader.finish()?;
    Ok(raw)
}

fn read_extension<'a>(r: &mut SliceReader<'a>) -> der::Result<RawExtension<'a>> {
    let oid = ObjectIdentifier::decode(r)?;
    let critical = if Tag::peek(r)? == Tag::Boolean {
        bool::decode(r)?
    } else {
        false
    };
    let value = <&OctetStringRef>::decode(r)?.as_bytes();
    Ok(RawExtension {
        oid,
        critical,
        value,
    })
}

/// `SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`, accepting an
/// explicitly encoded FALSE as veraid-jvm writes it (digest §4).
fn read_basic_constraints(value: &[u8]) -> der::Result<(bool, Option<u32>)> {
    let mut reader = SliceReader::new(value)?;
    let parsed = reader.sequence(|r| {
        let ca = if Tag::peek(r).ok() == Some(Tag::Boolean) {
            bool::decode(r)?
        } else {
            false
        };
        let path_len = if r.is_finished() {
            None
        } else {
            Some(u32::decode(r)?)
        };
        Ok::<_, der::Error>((ca, path_len))
    })?;
    reader.finish()?;
    Ok(parsed)
}

fn read_time(field: &'static str, (tag, bytes): (Tag, &[u8])) -> Result<Timestamp, Malformed> {
    let parsed = match tag {
        Tag::UtcTime => parse_utc_time(bytes),
        Tag::GeneralizedTime => parse_generalized_time(bytes),
        other => {
            return Err(MalformedCertificate::Field {
                field,
                detail: format!("expected UTCTime or GeneralizedTime, got {other}"),
            });
        }
    };
    parsed.map_err(|e| MalformedCertificate::Field {
        field,
        detail: e.to_string(),
    })
}

/// The first CN in a Name, in whatever string type it is written (veraid-js accepts any).
fn common_name_of(name_der: &[u8]) -> Result<String, Malformed> {
    let name = Name::from_der(name_der).map_err(|e| MalformedCertificate::Field {
        field: "subject",
        detail: e.to_string(),
    })?;
    let value = name
        .iter()
        .find(|atv| atv.oid == COMMON_NAME)
        .map(|atv| &atv.value)
        .ok_or(MalformedCertificate::MissingCommonName)?;
    decode_directory_string(value.tag(), value.value()).ok_or_else(|| MalformedCertificate::Field {
        field: "subject commonName",
        detail: format!("cannot decode a {} value", value.tag()),
    })
}

fn decode_directory_string(tag: Tag, bytes: &[u8]) -> Option<String> {
    match tag {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::GeneralString => String::from_utf8(bytes.to_vec()).ok(),
        // T.61 is close enough to Latin-1 for the names anyone writes with it.
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

/// A certificate that cannot be parsed.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum MalformedCertificate {
    /// Not DER (or PEM) of a Certificate.
    #[error("malformed certificate: {detail}")]
    Encoding {
        /// What the decoder said.
        detail: String,
    },
    /// A field whose content cannot be interpreted.
    #[error("malformed certificate: {field}: {detail}")]
    Field {
        /// The field, named as in RFC 5280.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The subject has no CN (veraid-js refuses these when deserialising).
    #[error("malformed certificate: Distinguished Name does not contain Common Name")]
    MissingCommonName,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::algorithm::{HashAlgorithm, SignatureAlgorithm};
    use crate::veraid::certificate::fixtures::{member_cert, org_cert, resigned, test_keys};
    use crate::veraid::certificate::verify_issued_by;
    use crate::veraid::member::Member;
    use crate::veraid::testing::unhex;

    #[test]
    fn parses_and_verifies_non_minimal_serial() {
        let org = org_cert();
        let member = member_cert(&Member::Bot);
        let non_minimal = unhex("02 08 00 12 34 56 78 9a bc de");
        let der = resigned(
            &member,
            &[(1, non_minimal.clone())],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        );
        let cert = Certificate::from_der(&der).unwrap();
        assert_eq!(cert.serial_number().as_bytes(), &non_minimal[2..]);
        assert_eq!(cert.serial_number().minimal(), &non_minimal[3..]);
        assert_eq!(cert.serial_number().to_der(), non_minimal);
        assert_eq!(
            cert.serial_number(),
            &SerialNumber::from_content(&non_minimal[3..]).unwrap()
        );
        verify_issued_by(&cert, &org).unwrap();
    }

    #[test]
    fn reads_common_name_in_utf8string() {
        let member = member_cert(&Member::Bot);
        let utf8_name = unhex("30 10 31 0e 30 0c 06 03 55 04 03 0c 05 61 6c 69 63 65");
        let der = resigned(
            &member,
            &[(5, utf8_name)],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        );
        let cert = Certificate::from_der(&der).unwrap();
        assert_eq!(cert.common_name(), "alice");
        verify_issued_by(&cert, &org_cert()).unwrap();
    }

    #[test]
    fn rejects_subject_without_common_name() {
        let member = member_cert(&Member::Bot);
        // O=example instead of a CN.
        let no_cn = unhex("30 12 31 10 30 0e 06 03 55 04 0a 0c 07 65 78 61 6d 70 6c 65");
        let der = resigned(
            &member,
            &[(5, no_cn)],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        );
        assert_eq!(
            Certificate::from_der(&der).unwrap_err().to_string(),
            "malformed certificate: Distinguished Name does not contain Common Name"
        );
    }

    #[test]
    fn reads_pem_and_der_alike_and_rejects_garbage() {
        let cert = org_cert();
        assert_eq!(
            Certificate::from_bytes(cert.to_pem().as_bytes()).unwrap(),
            cert
        );
        assert_eq!(Certificate::from_bytes(cert.to_der()).unwrap(), cert);
        assert!(matches!(
            Certificate::from_bytes(b"hello"),
            Err(MalformedCertificate::Encoding { .. })
        ));
        let mut trailing = cert.to_der().to_vec();
        trailing.push(0);
        assert!(Certificate::from_der(&trailing).is_err());
    }
}
