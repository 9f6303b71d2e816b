//! Every verification check of a token bundle, made to fail by a bundle that breaks exactly the
//! rule it enforces, with the message asserted; and the valid cases it must accept.

use jiff::SignedDuration;
use kliento::dnssec::test_chain::{ChainSpec, Fault, Target, TestZones, ZoneAlgorithm};
use kliento::dnssec::validate::AnswerError;
use kliento::dnssec::{Reason, Rejection as DnssecRejection, Status, TrustAnchor};
use kliento::domain::Domain;
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::report::{CheckId, Failure, Outcome, Severity, Verdict};
use kliento::time::{Period, Timestamp};
use kliento::token::TokenError;
use kliento::token::bundle::{self, TokenVerification};
use kliento::token::{KLIENTO_SERVICE_OID, Token};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::ServiceOid;
use kliento::veraid::bundle::SignatureBundle;
use kliento::veraid::certificate::{
    Certificate, CertificateOptions, issue_member_certificate, issue_organisation_certificate,
};
use kliento::veraid::member::{Member, UserName};
use kliento::veraid::signature::SignatureError;
use kliento::veraid::signature::{self, SignOptions, SignatureMetadata, Signer};
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use kliento::veraid::verify::{Expectations, Mode, verify_signature_bundle};
use kliento::warm::WarmCache;
use std::sync::OnceLock;

const AUDIENCE: &str = "https://api.example.com";

/// The instant every verification here happens at (the examples' instant): fixed, so that no
/// verdict depends on the wall clock. Every validity period is built around it.
fn now() -> Timestamp {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn at(offset_seconds: i64) -> Timestamp {
    now() + SignedDuration::from_secs(offset_seconds)
}

fn period(from: i64, to: i64) -> Period {
    Period::new(at(from), at(to)).unwrap()
}

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// An organisation key (generated once: RSA generation is the slow part of these tests).
fn org_key() -> &'static rsa::PrivateKey {
    static KEY: OnceLock<rsa::PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap())
}

fn other_key() -> &'static rsa::PrivateKey {
    static KEY: OnceLock<rsa::PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap())
}

fn domain() -> Domain {
    "example.com".parse().unwrap()
}

fn org_certificate(key: &rsa::PrivateKey, validity: Period) -> Certificate {
    let options = CertificateOptions {
        start: validity.start,
        expiry: validity.end,
        hash: HashAlgorithm::Sha256,
    };
    issue_organisation_certificate("example.com", key, &options).unwrap()
}

/// A test DNSSEC chain whose TXT record names `key` (TTL override and service as given).
fn chain(
    key: &rsa::PrivateKey,
    ttl_override: u64,
    service: Option<&str>,
    validity: Period,
) -> (Vec<Vec<u8>>, TrustAnchor) {
    let service = service.map(|s| s.parse::<ServiceOid>().unwrap());
    let txt = TxtRdata::for_key(
        &key.to_public_key(),
        TtlOverride::new(ttl_override).unwrap(),
        service.as_ref(),
    )
    .unwrap();
    let zones = TestZones::generate(&domain(), &[ZoneAlgorithm::Ed25519]).unwrap();
    let chain = zones
        .build(&ChainSpec::new(txt.to_string(), validity))
        .unwrap();
    (chain.messages, chain.root_anchor)
}

/// A valid organisation-signed token bundle for alice, and its trust anchor.
struct Fixture {
    bundle: Vec<u8>,
    anchor: TrustAnchor,
}

fn alice() -> Member {
    Member::User(UserName::new("alice").unwrap())
}

fn token() -> Token {
    let mut token = Token::new(AUDIENCE);
    token.claims.insert("role", "admin");
    token
}

/// A token bundle signed by the organisation key for alice over `messages`.
fn alice_bundle(messages: &[Vec<u8>], certificate: &Certificate, validity: Period) -> Vec<u8> {
    let signer = Signer::Organisation {
        certificate,
        attribution: &alice(),
    };
    bundle::issue(&token(), signer, org_key(), messages, certificate, validity).unwrap()
}

