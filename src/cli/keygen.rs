//! `kliento keygen`: a new RSA key for an organisation or a member.

use super::context::Context;
use super::failure::{Failure, OrFail};
use super::inputs::{self, KeyArg};
use super::io::{self, FileMode};
use super::output::{self, Destination};
use super::ui::Ui;
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::signer::{AwsKmsUri, KeyReference, Signer};
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use serde::Serialize;
use std::path::PathBuf;

/// Generate an RSA key (PKCS#8 PEM, created with mode 0600, or in a PKCS#11 token or AWS KMS)
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Generate an RSA key for an organisation or a member. The private key is written \
                  as PKCS#8 PEM to a new file with mode 0600; an existing file is never replaced \
                  without --force. With --key pkcs11:..., the key is created in a PKCS#11 token \
                  instead (sensitive, not extractable); with --key awskms:///alias/NAME, in AWS \
                  KMS (SIGN_VERIFY, named by the alias); either way its _veraid TXT record \
                  value is printed."
)]
#[command(group(clap::ArgGroup::new("destination").required(true).args(["output", "key"])))]
pub struct Args {
    /// Modulus size in bits
    #[arg(long, value_enum, default_value_t = Bits::B2048)]
    bits: Bits,

    /// Private key file to create (`-` for stdout)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Also write the public key (SubjectPublicKeyInfo PEM) to this file
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    public_out: Option<PathBuf>,

    /// Create the key in a PKCS#11 token instead: `pkcs11:token=T;object=LABEL[;id=ID]` with
    /// pin-value= or pin-source=file:PATH (module from module-path= or KLIENTO_PKCS11_MODULE);
    /// or in AWS KMS: `awskms:///alias/NAME` (standard AWS credentials and region)
    #[arg(long, value_name = "URI", conflicts_with = "output")]
    key: Option<KeyArg>,

    /// Replace existing files
    #[arg(long, conflicts_with = "key")]
    force: bool,
}

/// The TTL override of the printed TXT record, as `txt-record` defaults to.
const DEFAULT_TTL_OVERRIDE: u64 = 3600;

/// The key sizes VeraId allows.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Bits {
    #[value(name = "2048")]
    B2048,
    #[value(name = "3072")]
    B3072,
    #[value(name = "4096")]
    B4096,
}

