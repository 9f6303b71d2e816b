//! The VeraId signature bundle container (VeraId digest §8.2), decoded down to its four parts.
//!
//! ```text
//! SignatureBundle ::= SEQUENCE {
//!     version                  [0] IMPLICIT INTEGER,           -- must be 0
//!     dnssecChain              [1] IMPLICIT SET OF OCTET STRING,
//!     organisationCertificate  [2] IMPLICIT Certificate,
//!     signature                [3] IMPLICIT ContentInfo }
//! ```
//!
//! This module reads the outer structure only and keeps each part's bytes untouched; the
//! certificate and the CMS signature are parsed by the modules that check them.

use super::asn1::context;
use der::asn1::{Any, AnyRef};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};

/// The only bundle version VeraId defines.
const VERSION: u8 = 0;

/// A signature bundle split into its parts, each kept as received.
#[derive(Clone, PartialEq, Eq)]
pub struct SignatureBundle {
    /// The DNS response messages of the DNSSEC chain, in wire format, in the order received.
    pub dnssec_chain: Vec<Vec<u8>>,
    /// The organisation certificate as DER: the received bytes with the implicit `[2]` tag
    /// replaced by the universal SEQUENCE tag it stands for (content bytes unchanged).
    pub organisation_certificate: Vec<u8>,
    /// The CMS `ContentInfo` as DER: the received bytes with the implicit `[3]` tag replaced by
    /// the universal SEQUENCE tag (content bytes unchanged).
    pub signature: Vec<u8>,
}

/// Debug output never shows the bundle's bytes (a bundle is a bearer credential), only sizes.
impl std::fmt::Debug for SignatureBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureBundle")
            .field("dnssec_chain_messages", &self.dnssec_chain.len())
            .field(
                "organisation_certificate_bytes",
                &self.organisation_certificate.len(),
            )
            .field("signature_bytes", &self.signature.len())
            .finish()
    }
}

/// Why bytes are not a signature bundle.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleError {
    /// The bytes are not DER, or the structure ends early or carries trailing data.
    #[error("not a DER-encoded signature bundle: {0}")]
    Der(der::Error),
    /// A field has the wrong tag (or is missing).
    #[error("signature bundle field {field} should have tag {expected}, found {found}")]
    UnexpectedTag {
        /// The field being read.
        field: &'static str,
        /// The tag the schema requires.
        expected: Tag,
        /// The tag found.
        found: Tag,
    },
    /// A field is missing at the end of the bundle.
    #[error("signature bundle ends before its {field} field")]
    MissingField {
        /// The first absent field.
        field: &'static str,
    },
    /// Fields follow the signature.
    #[error("signature bundle has data after its signature field")]
    TrailingFields,
    /// The version is not 0.
    #[error("unsupported signature bundle version {version} (only 0 exists)")]
    UnsupportedVersion {
        /// The version found.
        version: u64,
    },
}

impl From<der::Error> for BundleError {
    fn from(e: der::Error) -> Self {
        BundleError::Der(e)
    }
}

impl SignatureBundle {
    /// Decodes a DER signature bundle, checking the outer structure and the version only.
    pub fn decode(bytes: &[u8]) -> Result<Self, BundleError> {
        let outer = AnyRef::from_der(bytes)?;
        expect_tag("SignatureBundle", Tag::Sequence, outer.tag())?;
        let mut reader = SliceReader::new(outer.value())?;

        let version = next_field(&mut reader, "version", context(0, false))?;
        // IMPLICIT: the content is an INTEGER's, under the context tag.
        let version = AnyRef::new(Tag::Integer, version.value())?.decode_as::<u64>()?;
        if version != u64::from(VERSION) {
            return Err(BundleError::UnsupportedVersion { version });
        }

        let chain = next_field(&mut reader, "dnssecChain", context(1, true))?;
        let mut messages = SliceReader::new(chain.value())?;
        let mut dnssec_chain = Vec::new();
        while !messages.is_finished() {
            let message = AnyRef::decode(&mut messages)?;
            expect_tag("dnssecChain item", Tag::OctetString, message.tag())?;
            dnssec_chain.push(message.value().to_vec());
        }

        let certificate = next_field(&mut reader, "organisationCertificate", context(2, true))?;
        let signature = next_field(&mut reader, "signature", context(3, true))?;
        if !reader.is_finished() {
            return Err(BundleError::TrailingFields);
        }
        Ok(Self {
            dnssec_chain,
            organisation_certificate: as_sequence(certificate)?,
            signature: as_sequence(signature)?,
        })
    }
}

impl SignatureBundle {
    /// Encodes a bundle from its parts: chain messages in the order given (veraid-js does not
    /// sort them), the organisation certificate's and the ContentInfo's DER, each re-tagged with
    /// its IMPLICIT context tag.
    pub fn encode(
        dnssec_chain: &[Vec<u8>],
        organisation_certificate: &[u8],
        signature: &[u8],
    ) -> Result<Vec<u8>, BundleError> {
        let mut chain = Vec::new();
        for message in dnssec_chain {
            Any::new(Tag::OctetString, message.as_slice())?.encode_to_vec(&mut chain)?;
        }
        let mut fields = Vec::new();
        Any::new(context(0, false), [VERSION])?.encode_to_vec(&mut fields)?;
        Any::new(context(1, true), chain)?.encode_to_vec(&mut fields)?;
        for (number, der) in [(2, organisation_certificate), (3, signature)] {
            let sequence = AnyRef::from_der(der)?;
            expect_tag("bundle part", Tag::Sequence, sequence.tag())?;
            Any::new(context(number, true), sequence.value())?.encode_to_vec(&mut fields)?;
        }
        Ok(Any::new(Tag::Sequence, fields)?.to_der()?)
    }
}