fn valid_fixture() -> Fixture {
    let (messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let bundle = alice_bundle(&messages, &certificate, period(-60, 300));
    Fixture { bundle, anchor }
}

fn verify_at(bytes: &[u8], anchor: &TrustAnchor, when: Timestamp) -> TokenVerification {
    verify_compared(
        bytes,
        Some(AUDIENCE),
        Period::instant(when),
        std::slice::from_ref(anchor),
        Mode::FirstFailure,
    )
}

/// One warm cache for the whole test binary: what one test's bundles leave in it must never
/// change another's verdict.
fn warm_cache() -> &'static WarmCache {
    static CACHE: OnceLock<WarmCache> = OnceLock::new();
    CACHE.get_or_init(|| WarmCache::new(100_000))
}

/// Verifies cold, then twice warm (filling the cache, then using it), and asserts that the
/// three give the same report, the same verified token and the same DNSSEC walk and work.
fn verify_compared(
    bytes: &[u8],
    audience: Option<&str>,
    period: Period,
    anchors: &[TrustAnchor],
    mode: Mode,
) -> TokenVerification {
    let cold = bundle::verify_with(bytes, audience, period, anchors, mode);
    for _ in 0..2 {
        let warm = bundle::verify_warm(bytes, audience, period, anchors, mode, Some(warm_cache()));
        assert_eq!(warm.report(), cold.report(), "warm and cold reports differ");
        assert_eq!(warm.verified(), cold.verified());
        let (w, c) = (warm.findings(), cold.findings());
        assert_eq!(w.walk, c.walk, "warm and cold DNSSEC walks differ");
        assert_eq!(
            w.dnssec_work, c.dnssec_work,
            "warm and cold DNSSEC work differ"
        );
        assert_eq!(w.dnssec_window, c.dnssec_window);
        assert_eq!(w.txt_answer, c.txt_answer);
        assert_eq!(w.chain.is_some(), c.chain.is_some());
    }
    cold
}

/// Asserts that `check` failed first, with a failure matching `$variant` (the typed reason) and
/// a message containing `$message` (the words users see).
macro_rules! assert_fails_first {
    ($verification:expr, $check:expr, $variant:pat, $message:expr $(,)?) => {{
        let verification = $verification;
        fails_first(verification, $check, $message);
        let failure = verification.report().first_failure().unwrap();
        assert!(
            matches!(&failure.outcome, Outcome::Failed($variant)),
            "{:?}",
            failure.outcome
        );
    }};
}

fn fails_first(verification: &TokenVerification, check: CheckId, message: &str) {
    let failure = verification
        .report()
        .first_failure()
        .unwrap_or_else(|| panic!("no check failed: {:#?}", verification.report()));
    assert_eq!(failure.id, check, "{:#?}", verification.report());
    assert!(
        failure.detail.contains(message),
        "{check} failed with {:?}, expected it to mention {message:?}",
        failure.detail
    );
    assert_ne!(verification.verdict(), Verdict::Valid);
    assert_eq!(
        verification.verified(),
        None,
        "nothing is handed out on failure"
    );
    // Stop at the first failure: every later check is recorded as not run.
    let report = verification.report();
    let position = report.checks.iter().position(|c| c.id == check).unwrap();
    assert!(
        report.checks[position + 1..]
            .iter()
            .all(|c| c.outcome == Outcome::Skipped),
        "{report:#?}"
    );
    assert_eq!(report.checks.len(), CheckId::ALL.len(), "{report:#?}");
}

/// Signs an arbitrary plaintext (encapsulated) for a service into a bundle.
fn signed_bundle(plaintext: &[u8], service: &str, anchor_chain: &[Vec<u8>]) -> Vec<u8> {
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let metadata = SignatureMetadata {
        service: service.parse().unwrap(),
        start: at(-60),
        end: at(300),
    };
    let signer = Signer::Organisation {
        certificate: &certificate,
        attribution: &Member::Bot,
    };
    let options = SignOptions {
        encapsulate: true,
        ..SignOptions::default()
    };
    let signed = signature::sign(plaintext, &metadata, signer, org_key(), &options).unwrap();
    SignatureBundle::encode(anchor_chain, certificate.to_der(), &signed).unwrap()
}

#[test]
fn accepts_an_organisation_signature_for_a_user() {
    let fixture = valid_fixture();
    let verification = verify_at(&fixture.bundle, &fixture.anchor, now());
    assert_eq!(
        verification.verdict(),
        Verdict::Valid,
        "{:#?}",
        verification.report()
    );
    let verified = verification.verified().expect("valid");
    assert_eq!(verified.subject_id, "alice@example.com");
    assert_eq!(verified.token, token());
    assert!(
        verification
            .report()
            .checks
            .iter()
            .all(|c| c.outcome == Outcome::Passed)
    );
}

