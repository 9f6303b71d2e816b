//! `kliento keygen`: a new RSA key for an organisation or a member.

use super::failure::{Failure, OrFail};
use super::io::{self, FileMode};
use super::output::{self, Destination};
use super::ui::Ui;
use kliento::keys::{self, OrgKeyAlgorithm};
use serde::Serialize;
use std::path::PathBuf;

/// Generate an RSA key (PKCS#8 PEM, created with mode 0600)
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Generate an RSA key for an organisation or a member. The private key is written \
                  as PKCS#8 PEM to a new file with mode 0600; an existing file is never replaced \
                  without --force."
)]
pub struct Args {
    /// Modulus size in bits
    #[arg(long, value_enum, default_value_t = Bits::B2048)]
    bits: Bits,

    /// Private key file to create (`-` for stdout)
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// Also write the public key (SubjectPublicKeyInfo PEM) to this file
    #[arg(long, value_name = "FILE")]
    public_out: Option<PathBuf>,

    /// Replace existing files
    #[arg(long)]
    force: bool,
}

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
    algorithm: u8,
    key_id: String,
}

/// Generates the key and writes the requested files.
pub fn run(ui: &Ui, args: Args) -> Result<(), Failure> {
    let private_mode = FileMode {
        secret: true,
        overwrite: args.force,
    };
    let public_mode = FileMode {
        secret: false,
        overwrite: args.force,
    };
    if io::is_stdio(&args.output) && ui.json() {
        return Err(Failure::usage(
            "--format json needs -o FILE: stdout carries the JSON report",
        ));
    }
    // Every destination is checked before the key is generated; both are written or neither.
    let private_out = Destination::new(&args.output, private_mode, false)?;
    let public_out = args
        .public_out
        .as_deref()
        .map(|path| Destination::new(path, public_mode, false))
        .transpose()?;
    if let Some(public_out) = &public_out {
        output::check_distinct(&[("--output", &private_out), ("--public-out", public_out)])?;
    }

    let algorithm = OrgKeyAlgorithm::from(args.bits);
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
            private_key_file: shown(&args.output),
            public_key_file: args.public_out.as_ref().and_then(shown),
            algorithm: algorithm.id(),
            key_id,
        })?;
    } else {
        let private = shown(&args.output)
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
