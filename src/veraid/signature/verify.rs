//! Verifying a SignedData as veraid-js (pkijs) does, in its order, over the signed attributes
//! as received.

use super::{
    CONTENT_TYPE, MESSAGE_DIGEST, MalformedSignature, SignatureMetadata, SignedData,
    SignerIdentifier,
};
use crate::veraid::algorithm::{AlgorithmError, HashAlgorithm};
use crate::veraid::asn1::hex;
use crate::veraid::certificate::Certificate;
use crate::veraid::member::{Member, UserNameError};
use der::Decode;
use der::asn1::OctetStringRef;

impl SignedData {
    /// Verifies the signature as veraid-js (pkijs) does (digest §7.4), in its order: attribution,
    /// member signer certificate among the attached ones, plaintext rules, organisation
    /// signer certificate (signer ids are IssuerAndSerialNumber), contentType present,
    /// messageDigest, the signature over the signed attributes as received (re-tagged as SET),
    /// and finally the metadata attribute.
    ///
    /// It does not check the member certificate's chain, validity or the metadata's period:
    /// callers do that with [`crate::veraid::certificate::verify_issued_by`] and the returned
    /// values.
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
                self.certificates()
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
        let key = signer.public_key().map_err(|e| SignatureError::SignerKey {
            detail: e.to_string(),
        })?;
        let mut signed = signed_attributes.clone();
        signed[0] = 0x31; // RFC 5652 §5.4: [0] IMPLICIT becomes an explicit SET OF tag.
        algorithm
            .verify(key, &signed, &signer_info.signature)
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
    use crate::veraid::algorithm::{SignatureAlgorithm, pss_sign};
    use crate::veraid::asn1::{context, der_of, sequence, set, tlv};
    use crate::veraid::certificate::fixtures::{member_cert, org_cert, resigned, test_keys};
    use crate::veraid::signature::fixtures::*;
    use crate::veraid::signature::sign::{assemble, attribute, octets, sha256_identifier};
    use crate::veraid::signature::{ATTRIBUTION, DATA, SIGNED_DATA, SignOptions, Signer, sign};
    use crate::veraid::testing::{contains, unhex};

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
