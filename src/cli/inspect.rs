//! `kliento inspect`: everything in a token bundle, and every verification check with what it
//! found. Runs the same verification as `verify`; only the rendering differs.

use super::exit::Exit;
use super::failure::Failure;
use super::io;
use super::text::escape;
use super::ui::Ui;
use super::verify::VerificationArgs;
use kliento::dnssec::MessageSummary;
use kliento::report::{Check, CheckId, Outcome, Report, Severity, Verdict};
use kliento::time::from_unix_seconds;
use kliento::token::bundle::TokenVerification;
use kliento::token::encoding::BundleEncoding;
use kliento::veraid::certificate::Certificate;
use kliento::veraid::hex;
use kliento::veraid::member::Member;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Show everything in a token bundle and every check
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Show everything in a Kliento token bundle (organisation and member \
                         certificates, signature metadata, token, each DNS message with its \
                         RRsets and RRSIG windows) and then every verification check in order, \
                         with what each expected and found. Exit 0 when the bundle decodes, \
                         whatever the checks say; 3 when it is malformed. -v adds the DNSSEC \
                         walk, zone by zone."
)]
pub struct Args {
    /// The bundle: DER, base64 or `Kliento <base64>` (`-` or nothing for stdin)
    #[arg(value_name = "INPUT")]
    input: Option<PathBuf>,

    /// Audience to check the token against (without it, the audience check is skipped)
    #[arg(long, value_name = "AUDIENCE")]
    audience: Option<String>,

    #[command(flatten)]
    verification: VerificationArgs,
}

/// Inspects the bundle.
pub fn run(ui: &Ui, args: Args) -> Result<Exit, Failure> {
    let input = args.verification.read(args.input.as_deref())?;
    let encoding = input.encoding.map(encoding_name);
    let bytes = match input.bundle {
        Ok(bytes) => bytes,
        Err(reason) => {
            let error = format!("Token serialisation is malformed: {reason}");
            if ui.json() {
                ui.print_json(&json!({
                    "schemaVersion": 1,
                    "input": { "bytes": input.size, "encoding": encoding },
                    "status": "malformed",
                    "error": error,
                }))?;
            } else {
                ui.print_line(format!(
                    "Input: {} bytes, {}\nStatus: malformed: {}",
                    input.size,
                    encoding.unwrap_or("undetected encoding"),
                    escape(&error)
                ))?;
            }
            return Ok(Exit::Malformed);
        }
    };
    // Without an audience, verify against one that cannot match and mark the check skipped.
    let audience = args.audience.clone();
    let mut verification = args
        .verification
        .verify(&bytes, audience.as_deref().unwrap_or_default())?;
    if audience.is_none() {
        skip_audience(&mut verification.veraid.report);
    }
    args.verification.hint_foreign_root(ui, &verification);
    let status = match verification.veraid.report.verdict() {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::Malformed => "malformed",
    };
    if ui.json() {
        ui.print_json(&json_report(
            &verification,
            &input_json(input.size, encoding),
            status,
        ))?;
    } else {
        let text = text_report(&verification, input.size, encoding, status, ui.verbosity());
        io::write_stdout(text.as_bytes(), false)?;
    }
    Ok(match verification.veraid.report.verdict() {
        Verdict::Malformed => Exit::Malformed,
        _ => Exit::Success,
    })
}

fn skip_audience(report: &mut Report) {
    if let Some(check) = report.checks.iter_mut().find(|c| c.id == CheckId::Audience) {
        check.outcome = Outcome::Skipped;
        check.detail = "not checked: no --audience given".into();
        check.expected = None;
        check.actual = None;
    }
}

fn encoding_name(encoding: BundleEncoding) -> &'static str {
    match encoding {
        BundleEncoding::Der => "der",
        BundleEncoding::Base64 => "base64",
        BundleEncoding::Header => "header",
    }
}

fn input_json(size: usize, encoding: Option<&str>) -> Value {
    json!({ "bytes": size, "encoding": encoding })
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Failed(Severity::Malformed) => "malformed",
        Outcome::Failed(Severity::Invalid) => "failed",
        Outcome::Skipped => "skipped",
    }
}

