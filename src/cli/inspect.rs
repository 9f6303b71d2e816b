//! `kliento inspect`: everything in a token bundle, and every verification check with what it
//! found. Runs the same verification as `verify`; only the rendering differs.

use super::context::Context;
use super::failure::Failure;
use super::io;
use super::text::escape;
use super::ui::Ui;
use super::verify::{Input, VerificationArgs};
use kliento::dnssec::validate::SignatureUse;
use kliento::dnssec::{MessageSummary, Walk};
use kliento::domain::without_trailing_dot;
use kliento::keys::OrgKeyAlgorithm;
use kliento::report::{Check, Outcome, Report, Severity, Verdict};
use kliento::time::from_unix_seconds;
use kliento::token::bundle::TokenVerification;
use kliento::token::encoding::{BundleEncoding, MAX_INPUT_SIZE};
use kliento::veraid::certificate::Certificate;
use kliento::veraid::hex;
use kliento::veraid::verify::{Findings, Mode};
use serde::Serialize;
use serde_json::Value;
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
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<Verdict, Failure> {
    let input = args.verification.read(args.input.as_deref())?;
    let encoding = input.encoding.map(encoding_name);
    let verification = match &input.bundle {
        Ok(bytes) => Some(args.verification.verify(
            context,
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
    Ok(view.verdict())
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

    fn json(&self) -> InspectJson {
        let findings = self.findings();
        let verified = self.verification.and_then(TokenVerification::verified);
        InspectJson {
            schema_version: SCHEMA_VERSION,
            input: InputJson {
                bytes: self.read_whole().then_some(self.size),
                encoding: self.encoding.map(str::to_string),
            },
            status: self.status(),
            error: self.error(),
            subject_id: verified.map(|v| v.subject_id.clone()),
            organisation: findings
                .and_then(|f| f.organisation_certificate.as_ref())
                .map(|c| OrganisationJson {
                    name: without_trailing_dot(c.common_name()).into(),
                    certificate: CertificateJson::of(c),
                }),
            member: verified.map(|v| MemberJson {
                kind: if v.member.user().is_some() {
                    "user"
                } else {
                    "bot"
                },
                name: v.member.name().to_string(),
                signed_by: if v.signed_by_member {
                    "member"
                } else {
                    "organisation"
                },
            }),
            member_certificate: findings
                .and_then(|f| f.member_certificate.as_ref())
                .map(CertificateJson::of),
            signature: findings.and_then(|f| {
                f.metadata.as_ref().map(|m| SignatureJson {
                    service: m.service.to_string(),
                    start: m.start.to_string(),
                    end: m.end.to_string(),
                    encapsulated: f
                        .signed_data
                        .as_ref()
                        .map(|s| s.encapsulated_plaintext().is_some()),
                })
            }),
            token: verified.map(|v| TokenJson {
                audience: v.token.audience.clone(),
                claims: v.token.claims.to_json(),
            }),
            dnssec: findings.and_then(|f| {
                f.chain.as_ref().map(|chain| DnssecJson {
                    messages: chain.summaries().iter().map(MessageJson::of).collect(),
                    txt_record: f.txt_record.as_ref().map(ToString::to_string),
                    window: f.dnssec_window.map(|w| w.to_string()),
                    walk: f.walk.as_ref().map(WalkJson::of),
                    work: WorkJson {
                        signature_verifications: f.dnssec_work.verifications,
                        cost: f.dnssec_work.cost,
                        ds_digests: f.dnssec_work.ds_digests,
                    },
                })
            }),
            checks: self.report.checks.iter().map(CheckJson::of).collect(),
        }
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

/// `signed by <signer> key <tag> (algorithm <n>), valid <inception>..<expiration>`.
fn signature_use_text(signature: &SignatureUse) -> String {
    format!(
        "{}: signed by {} key {} (algorithm {}), valid {}",
        signature.rrset,
        signature.signer,
        signature.key_tag,
        signature.algorithm,
        signature.validity
    )
}

/// The walk as text, one line per step, root first (for `-v`): the window, which DS matched
/// which key, and which RRSIG authenticated each RRset.
pub fn walk_lines(walk: &Walk) -> Vec<String> {
    let mut lines = vec![format!("window {}", walk.window)];
    for zone in &walk.zones {
        let source = if zone.ds_signature.is_some() {
            "DS"
        } else {
            "trust anchor"
        };
        lines.extend(zone.ds_signature.as_ref().map(signature_use_text));
        for m in &zone.ds_matches {
            lines.push(format!(
                "{}: {source} {}/{}/{} matches DNSKEY {}",
                zone.zone, m.ds_key_tag, m.algorithm, m.digest_type, m.dnskey_tag
            ));
        }
        lines.extend(zone.dnskey_signature.as_ref().map(signature_use_text));
    }
    lines.extend(walk.answer_signature.as_ref().map(signature_use_text));
    lines
}

/// `inspect --format json`, schema version [`SCHEMA_VERSION`]: every key always present
/// (`null` where there is nothing to show), as the README's "inspect" section documents.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InspectJson {
    schema_version: u32,
    input: InputJson,
    status: &'static str,
    error: Option<String>,
    subject_id: Option<String>,
    organisation: Option<OrganisationJson>,
    member: Option<MemberJson>,
    member_certificate: Option<CertificateJson>,
    signature: Option<SignatureJson>,
    token: Option<TokenJson>,
    dnssec: Option<DnssecJson>,
    checks: Vec<CheckJson>,
}

#[derive(Serialize)]
struct InputJson {
    bytes: Option<usize>,
    encoding: Option<String>,
}

#[derive(Serialize)]
struct OrganisationJson {
    name: String,
    certificate: CertificateJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberJson {
    kind: &'static str,
    name: String,
    signed_by: &'static str,
}

#[derive(Serialize)]
struct SignatureJson {
    service: String,
    start: String,
    end: String,
    encapsulated: Option<bool>,
}

#[derive(Serialize)]
struct TokenJson {
    audience: String,
    claims: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateJson {
    common_name: String,
    issuer: Option<String>,
    serial_number: String,
    not_before: String,
    not_after: String,
    signature_algorithm: Option<&'static str>,
    key_bits: Option<usize>,
    key_algorithm: Option<u8>,
    key_id: Option<String>,
    subject_key_id: Option<String>,
    authority_key_id: Option<String>,
    is_ca: Option<bool>,
}

impl CertificateJson {
    fn of(certificate: &Certificate) -> Self {
        let key = certificate_key(certificate);
        Self {
            common_name: certificate.common_name().to_string(),
            issuer: certificate.issuer_common_name().map(str::to_string),
            serial_number: certificate.serial_number().to_string(),
            not_before: certificate.not_before().to_string(),
            not_after: certificate.not_after().to_string(),
            signature_algorithm: certificate
                .signature_algorithm()
                .map(|a| a.webcrypto_name())
                .ok(),
            key_bits: key.as_ref().map(|(a, _)| a.bits()),
            key_algorithm: key.as_ref().map(|(a, _)| a.id()),
            key_id: key.map(|(_, id)| id),
            subject_key_id: certificate.subject_key_id().map(hex),
            authority_key_id: certificate.authority_key_id().map(hex),
            is_ca: certificate.basic_constraints().map(|b| b.ca),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DnssecJson {
    messages: Vec<MessageJson>,
    txt_record: Option<String>,
    window: Option<String>,
    walk: Option<WalkJson>,
    work: WorkJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkJson {
    signature_verifications: u32,
    cost: u32,
    ds_digests: u32,
}

#[derive(Serialize)]
struct MessageJson {
    question: String,
    rcode: u16,
    bytes: usize,
    rrsets: Vec<RrsetJson>,
}

#[derive(Serialize)]
struct RrsetJson {
    name: String,
    ttl: u32,
    records: Vec<String>,
    rrsigs: Vec<RrsigJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RrsigJson {
    algorithm: u8,
    key_tag: u16,
    signer: String,
    inception: String,
    expiration: String,
}

impl MessageJson {
    fn of(summary: &MessageSummary) -> Self {
        Self {
            question: summary.questions.join(", "),
            rcode: summary.response_code,
            bytes: summary.bytes,
            rrsets: summary
                .rrsets
                .iter()
                .map(|r| RrsetJson {
                    name: r.name.clone(),
                    ttl: r.ttl,
                    records: r.records.clone(),
                    rrsigs: r
                        .signatures
                        .iter()
                        .map(|s| RrsigJson {
                            algorithm: s.algorithm,
                            key_tag: s.key_tag,
                            signer: s.signer.clone(),
                            inception: from_unix_seconds(s.inception).to_string(),
                            expiration: from_unix_seconds(s.expiration).to_string(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The walk zone by zone, as data: which DS matched which key and which RRSIG authenticated
/// each RRset.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WalkJson {
    window: String,
    zones: Vec<ZoneJson>,
    answer_signature: Option<SignatureUseJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ZoneJson {
    zone: String,
    ds_signature: Option<SignatureUseJson>,
    ds_matches: Vec<DsMatchJson>,
    dnskey_signature: Option<SignatureUseJson>,
    keys: Vec<KeyJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DsMatchJson {
    ds_key_tag: u16,
    digest_type: u8,
    dnskey_tag: u16,
    algorithm: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyJson {
    key_tag: u16,
    algorithm: u8,
    flags: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignatureUseJson {
    rrset: String,
    signer: String,
    key_tag: u16,
    algorithm: u8,
    inception: String,
    expiration: String,
}

impl SignatureUseJson {
    fn of(signature: &SignatureUse) -> Self {
        Self {
            rrset: signature.rrset.clone(),
            signer: signature.signer.clone(),
            key_tag: signature.key_tag,
            algorithm: signature.algorithm,
            inception: signature.validity.start.to_string(),
            expiration: signature.validity.end.to_string(),
        }
    }
}

impl WalkJson {
    fn of(walk: &Walk) -> Self {
        Self {
            window: walk.window.to_string(),
            zones: walk
                .zones
                .iter()
                .map(|zone| ZoneJson {
                    zone: zone.zone.clone(),
                    ds_signature: zone.ds_signature.as_ref().map(SignatureUseJson::of),
                    ds_matches: zone
                        .ds_matches
                        .iter()
                        .map(|m| DsMatchJson {
                            ds_key_tag: m.ds_key_tag,
                            digest_type: m.digest_type,
                            dnskey_tag: m.dnskey_tag,
                            algorithm: m.algorithm,
                        })
                        .collect(),
                    dnskey_signature: zone.dnskey_signature.as_ref().map(SignatureUseJson::of),
                    keys: zone
                        .keys
                        .iter()
                        .map(|k| KeyJson {
                            key_tag: k.key_tag,
                            algorithm: k.algorithm,
                            flags: k.flags,
                        })
                        .collect(),
                })
                .collect(),
            answer_signature: walk.answer_signature.as_ref().map(SignatureUseJson::of),
        }
    }
}

#[derive(Serialize)]
struct CheckJson {
    name: &'static str,
    title: &'static str,
    outcome: &'static str,
    detail: String,
    expected: Option<String>,
    actual: Option<String>,
}

impl CheckJson {
    fn of(check: &Check) -> Self {
        Self {
            name: check.id.name(),
            title: check.id.title(),
            outcome: outcome_name(&check.outcome),
            detail: check.detail.clone(),
            expected: check.expected.clone(),
            actual: check.actual.clone(),
        }
    }
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
        for line in walk_lines(walk) {
            let _ = writeln!(out, "  {}", escape(&line));
        }
        let work = findings.dnssec_work;
        let _ = writeln!(
            out,
            "  work: {} signature verifications (cost {}), {} DS digests",
            work.verifications, work.cost, work.ds_digests
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kliento::dnssec::test_chain::{ChainSpec, TestZones, ZoneAlgorithm};
    use kliento::dnssec::validate_veraid_txt;
    use kliento::time::Period;

    #[test]
    fn walk_renders_one_line_per_step() {
        let ts = |t: &str| t.parse::<kliento::time::Timestamp>().unwrap();
        let domain: kliento::domain::Domain = "example.com".parse().unwrap();
        let zones = TestZones::generate(&domain, &[ZoneAlgorithm::EcdsaP256Sha256]).unwrap();
        let validity = Period::new(ts("2026-01-01T00:00:00Z"), ts("2026-02-01T00:00:00Z")).unwrap();
        let test = zones
            .build(&ChainSpec::new(
                "1 LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM= 3600",
                validity,
            ))
            .unwrap();
        let walk = validate_veraid_txt(
            &test.chain().unwrap(),
            &domain,
            &Period::instant(ts("2026-01-15T00:00:00Z")),
            std::slice::from_ref(&test.root_anchor),
        )
        .into_result()
        .unwrap();
        let lines = walk_lines(&walk);
        assert_eq!(lines.len(), 1 + 2 + 3 * 2 + 1, "{lines:#?}");
        assert_eq!(
            lines[0],
            "window 2026-01-15T00:00:00Z..2026-01-15T00:00:00Z"
        );
        let root_tag = walk.zones[0].keys[0].key_tag;
        assert_eq!(
            lines[1],
            format!(".: trust anchor {root_tag}/13/2 matches DNSKEY {root_tag}")
        );
        assert_eq!(
            lines[2],
            format!(
                "./DNSKEY: signed by . key {root_tag} (algorithm 13), valid \
                 2026-01-01T00:00:00Z..2026-02-01T00:00:00Z"
            )
        );
        assert!(
            lines[3].starts_with("com./DS: signed by . key "),
            "{lines:#?}"
        );
        assert!(
            lines[9].starts_with("_veraid.example.com./TXT: signed by example.com. key "),
            "{lines:#?}"
        );
    }
}
