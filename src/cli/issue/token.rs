//! `kliento issue token`: a Kliento token bundle, signed by the organisation (for a user or a
//! bot) or by a member with its own certificate.

use super::cert::{self, ValidityArgs};
use super::chain::LiveChain;
use super::check;
use crate::cli::context::Context;
use crate::cli::failure::{Failure, OrFail};
use crate::cli::io::{self, FileMode};
use crate::cli::ui::Ui;
use crate::cli::values::{self, OutputEncoding};
use kliento::dnssec::DnssecChain;
use kliento::domain::Domain;
use kliento::keys::RsaKey;
use kliento::time::{Period, Timestamp};
use kliento::token::encoding;
use kliento::token::{Token, bundle};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::certificate::{self, Certificate, CertificateOptions};
use kliento::veraid::member::{Member, UserName};
use kliento::veraid::signature::Signer;
use serde::Serialize;
use std::path::{Path, PathBuf};

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

    /// Organisation private key (PEM or DER, PKCS#8 or PKCS#1); not needed for a member
    /// signature with --org-cert
    #[arg(long, value_name = "FILE", required_unless_present = "member_cert")]
    key: Option<PathBuf>,

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

    /// Member signature: the member's private key
    #[arg(long, value_name = "FILE", requires = "member_cert")]
    member_key: Option<PathBuf>,

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

fn read_key(path: &Path, what: &str) -> Result<rsa::PrivateKey, Failure> {
    RsaKey::from_bytes(&io::read_input(path, io::KEY)?)
        .and_then(RsaKey::into_private)
        .or_fail(format!("cannot read the {what} in {}", cert::source(path)))
}

fn read_certificate(path: &Path, what: &str) -> Result<Certificate, Failure> {
    Certificate::from_bytes(&io::read_input(path, io::CERTIFICATE)?)
        .or_fail(format!("cannot read the {what} in {}", cert::source(path)))
}