fn certificate_json(certificate: &Certificate) -> Value {
    let key = certificate
        .rsa_public_key()
        .ok()
        .and_then(|k| kliento::keys::key_id(&k).ok());
    json!({
        "commonName": certificate.common_name(),
        "issuer": certificate.issuer_common_name(),
        "serialNumber": certificate.serial_number().to_string(),
        "notBefore": certificate.not_before().to_string(),
        "notAfter": certificate.not_after().to_string(),
        "signatureAlgorithm": certificate.signature_algorithm().map(|a| a.webcrypto_name()).ok(),
        "keyAlgorithm": key.as_ref().map(|(a, _)| a.id()),
        "keyId": key.map(|(_, id)| id),
        "subjectKeyId": certificate.subject_key_id().map(hex),
        "authorityKeyId": certificate.authority_key_id().map(hex),
        "isCa": certificate.basic_constraints().map(|b| b.ca),
    })
}

fn message_json(summary: &MessageSummary) -> Value {
    json!({
        "question": summary.questions.join(", "),
        "rcode": summary.response_code,
        "bytes": summary.bytes,
        "rrsets": summary.rrsets.iter().map(|r| json!({
            "name": r.name,
            "ttl": r.ttl,
            "records": r.records,
            "rrsigs": r.signatures.iter().map(|s| json!({
                "algorithm": s.algorithm,
                "keyTag": s.key_tag,
                "signer": s.signer,
                "inception": from_unix_seconds(s.inception).to_string(),
                "expiration": from_unix_seconds(s.expiration).to_string(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn check_json(check: &Check) -> Value {
    let mut value = json!({
        "name": check.id.name(),
        "title": check.id.title(),
        "outcome": outcome_name(&check.outcome),
        "detail": check.detail,
    });
    if let Some(expected) = &check.expected {
        value["expected"] = json!(expected);
    }
    if let Some(actual) = &check.actual {
        value["actual"] = json!(actual);
    }
    value
}

fn member_json(member: Option<&Member>, signed_by_member: Option<bool>) -> Value {
    match member {
        None => Value::Null,
        Some(member) => json!({
            "kind": if member.user().is_some() { "user" } else { "bot" },
            "name": member.name(),
            "signedBy": match signed_by_member {
                Some(true) => "member",
                Some(false) => "organisation",
                None => "unknown",
            },
        }),
    }
}

fn json_report(verification: &TokenVerification, input: &Value, status: &str) -> Value {
    let findings = &verification.veraid.findings;
    let report = &verification.veraid.report;
    let signature = findings.metadata.as_ref().map(|m| {
        json!({
            "service": m.service.to_string(),
            "start": m.start.to_string(),
            "end": m.end.to_string(),
            "encapsulated": findings.signed_data.as_ref().map(|s| s.encapsulated_plaintext().is_some()),
        })
    });
    json!({
        "schemaVersion": 1,
        "input": input,
        "status": status,
        "error": verification.error(),
        "subjectId": verification.subject_id,
        "organisation": findings.organisation_certificate.as_ref().map(|c| json!({
            "name": c.common_name().strip_suffix('.').unwrap_or(c.common_name()),
            "certificate": certificate_json(c),
        })),
        "member": member_json(findings.member.as_ref(), findings.signed_by_member),
        "memberCertificate": findings.member_certificate.as_ref().map(certificate_json),
        "signature": signature,
        "token": verification.token.as_ref().map(|t| json!({
            "audience": t.audience,
            "claims": t.claims.to_json(),
        })),
        "dnssec": findings.chain.as_ref().map(|chain| json!({
            "messages": chain.summaries().iter().map(message_json).collect::<Vec<_>>(),
            "txtRecord": findings.txt_record.as_ref().map(ToString::to_string),
            "window": findings.dnssec_window.map(|w| w.to_string()),
            "walk": findings.walk.as_ref().map(ToString::to_string),
        })),
        "checks": report.checks.iter().map(check_json).collect::<Vec<_>>(),
    })
}

fn certificate_text(out: &mut String, label: &str, certificate: &Certificate, organisation: bool) {
    let json = certificate_json(certificate);
    let _ = writeln!(out, "{label}: {}", escape(certificate.common_name()));
    let _ = writeln!(
        out,
        "  issuer {}, serial {}",
        escape(certificate.issuer_common_name().unwrap_or("(no CN)")),
        certificate.serial_number()
    );
    let _ = writeln!(
        out,
        "  valid {} .. {}",
        certificate.not_before(),
        certificate.not_after()
    );
    // The TXT algorithm number and key id only mean something for the organisation key (they
    // are what its _veraid TXT record holds); a member key is described by its size.
    let bits = certificate
        .rsa_public_key()
        .ok()
        .and_then(|k| kliento::keys::key_id(&k).ok())
        .map(|(a, _)| a.bits());
    if let (Some(alg), Some(id), Some(bits)) =
        (json["keyAlgorithm"].as_u64(), json["keyId"].as_str(), bits)
    {
        if organisation {
            let _ = writeln!(out, "  key: RSA-{bits}, TXT algorithm {alg}, key id {id}");
        } else {
            let _ = writeln!(out, "  key: RSA-{bits}, key digest {id}");
        }
    }
    if let Some(algorithm) = json["signatureAlgorithm"].as_str() {
        let _ = writeln!(out, "  signed with {algorithm}");
    }
}

fn text_report(
    verification: &TokenVerification,
    size: usize,
    encoding: Option<&str>,
    status: &str,
    verbosity: u8,
) -> String {
    let findings = &verification.veraid.findings;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Input: {size} bytes, {}",
        encoding.unwrap_or("undetected encoding")
    );
    if let Some(org) = &findings.organisation_certificate {
        certificate_text(&mut out, "Organisation certificate", org, true);
    }
    if let Some(member) = &findings.member_certificate {
        certificate_text(&mut out, "Member certificate", member, false);
    }
    if let Some(member) = &findings.member {
        let by = match findings.signed_by_member {
            Some(true) => "signed by the member",
            _ => "signed by the organisation",
        };
        let who = match member.user() {
            Some(user) => format!("user {}", escape(user)),
            None => "a bot (@)".into(),
        };
        let _ = writeln!(out, "Member: {who}, {by}");
    }
    if let Some(metadata) = &findings.metadata {
        let _ = writeln!(
            out,
            "Signature: service {}, valid {} .. {}",
            metadata.service, metadata.start, metadata.end
        );
    }
    if let Some(token) = &verification.token {
        let _ = writeln!(out, "Token: audience \"{}\"", escape(&token.audience));
        for (key, value) in token.claims.iter() {
            let _ = writeln!(out, "  claim {}={}", escape(key), escape(value));
        }
    }
    if let Some(chain) = &findings.chain {
        let _ = writeln!(out, "DNSSEC chain: {} messages", chain.len());
        for (i, message) in chain.summaries().iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} rcode {}, {} bytes",
                i + 1,
                escape(&message.questions.join(", ")),
                message.response_code,
                message.bytes
            );
            for rrset in &message.rrsets {
                let _ = writeln!(
                    out,
                    "     {} TTL {}: {} record(s)",
                    escape(&rrset.name),
                    rrset.ttl,
                    rrset.records.len()
                );
                if rrset.name.ends_with("/TXT") {
                    for record in &rrset.records {
                        let _ = writeln!(out, "       {}", escape(record));
                    }
                }
                for rrsig in &rrset.signatures {
                    let _ = writeln!(
                        out,
                        "       RRSIG alg {} key {} by {} valid {} .. {}",
                        rrsig.algorithm,
                        rrsig.key_tag,
                        escape(&rrsig.signer),
                        from_unix_seconds(rrsig.inception),
                        from_unix_seconds(rrsig.expiration)
                    );
                }
            }
        }
    }
    if verbosity > 0
        && let Some(walk) = &findings.walk
    {
        let _ = writeln!(out, "DNSSEC walk:");
        for line in walk.to_string().lines() {
            let _ = writeln!(out, "  {}", escape(line));
        }
    }
    let _ = writeln!(out, "Checks:");
    for check in &verification.veraid.report.checks {
        let mark = match check.outcome {
            Outcome::Passed => "ok  ",
            Outcome::Failed(_) => "FAIL",
            Outcome::Skipped => "skip",
        };
        let _ = writeln!(
            out,
            "  [{mark}] {}: {}",
            check.id.name(),
            escape(&check.detail)
        );
        if let Some(expected) = &check.expected {
            let _ = writeln!(out, "         expected: {}", escape(expected));
        }
        if let Some(actual) = &check.actual {
            let _ = writeln!(out, "         actual:   {}", escape(actual));
        }
    }
    match (&verification.subject_id, verification.error()) {
        (Some(subject), _) => {
            let _ = writeln!(out, "Status: valid: {}", escape(subject));
        }
        (None, Some(error)) => {
            let _ = writeln!(out, "Status: {status}: {}", escape(&error));
        }
        (None, None) => {
            let _ = writeln!(out, "Status: {status}: a check was skipped");
        }
    }
    out
}