#[test]
fn accepts_a_member_signature_and_a_bot() {
    let (messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let org = org_certificate(org_key(), period(-HOUR, DAY));
    let member_key = other_key();
    let options = CertificateOptions {
        start: at(-HOUR),
        expiry: at(DAY),
        hash: HashAlgorithm::Sha256,
    };
    for (member, subject) in [(alice(), "alice@example.com"), (Member::Bot, "example.com")] {
        let member_cert = issue_member_certificate(
            &member,
            &member_key.to_public_key(),
            &org,
            org_key(),
            &options,
        )
        .unwrap();
        let signer = Signer::Member {
            certificate: &member_cert,
        };
        let bytes = bundle::issue(
            &token(),
            signer,
            member_key,
            &messages,
            &org,
            period(-60, 300),
        )
        .unwrap();
        let verification = verify_at(&bytes, &anchor, now());
        assert_eq!(
            verification.verified().map(|v| v.subject_id.as_str()),
            Some(subject),
            "{:#?}",
            verification.report()
        );
    }
}

#[test]
fn rejects_bytes_that_are_not_a_bundle_as_malformed() {
    let fixture = valid_fixture();
    for (bytes, message) in [
        (
            &b"\x30\x03\x02\x01\x00"[..],
            "signature bundle field version should have tag",
        ),
        (
            &fixture.bundle[..fixture.bundle.len() - 10],
            "not a DER-encoded signature bundle",
        ),
    ] {
        let verification = verify_at(bytes, &fixture.anchor, now());
        assert_fails_first!(
            &verification,
            CheckId::Decoding,
            Failure::Bundle(_) | Failure::OrganisationCertificate(_),
            message
        );
        assert_eq!(verification.verdict(), Verdict::Malformed);
        let failure = verification.report().first_failure().unwrap();
        assert_eq!(failure.outcome.severity(), Some(Severity::Malformed));
    }
}

#[test]
fn rejects_a_tampered_signature() {
    let mut fixture = valid_fixture();
    let last = fixture.bundle.len() - 1;
    fixture.bundle[last] ^= 0x01;
    let verification = verify_at(&fixture.bundle, &fixture.anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::Signature,
        Failure::Signature(SignatureError::BadSignature { .. }),
        "does not verify"
    );
    assert_eq!(
        verification.error().unwrap(),
        format!(
            "Invalid VeraId signature bundle: {}",
            verification.report().first_failure().unwrap().detail
        )
    );
}

#[test]
fn rejects_signature_metadata_whose_period_ends_before_it_starts() {
    let fixture = valid_fixture();
    // Rewrite the metadata's end time (GeneralizedTime) to a date before its start. The
    // signature no longer verifies, and the metadata check reports the period itself.
    let end = at(300).strftime("%Y%m%d%H%M%SZ").to_string();
    let position = fixture
        .bundle
        .windows(end.len())
        .position(|w| w == end.as_bytes())
        .expect("metadata end time");
    let mut bytes = fixture.bundle.clone();
    bytes[position..position + end.len()].copy_from_slice(b"20000101000000Z");
    // `verify` stops at the signature; diagnosing goes on to the metadata.
    let stopped = verify_at(&bytes, &fixture.anchor, now());
    assert_eq!(
        stopped.report().first_failure().unwrap().id,
        CheckId::Signature
    );
    let verification = verify_compared(
        &bytes,
        Some(AUDIENCE),
        Period::instant(now()),
        std::slice::from_ref(&fixture.anchor),
        Mode::Diagnose,
    );
    let metadata = verification
        .report()
        .checks
        .iter()
        .find(|c| c.id == CheckId::SignatureMetadata)
        .unwrap();
    assert!(
        matches!(
            metadata.outcome,
            Outcome::Failed(Failure::MetadataPeriodReversed { .. })
        ),
        "{:?}",
        metadata.outcome
    );
    assert_eq!(
        metadata.detail,
        "Signature validity period ends before it starts"
    );
    assert_eq!(metadata.actual.as_deref(), Some("2000-01-01T00:00:00Z"));
}

#[test]
fn rejects_a_signature_bound_to_another_service() {
    let (messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let bytes = signed_bundle(&token().to_json_bytes(), ServiceOid::TEST, &messages);
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::Service,
        Failure::Service { .. },
        "Signature is bound to a different service (1.3.6.1.4.1.58708.1.1)",
    );
    let check = verification.report().first_failure().unwrap();
    assert_eq!(check.expected.as_deref(), Some(KLIENTO_SERVICE_OID));
}

#[test]
fn rejects_an_expired_or_not_yet_valid_signature() {
    let fixture = valid_fixture();
    for when in [at(301), at(-61)] {
        let verification = verify_at(&fixture.bundle, &fixture.anchor, when);
        assert_fails_first!(
            &verification,
            CheckId::SignaturePeriod,
            Failure::SignaturePeriod { .. },
            "does not overlap with required period",
        );
    }
}

#[test]
fn rejects_a_member_certificate_from_another_organisation() {
    let (messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let org = org_certificate(org_key(), period(-HOUR, DAY));
    // Same name, other key: an impostor organisation issues the member certificate.
    let impostor = org_certificate(other_key(), period(-HOUR, DAY));
    let options = CertificateOptions {
        start: at(-HOUR),
        expiry: at(DAY),
        hash: HashAlgorithm::Sha256,
    };
    let member_cert = issue_member_certificate(
        &alice(),
        &other_key().to_public_key(),
        &impostor,
        other_key(),
        &options,
    )
    .unwrap();
    let signer = Signer::Member {
        certificate: &member_cert,
    };
    let bytes = bundle::issue(
        &token(),
        signer,
        other_key(),
        &messages,
        &org,
        period(-60, 300),
    )
    .unwrap();
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::CertificateChain,
        Failure::MemberNotIssued(_),
        "Member certificate was not issued by organisation",
    );
}

#[test]
fn rejects_an_organisation_certificate_whose_self_signature_is_broken() {
    let fixture = valid_fixture();
    let bundle = SignatureBundle::decode(&fixture.bundle).unwrap();
    let certificate = bundle.organisation_certificate.clone();
    // The certificate's signature value ends the certificate: flip its last byte in the bundle.
    let end = fixture
        .bundle
        .windows(certificate.len() - 4)
        .position(|w| w == &certificate[4..])
        .unwrap()
        + certificate.len()
        - 4;
    let mut bytes = fixture.bundle.clone();
    bytes[end - 1] ^= 0x01;
    let verification = verify_at(&bytes, &fixture.anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::CertificateChain,
        Failure::OrganisationSelfSignature(_),
        "the organisation certificate is not validly self-signed",
    );
}

#[test]
fn rejects_certificates_not_valid_at_the_verification_time() {
    let (messages, anchor) = chain(org_key(), 3600, None, period(-DAY, DAY));
    // The signature is valid now, but the organisation certificate expired an hour ago.
    let certificate = org_certificate(org_key(), period(-2 * HOUR, -HOUR));
    let bytes = alice_bundle(&messages, &certificate, period(-60, 300));
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::CertificateValidity,
        Failure::CertificateValidity {
            reason: Some(_),
            ..
        },
        "expired at"
    );
}

