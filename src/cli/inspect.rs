//! `kliento inspect`: everything in a token bundle, and every verification check with what it
//! found. Runs the same verification as `verify`; only the rendering differs.

use super::exit::Exit;
use super::failure::Failure;
use super::io;
use super::text::escape;
use super::ui::Ui;
use super::verify::{Input, VerificationArgs};
use kliento::dnssec::validate::SignatureUse;
use kliento::dnssec::{MessageSummary, Walk};
use kliento::keys::OrgKeyAlgorithm;
use kliento::report::{Check, Outcome, Report, Severity, Verdict};
use kliento::time::from_unix_seconds;
use kliento::token::bundle::TokenVerification;
use kliento::token::encoding::{BundleEncoding, MAX_INPUT_SIZE};
use kliento::veraid::certificate::Certificate;
use kliento::veraid::hex;
use kliento::veraid::verify::{Findings, Mode};
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

    /// Audience to check the token against (without it, the status is at best
    /// `valid-except-audience`)
    #[arg(long, value_name = "AUDIENCE")]
    audience: Option<String>,

    #[command(flatten)]
    verification: VerificationArgs,
}

/// Inspects the bundle.
pub fn run(ui: &Ui, args: Args) -> Result<Exit, Failure> {
    let input = args.verification.read(args.input.as_deref())?;
    let encoding = input.encoding.map(encoding_name);
    let verification = match &input.bundle {
        Ok(bytes) => Some(args.verification.verify(
            bytes,
            args.audience.as_deref(),
            Mode::Diagnose,
        )?),
        Err(_) => None,
    };
    if let Some(verification) = &verification {
        args.verification.hint_foreign_root(ui, verification);
    }
    let view = View::new(&input, encoding, verification.as_ref());
    if ui.json() {
        ui.print_json(&view.json())?;
    } else {
        let text = view.text(ui.verbosity());
        io::write_stdout(text.as_bytes(), false)?;
    }
    Ok(match view.verdict() {
        Verdict::Malformed => Exit::Malformed,
        _ => Exit::Success,
    })
}

/// What `inspect` shows, the same whether the input decoded or not.
struct View<'a> {
    size: usize,
    encoding: Option<&'a str>,
    report: Report,
    verification: Option<&'a TokenVerification>,
}

impl<'a> View<'a> {
    fn new(
        input: &'a Input,
        encoding: Option<&'a str>,
        verification: Option<&'a TokenVerification>,
    ) -> Self {
        let report = match (verification, &input.bundle) {
            (Some(verification), _) => verification.report().clone(),
            (None, Err(reason)) => Report::undecodable(reason.clone()),
            (None, Ok(_)) => Report::undecodable("not verified"),
        };
        Self {
            size: input.size,
            encoding,
            report,
            verification,
        }
    }

    fn verdict(&self) -> Verdict {
        self.report.verdict()
    }

    /// Whether the input was read whole (inputs over the cap are read one byte past it only).
    fn read_whole(&self) -> bool {
        self.size <= MAX_INPUT_SIZE
    }

    fn size_text(&self) -> String {
        if self.read_whole() {
            format!("{} bytes", self.size)
        } else {
            format!("more than {MAX_INPUT_SIZE} bytes")
        }
    }

