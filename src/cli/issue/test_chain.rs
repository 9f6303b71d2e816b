//! `kliento issue test-chain`: a self-contained DNSSEC chain under a throw-away root, whose
//! `_veraid` TXT record carries the organisation key, plus the root's DS as trust anchor.

use crate::cli::context::Context;
use crate::cli::failure::{Failure, OrFail};
use crate::cli::inputs;
use crate::cli::io::{self, FileMode};
use crate::cli::output::{self, Destination};
use crate::cli::ui::Ui;
use crate::cli::values::{self, TimeArg};
use kliento::dnssec::format_trust_anchors;
use kliento::dnssec::test_chain::{ChainSpec, TestZones, ZoneAlgorithm};
use kliento::domain::Domain;
use kliento::time::{Period, Timestamp};
use kliento::veraid::ServiceOid;
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use serde::Serialize;
use std::path::PathBuf;

/// TTL of the `_veraid` TXT RRset in the test zone.
const TXT_TTL: u32 = 300;

/// Build a DNSSEC chain under a throw-away test root (no DNS needed)
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Build, in memory, a root zone, every zone down to DOMAIN and DOMAIN \
                        itself, each signed with a freshly generated throw-away key, whose \
                        _veraid.DOMAIN TXT record binds the organisation key (as `kliento \
                        txt-record` prints it). Writes the chain (DER SET OF OCTET STRING, the \
                        messages in the order veraid-js retrieves them) and the test root's DS \
                        record as a trust-anchors file for the verifying commands. For tests and demos only: \
                        nothing outside this chain trusts that root."
)]
pub struct Args {
    /// Organisation domain (e.g. example.com; lower-cased)
    #[arg(long, value_name = "DOMAIN", value_parser = values::domain)]
    domain: Domain,

    /// Organisation key: RSA 2048/3072/4096, private or public, PEM or DER (`-` for stdin)
    #[arg(long, value_name = "FILE")]
    key: PathBuf,

    /// Chain file to write (DER; `-` for stdout, never a terminal)
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// File to write the test root's DS trust anchor to (one presentation-form line)
    #[arg(long, value_name = "FILE")]
    trust_anchors_out: PathBuf,

    /// TXT record TTL override: seconds or a duration (90m, 1h, 7d), at most 90 days
    #[arg(long, value_name = "DURATION", default_value = "3600", value_parser = values::ttl_override)]
    ttl_override: TtlOverride,

    /// Restrict the TXT record to one service OID
    #[arg(long, value_name = "OID")]
    service: Option<ServiceOid>,

    /// Inception of every RRSIG: RFC 3339 or relative to now (+1h, -2d)
    #[arg(
        long,
        value_name = "TIME",
        default_value = "now",
        allow_hyphen_values = true,
        value_parser = values::time
    )]
    start: TimeArg,

    /// How long every RRSIG stays valid after --start (e.g. 30d, 12h)
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = values::seconds)]
    valid_for: u64,

    /// Signing algorithm of each zone, root first; the last one applies to the zones below
    #[arg(
        long,
        value_name = "ALG",
        value_enum,
        value_delimiter = ',',
        default_value = "rsasha256"
    )]
    zone_algorithms: Vec<Alg>,

    /// Replace existing output files
    #[arg(long)]
    force: bool,
}

/// Zone signing algorithms, by their DNSSEC mnemonic.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Alg {
    /// 8: RSA-2048/SHA-256
    Rsasha256,
    /// 10: RSA-2048/SHA-512
    Rsasha512,
    /// 13: ECDSA P-256/SHA-256
    Ecdsap256sha256,
    /// 14: ECDSA P-384/SHA-384
    Ecdsap384sha384,
    /// 15: Ed25519
    Ed25519,
}

