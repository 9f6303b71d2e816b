//! `kliento issue org-cert`: a self-issued organisation certificate.

use super::cert::{self, OutputArgs, ValidityArgs};
use crate::cli::context::Context;
use crate::cli::failure::Failure;
use crate::cli::inputs::{self, KeyArg};
use crate::cli::ui::Ui;
use crate::cli::values;
use kliento::domain::Domain;
use kliento::veraid::certificate;

/// Self-issue an organisation certificate
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Self-issue an organisation certificate with the @relaycorp/veraid profile: \
                  CN = the domain (BMPString), critical basicConstraints cA with pathLen 0, \
                  key identifiers = SHA-256 of the public key, RSASSA-PSS SHA-256 signature. \
                  Valid for 90 days from now unless --start/--expiry/--valid-for say otherwise."
)]
pub struct Args {
    /// Organisation private key: RSA 2048/3072/4096, a file (PEM or DER, PKCS#8 or PKCS#1; `-`
    /// for stdin), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or
    /// in AWS KMS (`awskms:///alias/NAME`)
    #[arg(long, value_name = "KEY", value_hint = clap::ValueHint::FilePath)]
    key: KeyArg,

    /// Organisation domain name (the certificate's CN; lower-cased, a trailing dot is dropped)
    #[arg(long, value_name = "DOMAIN", value_parser = values::domain)]
    domain: Domain,

    #[command(flatten)]
    validity: ValidityArgs,

    #[command(flatten)]
    output: OutputArgs,

    /// Write the certificate even if it would not verify (for negative tests); warns
    #[arg(long)]
    allow_invalid: bool,
}

/// Issues the certificate.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let options = cert::resolve_options(ui, context, &args.validity, &args.output)?;
    let source = args.key.shown();
    let key = inputs::signer(&args.key, "private key", context)?;
    let certificate =
        certificate::issue_organisation_certificate(args.domain.as_str(), key.as_ref(), &options)
            .map_err(|e| cert::issue_failure(e, &source))?;
    cert::check_and_emit(
        ui,
        context,
        (&certificate, None),
        args.allow_invalid,
        &args.output,
        "organisation",
    )
}