/// Issues the token bundle.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let output = args.output.as_deref().filter(|p| !io::is_stdio(p));
    let mode = FileMode {
        secret: true,
        overwrite: args.force,
    };
    if let Some(path) = output {
        io::check_writable(path, mode)?;
    } else if args.encoding == OutputEncoding::Der && !ui.json() {
        io::refuse_binary_terminal()?;
    }
    if ui.json() && output.is_none() && args.encoding == OutputEncoding::Der {
        return Err(Failure::usage(
            "--format json with --encoding der needs -o FILE: stdout carries the JSON report",
        ));
    }
    let inputs = [
        &args.key,
        &args.chain,
        &args.org_cert,
        &args.member_cert,
        &args.member_key,
    ];
    if inputs
        .into_iter()
        .flatten()
        .filter(|p| io::is_stdio(p))
        .count()
        > 1
    {
        return Err(Failure::usage("only one input can be read from stdin"));
    }
    let now = context.now;
    let (start, expiry) = args.validity.resolve(now, TOKEN_VALIDITY)?;
    let validity = Period::new(start, expiry).map_err(|e| {
        Failure::usage(format!("the token's validity {e}"))
            .hint("choose an --expiry after --start, or a --valid-for duration")
    })?;

    // The organisation certificate: given, or self-issued to cover the token.
    let org_key = args
        .key
        .as_deref()
        .map(|p| read_key(p, "organisation private key"))
        .transpose()?;
    let org_certificate = match (&args.org_cert, &org_key) {
        (Some(path), _) => read_certificate(path, "organisation certificate")?,
        (None, Some(key)) => {
            let options = CertificateOptions {
                start: floor_to_second(start),
                expiry: ceil_to_second(expiry),
                hash: HashAlgorithm::Sha256,
            };
            certificate::issue_organisation_certificate(args.domain.as_str(), key, &options)
                .map_err(|e| {
                    cert::issue_failure(
                        e,
                        &args.key.as_deref().map(cert::source).unwrap_or_default(),
                    )
                })?
        }
        (None, None) => unreachable!("clap requires --key or --org-cert"),
    };
    if org_certificate.common_name().trim_end_matches('.') != args.domain.as_str() {
        return Err(Failure::usage(format!(
            "--org-cert is for {}, not --domain {}",
            org_certificate.common_name(),
            args.domain
        )));
    }

    let anchors = args.live.anchors()?;
    let dnssec_chain = match &args.chain {
        Some(path) => DnssecChain::from_der(&io::read_input(path, io::CHAIN)?).or_fail(format!(
            "cannot read the DNSSEC chain in {}",
            cert::source(path)
        ))?,
        None => args.live.retrieve_secure(ui, context, &args.domain)?.chain,
    };
    let chain: Vec<Vec<u8>> = dnssec_chain.messages().map(<[u8]>::to_vec).collect();

    let mut token = Token::new(&args.audience);
    for (key, value) in &args.claims {
        token.claims.insert(key, value);
    }
    let member = match &args.user {
        Some(user) => Member::User(user.clone()),
        None => Member::Bot,
    };
    let (bytes, subject_id) = match (&args.member_cert, &args.member_key) {
        (Some(cert_path), Some(key_path)) => {
            let member_certificate = read_certificate(cert_path, "member certificate")?;
            let member_key = read_key(key_path, "member private key")?;
            let subject = match Member::from_name(member_certificate.common_name()) {
                Ok(Member::User(user)) => format!("{}@{}", user.as_str(), args.domain),
                _ => args.domain.to_string(),
            };
            let signer = Signer::Member {
                certificate: &member_certificate,
            };
            let bytes = bundle::issue(
                &token,
                signer,
                &member_key,
                &chain,
                &org_certificate,
                validity,
            )
            .map_err(sign_failure)?;
            (bytes, subject)
        }
        _ => {
            let key = org_key
                .as_ref()
                .expect("clap requires --key without --member-cert");
            let signer = Signer::Organisation {
                certificate: &org_certificate,
                attribution: &member,
            };
            let bytes = bundle::issue(&token, signer, key, &chain, &org_certificate, validity)
                .map_err(sign_failure)?;
            let subject = match member.user() {
                Some(user) => format!("{user}@{}", args.domain),
                None => args.domain.to_string(),
            };
            (bytes, subject)
        }
    };
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
    let verification = check::token_bundle(
        ui,
        &check::NewToken {
            bytes: &bytes,
            audience: &args.audience,
            signed,
            now,
        },
        &dnssec_chain,
        &anchors,
        args.allow_invalid,
    )?;
    let signed = verification
        .findings()
        .metadata
        .as_ref()
        .map_or(signed, |m| Period {
            start: m.start,
            end: m.end,
        });

    let encoded = args.encoding.apply(&bytes);
    let binary = encoded.text().is_none();
    if ui.json() {
        if let Some(path) = output {
            io::write_file(path, &encoded.to_bytes(), mode)?;
        }
        let text = encoded
            .text()
            .filter(|_| output.is_none())
            .map(String::from);
        ui.print_json(&Report {
            schema_version: 1,
            subject_id: subject_id.clone(),
            audience: args.audience.clone(),
            start: signed.start.to_string(),
            expiry: signed.end.to_string(),
            bytes: bytes.len(),
            encoding: args.encoding.name(),
            file: output.map(|p| p.display().to_string()),
            bundle: text,
        })?;
    } else {
        io::emit(output, &encoded.to_bytes(), binary, mode)?;
    }
    ui.detail(
        1,
        format!(
            "token bundle for {subject_id} (audience {}), {} bytes, valid {signed}",
            args.audience,
            bytes.len()
        ),
    );
    Ok(())
}

fn sign_failure(error: bundle::IssueError) -> Failure {
    Failure::usage(format!("cannot sign the token: {error}"))
        .hint("the signing key must match its certificate (--key with --org-cert, --member-key with --member-cert)")
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
