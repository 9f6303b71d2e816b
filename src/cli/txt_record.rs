//! `kliento txt-record`: the `_veraid` TXT value that binds an organisation key to its domain.

use super::context::Context;
use super::failure::{Failure, OrFail};
use super::inputs::{self, KeyArg};
use super::ui::Ui;
use super::values;
use kliento::domain::Domain;
use kliento::keys;
use kliento::veraid::ServiceOid;
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use serde::Serialize;

/// The TTL of the DNS record itself in the zone-file line.
const RECORD_TTL: u32 = 3600;

/// Print the _veraid TXT record for an organisation key
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Print the _veraid TXT record value for an organisation key: \
                  `<algorithm> <key id> <TTL override> [<service OID>]`, exactly as \
                  @relaycorp/veraid generateTxtRdata does. With --domain, print the whole \
                  zone-file line for _veraid.DOMAIN."
)]
pub struct Args {
    /// Organisation key: RSA 2048/3072/4096, a file (private or public, PEM or DER, PKCS#8,
    /// PKCS#1 or SubjectPublicKeyInfo; `-` for stdin), a key in a PKCS#11 token
    /// (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///alias/NAME`),
    /// whose public key is read from the token or KMS
    #[arg(long, value_name = "KEY", value_hint = clap::ValueHint::FilePath)]
    key: KeyArg,

    /// How long before a signature's end its DNSSEC chain may have been signed: seconds or a
    /// duration (90m, 1h, 7d), at most 90 days
    #[arg(long, value_name = "DURATION", default_value = "3600", value_parser = values::ttl_override)]
    ttl_override: TtlOverride,

    /// Restrict the key to one service (e.g. 1.3.6.1.4.1.58708.3.0 for Kliento)
    #[arg(long, value_name = "OID")]
    service: Option<ServiceOid>,

    /// Print the zone-file line for _veraid.DOMAIN instead of the bare value (lower-cased)
    #[arg(long, value_name = "DOMAIN", value_parser = values::domain)]
    domain: Option<Domain>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    schema_version: u8,
    name: Option<String>,
    rdata: String,
    algorithm: u8,
    key_id: String,
    ttl_override: u32,
    service_oid: Option<String>,
}

/// Reads the key and prints its TXT record.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let source = args.key.shown();
    let key = inputs::public_key_of(&args.key, "key", context)?;
    ui.detail(
        1,
        format!(
            "read a {}-bit RSA key from {source}",
            keys::modulus_bits(&key)
        ),
    );
    let rdata = TxtRdata::for_key(&key, args.ttl_override, args.service.as_ref())
        .or_fail(format!("cannot use the key in {source}"))?;
    let name = args.domain.as_ref().map(Domain::veraid_record_name);

    if ui.json() {
        ui.print_json(&Report {
            schema_version: 1,
            name,
            rdata: rdata.to_string(),
            algorithm: rdata.algorithm.id(),
            key_id: rdata.key_id.clone(),
            ttl_override: rdata.ttl_override.seconds(),
            service_oid: rdata.service_oid.clone(),
        })?;
    } else if let Some(name) = name {
        ui.print_line(format!("{name} {RECORD_TTL} IN TXT \"{rdata}\""))?;
    } else {
        ui.print_line(&rdata)?;
    }
    Ok(())
}
