//! Producing a VeraId SignedData: the signed attributes in veraid-js's order, signed with
//! RSASSA-PSS, and the SignerInfo and ContentInfo around them.

use super::{
    ATTRIBUTION, CONTENT_TYPE, DATA, MESSAGE_DIGEST, METADATA, SIGNED_DATA, SignatureMetadata,
};
use crate::signer::{Signer as KeySigner, SignerError};
use crate::veraid::algorithm::{HashAlgorithm, SignatureAlgorithm};
use crate::veraid::asn1::{context, der_of, sequence, set, tlv};
use crate::veraid::certificate::Certificate;
use crate::veraid::der_time::{self, TimeError};
use crate::veraid::member::Member;
use der::Tag;
use der::asn1::{AnyRef, ObjectIdentifier};
use jiff::Timestamp;
use spki::AlgorithmIdentifierRef;

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
    key: &dyn KeySigner,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let start = der_time::truncate_to_second(metadata.start);
    let end = der_time::truncate_to_second(metadata.end);
    if end < start {
        return Err(SignError::StartAfterEnd { start, end });
    }
    let certificate = signer.certificate();
    let certified =
        certificate
            .certifies(key.public_key())
            .map_err(|e| SignError::Certificate {
                detail: e.to_string(),
            })?;
    if !certified {
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
pub(super) fn assemble(
    attributes: &[u8],
    plaintext: &[u8],
    signer: Signer<'_>,
    certificates: &[u8],
    key: &dyn KeySigner,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let certificate = signer.certificate();
    // RFC 5652 §5.4: the signature covers the attributes with an explicit SET OF tag.
    let signature = key.sign_pss(options.signature_hash, &tlv(Tag::Set, attributes))?;

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

pub(super) fn attribute(oid: ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    sequence(&[&der_of(&oid), &set(&[value])])
}

pub(super) fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(Tag::OctetString, bytes)
}

/// `AlgorithmIdentifier { sha256, NULL }`, the form pkijs writes.
pub(super) fn sha256_identifier() -> Vec<u8> {
    der_of(&AlgorithmIdentifierRef {
        oid: HashAlgorithm::Sha256.oid(),
        parameters: Some(AnyRef::NULL),
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
    /// The key could not sign.
    #[error("cannot sign: {0}")]
    Signer(#[from] SignerError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::certificate::fixtures::test_keys;
    use crate::veraid::signature::fixtures::*;
    use crate::veraid::signature::{ATTRIBUTION_ATTRIBUTE, METADATA_ATTRIBUTE, SignedData};
    use crate::veraid::testing::{contains, ts, unhex};

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
}
