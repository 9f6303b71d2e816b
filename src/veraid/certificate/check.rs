//! The checks verification makes of a certificate, as pkijs makes them: validity at an instant,
//! the right to issue certificates, the organisation's signature algorithm, and that one
//! certificate issued another; and the check issuing and signing make of their private key.

use super::Certificate;
use crate::keys;
use crate::veraid::algorithm::SignatureAlgorithm;
use crate::veraid::asn1::hex;
use jiff::Timestamp;

impl Certificate {
    /// Whether the certificate is valid at `at` (bounds inclusive, as pkijs checks them).
    pub fn check_validity_at(&self, at: Timestamp) -> Result<(), CertificateError> {
        if at < self.fields.not_before {
            return Err(CertificateError::NotYetValid {
                subject: self.fields.common_name.clone(),
                at,
                not_before: self.fields.not_before,
            });
        }
        if at > self.fields.not_after {
            return Err(CertificateError::Expired {
                subject: self.fields.common_name.clone(),
                at,
                not_after: self.fields.not_after,
            });
        }
        Ok(())
    }

    /// Checks the certificate may issue others, as pkijs checks every non-leaf certificate:
    /// basicConstraints with cA TRUE, and keyCertSign if a keyUsage extension is present.
    pub fn check_is_ca(&self) -> Result<(), CertificateError> {
        let subject = self.fields.common_name.clone();
        match self.fields.basic_constraints {
            None => Err(CertificateError::NotCa {
                subject,
                reason: "the basicConstraints extension is missing",
            }),
            Some(bc) if !bc.ca => Err(CertificateError::NotCa {
                subject,
                reason: "basicConstraints cA is FALSE",
            }),
            _ if self.fields.key_usage_cert_sign == Some(false) => Err(CertificateError::NotCa {
                subject,
                reason: "keyUsage does not include keyCertSign",
            }),
            _ => Ok(()),
        }
    }

    /// Checks the organisation certificate is signed with RSASSA-PSS: veraid-js imports the
    /// organisation key with the certificate's own signature algorithm and accepts only PSS
    /// (digest §3).
    pub fn check_rsa_pss_signed(&self) -> Result<(), CertificateError> {
        match self.signature_algorithm() {
            Ok(SignatureAlgorithm::RsaPss { .. }) => Ok(()),
            Ok(other) => Err(CertificateError::NotRsaPss {
                got: other.webcrypto_name().to_string(),
            }),
            Err(e) => Err(CertificateError::NotRsaPss { got: e.to_string() }),
        }
    }

    /// Whether `key` is the certificate's public key (compared as canonical
    /// SubjectPublicKeyInfo, whatever form the certificate carries it in): what issuing and
    /// signing check of the private key they are given.
    pub(crate) fn certifies(&self, key: &rsa::PublicKey) -> Result<bool, CertificateError> {
        let certified = self.rsa_public_key()?;
        Ok(keys::canonical_spki_der(&certified) == keys::canonical_spki_der(key))
    }
}

/// Verifies that `issuer` issued `child`: the issuer lookup pkijs performs (AKI keyIdentifier
/// against SKI when both exist, otherwise issuer Name against subject Name), then the signature
/// over the TBSCertificate bytes as received, with the child's signature algorithm.
pub fn verify_issued_by(child: &Certificate, issuer: &Certificate) -> Result<(), CertificateError> {
    match (child.authority_key_id(), issuer.subject_key_id()) {
        (Some(aki), Some(ski)) => {
            if aki != ski {
                return Err(CertificateError::IssuerMismatch {
                    field: "authority key identifier",
                    expected: hex(ski),
                    actual: hex(aki),
                });
            }
        }
        _ => {
            if child.issuer_der() != issuer.subject_der() {
                return Err(CertificateError::IssuerMismatch {
                    field: "issuer name",
                    expected: hex(issuer.subject_der()),
                    actual: hex(child.issuer_der()),
                });
            }
        }
    }
    let algorithm =
        child
            .signature_algorithm()
            .map_err(|e| CertificateError::UnsupportedAlgorithm {
                subject: child.fields.common_name.clone(),
                detail: e.to_string(),
            })?;
    let key = issuer.public_key()?;
    algorithm
        .verify(key, child.tbs_der(), child.signature())
        .map_err(|_| CertificateError::BadSignature {
            subject: child.fields.common_name.clone(),
            issuer: issuer.fields.common_name.clone(),
            algorithm: algorithm.to_string(),
        })
}

