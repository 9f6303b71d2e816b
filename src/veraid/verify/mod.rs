//! The VeraId signature bundle verification pipeline (VeraId digest §9), as one function that
//! returns a report of every check and what it found. `verify` and `inspect` both call it.
//!
//! The order follows veraid-js 3.1.2 so the first failure matches its verdict: CMS signature,
//! metadata, service, signature period, certificate path and validity, organisation key, TXT
//! record, TTL-override window and DNSSEC, member name. One deliberate difference: veraid-js
//! checks certificates against the wall clock whatever period it is given; here everything is
//! checked in the verification period the caller passes, so `--at` means what it says.
//!
//! The cost is bounded: bundles over [`MAX_BUNDLE_SIZE`] are malformed before any parsing, the
//! DNSSEC walk runs within one [`Budget`] per verification, and in [`Mode::FirstFailure`] no
//! check runs after one has failed.

use super::bundle::SignatureBundle;
use super::certificate::{Certificate, verify_issued_by};
use super::member::Member;
use super::signature::{SignatureMetadata, SignedData, VerifiedSignature};
use super::txt::{TxtRdata, select_record};
use crate::dnssec::validate::{RememberedChain, RrsigProblem};
use crate::dnssec::{
    Budget, DnssecChain, Reason, Status, TrustAnchor, TxtAnswer, Walk, Work, ttl_override_window,
};
use crate::domain::Domain;
use crate::keys::OrgKeyAlgorithm;
use crate::report::{CheckId, Failure, Report};
use crate::time::Period;
use crate::warm::WarmCache;
use std::sync::Arc;

mod checks;

use checks::{
    check_certificate_chain, check_certificate_validity, check_dnssec, check_member_name,
    check_organisation_key, domain_of,
};

/// The largest bundle verified, in bytes (Kliento's limit, digest §1.6): anything larger is
/// malformed before it is parsed.
pub const MAX_BUNDLE_SIZE: usize = 16 * 1024;

/// How far verification goes once a check has failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Stop at the first failing check; the rest are recorded as not run (`verify`, servers).
    #[default]
    FirstFailure,
    /// Run every check that can run, to show all that is wrong (`inspect`); the DNSSEC walk
    /// stays within the same budget.
    Diagnose,
}

/// What a verification needs besides the bundle.
#[derive(Clone, Copy, Debug)]
pub struct Expectations<'a> {
    /// The service OID the signature must be bound to.
    pub service: &'a str,
    /// The verification period (an instant is `Period::instant(t)`).
    pub period: Period,
    /// DNSSEC root trust anchors.
    pub anchors: &'a [TrustAnchor],
    /// The plaintext when it is detached; `None` when it must be encapsulated.
    pub detached_plaintext: Option<&'a [u8]>,
    /// Whether to stop at the first failing check.
    pub mode: Mode,
    /// Outcomes remembered from earlier bundles (warm verification), if any.
    pub cache: Option<&'a WarmCache>,
}

/// Everything decoded along the way, for `inspect` (whatever the checks said). Who signed and
/// what was signed are not here: they exist only in [`Verified`], once every check passed.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// The bundle's parts.
    pub bundle: Option<SignatureBundle>,
    /// The organisation certificate.
    pub organisation_certificate: Option<Certificate>,
    /// The CMS SignedData.
    pub signed_data: Option<SignedData>,
    /// The signature metadata (verified only if the signature check passed).
    pub metadata: Option<SignatureMetadata>,
    /// The member certificate of a member signature.
    pub member_certificate: Option<Certificate>,
    /// The DNSSEC chain.
    pub chain: Option<DnssecChain>,
    /// The `_veraid` TXT answer in the chain.
    pub txt_answer: Option<TxtAnswer>,
    /// The TXT record used.
    pub txt_record: Option<TxtRdata>,
    /// The period the DNSSEC signatures must overlap.
    pub dnssec_window: Option<Period>,
    /// The DNSSEC walk, link by link.
    pub walk: Option<Walk>,
    /// The DNSSEC work done, every walk of this verification together.
    pub dnssec_work: Work,
}

/// The identity a valid bundle proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The organisation: the certificate's CN without one trailing dot, in lower case (domain
    /// names are case-insensitive; one identity has one spelling).
    pub organisation: String,
    /// The member: a user or a bot.
    pub member: Member,
    /// The signed plaintext.
    pub plaintext: Vec<u8>,
    /// Whether the member signed with its own key.
    pub signed_by_member: bool,
}