impl From<Bits> for OrgKeyAlgorithm {
    fn from(bits: Bits) -> Self {
        match bits {
            Bits::B2048 => OrgKeyAlgorithm::Rsa2048,
            Bits::B3072 => OrgKeyAlgorithm::Rsa3072,
            Bits::B4096 => OrgKeyAlgorithm::Rsa4096,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    schema_version: u8,
    bits: usize,
    private_key_file: Option<String>,
    public_key_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkcs11_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aws_kms_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    txt_record: Option<String>,
    algorithm: u8,
    key_id: String,
}

/// Generates the key and writes the requested files, or creates it in a token.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let algorithm = OrgKeyAlgorithm::from(args.bits);
    let output = match (&args.output, &args.key) {
        (Some(output), None) => output.clone(),
        (None, Some(key)) => return in_device(ui, context, key, algorithm),
        _ => unreachable!("clap requires exactly one of --output and --key"),
    };
    let private_mode = FileMode {
        secret: true,
        overwrite: args.force,
    };
    let public_mode = FileMode {
        secret: false,
        overwrite: args.force,
    };
    if io::is_stdio(&output) && ui.json() {
        return Err(Failure::usage(
            "--format json needs -o FILE: stdout carries the JSON report",
        ));
    }
    // Every destination is checked before the key is generated; both are written or neither.
    let private_out = Destination::new(&output, private_mode, false)?;
    let public_out = args
        .public_out
        .as_deref()
        .map(|path| Destination::new(path, public_mode, false))
        .transpose()?;
    if let Some(public_out) = &public_out {
        output::check_distinct(&[("--output", &private_out), ("--public-out", public_out)])?;
    }

    let bits = algorithm.bits();
    ui.detail(1, format!("generating a {bits}-bit RSA key"));
    let key = keys::generate(algorithm).or_fail("cannot generate the key")?;
    let public = key.to_public_key();
    let (_, key_id) = keys::key_id(&public).or_fail("key id")?;

    let private_pem = keys::private_key_pem(&key);
    let public_pem = keys::public_key_pem(&public);
    let mut writes: Vec<(&Destination, &[u8])> = vec![(&private_out, private_pem.as_bytes())];
    if let Some(public_out) = &public_out {
        writes.push((public_out, public_pem.as_bytes()));
    }
    output::write_all(&writes)?;

    let shown = |p: &PathBuf| (!io::is_stdio(p)).then(|| p.display().to_string());
    if ui.json() {
        ui.print_json(&Report {
            schema_version: 1,
            bits,
            private_key_file: shown(&output),
            public_key_file: args.public_out.as_ref().and_then(shown),
            pkcs11_uri: None,
            aws_kms_uri: None,
            txt_record: None,
            algorithm: algorithm.id(),
            key_id,
        })?;
    } else {
        let private = shown(&output)
            .map(|path| format!("a {bits}-bit RSA private key to {path} (mode 0600)"));
        let public = args
            .public_out
            .as_ref()
            .and_then(shown)
            .map(|path| format!("its public key to {path}"));
        let wrote = match (private, public) {
            (Some(private), Some(public)) => Some(format!("{private} and {public}")),
            (Some(one), None) | (None, Some(one)) => Some(one),
            (None, None) => None,
        };
        if let Some(wrote) = wrote {
            ui.note(format!("wrote {wrote}; key id {key_id}"));
        }
    }
    Ok(())
}

/// Creates the key in a PKCS#11 token or in AWS KMS and prints its TXT record value.
fn in_device(
    ui: &Ui,
    context: &Context,
    key: &KeyArg,
    algorithm: OrgKeyAlgorithm,
) -> Result<(), Failure> {
    let bits = algorithm.bits();
    let (created, pkcs11_uri, aws_kms_uri, place): (Box<dyn Signer>, _, _, _) =
        match key.reference()? {
            KeyReference::Pkcs11(uri) => {
                ui.detail(1, format!("generating a {bits}-bit RSA key in the token"));
                let created = inputs::generate_in_device(&uri, algorithm, context)?;
                (Box::new(created), Some(uri.to_string()), None, "the token")
            }
            KeyReference::AwsKms(uri) => {
                ui.detail(1, format!("creating a {bits}-bit RSA key in AWS KMS"));
                let created = inputs::generate_in_kms(&uri, algorithm, context)?;
                // The alias and the key id KMS chose name the same key.
                let by_id = AwsKmsUri {
                    endpoint: uri.endpoint.clone(),
                    key: created.key().to_string(),
                };
                ui.detail(1, format!("the new key is also {by_id}"));
                (Box::new(created), None, Some(uri.to_string()), "AWS KMS")
            }
            KeyReference::File(_) => {
                return Err(Failure::usage(
                    "--key takes a pkcs11: URI or an awskms:// URI; write a key file with -o FILE",
                ));
            }
        };
    let shown = pkcs11_uri
        .clone()
        .or(aws_kms_uri.clone())
        .unwrap_or_default();
    let rdata = TxtRdata::for_key(
        created.public_key(),
        TtlOverride::new(DEFAULT_TTL_OVERRIDE).expect("the default TTL override is valid"),
        None,
    )
    .or_fail("cannot use the new key")?;
    if ui.json() {
        ui.print_json(&Report {
            schema_version: 1,
            bits,
            private_key_file: None,
            public_key_file: None,
            pkcs11_uri,
            aws_kms_uri,
            txt_record: Some(rdata.to_string()),
            algorithm: algorithm.id(),
            key_id: rdata.key_id.clone(),
        })?;
    } else {
        ui.print_line(&rdata)?;
        ui.note(format!(
            "created a {bits}-bit RSA key in {place}: {shown}; key id {}",
            rdata.key_id
        ));
    }
    Ok(())
}
