//! Issuing certificates as veraid-js does: a self-issued organisation certificate, and member
//! certificates signed by it, with RSASSA-PSS over a TBSCertificate assembled field by field.

use super::{
    AUTHORITY_KEY_ID, BASIC_CONSTRAINTS, COMMON_NAME, Certificate, CertificateError, SUBJECT_KEY_ID,
};
use crate::keys::{self, KeyError, OrgKeyAlgorithm};
use crate::signer::{Signer as KeySigner, SignerError};
use crate::veraid::algorithm::{HashAlgorithm, SignatureAlgorithm};
use crate::veraid::asn1::{context, der_of, sequence, set, tlv};
use crate::veraid::der_time::{self, TimeError, encode_validity_time};
use crate::veraid::member::Member;
use der::Tag;
use der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use jiff::Timestamp;

/// What to put in a new certificate besides names and keys.
#[derive(Clone, Copy, Debug)]
pub struct CertificateOptions {
    /// notBefore (truncated to whole seconds).
    pub start: Timestamp,
    /// notAfter (truncated to whole seconds; for members, capped at the organisation's).
    pub expiry: Timestamp,
    /// Hash of the RSASSA-PSS signature. veraid-js uses the issuer key's configured hash,
    /// SHA-256 for keys made by its generator.
    pub hash: HashAlgorithm,
}

/// Self-issues an organisation certificate: CN = `name` verbatim (BMPString), critical
/// basicConstraints cA TRUE + pathLen 0, AKI = SKI = SHA-256 of the canonical SPKI.
pub fn issue_organisation_certificate(
    name: &str,
    key: &dyn KeySigner,
    options: &CertificateOptions,
) -> Result<Certificate, IssueError> {
    let public = key.public_key();
    OrgKeyAlgorithm::for_key(public)?;
    let subject = bmp_common_name(name);
    let spki = keys::canonical_spki_der(public);
    issue(Issue {
        issuer: &subject,
        subject: &subject,
        spki: &spki,
        issuer_spki: &spki,
        ca: true,
        start: options.start,
        expiry: options.expiry,
        key,
        hash: options.hash,
    })
}

/// Issues a member certificate signed by the organisation: CN = user name or `@`, issuer =
/// the organisation certificate's subject, critical basicConstraints with pathLen 0 only,
/// expiry capped at the organisation certificate's.
pub fn issue_member_certificate(
    member: &Member,
    member_key: &rsa::PublicKey,
    org_certificate: &Certificate,
    org_key: &dyn KeySigner,
    options: &CertificateOptions,
) -> Result<Certificate, IssueError> {
    org_certificate
        .check_is_ca()
        .map_err(IssueError::IssuerNotCa)?;
    let org_public = org_key.public_key();
    if !org_certificate.certifies(org_public)? {
        return Err(IssueError::KeyMismatch);
    }
    let org_spki = keys::canonical_spki_der(org_public);
    let subject = bmp_common_name(member.name());
    let spki = keys::canonical_spki_der(member_key);
    issue(Issue {
        issuer: org_certificate.subject_der(),
        subject: &subject,
        spki: &spki,
        issuer_spki: &org_spki,
        ca: false,
        start: options.start,
        expiry: options.expiry.min(org_certificate.not_after()),
        key: org_key,
        hash: options.hash,
    })
}

struct Issue<'a> {
    issuer: &'a [u8],
    subject: &'a [u8],
    spki: &'a [u8],
    issuer_spki: &'a [u8],
    ca: bool,
    start: Timestamp,
    expiry: Timestamp,
    key: &'a dyn KeySigner,
    hash: HashAlgorithm,
}