impl Verified {
    /// `alice@example.com` for a user, `example.com` for a bot (Kliento's subject id).
    pub fn subject_id(&self) -> String {
        match self.member.user() {
            Some(user) => format!("{user}@{}", self.organisation),
            None => self.organisation.clone(),
        }
    }
}

/// The report, what was found, and the identity when every check passed.
#[derive(Clone, Debug)]
pub struct Verification {
    /// Every check, in order.
    pub report: Report,
    /// What was decoded along the way.
    pub findings: Findings,
    /// Set exactly when the report's verdict is valid.
    pub verified: Option<Verified>,
}

const AFTER_DECODING: [CheckId; 11] = [
    CheckId::Signature,
    CheckId::SignatureMetadata,
    CheckId::Service,
    CheckId::SignaturePeriod,
    CheckId::CertificateChain,
    CheckId::CertificateValidity,
    CheckId::OrganisationKey,
    CheckId::TxtRecord,
    CheckId::TtlOverrideWindow,
    CheckId::Dnssec,
    CheckId::MemberName,
];

/// Verifies a DER signature bundle. Never reads the clock: the period comes in `expected`.
pub fn verify_signature_bundle(bytes: &[u8], expected: &Expectations<'_>) -> Verification {
    // Room for every check, the token's included, so that recording them never reallocates.
    let mut report = Report {
        checks: Vec::with_capacity(AFTER_DECODING.len() + 4),
    };
    let mut findings = Findings::default();
    let verified = run(bytes, expected, &mut report, &mut findings);
    if verified.is_none() {
        // Whatever stopped early: every check not run is recorded as such (fail-closed).
        let because = report.first_failure().map_or(CheckId::Decoding, |c| c.id);
        let missing: Vec<CheckId> = std::iter::once(CheckId::Decoding)
            .chain(AFTER_DECODING)
            .filter(|id| report.outcome(*id).is_none())
            .collect();
        report.skip(&missing, because);
    }
    let verified = verified.filter(|_| report.verdict() == crate::report::Verdict::Valid);
    Verification {
        report,
        findings,
        verified,
    }
}

