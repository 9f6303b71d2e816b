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
use crate::dnssec::validate::RrsigProblem;
use crate::dnssec::{
    Budget, DnssecChain, Reason, Status, TrustAnchor, TxtAnswer, Walk, Work, ttl_override_window,
    validate_veraid_txt_within,
};
use crate::domain::Domain;
use crate::keys::{self, OrgKeyAlgorithm};
use crate::report::{CheckId, Failure, Report};
use crate::time::Period;
use crate::warm::WarmCache;

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
    let mut report = Report::default();
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
    let (bundle, org) = match decode(bytes) {
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
    let signed_data = match SignedData::from_der(&bundle.signature) {
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
fn decode(bytes: &[u8]) -> Result<(SignatureBundle, Certificate), Failure> {
    if bytes.len() > MAX_BUNDLE_SIZE {
        return Err(Failure::TooLarge {
            size: bytes.len(),
            limit: MAX_BUNDLE_SIZE,
        });
    }
    let bundle = SignatureBundle::decode(bytes).map_err(Failure::Bundle)?;
    let org = Certificate::from_der(&bundle.organisation_certificate)
        .map_err(Failure::OrganisationCertificate)?;
    Ok((bundle, org))
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

fn check_certificate_chain(
    report: &mut Report,
    org: &Certificate,
    member: Option<&Certificate>,
    cache: Option<&WarmCache>,
) -> bool {
    let issued_by = |child: &Certificate, issuer: &Certificate| match cache {
        Some(cache) => cache.issued(child.to_der(), issuer.to_der(), || {
            verify_issued_by(child, issuer)
        }),
        None => verify_issued_by(child, issuer),
    };
    // veraid-js never checks the organisation certificate's self-signature (pkijs trusts the
    // trusted certificate as is); checking it costs nothing for genuine certificates and keeps
    // its validity and constraints from being edited unnoticed (fail-closed).
    if let Err(e) = issued_by(org, org) {
        report.fail(
            CheckId::CertificateChain,
            Failure::OrganisationSelfSignature(e),
        );
        return false;
    }
    // The organisation certificate sits above the signer in the path, so it must be a CA, even
    // for organisation signatures (digest §9.1 Q6).
    if let Err(e) = org.check_is_ca() {
        report.fail(CheckId::CertificateChain, Failure::OrganisationNotCa(e));
        return false;
    }
    match member {
        None => {
            report.pass(
                CheckId::CertificateChain,
                format!(
                    "organisation signature: the CA certificate of {} signs",
                    org.common_name()
                ),
            );
            true
        }
        Some(member) => match issued_by(member, org) {
            Ok(()) => {
                report.pass(
                    CheckId::CertificateChain,
                    format!(
                        "member certificate for {} issued by {}",
                        member.common_name(),
                        org.common_name()
                    ),
                );
                true
            }
            Err(e) => {
                report.fail(CheckId::CertificateChain, Failure::MemberNotIssued(e));
                false
            }
        },
    }
}

/// Checks every certificate against the period and returns the part of it they all cover.
fn check_certificate_validity(
    report: &mut Report,
    certificates: &[&Certificate],
    period: &Period,
) -> Option<Period> {
    let mut common = Some(*period);
    for certificate in certificates {
        let validity = Period::new(certificate.not_before(), certificate.not_after()).ok();
        let overlap = validity.and_then(|v| v.intersect(period));
        if overlap.is_none() {
            let reason = if period.start == period.end {
                certificate
                    .check_validity_at(period.start)
                    .err()
                    .map(Box::new)
            } else {
                None
            };
            report.fail(
                CheckId::CertificateValidity,
                Failure::CertificateValidity {
                    common_name: certificate.common_name().to_string(),
                    not_before: certificate.not_before(),
                    not_after: certificate.not_after(),
                    period: *period,
                    reason,
                },
            );
            return None;
        }
        common = common.and_then(|c| overlap.and_then(|o| c.intersect(&o)));
    }
    match common {
        Some(common) => {
            report.pass(
                CheckId::CertificateValidity,
                format!(
                    "{} certificate(s) valid during {common}",
                    certificates.len()
                ),
            );
            Some(common)
        }
        None => {
            report.fail(
                CheckId::CertificateValidity,
                Failure::CertificatesNeverTogether { period: *period },
            );
            None
        }
    }
}

fn check_organisation_key(
    report: &mut Report,
    org: &Certificate,
) -> Option<(OrgKeyAlgorithm, String)> {
    let key = org
        .check_rsa_pss_signed()
        .and_then(|()| org.rsa_public_key())
        .map_err(Failure::OrganisationKeyCertificate)
        .and_then(|key| keys::key_id(&key).map_err(Failure::OrganisationKey));
    match key {
        Ok((algorithm, key_id)) => {
            report.pass(
                CheckId::OrganisationKey,
                format!("RSA-{} key, id {key_id}", algorithm.bits()),
            );
            Some((algorithm, key_id))
        }
        Err(e) => {
            report.fail(CheckId::OrganisationKey, e);
            None
        }
    }
}

fn check_dnssec(
    report: &mut Report,
    findings: &mut Findings,
    bundle: &SignatureBundle,
    org: &Certificate,
    key: Option<&(OrgKeyAlgorithm, String)>,
    period: &Period,
    expected: &Expectations<'_>,
) -> bool {
    let remaining = [CheckId::TtlOverrideWindow, CheckId::Dnssec];
    let record = match find_txt_record(findings, bundle, org, key, expected.service) {
        Ok(record) => {
            let service = record.service_oid.as_deref().unwrap_or("any service");
            report.pass(
                CheckId::TxtRecord,
                format!(
                    "\"{record}\": algorithm {}, key id matches, {service}",
                    record.algorithm.id()
                ),
            );
            record
        }
        Err(failure) => {
            report.fail(CheckId::TxtRecord, failure);
            report.skip(&remaining, CheckId::TxtRecord);
            return false;
        }
    };
    let chain = findings.chain.as_ref().expect("found with the TXT record");
    let domain = domain_of(org).expect("checked while finding the TXT record");
    let ttl = record.ttl_override.seconds();
    let window = ttl_override_window(period, ttl);
    findings.dnssec_window = Some(window);
    findings.txt_record = Some(record);

    let mut budget = Budget::default().with_cache(expected.cache);
    let outcome =
        validate_veraid_txt_within(chain, &domain, &window, expected.anchors, &mut budget);
    findings.walk = Some(outcome.walk.clone());
    findings.dnssec_work = budget.spent();
    if outcome.status == Status::Secure {
        report.pass(
            CheckId::TtlOverrideWindow,
            format!("RRSIGs overlap {window} (TTL override {ttl} s)"),
        );
        report.pass(
            CheckId::Dnssec,
            format!(
                "SECURE: {} zone(s) authenticated from the root",
                outcome.walk.zones.len()
            ),
        );
        return true;
    }
    // The TTL override only narrows the period: when the chain is secure over the whole period
    // but not within the window, the window is what failed (digest §6.4). Only an RRSIG outside
    // the window can make that difference, and the second walk shares the first one's budget.
    let secure_without_window = window != *period
        && outcome.reason.as_ref().is_some_and(rejects_for_timing)
        && validate_veraid_txt_within(chain, &domain, period, expected.anchors, &mut budget)
            .is_secure();
    findings.dnssec_work = budget.spent();
    let Err(rejection) = outcome.into_result() else {
        unreachable!("not secure, so a rejection");
    };
    if secure_without_window {
        report.fail(
            CheckId::TtlOverrideWindow,
            Failure::TtlOverrideWindow {
                period: *period,
                window,
                ttl,
                rejection: Box::new(rejection),
            },
        );
        report.skip(&[CheckId::Dnssec], CheckId::TtlOverrideWindow);
    } else {
        report.pass(
            CheckId::TtlOverrideWindow,
            format!("window {window} (TTL override {ttl} s)"),
        );
        report.fail(CheckId::Dnssec, Failure::Dnssec(Box::new(rejection)));
    }
    false
}

/// Whether an RRSIG was refused for falling outside the window.
fn rejects_for_timing(reason: &Reason) -> bool {
    match reason {
        Reason::NoValidSignature { rejected, .. } => rejected.iter().any(|r| {
            matches!(
                r.problem,
                RrsigProblem::Expired { .. } | RrsigProblem::NotYetValid { .. }
            )
        }),
        _ => false,
    }
}

fn domain_of(org: &Certificate) -> Result<Domain, Failure> {
    org.common_name()
        .parse::<Domain>()
        .map_err(Failure::NotADomain)
}

/// Finds the TXT record for the organisation key and service, as veraid-js does: every record
/// must parse, then the one naming the service wins over a generic one (digest §2.5).
fn find_txt_record(
    findings: &mut Findings,
    bundle: &SignatureBundle,
    org: &Certificate,
    key: Option<&(OrgKeyAlgorithm, String)>,
    service: &str,
) -> Result<TxtRdata, Failure> {
    let chain =
        DnssecChain::from_messages(bundle.dnssec_chain.clone()).map_err(Failure::MalformedChain)?;
    findings.chain = Some(chain.clone());
    let domain = domain_of(org)?;
    let answer = TxtAnswer::from_chain(&chain, &domain).map_err(Failure::TxtAnswer)?;
    findings.txt_answer = Some(answer.clone());
    let records = answer
        .strings()
        .map(|strings| TxtRdata::parse_strings(&strings))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| Failure::MalformedTxtRecord {
            name: answer.name.clone(),
            error,
        })?;
    let Some((algorithm, key_id)) = key else {
        return Err(Failure::OrganisationKeyUnusable);
    };
    select_record(&records, *algorithm, key_id, service)
        .cloned()
        .map_err(|error| Failure::NoTxtRecord {
            error,
            expected: format!("a record \"{} {key_id} <ttl> [{service}]\"", algorithm.id()),
            found: records.iter().map(|r| format!("\"{r}\"")).collect(),
        })
}

fn check_member_name(report: &mut Report, signature: &VerifiedSignature) -> Option<Member> {
    let name = match &signature.attribution {
        Some(member) => member.name().to_string(),
        None => signature.signer.common_name().to_string(),
    };
    match Member::from_name(&name) {
        Ok(member) => {
            let what = match &member {
                Member::Bot => "a bot (@)".to_string(),
                Member::User(user) => format!("user {}", user.as_str()),
            };
            report.pass(CheckId::MemberName, what);
            Some(member)
        }
        Err(e) => {
            report.fail(CheckId::MemberName, Failure::MemberName(e));
            None
        }
    }
}