/// A parsed certificate that fails a check.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateError {
    /// The child does not name this issuer.
    #[error("certificate was not issued by this issuer: {field} is {actual}, expected {expected}")]
    IssuerMismatch {
        /// "authority key identifier" or "issuer name".
        field: &'static str,
        /// The issuer's SKI or subject (hex).
        expected: String,
        /// The child's AKI or issuer (hex).
        actual: String,
    },
    /// The signature algorithm cannot be verified.
    #[error("certificate for {subject}: {detail}")]
    UnsupportedAlgorithm {
        /// The certificate's CN.
        subject: String,
        /// Why.
        detail: String,
    },
    /// The signature does not verify.
    #[error("certificate for {subject} has an invalid {algorithm} signature from {issuer}")]
    BadSignature {
        /// The child's CN.
        subject: String,
        /// The issuer's CN.
        issuer: String,
        /// The algorithm used.
        algorithm: String,
    },
    /// The certificate's key is not an RSA key kliento can use.
    #[error("certificate for {subject} has an unusable public key: {detail}")]
    UnusableKey {
        /// The certificate's CN.
        subject: String,
        /// Why.
        detail: String,
    },
    /// Checked before notBefore.
    #[error("certificate for {subject} is not yet valid at {at}: it starts at {not_before}")]
    NotYetValid {
        /// The certificate's CN.
        subject: String,
        /// The time checked.
        at: Timestamp,
        /// Its start.
        not_before: Timestamp,
    },
    /// Checked after notAfter.
    #[error("certificate for {subject} expired at {not_after} (checked at {at})")]
    Expired {
        /// The certificate's CN.
        subject: String,
        /// The time checked.
        at: Timestamp,
        /// Its end.
        not_after: Timestamp,
    },
    /// The certificate may not issue certificates.
    #[error("certificate for {subject} is not a CA: {reason}")]
    NotCa {
        /// The certificate's CN.
        subject: String,
        /// Which rule failed.
        reason: &'static str,
    },
    /// An organisation certificate not signed with RSASSA-PSS (veraid-js's message).
    #[error("Only RSA-PSS keys are supported (got {got})")]
    NotRsaPss {
        /// The algorithm found.
        got: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::algorithm::{HashAlgorithm, pss_sign};
    use crate::veraid::asn1::{der_of, sequence};
    use crate::veraid::certificate::fixtures::{
        elements, member_cert, options, org_cert, resigned, test_keys,
    };
    use crate::veraid::certificate::issue_organisation_certificate;
    use crate::veraid::member::Member;
    use crate::veraid::testing::ts;
    use der::asn1::BitStringRef;

    #[test]
    fn verifies_member_issued_by_organisation_and_org_by_itself() {
        let org = org_cert();
        verify_issued_by(&member_cert(&Member::Bot), &org).unwrap();
        verify_issued_by(&org, &org).unwrap();
        org.check_is_ca().unwrap();
        org.check_rsa_pss_signed().unwrap();
    }

    #[test]
    fn detects_tampered_certificate() {
        let member = member_cert(&Member::from_name("alice").unwrap());
        let mut der = member.to_der().to_vec();
        // Flip a byte inside the member's SPKI (within the TBS).
        let at = der
            .windows(member.spki_der().len())
            .position(|w| w == member.spki_der());
        der[at.unwrap() + 40] ^= 1;
        let tampered = Certificate::from_der(&der).unwrap();
        assert_eq!(
            verify_issued_by(&tampered, &org_cert())
                .unwrap_err()
                .to_string(),
            "certificate for alice has an invalid RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) \
             signature from example.com"
        );
    }

    #[test]
    fn rejects_certificate_from_another_issuer() {
        let other = issue_organisation_certificate(
            "example.com",
            &test_keys()[2],
            &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap();
        let error = verify_issued_by(&member_cert(&Member::Bot), &other).unwrap_err();
        assert!(matches!(
            error,
            CertificateError::IssuerMismatch {
                field: "authority key identifier",
                ..
            }
        ));
        assert!(
            error.to_string().starts_with(
                "certificate was not issued by this issuer: authority key identifier is"
            )
        );
    }

    #[test]
    fn falls_back_to_names_without_key_identifiers() {
        let org = org_cert();
        let member = member_cert(&Member::Bot);
        // Drop the extensions (element 7): no AKI, so the issuer name decides.
        let mut parts = elements(member.tbs_der());
        parts.truncate(7);
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let tbs = sequence(&refs);
        let signature = pss_sign(&test_keys()[0], HashAlgorithm::Sha256, &tbs).unwrap();
        let bits = BitStringRef::from_bytes(&signature).unwrap();
        let alg = SignatureAlgorithm::pss(HashAlgorithm::Sha256).to_der();
        let bare = Certificate::from_der(&sequence(&[&tbs, &alg, &der_of(&bits)])).unwrap();
        verify_issued_by(&bare, &org).unwrap();
        let other_name = issue_organisation_certificate(
            "example.net",
            &test_keys()[0],
            &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap();
        let error = verify_issued_by(&bare, &other_name).unwrap_err();
        assert!(matches!(
            error,
            CertificateError::IssuerMismatch {
                field: "issuer name",
                ..
            }
        ));
    }

    #[test]
    fn verifies_pkcs1v15_member_but_flags_pkcs1v15_organisation() {
        let org = org_cert();
        let member = member_cert(&Member::Bot);
        let pkcs1 = SignatureAlgorithm::RsaPkcs1v15 {
            hash: HashAlgorithm::Sha256,
        };
        let member_pkcs1 =
            Certificate::from_der(&resigned(&member, &[], &test_keys()[0], pkcs1.clone())).unwrap();
        verify_issued_by(&member_pkcs1, &org).unwrap();
        let org_pkcs1 =
            Certificate::from_der(&resigned(&org, &[], &test_keys()[0], pkcs1)).unwrap();
        verify_issued_by(&org_pkcs1, &org_pkcs1).unwrap();
        assert_eq!(
            org_pkcs1.check_rsa_pss_signed().unwrap_err().to_string(),
            "Only RSA-PSS keys are supported (got RSASSA-PKCS1-v1_5)"
        );
    }

    #[test]
    fn checks_validity_bounds_inclusively() {
        let cert = org_cert();
        cert.check_validity_at(ts("2026-01-01T00:00:00Z")).unwrap();
        cert.check_validity_at(ts("2027-01-01T00:00:00Z")).unwrap();
        assert_eq!(
            cert.check_validity_at(ts("2025-12-31T23:59:59.999Z"))
                .unwrap_err()
                .to_string(),
            "certificate for example.com is not yet valid at 2025-12-31T23:59:59.999Z: it starts \
             at 2026-01-01T00:00:00Z"
        );
        assert_eq!(
            cert.check_validity_at(ts("2027-01-01T00:00:00.001Z"))
                .unwrap_err()
                .to_string(),
            "certificate for example.com expired at 2027-01-01T00:00:00Z (checked at \
             2027-01-01T00:00:00.001Z)"
        );
    }

    #[test]
    fn no_single_byte_change_panics_or_alters_what_verifies() {
        let org = org_cert();
        let member = member_cert(&Member::from_name("alice").unwrap());
        let der = member.to_der();
        for at in 0..der.len() {
            let mut tampered = der.to_vec();
            tampered[at] ^= 0x01;
            if let Ok(cert) = Certificate::from_der(&tampered)
                && verify_issued_by(&cert, &org).is_ok()
            {
                // Only the unsigned outer AlgorithmIdentifier may change (e.g. NULL hash
                // parameters written another way), never what was signed.
                assert_eq!(cert.tbs_der(), member.tbs_der(), "byte {at}");
            }
        }
        for len in 0..der.len() {
            assert!(Certificate::from_der(&der[..len]).is_err());
        }
    }
}
