//! What `issue org-cert` and `issue member-cert` share: the validity flags, the output flags,
//! and the report.

use super::check::{self, NewCertificate};
use crate::cli::context::Context;
use crate::cli::failure::Failure;
use crate::cli::hints;
use crate::cli::io::{self, FileMode};
use crate::cli::ui::Ui;
use crate::cli::values::{self, TimeArg};
use jiff::{SignedDuration, Timestamp};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::certificate::{Certificate, CertificateOptions, IssueError};
use kliento::veraid::hex;
use serde::Serialize;
use std::path::PathBuf;

/// Default certificate lifetime: 90 days, as the command-line contract says.
pub const CERTIFICATE_VALIDITY: u64 = 90 * 86_400;

/// When the certificate or token is valid.
#[derive(Debug, clap::Args)]
pub struct ValidityArgs {
    /// Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds
    #[arg(long, value_name = "TIME", value_parser = values::time, allow_hyphen_values = true)]
    start: Option<TimeArg>,

    /// End of validity: RFC 3339 or relative to now (+30d)
    #[arg(long, value_name = "TIME", value_parser = values::time, allow_hyphen_values = true,
          conflicts_with = "valid_for")]
    expiry: Option<TimeArg>,

    /// Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds
    #[arg(long, value_name = "DURATION", value_parser = values::seconds)]
    valid_for: Option<u64>,
}

impl ValidityArgs {
    /// Whether the user chose the expiry (rather than the default lifetime).
    pub fn expiry_given(&self) -> bool {
        self.expiry.is_some() || self.valid_for.is_some()
    }

    /// The (start, expiry) pair, resolved against `now`; the lifetime is `default_seconds`
    /// unless --expiry or --valid-for say otherwise.
    pub fn resolve(
        &self,
        now: Timestamp,
        default_seconds: u64,
    ) -> Result<(Timestamp, Timestamp), Failure> {
        let usage = |message: String| Failure::usage(message);
        let start = match self.start {
            Some(value) => value.resolve(now).map_err(usage)?,
            None => now,
        };
        let expiry = match (self.expiry, self.valid_for) {
            (Some(value), _) => value.resolve(now).map_err(usage)?,
            (None, seconds) => {
                let seconds = seconds.unwrap_or(default_seconds);
                let what = format!("the end of --valid-for {seconds}s");
                i64::try_from(seconds)
                    .ok()
                    .and_then(|s| start.checked_add(SignedDuration::from_secs(s)).ok())
                    .ok_or_else(|| values::out_of_range(&what))
                    .and_then(|end| values::in_range(end, &format!("{what} ({end})")))
                    .map_err(usage)?
            }
        };
        Ok((start, expiry))
    }
}

/// What `org-cert` and `member-cert` resolve alike before any key is used: the output checked
/// (usable, not clobbering) and the validity dates.
pub fn resolve_options(
    ui: &Ui,
    context: &Context,
    validity: &ValidityArgs,
    output: &OutputArgs,
) -> Result<CertificateOptions, Failure> {
    output.check(ui)?;
    let (start, expiry) = validity.resolve(context.now, CERTIFICATE_VALIDITY)?;
    Ok(CertificateOptions {
        start,
        expiry,
        hash: HashAlgorithm::Sha256,
    })
}

/// Checks a new certificate as a verifier would (refusing it unless `allow_invalid`), then
/// writes it; `kind` names it in the report.
pub fn check_and_emit(
    ui: &Ui,
    context: &Context,
    new: (&Certificate, Option<&Certificate>),
    allow_invalid: bool,
    output: &OutputArgs,
    kind: &'static str,
) -> Result<(), Failure> {
    let (certificate, issuer) = new;
    check::certificate(
        ui,
        &NewCertificate {
            certificate,
            issuer,
            now: context.now,
        },
        allow_invalid,
    )?;
    output.emit(ui, kind, certificate)
}

/// How the certificate is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// PEM text (a CERTIFICATE block)
    Pem,
    /// Binary DER (never written to a terminal)
    Der,
}

/// Where the certificate goes.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Certificate encoding
    #[arg(long, value_enum, default_value_t = Encoding::Pem)]
    encoding: Encoding,

    /// Write the certificate to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Replace an existing output file
    #[arg(long)]
    force: bool,
}

impl OutputArgs {
    fn mode(&self) -> FileMode {
        FileMode {
            secret: false,
            overwrite: self.force,
        }
    }

    fn file(&self) -> Option<&PathBuf> {
        self.output.as_ref().filter(|p| !io::is_stdio(p))
    }

    /// Refuses early when the output file exists (before any work is done).
    pub fn check(&self, ui: &Ui) -> Result<(), Failure> {
        if ui.json() && self.file().is_none() && self.encoding == Encoding::Der {
            return Err(Failure::usage(
                "--format json with --encoding der needs -o FILE: stdout carries the JSON report",
            ));
        }
        match self.file() {
            Some(path) => io::check_writable(path, self.mode()),
            None if self.encoding == Encoding::Der && !ui.json() => io::refuse_binary_terminal(),
            None => Ok(()),
        }
    }

    /// Writes the certificate (to the file, or stdout unless the JSON report goes there) and
    /// reports it.
    pub fn emit(
        &self,
        ui: &Ui,
        kind: &'static str,
        certificate: &Certificate,
    ) -> Result<(), Failure> {
        let bytes = match self.encoding {
            Encoding::Pem => certificate.to_pem().into_bytes(),
            Encoding::Der => certificate.to_der().to_vec(),
        };
        let binary = self.encoding == Encoding::Der;
        if let Some(path) = self.file() {
            io::write_file(path, &bytes, self.mode())?;
        } else if !ui.json() {
            io::write_stdout(&bytes, binary)?;
        }
        let file = self.file().map(|p| p.display().to_string());
        if ui.json() {
            ui.print_json(&Report {
                schema_version: 1,
                kind,
                common_name: certificate.common_name().to_string(),
                serial_number: certificate.serial_number().to_string(),
                not_before: certificate.not_before().to_string(),
                not_after: certificate.not_after().to_string(),
                subject_key_id: certificate.subject_key_id().map(hex),
                authority_key_id: certificate.authority_key_id().map(hex),
                file,
                pem: self.file().is_none().then(|| certificate.to_pem()),
            })?;
        } else {
            let destination = file.map(|f| format!(" to {f}")).unwrap_or_default();
            ui.note(format!(
                "wrote the {kind} certificate for {}{destination}, valid from {} to {}",
                certificate.common_name(),
                certificate.not_before(),
                certificate.not_after()
            ));
        }
        Ok(())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    schema_version: u8,
    kind: &'static str,
    common_name: String,
    serial_number: String,
    not_before: String,
    not_after: String,
    subject_key_id: Option<String>,
    authority_key_id: Option<String>,
    file: Option<String>,
    pem: Option<String>,
}

/// A certificate that could not be issued; `key_source` names the signing key's file.
pub fn issue_failure(error: IssueError, key_source: &str) -> Failure {
    let hint = hints::for_certificate_issue(&error);
    let failure = match error {
        IssueError::Key(e) => Failure::of(e, format!("cannot use the key in {key_source}")),
        other => Failure::classified(other),
    };
    failure.hint_if(hint)
}
