//! `kliento issue token`: a Kliento token bundle, signed by the organisation (for a user or a
//! bot) or by a member with its own certificate.

use super::cert::ValidityArgs;
use super::chain::LiveChain;
use super::check;
use crate::cli::context::Context;
use crate::cli::failure::{Failure, OrFail};
use crate::cli::hints;
use crate::cli::inputs::{self, KeyArg};
use crate::cli::io::{self, FileMode};
use crate::cli::ui::Ui;
use crate::cli::values::{self, OutputEncoding};
use kliento::dnssec::DnssecChain;
use kliento::domain::{Domain, without_trailing_dot};
use kliento::signer::Signer;
use kliento::time::{Period, Timestamp};
use kliento::token::encoding;
use kliento::token::{Token, bundle};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::certificate::{self, Certificate, CertificateOptions};
use kliento::veraid::member::{Member, UserName};
use kliento::veraid::signature::Signer as SignedAs;
use serde::Serialize;
use std::path::PathBuf;

/// Default token lifetime: 5 minutes.
const TOKEN_VALIDITY: u64 = 300;

/// Issue a Kliento token bundle
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Issue a Kliento token bundle: a VeraId signature bundle over the JSON token \
                  {audience, claims}, bound to the Kliento service 1.3.6.1.4.1.58708.3.0. The \
                  organisation signs it for a user (--user) or a bot (--bot, the default), or a \
                  member signs it with its own certificate (--member-cert, --member-key). The \
                  DNSSEC chain comes from --chain (e.g. kliento issue chain or issue test-chain) \
                  or is retrieved live and validated as `issue chain` does. Valid for 5 minutes \
                  from now unless --start/--expiry/--valid-for say otherwise."
)]
#[command(group(clap::ArgGroup::new("signer").args(["user", "bot", "member_cert"])))]
pub struct Args {
    /// The server the token is for (compared exactly by verifiers)
    #[arg(long, value_name = "AUDIENCE")]
    audience: String,

    /// A claim, KEY=VALUE (repeatable; a repeated KEY keeps the last value)
    #[arg(long = "claim", value_name = "KEY=VALUE", value_parser = claim)]
    claims: Vec<(String, String)>,

    /// Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11
    /// token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); not needed for a member signature
    /// with --org-cert
    #[arg(long, value_name = "KEY", value_hint = clap::ValueHint::FilePath, required_unless_present = "member_cert")]
    key: Option<KeyArg>,

    /// The organisation's domain (lower-cased: DNS names are case-insensitive)
    #[arg(long, value_name = "DOMAIN", value_parser = values::domain)]
    domain: Domain,

    /// DNSSEC chain file (DER); without it the chain is retrieved live
    #[arg(long, value_name = "FILE")]
    chain: Option<PathBuf>,

    #[command(flatten)]
    live: LiveChain,

    /// Organisation certificate (PEM or DER); without it one is self-issued for the token's
    /// validity
    #[arg(long, value_name = "FILE")]
    org_cert: Option<PathBuf>,

    /// Organisation signature attributed to this user
    #[arg(long, value_name = "NAME", value_parser = values::user_name)]
    user: Option<UserName>,

    /// Organisation signature attributed to a bot (the default)
    #[arg(long)]
    bot: bool,

    /// Member signature: the member's certificate (PEM or DER), issued by --org-cert
    #[arg(long, value_name = "FILE", requires_all = ["member_key", "org_cert"])]
    member_cert: Option<PathBuf>,

    /// Member signature: the member's private key, a file, a key in a PKCS#11 token
    /// (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`)
    #[arg(long, value_name = "KEY", value_hint = clap::ValueHint::FilePath, requires = "member_cert")]
    member_key: Option<KeyArg>,

    #[command(flatten)]
    validity: ValidityArgs,

    /// Output encoding: base64, header (`Kliento <base64>`) or der
    #[arg(long, value_enum, default_value_t = OutputEncoding::Base64)]
    encoding: OutputEncoding,

    /// Write the bundle to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Replace an existing output file
    #[arg(long)]
    force: bool,

    /// Write the bundle even if it would not verify at its start (for negative tests); warns
    #[arg(long)]
    allow_invalid: bool,
}

fn claim(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!("\"{text}\" is not KEY=VALUE")),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    schema_version: u8,
    subject_id: String,
    audience: String,
    start: String,
    expiry: String,
    bytes: usize,
    encoding: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<String>,
}

