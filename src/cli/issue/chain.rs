//! `kliento issue chain`: retrieve the DNSSEC chain of `_veraid.DOMAIN` live, validate it at the
//! current time, and write it as DER `SET OF OCTET STRING`.

use crate::cli::anchors::{foreign_root, load_anchors};
use crate::cli::context::Context;
use crate::cli::failure::{Failure, OrFail};
use crate::cli::hints;
use crate::cli::inspect::walk_lines;
use crate::cli::io::{self, FileMode};
use crate::cli::ui::Ui;
use crate::cli::values;
use base64::Engine;
use kliento::dnssec::retrieve::{
    self, DEFAULT_DOH_URL, DnsOverHttps, Limits, PlainDns, Response, RetrieveError, SetupError,
    Transport,
};
use kliento::dnssec::validate::RrType;
use kliento::dnssec::{DnssecChain, Reason, Rejection, minimise, validate_veraid_txt};
use kliento::domain::Domain;
use kliento::error::Classify;
use kliento::http::ProxySettings;
use kliento::time::{Period, Timestamp};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Retrieve, live, every DNS response @relaycorp/veraid would fetch for \
                  _veraid.DOMAIN (DNSKEY from the root down, DS below the root, then the TXT \
                  record), validate the chain at the current time against the root trust \
                  anchors, and write it as a DER SET OF OCTET STRING. The default transport is \
                  DNS-over-HTTPS to Cloudflare, as veraid-js uses. A chain that is not SECURE \
                  is not written (exit 1); network failures exit 4."
)]
pub struct Args {
    /// The organisation's domain (the chain covers _veraid.DOMAIN; lower-cased)
    #[arg(long, value_name = "DOMAIN", value_parser = values::domain)]
    domain: Domain,

    #[command(flatten)]
    source: LiveChain,

    /// Write the chain (DER) here instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Replace an existing output file
    #[arg(long)]
    force: bool,
}

/// Where and how a chain is retrieved live, and the anchors it is validated against.
#[derive(Debug, clap::Args)]
pub struct LiveChain {
    /// Plain DNS server to ask (UDP, TCP when truncated) instead of DNS-over-HTTPS
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "doh")]
    resolver: Option<String>,

    /// DNS-over-HTTPS endpoint (https, or http to a loopback address)
    #[arg(long, value_name = "URL", default_value = DEFAULT_DOH_URL)]
    doh: String,

    /// DS records of the root (zone-file form) to trust instead of the IANA root KSKs
    #[arg(long, value_name = "FILE", env = "KLIENTO_TRUST_ANCHORS")]
    trust_anchors: Option<PathBuf>,

    /// Time to wait for each answer: seconds or a duration (30s, 2m), 1s to 300s
    #[arg(long, value_name = "DURATION", default_value = "5", value_parser = timeout)]
    timeout: Duration,
}

/// How long retrieving a chain may take as a whole: `4 × attempts × --timeout`, i.e. room for
/// every query in two rounds of parallel queries, each over UDP then TCP, every attempt at its
/// full timeout (`8 × --timeout` with the default two attempts).
fn chain_deadline(timeout: Duration, attempts: u32) -> Duration {
    timeout.saturating_mul(4u32.saturating_mul(attempts.max(1)))
}

fn timeout(text: &str) -> Result<Duration, String> {
    match values::timeout(text)? {
        t if t > Duration::from_secs(300) => Err("the timeout must be at most 300 seconds".into()),
        t => Ok(t),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    schema_version: u8,
    domain: String,
    status: &'static str,
    validated_at: String,
    server: String,
    messages: Vec<MessageReport>,
    /// Where the chain was written; absent when it is inline in `chain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    /// The DER chain in base64, when no output file was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    chain: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageReport {
    question: String,
    rcode: String,
    bytes: usize,
    transport: String,
}

/// Retrieves, validates and writes the chain.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let output = args.output.as_deref().filter(|p| !io::is_stdio(p));
    let mode = FileMode {
        secret: false,
        overwrite: args.force,
    };
    // Refuse an unusable output before any network traffic.
    match output {
        Some(path) => io::check_writable(path, mode)?,
        None if !ui.json() => io::refuse_binary_terminal_with(io::DER_ONLY)?,
        None => {}
    }
    let Retrieved {
        chain,
        responses,
        validated_at: now,
        server,
    } = args.source.retrieve_secure(ui, context, &args.domain)?;

    let der = chain.to_der();
    if ui.json() {
        if let Some(path) = output {
            io::write_file(path, &der, mode)?;
        }
        ui.print_json(&Report {
            schema_version: 1,
            domain: args.domain.to_string(),
            status: "secure",
            validated_at: now.to_string(),
            server,
            messages: responses
                .iter()
                .map(|r| MessageReport {
                    question: r.question.to_string(),
                    rcode: r.answer.response_code_name(),
                    bytes: r.answer.raw.len(),
                    transport: r.answer.protocol.to_string(),
                })
                .collect(),
            output: output.map(|p| p.display().to_string()),
            chain: output
                .is_none()
                .then(|| base64::engine::general_purpose::STANDARD.encode(&der)),
        })?;
    } else {
        io::emit(output, &der, true, mode)?;
    }
    ui.note(format!(
        "DNSSEC chain for _veraid.{} is SECURE at {now}: {} messages, {} bytes{}",
        args.domain,
        chain.len(),
        der.len(),
        output.map_or(String::new(), |p| format!(", written to {}", p.display()))
    ));
    Ok(())
}