#[test]
fn rejects_certificate_and_signature_periods_that_never_meet() {
    let (messages, anchor) = chain(org_key(), 3600, None, period(-DAY, DAY));
    let certificate = org_certificate(org_key(), period(-3 * HOUR, -2 * HOUR));
    let bytes = alice_bundle(&messages, &certificate, period(-HOUR, 300));
    let expected = Expectations {
        service: KLIENTO_SERVICE_OID,
        period: period(-4 * HOUR, 0),
        anchors: std::slice::from_ref(&anchor),
        detached_plaintext: None,
        mode: Mode::FirstFailure,
        cache: None,
    };
    let verification = verify_signature_bundle(&bytes, &expected);
    let failure = verification.report.first_failure().unwrap();
    assert_eq!(failure.id, CheckId::CertificateValidity);
    assert!(
        failure.detail.contains("is not valid during"),
        "{}",
        failure.detail
    );
}

#[test]
fn rejects_a_key_that_the_txt_record_does_not_name() {
    // The chain publishes another key: the organisation's is not in DNS.
    let (messages, anchor) = chain(other_key(), 3600, None, period(-HOUR, DAY));
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let bytes = alice_bundle(&messages, &certificate, period(-60, 300));
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::TxtRecord,
        Failure::NoTxtRecord { .. },
        "Could not find VeraId record for specified key and/or service",
    );
}

