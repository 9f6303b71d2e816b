//! Signatures, certificates and attributes shared by the signature tests.

use super::sign::{assemble, attribute, octets};
use super::{MESSAGE_DIGEST, SignOptions, SignatureMetadata, SignedData, Signer, sign};
use crate::veraid::ServiceOid;
use crate::veraid::algorithm::HashAlgorithm;
use crate::veraid::certificate::fixtures::{options, org_cert, test_keys};
use crate::veraid::certificate::{Certificate, issue_member_certificate};
use crate::veraid::member::Member;
use crate::veraid::testing::ts;

pub(super) fn metadata() -> SignatureMetadata {
    SignatureMetadata {
        service: ServiceOid::TEST.parse().unwrap(),
        start: ts("2026-11-25T18:09:59Z"),
        end: ts("2026-11-25T18:39:59Z"),
    }
}

pub(super) fn org_signature(attribution: &Member, options: &SignOptions) -> Vec<u8> {
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
pub(super) fn org_cert_cached() -> Certificate {
    static ORG: std::sync::OnceLock<Certificate> = std::sync::OnceLock::new();
    ORG.get_or_init(org_cert).clone()
}

/// Alice's member certificate, issued by [`org_cert_cached`].
pub(super) fn member_cert_cached() -> Certificate {
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

pub(super) fn member_signature(options: &SignOptions) -> Vec<u8> {
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

pub(super) const CONTENT_TYPE_ATTR: &str =
    "30 18 06 09 2a 86 48 86 f7 0d 01 09 03 31 0b 06 09 2a 86 48 86 f7 0d 01 07 01";
pub(super) const METADATA_ATTR: &str = "30 40 06 0a 2b 06 01 04 01 83 ca 54 01 00
     31 32 30 30 80 0a 2b 06 01 04 01 83 ca 54 01 01
     a1 22 80 0f 32 30 32 36 31 31 32 35 31 38 30 39 35 39 5a
           81 0f 32 30 32 36 31 31 32 35 31 38 33 39 35 39 5a";
pub(super) const BOB_ATTR: &str = "30 13 06 0a 2b 06 01 04 01 83 ca 54 01 02 31 05 0c 03 62 6f 62";

/// A member signature over hand-made attributes.
pub(super) fn member_signature_with(attributes: &[Vec<u8>]) -> SignedData {
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

pub(super) fn digest_attribute() -> Vec<u8> {
    attribute(
        MESSAGE_DIGEST,
        &octets(&HashAlgorithm::Sha256.digest(b"hello")),
    )
}