/// A chain retrieved live and found SECURE.
pub struct Retrieved {
    /// The chain, in retrieval order.
    pub chain: DnssecChain,
    /// The responses with their questions and transports.
    pub responses: Vec<Response>,
    /// When it was validated.
    pub validated_at: Timestamp,
    /// The server asked.
    pub server: String,
}

impl LiveChain {
    /// The anchors in use: --trust-anchors FILE, or the built-in IANA root anchors.
    pub fn anchors(&self) -> Result<Vec<kliento::dnssec::TrustAnchor>, Failure> {
        load_anchors(self.trust_anchors.as_deref())
    }

    /// Retrieves the chain of `_veraid.DOMAIN` and validates it now; only a SECURE chain is
    /// returned (exit 1 otherwise, exit 4 on network failure).
    pub fn retrieve_secure(
        &self,
        ui: &Ui,
        context: &Context,
        domain: &Domain,
    ) -> Result<Retrieved, Failure> {
        let anchors = load_anchors(self.trust_anchors.as_deref())?;
        let attempts = Limits::default().attempts;
        let overall = chain_deadline(self.timeout, attempts);
        let limits = Limits {
            timeout: self.timeout,
            attempts,
            // Monotonic time bounds the network part only; validation uses the run's instant below.
            deadline: Some(std::time::Instant::now() + overall),
        };
        let mut proxy = None;
        let transport: Box<dyn Transport> = match &self.resolver {
            Some(server) => Box::new(PlainDns::new(server, limits).map_err(setup_failure)?),
            None => {
                let proxies =
                    ProxySettings::from_vars(|name| context.env.get(name).map(str::to_string));
                let doh = DnsOverHttps::with_proxies(&self.doh, limits, proxies)
                    .map_err(setup_failure)?;
                proxy = doh.proxy();
                Box::new(doh)
            }
        };
        let server = transport.server();
        ui.detail(
            1,
            format!("asking {server} for the chain of _veraid.{domain}"),
        );
        ui.detail(
            1,
            format!(
                "deadlines: {} s per attempt (connect, send and the complete answer), {} s for \
                 all queries with their retries",
                self.timeout.as_secs(),
                overall.as_secs()
            ),
        );
        if let Some(proxy) = proxy {
            ui.detail(1, format!("DNS-over-HTTPS goes through the proxy {proxy}"));
        }
        let mut responses = retrieve::retrieve(domain, transport.as_ref())
            .map_err(|e| retrieve_failure(e, domain, self.resolver.is_some()))?;
        // Each response is stored minimised: the question, its answer RRset and their RRSIGs.
        for response in &mut responses {
            if let Some(header) = minimise::header_summary(&response.answer.raw) {
                ui.detail(2, format!("{} as received: {header}", response.question));
            }
            let received = response.answer.raw.len();
            response.answer.raw = minimise::minimise(&response.answer.raw).or_fail(format!(
                "the response from {server} to {}",
                response.question
            ))?;
            ui.detail(
                2,
                format!(
                    "{}: {received} bytes received, {} kept",
                    response.question,
                    response.answer.raw.len()
                ),
            );
        }
        for response in &responses {
            ui.detail(
                1,
                format!(
                    "{}: {}, {} bytes over {}{}{}",
                    response.question,
                    response.answer.response_code_name(),
                    response.answer.raw.len(),
                    response.answer.protocol,
                    response
                        .answer
                        .retried_after
                        .as_ref()
                        .map_or(String::new(), |why| format!(", retried after: {why}")),
                    match response.answer.ignored {
                        0 => String::new(),
                        n => format!(", {n} unrelated datagram(s) ignored"),
                    }
                ),
            );
        }
        let ignored: u32 = responses.iter().map(|r| r.answer.ignored).sum();
        if ignored > 0 {
            ui.detail(
                1,
                format!("{ignored} datagram(s) ignored in all (not answers to our queries)"),
            );
        }
        let chain =
            DnssecChain::from_messages(responses.iter().map(|r| r.answer.raw.clone()).collect())
                .or_fail(format!(
                    "the DNS responses from {server} do not form a chain"
                ))?;
        // The CLI reads the clock; the library validates at whatever time it is given.
        let now = context.now;
        let outcome = validate_veraid_txt(&chain, domain, &Period::instant(now), &anchors);
        let walk = outcome.into_result().map_err(|rejection| {
            // -v: what was authenticated before the failure.
            for line in walk_lines(&rejection.walk) {
                ui.detail(1, line);
            }
            let note = match rejection.reason {
                Reason::Answer(_) | Reason::NoRecords { .. } => txt_note(&responses),
                _ => None,
            };
            let mut message =
                format!("the DNSSEC chain for _veraid.{domain} is unusable: {rejection}");
            if let Some(note) = &note {
                message.push_str(&format!(" ({})", note.describe()));
            }
            Failure::invalid(message)
                .hint(rejection_hint(
                    &rejection,
                    note.as_ref(),
                    &responses,
                    domain,
                    self.trust_anchors.is_some(),
                    foreign_root(Some(&chain), &anchors),
                ))
                .field("status", rejection.status.to_string())
                .field("reason", rejection.reason.to_string())
        })?;
        for line in walk_lines(&walk) {
            ui.detail(1, line);
        }
        Ok(Retrieved {
            chain,
            responses,
            validated_at: now,
            server,
        })
    }
}

