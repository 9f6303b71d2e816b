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

mod json;
mod text;

pub use text::walk_lines;

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
    let checker = args.verification.resolve(context)?;
    let input = checker.read(args.input.as_deref())?;
    let encoding = input.encoding.map(encoding_name);
    let verification = match &input.bundle {
        Ok(bytes) => Some(checker.verify(bytes, args.audience.as_deref(), Mode::Diagnose)),
        Err(_) => None,
    };
    if let Some(verification) = &verification {
        checker.hint_foreign_root(ui, verification);
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