#[test]
fn rejects_a_txt_record_bound_to_another_service() {
    let (messages, anchor) = chain(org_key(), 3600, Some(ServiceOid::TEST), period(-HOUR, DAY));
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let bytes = alice_bundle(&messages, &certificate, period(-60, 300));
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::TxtRecord,
        Failure::NoTxtRecord { .. },
        "Could not find VeraId record",
    );
}

#[test]
fn ttl_override_limits_how_old_the_dnssec_signatures_may_be() {
    // RRSIGs were valid two to three days ago; the signature from four days ago to now.
    let validity = period(-3 * DAY, -2 * DAY);
    let verify_with_ttl = |ttl: u64| {
        let (messages, anchor) = chain(org_key(), ttl, None, validity);
        let certificate = org_certificate(org_key(), period(-4 * DAY, HOUR));
        let bytes = alice_bundle(&messages, &certificate, period(-4 * DAY, HOUR));
        let expected = Expectations {
            service: KLIENTO_SERVICE_OID,
            period: period(-4 * DAY, 0),
            anchors: std::slice::from_ref(&anchor),
            detached_plaintext: None,
            mode: Mode::FirstFailure,
            cache: None,
        };
        verify_signature_bundle(&bytes, &expected)
    };
    let thirty_days = verify_with_ttl(30 * DAY as u64);
    assert!(thirty_days.verified.is_some(), "{:#?}", thirty_days.report);
    let one_hour = verify_with_ttl(HOUR as u64);
    let failure = one_hour.report.first_failure().unwrap();
    assert_eq!(
        failure.id,
        CheckId::TtlOverrideWindow,
        "{:#?}",
        one_hour.report
    );
    assert!(
        matches!(
            failure.outcome,
            Outcome::Failed(Failure::TtlOverrideWindow { ttl: 3600, .. })
        ),
        "{:?}",
        failure.outcome
    );
    assert!(
        failure.detail.contains("TTL override"),
        "{}",
        failure.detail
    );
    assert_eq!(
        one_hour.report.outcome(CheckId::Dnssec),
        Some(&Outcome::Skipped)
    );
}

#[test]
fn rejects_a_chain_under_other_trust_anchors() {
    let fixture = valid_fixture();
    let (_, stranger) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let verification = verify_at(&fixture.bundle, &stranger, now());
    assert_fails_first!(
        &verification,
        CheckId::Dnssec,
        Failure::Dnssec(_),
        "VeraId DNSSEC chain is BOGUS: no zone DNSKEY of . matches its DS records",
    );
    let failure = verification.report().first_failure().unwrap();
    let Outcome::Failed(Failure::Dnssec(rejection)) = &failure.outcome else {
        unreachable!("asserted above");
    };
    assert!(matches!(
        **rejection,
        DnssecRejection {
            status: Status::Bogus,
            reason: Reason::NoDnskeyMatchesDs { .. },
            ..
        }
    ));
}

#[test]
fn rejects_a_chain_for_another_domain() {
    let txt = TxtRdata::for_key(
        &org_key().to_public_key(),
        TtlOverride::new(3600).unwrap(),
        None,
    )
    .unwrap();
    let other: Domain = "example.net".parse().unwrap();
    let zones = TestZones::generate(&other, &[ZoneAlgorithm::Ed25519]).unwrap();
    let chain = zones
        .build(&ChainSpec::new(txt.to_string(), period(-HOUR, DAY)))
        .unwrap();
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let bytes = alice_bundle(&chain.messages, &certificate, period(-60, 300));
    let verification = verify_at(&bytes, &chain.root_anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::TxtRecord,
        Failure::TxtAnswer(AnswerError::Missing { .. }),
        "chain is missing the VeraId TXT response for _veraid.example.com.",
    );
}