fn issue(request: Issue<'_>) -> Result<Certificate, IssueError> {
    let start = der_time::truncate_to_second(request.start);
    let expiry = der_time::truncate_to_second(request.expiry);
    if expiry < start {
        return Err(IssueError::EndBeforeStart { start, expiry });
    }
    let algorithm = SignatureAlgorithm::pss(request.hash).to_der();
    let validity = {
        let (tag, bytes) = encode_validity_time(start)?;
        let not_before = tlv(tag, &bytes);
        let (tag, bytes) = encode_validity_time(expiry)?;
        sequence(&[&not_before, &tlv(tag, &bytes)])
    };
    let tbs = sequence(&[
        &tlv(context(0, true), &der_of(&2u8)),
        &random_serial()?,
        &algorithm,
        request.issuer,
        &validity,
        request.subject,
        request.spki,
        &tlv(context(3, true), &extensions(&request)),
    ]);
    let signature = request.key.sign_pss(request.hash, &tbs)?;
    let bits = BitStringRef::from_bytes(&signature).expect("a signature fits in a BIT STRING");
    let der = sequence(&[&tbs, &algorithm, &der_of(&bits)]);
    Certificate::from_der(&der).map_err(|e| IssueError::Signing {
        detail: format!("issued certificate does not read back: {e}"),
    })
}

/// basicConstraints (critical), AKI, SKI, in the order veraid-js writes them (digest §4).
fn extensions(request: &Issue<'_>) -> Vec<u8> {
    let extension = |oid: ObjectIdentifier, critical: bool, value: &[u8]| {
        let octets = OctetStringRef::new(value).expect("extension values are small");
        if critical {
            sequence(&[&der_of(&oid), &der_of(&true), &der_of(&octets)])
        } else {
            sequence(&[&der_of(&oid), &der_of(&octets)])
        }
    };
    // cA is DEFAULT FALSE, so DER omits it for members; pathLen 0 is written for both.
    let basic = if request.ca {
        sequence(&[&der_of(&true), &der_of(&0u8)])
    } else {
        sequence(&[&der_of(&0u8)])
    };
    let issuer_id = HashAlgorithm::Sha256.digest(request.issuer_spki);
    let subject_id = HashAlgorithm::Sha256.digest(request.spki);
    let aki = sequence(&[&tlv(context(0, false), &issuer_id)]);
    let ski = der_of(&OctetStringRef::new(&subject_id).expect("32 bytes"));
    sequence(&[
        &extension(BASIC_CONSTRAINTS, true, &basic),
        &extension(AUTHORITY_KEY_ID, false, &aki),
        &extension(SUBJECT_KEY_ID, false, &ski),
    ])
}

/// A positive random 64-bit serial in minimal DER (veraid-js writes its 8 bytes verbatim,
/// which is occasionally non-minimal; digest §4 recommends minimal).
fn random_serial() -> Result<Vec<u8>, IssueError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| IssueError::Signing {
        detail: format!("random source: {e}"),
    })?;
    bytes[0] &= 0x7f;
    Ok(der_of(&UintRef::new(&bytes).expect("8 bytes")))
}

/// A Name with exactly one RDN holding a BMPString CN (UTF-16BE), as veraid-js writes it.
fn bmp_common_name(name: &str) -> Vec<u8> {
    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let atv = sequence(&[&der_of(&COMMON_NAME), &tlv(Tag::BmpString, &utf16)]);
    sequence(&[&set(&[&atv])])
}

