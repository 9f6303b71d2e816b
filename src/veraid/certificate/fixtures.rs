//! Keys and certificates shared by the certificate and signature tests.

use super::{
    Certificate, CertificateOptions, issue_member_certificate, issue_organisation_certificate,
};
use crate::keys::{OrgKeyAlgorithm, generate};
use crate::veraid::algorithm::{HashAlgorithm, SignatureAlgorithm, pss_sign};
use crate::veraid::asn1::{der_of, sequence};
use crate::veraid::member::Member;
use crate::veraid::testing::ts;
use der::asn1::BitStringRef;
use der::{Reader, SliceReader};
use std::sync::OnceLock;

/// Two organisation-size keys, generated once for the whole test binary.
pub(crate) fn test_keys() -> &'static [rsa::PrivateKey; 3] {
    static KEYS: OnceLock<[rsa::PrivateKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| std::array::from_fn(|_| generate(OrgKeyAlgorithm::Rsa2048).expect("key")))
}

pub(crate) fn options(start: &str, expiry: &str) -> CertificateOptions {
    CertificateOptions {
        start: ts(start),
        expiry: ts(expiry),
        hash: HashAlgorithm::Sha256,
    }
}

pub(crate) fn org_cert() -> Certificate {
    issue_organisation_certificate(
        "example.com",
        &test_keys()[0],
        &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    )
    .unwrap()
}

pub(crate) fn member_cert(member: &Member) -> Certificate {
    issue_member_certificate(
        member,
        &test_keys()[1].to_public_key(),
        &org_cert(),
        &test_keys()[0],
        &options("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"),
    )
    .unwrap()
}

/// The TLVs inside a SEQUENCE.
pub(crate) fn elements(der: &[u8]) -> Vec<Vec<u8>> {
    let mut reader = SliceReader::new(der).unwrap();
    reader
        .sequence(|r| {
            let mut out = Vec::new();
            while !r.is_finished() {
                out.push(r.tlv_bytes()?.to_vec());
            }
            Ok::<_, der::Error>(out)
        })
        .unwrap()
}

/// Rebuilds a certificate with the TBS elements in `edits` replaced, signed by `key` with `alg`.
pub(crate) fn resigned(
    cert: &Certificate,
    edits: &[(usize, Vec<u8>)],
    key: &rsa::PrivateKey,
    alg: SignatureAlgorithm,
) -> Vec<u8> {
    let mut tbs_parts = elements(cert.tbs_der());
    for (index, replacement) in edits {
        tbs_parts[*index] = replacement.clone();
    }
    tbs_parts[2] = alg.to_der();
    let refs: Vec<&[u8]> = tbs_parts.iter().map(Vec::as_slice).collect();
    let tbs = sequence(&refs);
    let signature = match alg {
        SignatureAlgorithm::RsaPss { hash, .. } => pss_sign(key, hash, &tbs).unwrap(),
        SignatureAlgorithm::RsaPkcs1v15 { .. } => key
            .sign(
                rsa::pkcs1v15::Pkcs1v15Sign::new::<sha2::Sha256>(),
                &HashAlgorithm::Sha256.digest(&tbs),
            )
            .unwrap(),
    };
    let bits = BitStringRef::from_bytes(&signature).unwrap();
    sequence(&[&tbs, &alg.to_der(), &der_of(&bits)])
}