#[test]
fn rejects_a_plaintext_that_is_not_a_token() {
    let (messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let bytes = signed_bundle(b"not json", KLIENTO_SERVICE_OID, &messages);
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::Token,
        Failure::Token(TokenError::NotJson),
        "Malformed JSON value"
    );
    assert_eq!(
        verification.error().unwrap(),
        "Malformed token: Malformed JSON value"
    );
    let bytes = signed_bundle(br#"{"audience":1}"#, KLIENTO_SERVICE_OID, &messages);
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::Token,
        Failure::Token(TokenError::WrongShape { .. }),
        "audience is not a string"
    );
}

#[test]
fn rejects_a_token_for_another_audience() {
    let fixture = valid_fixture();
    let verification = bundle::verify(
        &fixture.bundle,
        "https://api.example.com/",
        Period::instant(now()),
        std::slice::from_ref(&fixture.anchor),
    );
    assert_fails_first!(
        &verification,
        CheckId::Audience,
        Failure::Audience { .. },
        "Audience mismatch: Expected https://api.example.com/, got https://api.example.com",
    );
    let check = verification.report().first_failure().unwrap();
    assert_eq!(check.expected.as_deref(), Some("https://api.example.com/"));
    assert_eq!(check.actual.as_deref(), Some(AUDIENCE));
}

#[test]
fn every_check_runs_and_reports_in_order() {
    let fixture = valid_fixture();
    let verification = verify_at(&fixture.bundle, &fixture.anchor, now());
    let order: Vec<&str> = verification
        .report()
        .checks
        .iter()
        .map(|c| c.id.name())
        .collect();
    assert_eq!(
        order,
        [
            "decoding",
            "signature",
            "signature-metadata",
            "service",
            "signature-period",
            "certificate-chain",
            "certificate-validity",
            "organisation-key",
            "txt-record",
            "ttl-override-window",
            "dnssec",
            "member-name",
            "token",
            "audience"
        ]
    );
}

#[test]
fn rejects_an_organisation_certificate_signed_with_pkcs1_v1_5() {
    use pkcs8::EncodePrivateKey;
    // veraid-js only accepts organisation certificates signed with RSA-PSS (digest §3); rcgen
    // signs this one with sha256WithRSAEncryption, the organisation key otherwise being fine.
    let pkcs8 = org_key().to_pkcs8_der().unwrap();
    let key_pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
        &rustls_pki_types::PrivatePkcs8KeyDer::from(pkcs8.as_bytes()),
        &rcgen::PKCS_RSA_SHA256,
    )
    .unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "example.com");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    let certificate = Certificate::from_der(params.self_signed(&key_pair).unwrap().der()).unwrap();
    let (messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let bytes = alice_bundle(&messages, &certificate, period(-60, 300));
    let verification = verify_at(&bytes, &anchor, now());
    assert_fails_first!(
        &verification,
        CheckId::OrganisationKey,
        Failure::OrganisationKeyCertificate(_),
        "Only RSA-PSS keys are supported (got RSASSA-PKCS1-v1_5)",
    );
}

/// The bundle of `valid_fixture` with `edit` applied to each DNS message and the organisation
/// certificate issued for `common_name`.
fn bundle_with(common_name: &str, edit: impl Fn(&mut Vec<u8>)) -> Fixture {
    let (mut messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    messages.iter_mut().for_each(edit);
    let options = CertificateOptions {
        start: at(-HOUR),
        expiry: at(DAY),
        hash: HashAlgorithm::Sha256,
    };
    let certificate = issue_organisation_certificate(common_name, org_key(), &options).unwrap();
    let bundle = alice_bundle(&messages, &certificate, period(-60, 300));
    Fixture { bundle, anchor }
}

/// Replaces every occurrence of `from` by `to` (same length) in `bytes`.
fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
}

#[test]
fn subject_ids_are_lower_case_whatever_the_case_in_the_chain_and_certificate() {
    // DNSSEC signs names in lower case, so the case of every label in the chain can be
    // rewritten without breaking a signature: the identity must not change with it.
    let rewritten = bundle_with("EXAMPLE.com", |message| {
        replace_all(message, b"\x07example", b"\x07EXAMPLE")
    });
    let certificate_only = bundle_with("Example.COM", |_| {});
    for fixture in [rewritten, certificate_only] {
        let verification = verify_at(&fixture.bundle, &fixture.anchor, now());
        let verified = verification
            .verified()
            .unwrap_or_else(|| panic!("{:#?}", verification.report()));
        assert_eq!(verified.subject_id, "alice@example.com");
        assert_eq!(verified.organisation, "example.com");
    }
}