    fn status(&self) -> &'static str {
        match self.verdict() {
            Verdict::Valid => "valid",
            Verdict::ValidExceptAudience => "valid-except-audience",
            Verdict::Invalid => "invalid",
            Verdict::Malformed => "malformed",
        }
    }

    /// The one sentence both renderings give after the status.
    fn explanation(&self) -> Option<String> {
        let verified = self.verification.and_then(TokenVerification::verified);
        match (self.verdict(), verified) {
            (Verdict::Valid, Some(verified)) => Some(verified.subject_id.clone()),
            (Verdict::ValidExceptAudience, Some(verified)) => Some(format!(
                "{}; every check passed but the audience, which was not checked (pass --audience)",
                verified.subject_id
            )),
            _ => self.error(),
        }
    }

    fn error(&self) -> Option<String> {
        match self.verification {
            Some(verification) => verification.error(),
            None => self
                .report
                .first_failure()
                .map(|c| format!("Token serialisation is malformed: {}", c.detail)),
        }
    }

    fn findings(&self) -> Option<&'a Findings> {
        self.verification.map(TokenVerification::findings)
    }

    fn json(&self) -> Value {
        let findings = self.findings();
        let verified = self.verification.and_then(TokenVerification::verified);
        let signature = findings.and_then(|f| {
            f.metadata.as_ref().map(|m| {
                json!({
                    "service": m.service.to_string(),
                    "start": m.start.to_string(),
                    "end": m.end.to_string(),
                    "encapsulated": f.signed_data.as_ref().map(|s| s.encapsulated_plaintext().is_some()),
                })
            })
        });
        json!({
            "schemaVersion": SCHEMA_VERSION,
            "input": { "bytes": self.read_whole().then_some(self.size), "encoding": self.encoding },
            "status": self.status(),
            "error": self.error(),
            "subjectId": verified.map(|v| v.subject_id.clone()),
            "organisation": findings.and_then(|f| f.organisation_certificate.as_ref()).map(|c| json!({
                "name": c.common_name().strip_suffix('.').unwrap_or(c.common_name()),
                "certificate": certificate_json(c),
            })),
            "member": verified.map(|v| json!({
                "kind": if v.member.user().is_some() { "user" } else { "bot" },
                "name": v.member.name(),
                "signedBy": if v.signed_by_member { "member" } else { "organisation" },
            })),
            "memberCertificate": findings.and_then(|f| f.member_certificate.as_ref()).map(certificate_json),
            "signature": signature,
            "token": verified.map(|v| json!({
                "audience": v.token.audience,
                "claims": v.token.claims.to_json(),
            })),
            "dnssec": findings.and_then(|f| f.chain.as_ref().map(|chain| json!({
                "messages": chain.summaries().iter().map(message_json).collect::<Vec<_>>(),
                "txtRecord": f.txt_record.as_ref().map(ToString::to_string),
                "window": f.dnssec_window.map(|w| w.to_string()),
                "walk": f.walk.as_ref().map(walk_json),
                "work": {
                    "signatureVerifications": f.dnssec_work.verifications,
                    "cost": f.dnssec_work.cost,
                    "dsDigests": f.dnssec_work.ds_digests,
                },
            }))),
            "checks": self.report.checks.iter().map(check_json).collect::<Vec<_>>(),
        })
    }

    fn text(&self, verbosity: u8) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Input: {}, {}",
            self.size_text(),
            self.encoding.unwrap_or("undetected encoding")
        );
        if let Some(findings) = self.findings() {
            findings_text(&mut out, findings, verbosity);
        }
        if let Some(verified) = self.verification.and_then(TokenVerification::verified) {
            let by = if verified.signed_by_member {
                "signed by the member"
            } else {
                "signed by the organisation"
            };
            let who = match verified.member.user() {
                Some(user) => format!("user {}", escape(user)),
                None => "a bot (@)".into(),
            };
            let _ = writeln!(out, "Member: {who}, {by}");
            let _ = writeln!(
                out,
                "Token: audience \"{}\"",
                escape(&verified.token.audience)
            );
            for (key, value) in verified.token.claims.iter() {
                let _ = writeln!(out, "  claim {}={}", escape(key), escape(value));
            }
        }
        let _ = writeln!(out, "Checks:");
        for check in &self.report.checks {
            let mark = match check.outcome {
                Outcome::Passed => "ok  ",
                Outcome::Failed(_) => "FAIL",
                Outcome::Skipped => "skip",
                Outcome::NotRequested => "----",
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
        match self.explanation() {
            Some(explanation) => {
                let _ = writeln!(out, "Status: {}: {}", self.status(), escape(&explanation));
            }
            None => {
                let _ = writeln!(out, "Status: {}", self.status());
            }
        }
        out
    }
}

/// The version of `inspect --format json`'s schema (README, "inspect JSON"): 2 added
/// `valid-except-audience`, every key always present, the walk as data and the DNSSEC work.
const SCHEMA_VERSION: u32 = 2;

