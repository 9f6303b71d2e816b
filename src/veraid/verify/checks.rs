//! The checks of the pipeline that need more than a line: the certificate path and validity,
//! the organisation key against the TXT record, the DNSSEC chain, the member name. Each records
//! its outcome in the report and returns what later checks need.

use super::*;

pub(super) fn check_certificate_chain(
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
pub(super) fn check_certificate_validity(
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

pub(super) fn check_organisation_key(
    report: &mut Report,
    org: &Certificate,
) -> Option<(OrgKeyAlgorithm, String)> {
    let key = org
        .check_rsa_pss_signed()
        .and_then(|()| org.public_key())
        .map_err(Failure::OrganisationKeyCertificate)
        .and_then(|key| key.key_id().map_err(Failure::OrganisationKey));
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

pub(super) fn check_dnssec(
    report: &mut Report,
    findings: &mut Findings,
    bundle: &SignatureBundle,
    org: &Certificate,
    key: Option<&(OrgKeyAlgorithm, String)>,
    period: &Period,
    expected: &Expectations<'_>,
) -> bool {
    let remaining = [CheckId::TtlOverrideWindow, CheckId::Dnssec];
    let found = find_txt_record(findings, bundle, org, key, expected);
    let (record, remembered) = match found {
        Ok((record, remembered)) => {
            let service = record.service_oid.as_deref().unwrap_or("any service");
            report.pass(
                CheckId::TxtRecord,
                format!(
                    "\"{record}\": algorithm {}, key id matches, {service}",
                    record.algorithm.id()
                ),
            );
            (record, remembered)
        }
        Err(failure) => {
            report.fail(CheckId::TxtRecord, failure);
            report.skip(&remaining, CheckId::TxtRecord);
            return false;
        }
    };
    let domain = domain_of(org).expect("checked while finding the TXT record");
    let ttl = record.ttl_override.seconds();
    let window = ttl_override_window(period, ttl);
    findings.dnssec_window = Some(window);
    findings.txt_record = Some(record);

    let mut budget = Budget::default().with_cache(expected.cache);
    let outcome = remembered.validate(&domain, &window, expected.anchors, &mut budget);
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
        findings.walk = Some(outcome.walk);
        return true;
    }
    findings.walk = Some(outcome.walk.clone());
    // The TTL override only narrows the period: when the chain is secure over the whole period
    // but not within the window, the window is what failed (digest §6.4). Only an RRSIG outside
    // the window can make that difference, and the second walk shares the first one's budget.
    let secure_without_window = window != *period
        && outcome.reason.as_ref().is_some_and(rejects_for_timing)
        && remembered
            .validate(&domain, period, expected.anchors, &mut budget)
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

pub(super) fn domain_of(org: &Certificate) -> Result<Domain, Failure> {
    org.common_name()
        .parse::<Domain>()
        .map_err(Failure::NotADomain)
}

/// Finds the TXT record for the organisation key and service, as veraid-js does: every record
/// must parse, then the one naming the service wins over a generic one (digest §2.5). Returns
/// the chain too, remembered by the warm cache when there is one.
fn find_txt_record(
    findings: &mut Findings,
    bundle: &SignatureBundle,
    org: &Certificate,
    key: Option<&(OrgKeyAlgorithm, String)>,
    expected: &Expectations<'_>,
) -> Result<(TxtRdata, Arc<RememberedChain>), Failure> {
    let remembered = match expected.cache {
        Some(cache) => cache.chain(&bundle.dnssec_chain),
        None => DnssecChain::from_messages(bundle.dnssec_chain.clone())
            .map(|chain| Arc::new(RememberedChain::once(chain))),
    }
    .map_err(Failure::MalformedChain)?;
    let chain = remembered.chain();
    findings.chain = Some(chain.clone());
    let domain = domain_of(org)?;
    let answer = remembered.txt_answer(&domain).map_err(Failure::TxtAnswer)?;
    let records = answer
        .strings()
        .map(|strings| TxtRdata::parse_strings(&strings))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| Failure::MalformedTxtRecord {
            name: answer.name.clone(),
            error,
        });
    findings.txt_answer = Some(answer);
    let records = records?;
    let Some((algorithm, key_id)) = key else {
        return Err(Failure::OrganisationKeyUnusable);
    };
    let service = expected.service;
    let record = select_record(&records, *algorithm, key_id, service)
        .cloned()
        .map_err(|error| Failure::NoTxtRecord {
            error,
            expected: format!("a record \"{} {key_id} <ttl> [{service}]\"", algorithm.id()),
            found: records.iter().map(|r| format!("\"{r}\"")).collect(),
        })?;
    Ok((record, remembered))
}

pub(super) fn check_member_name(
    report: &mut Report,
    signature: &VerifiedSignature,
) -> Option<Member> {
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