#[test]
fn the_library_refuses_bundles_over_16_kib_as_malformed() {
    // A genuine bundle made large by 300 extra TXT records, all well-formed.
    let txt = TxtRdata::for_key(
        &org_key().to_public_key(),
        TtlOverride::new(3600).unwrap(),
        None,
    )
    .unwrap();
    let mut spec = ChainSpec::new(txt.to_string(), period(-HOUR, DAY));
    for i in 0..300 {
        spec.txt.push(format!("1 padding{i:0>35}= 3600"));
    }
    let zones = TestZones::generate(&domain(), &[ZoneAlgorithm::Ed25519]).unwrap();
    let chain = zones.build(&spec).unwrap();
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let bytes = alice_bundle(&chain.messages, &certificate, period(-60, 300));
    assert!(bytes.len() > 16 * 1024, "{} bytes", bytes.len());
    let verification = verify_at(&bytes, &chain.root_anchor, now());
    assert_eq!(verification.verdict(), Verdict::Malformed);
    assert_fails_first!(
        &verification,
        CheckId::Decoding,
        Failure::TooLarge {
            size: 16385..,
            limit: 16384
        },
        "over the 16384-byte limit",
    );
}

#[test]
fn a_bundle_signed_with_a_key_outside_dns_hands_out_no_claims() {
    // Anyone can sign a token with a self-made key: the CMS signature verifies, the TXT record
    // does not name the key. Neither mode may return the claims or the subject.
    let (messages, anchor) = chain(other_key(), 3600, None, period(-HOUR, DAY));
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let bytes = alice_bundle(&messages, &certificate, period(-60, 300));
    for mode in [Mode::FirstFailure, Mode::Diagnose] {
        let verification = verify_compared(
            &bytes,
            Some(AUDIENCE),
            Period::instant(now()),
            std::slice::from_ref(&anchor),
            mode,
        );
        assert_eq!(verification.verdict(), Verdict::Invalid);
        assert_eq!(verification.verified(), None, "{mode:?}");
        assert_eq!(
            verification.report().outcome(CheckId::Token),
            Some(&Outcome::Skipped)
        );
    }
}

/// A KeyTrap chain under `example.com`'s P-384 keys: 3 keys share the TXT signer's key tag and
/// 6 junk RRSIGs name it before the genuine one.
fn keytrap_bundle(tamper_signature: bool) -> Fixture {
    let txt = TxtRdata::for_key(
        &org_key().to_public_key(),
        TtlOverride::new(3600).unwrap(),
        None,
    )
    .unwrap();
    let spec = ChainSpec::new(txt.to_string(), period(-HOUR, DAY))
        .with(Fault::CollidingKeys { zone: 2, count: 3 })
        .with(Fault::JunkRrsigs {
            target: Target::Txt,
            count: 6,
        });
    let zones = TestZones::generate(
        &domain(),
        &[
            ZoneAlgorithm::Ed25519,
            ZoneAlgorithm::Ed25519,
            ZoneAlgorithm::EcdsaP384Sha384,
        ],
    )
    .unwrap();
    let chain = zones.build(&spec).unwrap();
    let certificate = org_certificate(org_key(), period(-HOUR, DAY));
    let mut bundle = alice_bundle(&chain.messages, &certificate, period(-60, 300));
    if tamper_signature {
        // The last bytes are the CMS signature value.
        let last = bundle.len() - 1;
        bundle[last] ^= 1;
    }
    Fixture {
        bundle,
        anchor: chain.root_anchor,
    }
}