/// Why a certificate could not be issued.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueError {
    /// Expiry before start (equal is allowed, as in veraid-js).
    #[error("the expiry {expiry} is before the start {start}")]
    EndBeforeStart {
        /// notBefore.
        start: Timestamp,
        /// notAfter (after capping at the organisation's expiry for members).
        expiry: Timestamp,
    },
    /// The key is unusable (wrong size for an organisation...).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The organisation certificate cannot issue member certificates.
    #[error("the organisation certificate cannot issue certificates: {0}")]
    IssuerNotCa(CertificateError),
    /// The organisation certificate's key is unusable.
    #[error(transparent)]
    IssuerKey(#[from] CertificateError),
    /// The organisation key is not the one in the organisation certificate.
    #[error("the organisation key does not match the organisation certificate's public key")]
    KeyMismatch,
    /// A validity time X.509 cannot carry.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// The key could not sign.
    #[error("cannot sign the certificate: {0}")]
    Signer(#[from] SignerError),
    /// Randomness failed, or the result does not read back.
    #[error("cannot sign the certificate: {detail}")]
    Signing {
        /// Why.
        detail: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::asn1::hex;
    use crate::veraid::certificate::BasicConstraints;
    use crate::veraid::certificate::fixtures::{
        elements, member_cert, options, org_cert, test_keys,
    };
    use crate::veraid::testing::{contains, ts, unhex};

    #[test]
    fn organisation_subject_is_one_bmpstring_common_name() {
        let cert = org_cert();
        // SEQUENCE { SET { SEQUENCE { 2.5.4.3, BMPString "example.com" } } }
        let expected = unhex(
            "30 21 31 1f 30 1d 06 03 55 04 03 1e 16
             00 65 00 78 00 61 00 6d 00 70 00 6c 00 65 00 2e 00 63 00 6f 00 6d",
        );
        assert_eq!(cert.subject_der(), expected);
        assert_eq!(cert.issuer_der(), expected, "self-issued");
        assert_eq!(cert.common_name(), "example.com");
        assert_eq!(cert.version(), 3);
    }

    #[test]
    fn organisation_extensions_follow_veraid_order_criticality_and_values() {
        let cert = org_cert();
        let spki = keys::canonical_spki_der(&test_keys()[0].to_public_key());
        let id = HashAlgorithm::Sha256.digest(&spki);
        let mut expected = unhex("a3 6e 30 6c");
        expected.extend(unhex(
            "30 12 06 03 55 1d 13 01 01 ff 04 08 30 06 01 01 ff 02 01 00",
        ));
        expected.extend(unhex("30 2b 06 03 55 1d 23 04 24 30 22 80 20"));
        expected.extend(&id);
        expected.extend(unhex("30 29 06 03 55 1d 0e 04 22 04 20"));
        expected.extend(&id);
        assert!(cert.tbs_der().ends_with(&expected));
        assert_eq!(
            cert.basic_constraints(),
            Some(BasicConstraints {
                critical: true,
                ca: true,
                path_len: Some(0)
            })
        );
        assert_eq!(cert.subject_key_id(), Some(id.as_slice()));
        assert_eq!(cert.authority_key_id(), Some(id.as_slice()));
    }

    #[test]
    fn member_basic_constraints_carry_path_len_zero_without_ca() {
        let cert = member_cert(&Member::from_name("alice").unwrap());
        let expected = unhex("30 0f 06 03 55 1d 13 01 01 ff 04 05 30 03 02 01 00");
        assert!(contains(cert.tbs_der(), &expected));
        assert_eq!(
            cert.basic_constraints(),
            Some(BasicConstraints {
                critical: true,
                ca: false,
                path_len: Some(0)
            })
        );
    }

    #[test]
    fn member_key_identifiers_are_sha256_of_canonical_spkis() {
        let cert = member_cert(&Member::from_name("alice").unwrap());
        let member_spki = keys::canonical_spki_der(&test_keys()[1].to_public_key());
        assert_eq!(cert.spki_der(), member_spki);
        assert_eq!(
            cert.subject_key_id().unwrap(),
            HashAlgorithm::Sha256.digest(&member_spki)
        );
        assert_eq!(cert.authority_key_id(), org_cert().subject_key_id());
        assert_eq!(cert.issuer_der(), org_cert().subject_der());
        assert_eq!(cert.issuer_common_name(), Some("example.com"));
    }

    #[test]
    fn signature_algorithm_is_pss_with_pkijs_parameters_in_tbs_and_outer() {
        let cert = org_cert();
        let pss = unhex(
            "30 41 06 09 2a 86 48 86 f7 0d 01 01 0a 30 34 a0 0f 30 0d 06 09 60 86 48 01 65 03 04
             02 01 05 00 a1 1c 30 1a 06 09 2a 86 48 86 f7 0d 01 01 08 30 0d 06 09 60 86 48 01 65
             03 04 02 01 05 00 a2 03 02 01 20",
        );
        assert_eq!(elements(cert.tbs_der())[2], pss);
        assert_eq!(elements(cert.to_der())[1], pss);
        assert_eq!(
            cert.signature_algorithm().unwrap(),
            SignatureAlgorithm::pss(HashAlgorithm::Sha256)
        );
    }

    #[test]
    fn serial_is_positive_and_minimal() {
        for _ in 0..20 {
            let cert = org_cert();
            let serial = elements(cert.tbs_der())[1].clone();
            assert_eq!(serial[0], 0x02);
            let content = &serial[2..];
            assert!(content.len() <= 9 && !content.is_empty());
            assert!(content[0] < 0x80, "negative serial {}", hex(content));
            if content.len() > 1 {
                assert!(
                    !(content[0] == 0 && content[1] < 0x80),
                    "non-minimal serial {}",
                    hex(content)
                );
            }
        }
    }

    #[test]
    fn validity_is_truncated_to_whole_seconds() {
        let cert = issue_organisation_certificate(
            "example.com",
            &test_keys()[0],
            &options("2026-01-01T00:00:00.999Z", "2026-02-01T00:00:00.5Z"),
        )
        .unwrap();
        assert_eq!(cert.not_before(), ts("2026-01-01T00:00:00Z"));
        assert_eq!(cert.not_after(), ts("2026-02-01T00:00:00Z"));
        let validity = elements(cert.tbs_der())[4].clone();
        assert_eq!(
            validity,
            [
                &unhex("30 1e 17 0d")[..],
                b"260101000000Z",
                &[0x17, 0x0d],
                b"260201000000Z"
            ]
            .concat()
        );
    }

    #[test]
    fn validity_from_2050_is_generalized_time() {
        let cert = issue_organisation_certificate(
            "example.com",
            &test_keys()[0],
            &options("2049-06-01T00:00:00Z", "2060-01-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(cert.not_after(), ts("2060-01-01T00:00:00Z"));
        let validity = elements(cert.tbs_der())[4].clone();
        assert!(validity.ends_with(&[&[0x18, 0x0f][..], b"20600101000000Z"].concat()));
    }

    #[test]
    fn member_expiry_is_capped_at_the_organisation_expiry() {
        let cert = issue_member_certificate(
            &Member::Bot,
            &test_keys()[1].to_public_key(),
            &org_cert(),
            &test_keys()[0],
            &options("2026-06-01T00:00:00Z", "2030-01-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(cert.not_after(), ts("2027-01-01T00:00:00Z"));
    }

    #[test]
    fn bot_common_name_is_at_sign_in_bmpstring() {
        let cert = member_cert(&Member::Bot);
        assert!(
            cert.subject_der()
                .ends_with(&unhex("06 03 55 04 03 1e 02 00 40"))
        );
        assert_eq!(cert.common_name(), "@");
    }

    #[test]
    fn refuses_expiry_before_start() {
        let error = issue_organisation_certificate(
            "example.com",
            &test_keys()[0],
            &options("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the expiry 2026-01-01T00:00:00Z is before the start 2026-01-02T00:00:00Z"
        );
        // Capping at the organisation's expiry can also put the end before the start.
        let error = issue_member_certificate(
            &Member::Bot,
            &test_keys()[1].to_public_key(),
            &org_cert(),
            &test_keys()[0],
            &options("2027-06-01T00:00:00Z", "2027-07-01T00:00:00Z"),
        )
        .unwrap_err();
        assert!(matches!(error, IssueError::EndBeforeStart { .. }));
    }

    #[test]
    fn refuses_member_certificate_from_non_ca_or_wrong_key() {
        let member = member_cert(&Member::Bot);
        let error = issue_member_certificate(
            &Member::Bot,
            &test_keys()[2].to_public_key(),
            &member,
            &test_keys()[1],
            &options("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the organisation certificate cannot issue certificates: certificate for @ is not a \
             CA: basicConstraints cA is FALSE"
        );
        let error = issue_member_certificate(
            &Member::Bot,
            &test_keys()[2].to_public_key(),
            &org_cert(),
            &test_keys()[1],
            &options("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(error, IssueError::KeyMismatch);
    }

    #[test]
    fn refuses_organisation_key_of_unsupported_size() {
        let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
        let error = issue_organisation_certificate(
            "example.com",
            &key,
            &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(
            error,
            IssueError::Key(KeyError::UnsupportedSize { bits: 1024 })
        );
    }
}
