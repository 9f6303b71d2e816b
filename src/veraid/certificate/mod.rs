//! X.509 organisation and member certificates with the veraid-js 3.1.2 profile (VeraId digest
//! §4): the [`Certificate`] as read or issued, and its accessors.
//!
//! - `parse`: reading DER or PEM into a [`Certificate`] ([`MalformedCertificate`]);
//! - `check`: what verification asks of a certificate: validity, CA rights, who issued it
//!   ([`CertificateError`]);
//! - `issue`: issuing organisation and member certificates ([`IssueError`]);
//! - `serial`: the serial number as received ([`SerialNumber`]).
//!
//! Parsing is hand-assembled on `der`'s reader instead of `x509_cert::Certificate` because
//! veraid-js writes its 8 random serial bytes verbatim, so about 1 certificate in 512 has a
//! non-minimal INTEGER serial (`02 08 00 12 ...`) that `der` 0.8 rejects. The TBSCertificate
//! bytes are kept as received and signatures are checked over them, never over a re-encoding.

mod check;
#[cfg(test)]
pub(crate) mod fixtures;
mod issue;
mod parse;
mod serial;

pub use check::{CertificateError, verify_issued_by};
pub use issue::{
    CertificateOptions, IssueError, issue_member_certificate, issue_organisation_certificate,
};
pub use parse::MalformedCertificate;
pub use serial::SerialNumber;

use super::algorithm::{AlgorithmError, SignatureAlgorithm};
use crate::keys::RsaPublicParts;
use der::asn1::ObjectIdentifier;
use jiff::Timestamp;

const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");

/// The basicConstraints extension (RFC 5280 §4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    /// Whether the extension is marked critical.
    pub critical: bool,
    /// The cA flag (absent means false).
    pub ca: bool,
    /// pathLenConstraint, when present.
    pub path_len: Option<u32>,
}

/// A parsed certificate, with the exact DER it was read from. Cheap to clone (the parse is
/// shared).
#[derive(Clone, Debug)]
pub struct Certificate {
    fields: std::sync::Arc<Fields>,
}

#[derive(Debug)]
struct Fields {
    der: Vec<u8>,
    tbs: Vec<u8>,
    version: u8,
    serial: SerialNumber,
    issuer: Vec<u8>,
    subject: Vec<u8>,
    common_name: String,
    issuer_common_name: Option<String>,
    not_before: Timestamp,
    not_after: Timestamp,
    spki: Vec<u8>,
    basic_constraints: Option<BasicConstraints>,
    key_usage_cert_sign: Option<bool>,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    /// The subject key, parsed on first use: building an `rsa::PublicKey` precomputes its
    /// Montgomery parameters, which cost more than a verification with it.
    rsa_key: std::sync::OnceLock<Result<RsaPublicParts, CertificateError>>,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.fields.der == other.fields.der
    }
}

impl Eq for Certificate {}

impl Certificate {
    /// The certificate's DER, exactly as read or issued.
    pub fn to_der(&self) -> &[u8] {
        &self.fields.der
    }

    /// The certificate as PEM (`CERTIFICATE`, LF line endings).
    pub fn to_pem(&self) -> String {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.fields.der)
            .expect("PEM encoding of bytes cannot fail")
    }

    /// The TBSCertificate bytes as received: what the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.fields.tbs
    }

    /// The X.509 version (1, 2 or 3).
    pub fn version(&self) -> u8 {
        self.fields.version
    }

    /// The serial number.
    pub fn serial_number(&self) -> &SerialNumber {
        &self.fields.serial
    }

    /// The issuer Name, DER as received.
    pub fn issuer_der(&self) -> &[u8] {
        &self.fields.issuer
    }

    /// The subject Name, DER as received.
    pub fn subject_der(&self) -> &[u8] {
        &self.fields.subject
    }

    /// The subject's common name: the organisation domain, a user name, or `@` for a bot.
    pub fn common_name(&self) -> &str {
        &self.fields.common_name
    }

    /// The issuer's common name, when the issuer Name has a readable CN.
    pub fn issuer_common_name(&self) -> Option<&str> {
        self.fields.issuer_common_name.as_deref()
    }

    /// Start of validity (notBefore), inclusive.
    pub fn not_before(&self) -> Timestamp {
        self.fields.not_before
    }

    /// End of validity (notAfter), inclusive.
    pub fn not_after(&self) -> Timestamp {
        self.fields.not_after
    }

    /// The SubjectPublicKeyInfo DER as received.
    pub fn spki_der(&self) -> &[u8] {
        &self.fields.spki
    }

    /// The subject public key, when it is an RSA key (rsaEncryption or id-RSASSA-PSS), read
    /// once: what verification uses.
    pub fn public_key(&self) -> Result<&RsaPublicParts, CertificateError> {
        self.fields
            .rsa_key
            .get_or_init(|| {
                RsaPublicParts::from_spki_der(&self.fields.spki).map_err(|e| {
                    CertificateError::UnusableKey {
                        subject: self.fields.common_name.clone(),
                        detail: e.to_string(),
                    }
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The subject public key as the rsa crate's type (issuing and signing compare keys so).
    pub fn rsa_public_key(&self) -> Result<rsa::PublicKey, CertificateError> {
        self.public_key()?
            .to_rsa()
            .map_err(|e| CertificateError::UnusableKey {
                subject: self.fields.common_name.clone(),
                detail: e.to_string(),
            })
    }

    /// The basicConstraints extension, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.fields.basic_constraints
    }

    /// Whether a keyUsage extension is present and, if so, whether it allows keyCertSign.
    pub fn key_usage_allows_cert_sign(&self) -> Option<bool> {
        self.fields.key_usage_cert_sign
    }

    /// The subjectKeyIdentifier (SHA-256 of the SPKI in VeraId), if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.fields.subject_key_id.as_deref()
    }

    /// The authorityKeyIdentifier keyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.fields.authority_key_id.as_deref()
    }

    /// The outer signature algorithm, if kliento can verify it.
    pub fn signature_algorithm(&self) -> Result<SignatureAlgorithm, AlgorithmError> {
        SignatureAlgorithm::from_der(&self.fields.signature_algorithm)
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.fields.signature
    }
}