/// Who signs the token: the organisation, for a user or a bot, or a member with its own
/// certificate.
enum SignedBy {
    Organisation {
        key: Box<dyn Signer>,
        /// The certificate given with --org-cert; `None`: self-issued to cover the token.
        certificate: Option<Box<Certificate>>,
        member: Member,
    },
    Member {
        org_certificate: Box<Certificate>,
        certificate: Box<Certificate>,
        key: Box<dyn Signer>,
    },
}

/// Where the DNSSEC chain comes from.
enum ChainFrom {
    File(DnssecChain),
    Live,
}

/// Everything `issue token` will do, resolved and checked before any key is used, any request
/// sent or any file written.
struct Plan {
    token: Token,
    domain: Domain,
    validity: Period,
    signed_by: SignedBy,
    chain: ChainFrom,
    anchors: Vec<kliento::dnssec::TrustAnchor>,
    /// The output file (`None`: stdout).
    output: Option<PathBuf>,
    mode: FileMode,
    encoding: OutputEncoding,
    allow_invalid: bool,
}

/// Applies every usage rule and reads every input.
fn resolve(ui: &Ui, context: &Context, args: Args) -> Result<(Plan, LiveChain), Failure> {
    let output = args.output.filter(|p| !io::is_stdio(p));
    let mode = FileMode {
        secret: true,
        overwrite: args.force,
    };
    if let Some(path) = &output {
        io::check_writable(path, mode)?;
    } else if args.encoding == OutputEncoding::Der && !ui.json() {
        io::refuse_binary_terminal()?;
    }
    if ui.json() && output.is_none() && args.encoding == OutputEncoding::Der {
        return Err(Failure::usage(
            "--format json with --encoding der needs -o FILE: stdout carries the JSON report",
        ));
    }
    inputs::one_stdin_at_most(
        [
            args.key.as_ref().and_then(KeyArg::file),
            args.chain.as_deref(),
            args.org_cert.as_deref(),
            args.member_cert.as_deref(),
            args.member_key.as_ref().and_then(KeyArg::file),
        ]
        .into_iter()
        .flatten(),
    )?;
    let (start, expiry) = args.validity.resolve(context.now, TOKEN_VALIDITY)?;
    let validity = Period::new(start, expiry).map_err(|e| {
        Failure::usage(format!("the token's validity {e}"))
            .hint("choose an --expiry after --start, or a --valid-for duration")
    })?;

    let org_certificate = args
        .org_cert
        .as_deref()
        .map(|path| inputs::certificate(path, "organisation certificate"))
        .transpose()?;
    if let Some(certificate) = &org_certificate
        && without_trailing_dot(certificate.common_name()) != args.domain.as_str()
    {
        return Err(Failure::usage(format!(
            "--org-cert is for {}, not --domain {}",
            certificate.common_name(),
            args.domain
        )));
    }
    let signed_by = match (args.member_cert, args.member_key, args.key, org_certificate) {
        (Some(cert_path), Some(key_path), _, Some(org_certificate)) => SignedBy::Member {
            org_certificate: Box::new(org_certificate),
            certificate: Box::new(inputs::certificate(&cert_path, "member certificate")?),
            key: inputs::signer(&key_path, "member private key", context)?,
        },
        (None, _, Some(key_path), certificate) => SignedBy::Organisation {
            key: inputs::signer(&key_path, "organisation private key", context)?,
            certificate: certificate.map(Box::new),
            member: match args.user {
                Some(user) => Member::User(user),
                None => Member::Bot,
            },
        },
        _ => unreachable!("clap requires --key, or --member-cert with --member-key and --org-cert"),
    };
    let anchors = args.live.anchors()?;
    let chain = match &args.chain {
        Some(path) => ChainFrom::File(inputs::chain(path)?),
        None => ChainFrom::Live,
    };
    let mut token = Token::new(&args.audience);
    for (key, value) in &args.claims {
        token.claims.insert(key, value);
    }
    let plan = Plan {
        token,
        domain: args.domain,
        validity,
        signed_by,
        chain,
        anchors,
        output,
        mode,
        encoding: args.encoding,
        allow_invalid: args.allow_invalid,
    };
    Ok((plan, args.live))
}