fn run(
    bytes: &[u8],
    expected: &Expectations<'_>,
    report: &mut Report,
    findings: &mut Findings,
) -> Option<Verified> {
    let diagnose = expected.mode == Mode::Diagnose;
    // After a failure: go on only when diagnosing.
    let go_on = |report: &Report| diagnose || report.first_failure().is_none();
    let (bundle, org) = match decode(bytes, expected.cache) {
        Ok(parts) => parts,
        Err(failure) => {
            report.fail(CheckId::Decoding, failure);
            return None;
        }
    };
    report.pass(
        CheckId::Decoding,
        format!(
            "signature bundle v0: {} DNS messages, certificate for {}, {}-byte signature",
            bundle.dnssec_chain.len(),
            org.common_name(),
            bundle.signature.len()
        ),
    );
    findings.bundle = Some(bundle.clone());
    findings.organisation_certificate = Some(org.clone());

    // CMS signature (digest §9 steps 1-3).
    let certificate = |der: &[u8]| read_certificate(der, expected.cache);
    let signed_data = match SignedData::from_der_with(&bundle.signature, certificate) {
        Ok(signed_data) => Some(signed_data),
        Err(e) => {
            report.fail(CheckId::Signature, Failure::SignatureStructure(e));
            None
        }
    };
    let signature = signed_data.as_ref().and_then(|signed_data| {
        match signed_data.verify(expected.detached_plaintext, &org) {
            Ok(signature) => {
                report.pass(CheckId::Signature, signature_summary(&signature));
                Some(signature)
            }
            Err(e) => {
                report.fail(CheckId::Signature, Failure::Signature(e));
                None
            }
        }
    });
    findings.signed_data = signed_data.clone();
    findings.member_certificate = match &signature {
        Some(signature) if signature.signed_by_member => Some(signature.signer.clone()),
        Some(_) => None,
        // For inspect: what the unverified structure carries.
        None => signed_data
            .as_ref()
            .and_then(|s| s.certificates().first().cloned()),
    };
    let metadata = match &signature {
        Some(signature) => Some(signature.metadata.clone()),
        None => signed_data.as_ref().and_then(|s| s.metadata().ok()),
    };
    findings.metadata = metadata.clone();
    if !go_on(report) {
        return None;
    }

    // Metadata, service and signature period (steps 4-6).
    let Some(metadata) = metadata else {
        report.fail(CheckId::SignatureMetadata, Failure::MetadataMissing);
        return None;
    };
    let Ok(signature_period) = Period::new(metadata.start, metadata.end) else {
        report.fail(
            CheckId::SignatureMetadata,
            Failure::MetadataPeriodReversed {
                start: metadata.start,
                end: metadata.end,
            },
        );
        return None;
    };
    report.pass(
        CheckId::SignatureMetadata,
        format!("service {}, valid {signature_period}", metadata.service),
    );
    let service = metadata.service.to_string();
    if service == expected.service {
        report.pass(CheckId::Service, format!("bound to {service}"));
    } else {
        report.fail(
            CheckId::Service,
            Failure::Service {
                expected: expected.service.to_string(),
                actual: service,
            },
        );
    }
    if !go_on(report) {
        return None;
    }
    let after_signature = expected.period.intersect(&signature_period);
    match after_signature {
        Some(_) => report.pass(
            CheckId::SignaturePeriod,
            format!(
                "signature valid {signature_period} overlaps {}",
                expected.period
            ),
        ),
        None => report.fail(
            CheckId::SignaturePeriod,
            Failure::SignaturePeriod {
                signature: signature_period,
                required: expected.period,
            },
        ),
    }
    if !go_on(report) {
        return None;
    }

    // Certificate path and validity (steps 7a-7b).
    let signer = findings.member_certificate.clone();
    let chain_ok = check_certificate_chain(report, &org, signer.as_ref(), expected.cache);
    if !go_on(report) {
        return None;
    }
    let certificates: Vec<&Certificate> = std::iter::once(&org).chain(signer.as_ref()).collect();
    let period = after_signature.unwrap_or(expected.period);
    let after_certificates = check_certificate_validity(report, &certificates, &period);
    if !go_on(report) {
        return None;
    }

    // Organisation key (step 7c).
    let key = check_organisation_key(report, &org);
    if !go_on(report) {
        return None;
    }

    // TXT record, TTL-override window and DNSSEC (steps 7d-7g).
    let dnssec_period = after_certificates.unwrap_or(period);
    let dnssec_ok = check_dnssec(
        report,
        findings,
        &bundle,
        &org,
        key.as_ref(),
        &dnssec_period,
        expected,
    );
    if !go_on(report) {
        return None;
    }

    // Member name (step 7h).
    let member = match &signature {
        Some(signature) => check_member_name(report, signature),
        None => None,
    };

    let all_passed = chain_ok && dnssec_ok && key.is_some() && after_certificates.is_some();
    let domain = domain_of(&org).ok()?;
    match (signature, member, all_passed) {
        (Some(signature), Some(member), true) => Some(Verified {
            organisation: domain.as_str().to_string(),
            member,
            plaintext: signature.plaintext,
            signed_by_member: signature.signed_by_member,
        }),
        _ => None,
    }
}

/// Decodes the bundle's outer structure and its organisation certificate (malformed if not).
fn decode(
    bytes: &[u8],
    cache: Option<&WarmCache>,
) -> Result<(SignatureBundle, Certificate), Failure> {
    if bytes.len() > MAX_BUNDLE_SIZE {
        return Err(Failure::TooLarge {
            size: bytes.len(),
            limit: MAX_BUNDLE_SIZE,
        });
    }
    let bundle = SignatureBundle::decode(bytes).map_err(Failure::Bundle)?;
    let org = read_certificate(&bundle.organisation_certificate, cache)
        .map_err(Failure::OrganisationCertificate)?;
    Ok((bundle, org))
}

/// A certificate from its DER, remembered by the warm cache when there is one.
fn read_certificate(
    der: &[u8],
    cache: Option<&WarmCache>,
) -> Result<Certificate, super::certificate::MalformedCertificate> {
    match cache {
        Some(cache) => cache.certificate(der),
        None => Certificate::from_der(der),
    }
}

fn signature_summary(signature: &VerifiedSignature) -> String {
    let plaintext = signature.plaintext.len();
    if signature.signed_by_member {
        format!(
            "member signature by {}, {plaintext}-byte plaintext",
            signature.signer.common_name()
        )
    } else {
        let attribution = signature.attribution.as_ref().map_or("?", Member::name);
        format!("organisation signature attributed to {attribution}, {plaintext}-byte plaintext")
    }
}