impl From<Alg> for ZoneAlgorithm {
    fn from(alg: Alg) -> Self {
        match alg {
            Alg::Rsasha256 => ZoneAlgorithm::RsaSha256,
            Alg::Rsasha512 => ZoneAlgorithm::RsaSha512,
            Alg::Ecdsap256sha256 => ZoneAlgorithm::EcdsaP256Sha256,
            Alg::Ecdsap384sha384 => ZoneAlgorithm::EcdsaP384Sha384,
            Alg::Ed25519 => ZoneAlgorithm::Ed25519,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    schema_version: u8,
    domain: String,
    zones: Vec<String>,
    chain_file: Option<String>,
    trust_anchors_file: String,
    trust_anchor: String,
    messages: usize,
    bytes: usize,
    rdata: String,
    signature_inception: String,
    signature_expiration: String,
}

/// Builds the zones and writes the chain and the anchor.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let mode = FileMode {
        secret: false,
        overwrite: args.force,
    };
    if io::is_stdio(&args.trust_anchors_out) {
        return Err(Failure::usage(
            "--trust-anchors-out needs a file: stdout may carry the chain",
        ));
    }
    if io::is_stdio(&args.output) && ui.json() {
        return Err(Failure::usage(
            "--format json needs -o FILE: stdout carries the JSON report",
        ));
    }
    if io::is_stdio(&args.output) {
        io::refuse_binary_terminal_with(io::DER_ONLY)?;
    }
    // Both outputs are checked before any work, and written both or neither.
    let chain_out = Destination::new(&args.output, mode, true)?;
    let anchors_out = Destination::new(&args.trust_anchors_out, mode, false)?;
    output::check_distinct(&[
        ("--output", &chain_out),
        ("--trust-anchors-out", &anchors_out),
    ])?;
    let validity = validity(&args, context.now)?;

    let source = if io::is_stdio(&args.key) {
        "stdin".to_string()
    } else {
        args.key.display().to_string()
    };
    let key = inputs::public_key(&args.key, "key")?;
    let rdata = TxtRdata::for_key(&key, args.ttl_override, args.service.as_ref())
        .or_fail(format!("cannot use the key in {source}"))?;

    let algorithms: Vec<ZoneAlgorithm> = args
        .zone_algorithms
        .iter()
        .copied()
        .map(Into::into)
        .collect();
    ui.detail(1, "generating throw-away zone keys");
    let zones =
        TestZones::generate(&args.domain, &algorithms).or_fail("cannot generate the test zones")?;
    let mut spec = ChainSpec::new(rdata.to_string(), validity);
    spec.txt_ttl = TXT_TTL;
    let test = zones.build(&spec).or_fail("cannot sign the test chain")?;
    let chain = test.chain().or_fail("the test chain does not parse back")?;
    let der = chain.to_der();
    let anchors = format!(
        "; throw-away test root made by `kliento issue test-chain` for {}: trust it for tests only\n{}",
        args.domain,
        format_trust_anchors(std::slice::from_ref(&test.root_anchor))
    );
    for (index, message) in chain.summaries().iter().enumerate() {
        ui.detail(
            2,
            format!(
                "message {index}: {} RCODE {}, {} answers, {} bytes",
                message.questions.join(" "),
                message.response_code,
                message.answers,
                message.bytes
            ),
        );
    }

    output::write_all(&[(&anchors_out, anchors.as_bytes()), (&chain_out, &der)])?;

    let name = args.domain.veraid_record_name();
    let shown = (!io::is_stdio(&args.output)).then(|| args.output.display().to_string());
    if ui.json() {
        ui.print_json(&Report {
            schema_version: 1,
            domain: args.domain.to_string(),
            zones: zones.zone_names(),
            chain_file: shown,
            trust_anchors_file: args.trust_anchors_out.display().to_string(),
            trust_anchor: test.root_anchor.to_string(),
            messages: chain.len(),
            bytes: der.len(),
            rdata: rdata.to_string(),
            signature_inception: validity.start.to_string(),
            signature_expiration: validity.end.to_string(),
        })?;
    } else {
        let target = shown.unwrap_or_else(|| "stdout".into());
        ui.note(format!(
            "wrote a test DNSSEC chain for {name} ({} messages, {} bytes) to {target}; \
             RRSIGs valid {}",
            chain.len(),
            der.len(),
            validity
        ));
        ui.note(format!(
            "wrote its root trust anchor to {} (use it with --trust-anchors)",
            args.trust_anchors_out.display()
        ));
    }
    Ok(())
}

/// The RRSIG validity `[start, start + valid_for]`, in whole seconds within the RRSIG range.
fn validity(args: &Args, now: Timestamp) -> Result<Period, Failure> {
    let bad = |message: String| Failure::usage(message);
    let start = args.start.resolve(now).map_err(bad)?;
    // RRSIG times are whole seconds (RFC 4034 §3.1.5): round the inception down.
    let start = Timestamp::from_second(start.as_second()).map_err(|e| bad(e.to_string()))?;
    let seconds = i64::try_from(args.valid_for).unwrap_or(i64::MAX);
    let end = start
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .map_err(|_| bad(format!("--valid-for {} is too long", args.valid_for)))?;
    // RRSIG times are 32-bit seconds: the range every time flag is held to.
    values::in_range(start, &format!("the RRSIG inception {start}")).map_err(bad)?;
    values::in_range(end, &format!("the end of --valid-for ({end})")).map_err(bad)?;
    Ok(Period { start, end })
}