#[test]
fn a_keytrap_chain_costs_a_bounded_number_of_signature_operations() {
    let fixture = keytrap_bundle(false);
    for mode in [Mode::FirstFailure, Mode::Diagnose] {
        let verification = verify_compared(
            &fixture.bundle,
            Some(AUDIENCE),
            Period::instant(now()),
            std::slice::from_ref(&fixture.anchor),
            mode,
        );
        assert_eq!(verification.verdict(), Verdict::Invalid);
        let failure = verification.report().first_failure().unwrap();
        assert_eq!(failure.id, CheckId::Dnssec, "{:#?}", verification.report());
        assert!(
            failure.detail.contains("needs more than"),
            "{}",
            failure.detail
        );
        let work = verification.findings().dnssec_work;
        assert!(work.cost <= 72, "{work:?}");
        assert!(work.verifications <= 16, "{work:?}");
    }
    // Over a period, a failed walk is retried over the whole period: one budget for both.
    let expected = Expectations {
        service: KLIENTO_SERVICE_OID,
        period: period(-2 * HOUR, 0),
        anchors: std::slice::from_ref(&fixture.anchor),
        detached_plaintext: None,
        mode: Mode::Diagnose,
        cache: None,
    };
    let verification = verify_signature_bundle(&fixture.bundle, &expected);
    assert!(verification.verified.is_none());
    assert!(verification.findings.dnssec_work.cost <= 72);
}

#[test]
fn verify_walks_no_dnssec_chain_once_the_cms_signature_failed() {
    let fixture = keytrap_bundle(true);
    let verification = verify_at(&fixture.bundle, &fixture.anchor, now());
    assert_fails_first!(&verification, CheckId::Signature, Failure::Signature(_), "");
    assert_eq!(verification.findings().dnssec_work.verifications, 0);
}

#[test]
fn the_server_api_tells_invalid_from_malformed_by_type() {
    use kliento::{Rejection, TokenBundle, Verifier};
    let fixture = valid_fixture();
    let verifier = Verifier::with_trust_anchors(vec![fixture.anchor.clone()]);
    let header = format!(
        "Kliento {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &fixture.bundle)
    );
    let bundle = TokenBundle::from_auth_header(&header).unwrap();
    let verified = verifier.verify_at(&bundle, AUDIENCE, now()).unwrap();
    assert_eq!(verified.subject_id, "alice@example.com");
    assert_eq!(verified.token, token());
    assert!(matches!(
        verifier.verify_at(&bundle, "https://other.example", now()),
        Err(Rejection::Invalid {
            check: CheckId::Audience,
            ..
        })
    ));
    let truncated = TokenBundle::from_der(&fixture.bundle[..100]).unwrap();
    assert!(matches!(
        verifier.verify_at(&truncated, AUDIENCE, now()),
        Err(Rejection::Malformed { .. })
    ));
    assert!(TokenBundle::from_auth_header("Bearer eyJ.eyJ.x").is_err());
}

#[test]
fn rejects_a_member_certificate_whose_name_is_not_a_user_name() {
    // A member signature whose member certificate's CN is rewritten from `alice` to `al@ce`:
    // the CMS signature still verifies (the key is unchanged), the certificate chain does not,
    // and diagnosing goes on to the member name, which is no VeraId user name.
    let (messages, anchor) = chain(org_key(), 3600, None, period(-HOUR, DAY));
    let org = org_certificate(org_key(), period(-HOUR, DAY));
    let options = CertificateOptions {
        start: at(-HOUR),
        expiry: at(DAY),
        hash: HashAlgorithm::Sha256,
    };
    let member_key = other_key();
    let member_cert = issue_member_certificate(
        &alice(),
        &member_key.to_public_key(),
        &org,
        org_key(),
        &options,
    )
    .unwrap();
    let signer = Signer::Member {
        certificate: &member_cert,
    };
    let mut bytes = bundle::issue(
        &token(),
        signer,
        member_key,
        &messages,
        &org,
        period(-60, 300),
    )
    .unwrap();
    replace_all(
        &mut bytes,
        b"\x00a\x00l\x00i\x00c\x00e",
        b"\x00a\x00l\x00@\x00c\x00e",
    );
    let verification = verify_compared(
        &bytes,
        Some(AUDIENCE),
        Period::instant(now()),
        std::slice::from_ref(&anchor),
        Mode::Diagnose,
    );
    let report = verification.report();
    let outcome = |id| report.outcome(id).unwrap();
    assert!(
        matches!(outcome(CheckId::Signature), Outcome::Passed),
        "{report:#?}"
    );
    assert!(matches!(
        outcome(CheckId::CertificateChain),
        Outcome::Failed(Failure::MemberNotIssued(_))
    ));
    assert!(
        matches!(
            outcome(CheckId::MemberName),
            Outcome::Failed(Failure::MemberName(e)) if e.name == "al@ce"
        ),
        "{report:#?}"
    );
    assert_eq!(verification.verified(), None);
}