/// What the TXT response really held, when it holds no TXT record: another RCODE, or a CNAME.
enum TxtNote {
    /// The RCODE is not NOERROR (NXDOMAIN...).
    Rcode(String),
    /// The name is an alias.
    Cname(String),
}

impl TxtNote {
    fn describe(&self) -> String {
        match self {
            TxtNote::Rcode(rcode) => format!("the TXT response has RCODE {rcode}"),
            TxtNote::Cname(target) => format!("the name is a CNAME to {target}"),
        }
    }
}

/// Looks into the TXT response for why it holds no TXT record.
fn txt_note(responses: &[Response]) -> Option<TxtNote> {
    use hickory_proto::op::Message;
    use hickory_proto::rr::RData;
    let response = responses
        .iter()
        .find(|r| r.question.record_type() == RrType::Txt)?;
    let message = Message::from_vec(&response.answer.raw).ok()?;
    if message.metadata.response_code != hickory_proto::op::ResponseCode::NoError {
        return Some(TxtNote::Rcode(response.answer.response_code_name()));
    }
    message
        .answers
        .iter()
        .find_map(|record| match &record.data {
            RData::CNAME(target) => Some(TxtNote::Cname(target.0.to_string())),
            _ => None,
        })
}

/// What to do about a chain that is not SECURE, for the reason it is not: a server that refused,
/// a missing or aliased record, an altered or unsigned answer, or anchors that do not fit.
fn rejection_hint(
    rejection: &Rejection,
    note: Option<&TxtNote>,
    responses: &[Response],
    domain: &Domain,
    custom_anchors: bool,
    foreign_root: bool,
) -> String {
    if let Some(r) = responses.iter().find(|r| r.answer.server_declined()) {
        return format!(
            "the server answered {} to {}; it may not be a resolver for this name",
            r.answer.response_code_name(),
            r.question
        );
    }
    match (note, &rejection.reason) {
        (Some(TxtNote::Cname(_)), _) => {
            return format!(
                "VeraId needs the TXT record at _veraid.{domain} itself: an alias (CNAME) is not \
                 followed"
            );
        }
        (Some(TxtNote::Rcode(_)), _) | (None, Reason::ResponseCode { .. }) => {
            return format!(
                "publish the TXT record at _veraid.{domain} (kliento txt-record prints it), or \
                 check the domain name"
            );
        }
        (None, Reason::NoValidSignature { .. }) => {
            return "a signature does not verify: the answer was altered on the way, or the \
                    zone's signatures are wrong or expired (check the zone's signing and this \
                    machine's clock)"
                .into();
        }
        (None, Reason::Unsigned { .. } | Reason::NoRecords { .. }) => {
            return "the answer carries no signature: the zone may be unsigned, or something on \
                    the way strips DNSSEC records (try --doh or another --resolver)"
                .into();
        }
        (None, Reason::NoDnskeyMatchesDs { zone, .. }) if zone != "." => {
            return format!(
                "the DS records for {zone} in its parent match none of its keys: a broken \
                 delegation or a key rollover gone wrong"
            );
        }
        _ => {}
    }
    if foreign_root && !custom_anchors {
        "the chain's root key matches none of the built-in IANA trust anchors: for a test DNS \
         hierarchy, pass its root's DS records with --trust-anchors FILE"
            .into()
    } else if custom_anchors {
        "check that --trust-anchors holds the DS of the root this server signs with".into()
    } else {
        "the zone's DNSSEC is broken or incomplete; check it with a DNSSEC debugger".into()
    }
}

/// A failed retrieval, classified by its error, with what to check.
fn retrieve_failure(e: RetrieveError, domain: &Domain, plain_dns: bool) -> Failure {
    let hint = hints::for_retrieval(&e, plain_dns);
    let failure = Failure::new(
        e.class(),
        format!("cannot retrieve the DNSSEC chain for _veraid.{domain}: {e}"),
    );
    failure.hint_if(hint)
}

/// A transport set-up error: bad flag values are usage errors, failed look-ups environment.
fn setup_failure(e: SetupError) -> Failure {
    Failure::new(e.class(), e)
}