fn encoding_name(encoding: BundleEncoding) -> &'static str {
    match encoding {
        BundleEncoding::Der => "der",
        BundleEncoding::Base64 => "base64",
        BundleEncoding::Header => "header",
    }
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Failed(f) if f.severity() == Severity::Malformed => "malformed",
        Outcome::Failed(_) => "failed",
        Outcome::Skipped => "skipped",
        Outcome::NotRequested => "not-requested",
    }
}

/// The certificate's key: TXT algorithm number and key id, when it is a usable RSA key.
fn certificate_key(certificate: &Certificate) -> Option<(OrgKeyAlgorithm, String)> {
    certificate
        .rsa_public_key()
        .ok()
        .and_then(|k| kliento::keys::key_id(&k).ok())
}

fn certificate_json(certificate: &Certificate) -> Value {
    let key = certificate_key(certificate);
    json!({
        "commonName": certificate.common_name(),
        "issuer": certificate.issuer_common_name(),
        "serialNumber": certificate.serial_number().to_string(),
        "notBefore": certificate.not_before().to_string(),
        "notAfter": certificate.not_after().to_string(),
        "signatureAlgorithm": certificate.signature_algorithm().map(|a| a.webcrypto_name()).ok(),
        "keyBits": key.as_ref().map(|(a, _)| a.bits()),
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

fn signature_use_json(signature: &SignatureUse) -> Value {
    json!({
        "rrset": signature.rrset,
        "signer": signature.signer,
        "keyTag": signature.key_tag,
        "algorithm": signature.algorithm,
        "inception": signature.validity.start.to_string(),
        "expiration": signature.validity.end.to_string(),
    })
}

/// The walk zone by zone, as data: which DS matched which key and which RRSIG authenticated
/// each RRset.
fn walk_json(walk: &Walk) -> Value {
    json!({
        "window": walk.window.to_string(),
        "zones": walk.zones.iter().map(|zone| json!({
            "zone": zone.zone,
            "dsSignature": zone.ds_signature.as_ref().map(signature_use_json),
            "dsMatches": zone.ds_matches.iter().map(|m| json!({
                "dsKeyTag": m.ds_key_tag,
                "digestType": m.digest_type,
                "dnskeyTag": m.dnskey_tag,
                "algorithm": m.algorithm,
            })).collect::<Vec<_>>(),
            "dnskeySignature": zone.dnskey_signature.as_ref().map(signature_use_json),
            "keys": zone.keys.iter().map(|k| json!({
                "keyTag": k.key_tag,
                "algorithm": k.algorithm,
                "flags": k.flags,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "answerSignature": walk.answer_signature.as_ref().map(signature_use_json),
    })
}

fn check_json(check: &Check) -> Value {
    json!({
        "name": check.id.name(),
        "title": check.id.title(),
        "outcome": outcome_name(&check.outcome),
        "detail": check.detail,
        "expected": check.expected,
        "actual": check.actual,
    })
}

fn certificate_text(out: &mut String, label: &str, certificate: &Certificate, organisation: bool) {
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
    if let Some((algorithm, id)) = certificate_key(certificate) {
        let bits = algorithm.bits();
        if organisation {
            let _ = writeln!(
                out,
                "  key: RSA-{bits}, TXT algorithm {}, key id {id}",
                algorithm.id()
            );
        } else {
            let _ = writeln!(out, "  key: RSA-{bits}, key digest {id}");
        }
    }
    if let Ok(algorithm) = certificate.signature_algorithm() {
        let _ = writeln!(out, "  signed with {}", algorithm.webcrypto_name());
    }
}

fn findings_text(out: &mut String, findings: &Findings, verbosity: u8) {
    if let Some(org) = &findings.organisation_certificate {
        certificate_text(out, "Organisation certificate", org, true);
    }
    if let Some(member) = &findings.member_certificate {
        certificate_text(out, "Member certificate", member, false);
    }
    if let Some(metadata) = &findings.metadata {
        let _ = writeln!(
            out,
            "Signature: service {}, valid {} .. {}",
            metadata.service, metadata.start, metadata.end
        );
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
        let work = findings.dnssec_work;
        let _ = writeln!(
            out,
            "  work: {} signature verifications (cost {}), {} DS digests",
            work.verifications, work.cost, work.ds_digests
        );
    }
}