fn expect_tag(field: &'static str, expected: Tag, found: Tag) -> Result<(), BundleError> {
    if expected == found {
        Ok(())
    } else {
        Err(BundleError::UnexpectedTag {
            field,
            expected,
            found,
        })
    }
}

fn next_field<'a>(
    reader: &mut SliceReader<'a>,
    field: &'static str,
    expected: Tag,
) -> Result<AnyRef<'a>, BundleError> {
    if reader.is_finished() {
        return Err(BundleError::MissingField { field });
    }
    let value = AnyRef::decode(reader)?;
    expect_tag(field, expected, value.tag())?;
    Ok(value)
}

/// Re-tags an IMPLICIT field as the SEQUENCE it replaces, so standard decoders can read it.
fn as_sequence(field: AnyRef<'_>) -> Result<Vec<u8>, BundleError> {
    Ok(Any::new(Tag::Sequence, field.value())?.to_der()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a TLV with a short or long definite length.
    fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = value.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            out.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        out.extend_from_slice(value);
        out
    }

    fn bundle(fields: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &fields.concat())
    }

    fn version(v: u8) -> Vec<u8> {
        tlv(0x80, &[v])
    }

    fn chain() -> Vec<u8> {
        tlv(
            0xA1,
            &[tlv(0x04, b"message one"), tlv(0x04, b"two")].concat(),
        )
    }

    fn certificate() -> Vec<u8> {
        tlv(0xA2, &tlv(0x30, b"tbs"))
    }

    fn signature() -> Vec<u8> {
        tlv(0xA3, &tlv(0x06, &[0x2A, 0x03]))
    }

    #[test]
    fn decodes_each_part_with_universal_tags_restored() {
        let decoded =
            SignatureBundle::decode(&bundle(&[version(0), chain(), certificate(), signature()]))
                .unwrap();
        assert_eq!(
            decoded.dnssec_chain,
            vec![b"message one".to_vec(), b"two".to_vec()]
        );
        assert_eq!(
            decoded.organisation_certificate,
            tlv(0x30, &tlv(0x30, b"tbs"))
        );
        assert_eq!(decoded.signature, tlv(0x30, &tlv(0x06, &[0x2A, 0x03])));
    }

    #[test]
    fn encodes_what_it_decodes_byte_for_byte() {
        let bytes = bundle(&[version(0), chain(), certificate(), signature()]);
        let decoded = SignatureBundle::decode(&bytes).unwrap();
        let encoded = SignatureBundle::encode(
            &decoded.dnssec_chain,
            &decoded.organisation_certificate,
            &decoded.signature,
        )
        .unwrap();
        assert_eq!(encoded, bytes);
    }

    #[test]
    fn rejects_version_other_than_zero() {
        let bytes = bundle(&[version(1), chain(), certificate(), signature()]);
        assert_eq!(
            SignatureBundle::decode(&bytes),
            Err(BundleError::UnsupportedVersion { version: 1 })
        );
    }

    #[test]
    fn rejects_missing_signature() {
        let bytes = bundle(&[version(0), chain(), certificate()]);
        assert_eq!(
            SignatureBundle::decode(&bytes),
            Err(BundleError::MissingField { field: "signature" })
        );
    }

    #[test]
    fn rejects_fields_after_signature() {
        let bytes = bundle(&[version(0), chain(), certificate(), signature(), version(0)]);
        assert_eq!(
            SignatureBundle::decode(&bytes),
            Err(BundleError::TrailingFields)
        );
    }

    #[test]
    fn rejects_explicit_instead_of_implicit_certificate_tag() {
        // [2] must replace the Certificate's SEQUENCE tag, so a primitive [2] is wrong.
        let bytes = bundle(&[version(0), chain(), tlv(0x82, b"x"), signature()]);
        let error = SignatureBundle::decode(&bytes).unwrap_err();
        assert!(
            matches!(
                error,
                BundleError::UnexpectedTag {
                    field: "organisationCertificate",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn rejects_chain_item_that_is_not_an_octet_string() {
        let bad_chain = tlv(0xA1, &tlv(0x0C, b"utf8"));
        let bytes = bundle(&[version(0), bad_chain, certificate(), signature()]);
        let error = SignatureBundle::decode(&bytes).unwrap_err();
        assert!(
            matches!(
                error,
                BundleError::UnexpectedTag {
                    field: "dnssecChain item",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn rejects_trailing_bytes_after_bundle() {
        let mut bytes = bundle(&[version(0), chain(), certificate(), signature()]);
        bytes.push(0);
        assert!(matches!(
            SignatureBundle::decode(&bytes),
            Err(BundleError::Der(_))
        ));
    }

    #[test]
    fn rejects_text_that_is_not_der() {
        assert!(matches!(
            SignatureBundle::decode(b"<html>oops</html>"),
            Err(BundleError::Der(_))
        ));
    }

    #[test]
    fn debug_output_shows_sizes_not_bytes() {
        let decoded =
            SignatureBundle::decode(&bundle(&[version(0), chain(), certificate(), signature()]))
                .unwrap();
        assert_eq!(
            format!("{decoded:?}"),
            "SignatureBundle { dnssec_chain_messages: 2, organisation_certificate_bytes: 7, \
             signature_bytes: 6 }"
        );
    }
}
