//! `kliento verify`: offline verification of a token bundle for an audience, answering as
//! Kliento Verifier does (`valid` / `invalid` / `malformed`).

use super::anchors::{foreign_root, load_anchors};
use super::context::Context;
use super::failure::Failure;
use super::hints;
use super::io;
use super::text::escape;
use super::ui::Ui;
use super::values::{self, TimeArg};
use kliento::dnssec::TrustAnchor;
use kliento::report::{CheckId, Outcome, Verdict};
use kliento::time::Timestamp;
use kliento::token::bundle::TokenVerification;
use kliento::token::encoding::{self, BundleEncoding};
use kliento::veraid::verify::Mode;
use kliento::{Malformed, TokenBundle, Verifier};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Verify a token bundle offline
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Verify a Kliento token bundle offline, for an audience, at the current \
                         time or --at a given time: the CMS signature, the Kliento service, the \
                         validity periods, the certificate chain, the _veraid TXT record and the \
                         DNSSEC chain from the root trust anchors, then the token's audience. \
                         Prints `valid: SUBJECT` and the claims (exit 0), `invalid: REASON` \
                         (exit 1) or `malformed: REASON` (exit 3); --format json prints Kliento \
                         Verifier's shape. Never touches the network. Unlike @relaycorp/veraid, \
                         which checks certificates against the wall clock whatever time it is \
                         asked about, --at checks everything at the given time."
)]
pub struct Args {
    /// The bundle: DER, base64 or `Kliento <base64>` (`-` or nothing for stdin)
    #[arg(value_name = "INPUT")]
    input: Option<PathBuf>,

    #[command(flatten)]
    verification: VerificationArgs,

    /// The audience the token must be for (exact match)
    #[arg(long, value_name = "AUDIENCE")]
    audience: String,
}

/// Flags shared by `verify` and `inspect`: how the bundle is read and checked.
#[derive(Debug, clap::Args)]
pub struct VerificationArgs {
    /// Verification time: RFC 3339 or relative to now (-1h) [default: now]
    #[arg(long, value_name = "TIME", value_parser = values::time, allow_hyphen_values = true)]
    at: Option<TimeArg>,

    /// DS records of the root (zone-file form) to trust instead of the IANA root KSKs
    #[arg(long, value_name = "FILE", env = "KLIENTO_TRUST_ANCHORS")]
    trust_anchors: Option<PathBuf>,

    /// Input encoding, instead of detecting it
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormat>,
}

/// How the bundle is encoded on input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Binary DER
    Der,
    /// Base64 (standard or URL-safe, padding optional)
    Base64,
    /// `Kliento <base64>` (a leading `Authorization:` is tolerated)
    Header,
}

/// The bundle's DER bytes and how it was encoded, or why it could not be decoded.
pub struct Input {
    /// Encoding detected or forced.
    pub encoding: Option<BundleEncoding>,
    /// Size of the raw input.
    pub size: usize,
    /// The bundle, or the reason it could not be decoded.
    pub bundle: Result<TokenBundle, String>,
    /// What to do about an undecodable input, when there is something to say.
    pub hint: Option<&'static str>,
}

impl VerificationArgs {
    /// Resolves the instant, the anchors and the input encoding before any input is read.
    pub fn resolve(&self, context: &Context) -> Result<Verification, Failure> {
        let at = match self.at {
            Some(at) => at
                .resolve(context.now)
                .map_err(|e| Failure::usage(format!("--at: {e}")))?,
            None => context.now,
        };
        Ok(Verification {
            at,
            anchors: load_anchors(self.trust_anchors.as_deref())?,
            forced: self.input_format.map(|f| match f {
                InputFormat::Der => BundleEncoding::Der,
                InputFormat::Base64 => BundleEncoding::Base64,
                InputFormat::Header => BundleEncoding::Header,
            }),
        })
    }
}

/// How `verify` and `inspect` check a bundle, resolved from their flags.
pub struct Verification {
    at: Timestamp,
    anchors: Vec<TrustAnchor>,
    forced: Option<BundleEncoding>,
}

