//! `kliento issue member-cert`: a member certificate signed by the organisation.

use super::cert::{self, OutputArgs, ValidityArgs};
use crate::cli::context::Context;
use crate::cli::failure::Failure;
use crate::cli::inputs::{self, KeyArg};
use crate::cli::ui::Ui;
use crate::cli::values;
use kliento::veraid::certificate;
use kliento::veraid::member::{Member, UserName};
use std::path::PathBuf;

/// Issue a member certificate for a user or a bot
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Issue a member certificate with the @relaycorp/veraid profile, signed by the \
                  organisation key: CN = the user name, or `@` for a bot. Its expiry is capped at \
                  the organisation certificate's. Valid for 90 days from now unless \
                  --start/--expiry/--valid-for say otherwise."
)]
#[command(group(clap::ArgGroup::new("member").required(true).args(["user", "bot"])))]
pub struct Args {
    /// Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11
    /// token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///KEY`)
    #[arg(long, value_name = "KEY", value_hint = clap::ValueHint::FilePath)]
    org_key: KeyArg,

    /// Organisation certificate, PEM or DER
    #[arg(long, value_name = "FILE")]
    org_cert: PathBuf,

    /// Member key: RSA, a file (public or private, PEM or DER), a key in a PKCS#11 token
    /// (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); only the public half is used
    #[arg(long, value_name = "KEY", value_hint = clap::ValueHint::FilePath)]
    member_key: KeyArg,

    /// User name (no `@`, tab, CR or LF)
    #[arg(long, value_name = "NAME", value_parser = values::user_name)]
    user: Option<UserName>,

    /// Issue the certificate for a bot (CN `@`)
    #[arg(long)]
    bot: bool,

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
    inputs::one_stdin_at_most(
        [
            args.org_key.file(),
            Some(args.org_cert.as_path()),
            args.member_key.file(),
        ]
        .into_iter()
        .flatten(),
    )?;
    let org_source = args.org_key.shown();
    let org_key = inputs::signer(&args.org_key, "organisation private key", context)?;
    let org_certificate = inputs::certificate(&args.org_cert, "organisation certificate")?;
    let member_key = inputs::public_key_of(&args.member_key, "member key", context)?;
    let member = match args.user {
        Some(user) => Member::User(user),
        None => Member::Bot,
    };
    let certificate = certificate::issue_member_certificate(
        &member,
        &member_key,
        &org_certificate,
        org_key.as_ref(),
        &options,
    )
    .map_err(|e| cert::issue_failure(e, &org_source))?;
    if args.validity.expiry_given() && options.expiry > org_certificate.not_after() {
        ui.note(format!(
            "the expiry is capped at the organisation certificate's: {}",
            org_certificate.not_after()
        ));
    }
    cert::check_and_emit(
        ui,
        context,
        (&certificate, Some(&org_certificate)),
        args.allow_invalid,
        &args.output,
        "member",
    )
}