/// Issues the token bundle.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let (plan, live) = resolve(ui, context, args)?;
    let dnssec_chain = match plan.chain {
        ChainFrom::File(chain) => chain,
        ChainFrom::Live => live.retrieve_secure(ui, context, &plan.domain)?.chain,
    };
    let chain: Vec<Vec<u8>> = dnssec_chain.messages().map(<[u8]>::to_vec).collect();
    let validity = plan.validity;
    let issued;
    let (signer, key, org_certificate, subject_id) = match &plan.signed_by {
        SignedBy::Member {
            org_certificate,
            certificate,
            key,
        } => {
            let subject = match Member::from_name(certificate.common_name()) {
                Ok(Member::User(user)) => format!("{}@{}", user.as_str(), plan.domain),
                _ => plan.domain.to_string(),
            };
            let signer = SignedAs::Member { certificate };
            (signer, key, &**org_certificate, subject)
        }
        SignedBy::Organisation {
            key,
            certificate,
            member,
        } => {
            let org_certificate = match certificate {
                Some(certificate) => certificate,
                None => {
                    // Self-issued to cover the token.
                    let options = CertificateOptions {
                        start: floor_to_second(validity.start),
                        expiry: ceil_to_second(validity.end),
                        hash: HashAlgorithm::Sha256,
                    };
                    issued = certificate::issue_organisation_certificate(
                        plan.domain.as_str(),
                        key.as_ref(),
                        &options,
                    )
                    .or_fail("cannot issue the organisation certificate")?;
                    &issued
                }
            };
            let signer = SignedAs::Organisation {
                certificate: org_certificate,
                attribution: member,
            };
            let subject = match member.user() {
                Some(user) => format!("{user}@{}", plan.domain),
                None => plan.domain.to_string(),
            };
            (signer, key, org_certificate, subject)
        }
    };
    let bytes = bundle::issue(
        &plan.token,
        signer,
        key.as_ref(),
        &chain,
        org_certificate,
        validity,
    )
    .map_err(sign_failure)?;
    if bytes.len() > encoding::MAX_BUNDLE_SIZE {
        ui.note(format!(
            "the bundle is {} bytes, over the {}-byte limit verifiers enforce",
            bytes.len(),
            encoding::MAX_BUNDLE_SIZE
        ));
    }

    // What was signed: the metadata holds whole seconds.
    let signed = Period {
        start: floor_to_second(validity.start),
        end: floor_to_second(validity.end),
    };
    let audience = &plan.token.audience;
    let verification = check::token_bundle(
        ui,
        &check::NewToken {
            bytes: &bytes,
            audience,
            signed,
            now: context.now,
        },
        &dnssec_chain,
        &plan.anchors,
        plan.allow_invalid,
    )?;
    let signed = verification
        .findings()
        .metadata
        .as_ref()
        .map_or(signed, |m| Period {
            start: m.start,
            end: m.end,
        });

    let output = plan.output.as_deref();
    let encoded = plan.encoding.apply(&bytes);
    let binary = encoded.text().is_none();
    if ui.json() {
        if let Some(path) = output {
            io::write_file(path, &encoded.to_bytes(), plan.mode)?;
        }
        let text = encoded
            .text()
            .filter(|_| output.is_none())
            .map(String::from);
        ui.print_json(&Report {
            schema_version: 1,
            subject_id: subject_id.clone(),
            audience: audience.clone(),
            start: signed.start.to_string(),
            expiry: signed.end.to_string(),
            bytes: bytes.len(),
            encoding: plan.encoding.name(),
            file: output.map(|p| p.display().to_string()),
            bundle: text,
        })?;
    } else {
        io::emit(output, &encoded.to_bytes(), binary, plan.mode)?;
    }
    ui.detail(
        1,
        format!(
            "token bundle for {subject_id} (audience {audience}), {} bytes, valid {signed}",
            bytes.len()
        ),
    );
    Ok(())
}

fn sign_failure(error: bundle::IssueError) -> Failure {
    let hint = hints::for_token_signing(&error);
    let failure = Failure::of(error, "cannot sign the token");
    failure.hint_if(hint)
}

fn floor_to_second(at: Timestamp) -> Timestamp {
    Timestamp::from_second(at.as_second()).unwrap_or(at)
}

fn ceil_to_second(at: Timestamp) -> Timestamp {
    let floor = floor_to_second(at);
    if floor == at {
        at
    } else {
        Timestamp::from_second(at.as_second() + 1).unwrap_or(at)
    }
}