impl Verification {
    /// Reads and decodes the bundle; an undecodable one is reported, not failed.
    pub fn read(&self, input: Option<&Path>) -> Result<Input, Failure> {
        // At most the largest encoded bundle plus one byte is read: more is malformed.
        let raw = io::read_bounded(input.unwrap_or(Path::new("-")), encoding::MAX_INPUT_SIZE)?;
        let Some(raw) = raw else {
            let error = encoding::BundleInputError::InputTooLarge;
            return Ok(Input {
                encoding: self.forced,
                size: encoding::MAX_INPUT_SIZE + 1,
                bundle: Err(error.to_string()),
                hint: error.hint(),
            });
        };
        Ok(match TokenBundle::from_input(&raw, self.forced) {
            Ok((encoding, bundle)) => Input {
                encoding: Some(encoding),
                size: raw.len(),
                bundle: Ok(bundle),
                hint: None,
            },
            Err(Malformed(e)) => Input {
                encoding: self.forced,
                size: raw.len(),
                bundle: Err(e.to_string()),
                hint: e.hint(),
            },
        })
    }

    /// Verifies a decoded bundle for an audience (none: the audience is not checked). One
    /// bundle per process: a warm cache would only cost.
    pub fn verify(
        &self,
        bundle: &TokenBundle,
        audience: Option<&str>,
        mode: Mode,
    ) -> TokenVerification {
        Verifier::with_trust_anchors(self.anchors.clone())
            .with_cache_entries(0)
            .check(bundle, audience, self.at, mode)
    }

    /// Says when the DNSSEC check failed because the chain was made under another root than
    /// the anchors in use (a test chain without its --trust-anchors).
    pub fn hint_foreign_root(&self, ui: &Ui, verification: &TokenVerification) {
        let dnssec_failed = matches!(
            verification.report().outcome(CheckId::Dnssec),
            Some(Outcome::Failed(_))
        );
        if dnssec_failed && foreign_root(verification.findings().chain.as_ref(), &self.anchors) {
            ui.hint(hints::FOREIGN_ROOT);
        }
    }
}

/// Verifies and prints the verdict.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<Verdict, Failure> {
    let checker = args.verification.resolve(context)?;
    let input = checker.read(args.input.as_deref())?;
    let bytes = match input.bundle {
        Ok(bytes) => bytes,
        Err(reason) => {
            let verdict = answer(
                ui,
                Verdict::Malformed,
                &format!("Token serialisation is malformed: {reason}"),
            )?;
            if let Some(hint) = input.hint {
                ui.note(hint);
            }
            return Ok(verdict);
        }
    };
    let verification = checker.verify(&bytes, Some(&args.audience), Mode::FirstFailure);
    checker.hint_foreign_root(ui, &verification);
    match (verification.verdict(), verification.verified()) {
        (Verdict::Valid, Some(verified)) => {
            let subject = &verified.subject_id;
            let claims = &verified.token.claims;
            if ui.json() {
                let claims: serde_json::Map<String, Value> = claims
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::from(v)))
                    .collect();
                ui.print_json(&json!({
                    "status": "valid",
                    "subjectId": subject,
                    "claims": claims,
                }))?;
            } else {
                let mut text = format!("valid: {}\n", escape(subject));
                for (key, value) in claims.iter() {
                    text.push_str(&format!("{}={}\n", escape(key), escape(value)));
                }
                io::write_stdout(text.as_bytes(), false)?;
            }
            Ok(Verdict::Valid)
        }
        (Verdict::Malformed, _) => answer(ui, Verdict::Malformed, &error_of(&verification)),
        _ => answer(ui, Verdict::Invalid, &error_of(&verification)),
    }
}

fn error_of(verification: &TokenVerification) -> String {
    verification
        .error()
        .unwrap_or_else(|| "Invalid VeraId signature bundle".into())
}

/// Prints an invalid or malformed verdict and returns it.
fn answer(ui: &Ui, verdict: Verdict, error: &str) -> Result<Verdict, Failure> {
    let status = if verdict == Verdict::Malformed {
        "malformed"
    } else {
        "invalid"
    };
    if ui.json() {
        ui.print_json(&json!({ "status": status, "error": error }))?;
    } else {
        ui.print_line(format!("{status}: {}", escape(error)))?;
        ui.note("`kliento inspect` shows every check and what it found");
    }
    Ok(verdict)
}
