//! `kliento exchange URL`: obtain a workload JWT, trade it for a signature bundle at VeraId
//! Authority, print the bundle.

use super::context::Context;
use super::failure::{Failure, OrFail};
use super::hints;
use super::io::{self, FileMode};
use super::output::{self, Destination};
use super::text::Esc;
use super::ui::Ui;
use super::values::{self, OutputEncoding};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kliento::authority::exchange::{self, Credential, ExchangeError, ExchangeUrl, Transfer};
use kliento::authority::jwt_source::{self, Env, JwtSource, JwtSourceError, Request};
use kliento::authority::sources::aws::AwsSource;
use kliento::authority::sources::azure::AzureSource;
use kliento::authority::sources::env::EnvSource;
use kliento::authority::sources::file::FileSource;
use kliento::authority::sources::gcp::GcpSource;
use kliento::authority::sources::github::{self, GithubSource};
use kliento::authority::sources::kubernetes::KubernetesSource;
use kliento::authority::sources::oidc::{
    Grant, OidcConfig, OidcSource, TokenKind, refresh_store_path,
};
use kliento::authority::{Http, HttpPolicy, ProxySettings, Secret};
use kliento::aws::credentials;
use kliento::error::Classify;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod cache;
mod failures;
mod outputs;
mod sources;

use cache::RunCache;
use failures::{Secrets, exchange_failure, source_failure};
use outputs::{GithubOutput, Outputs, write_credential};
use sources::choose_source;

const OIDC: &str = "OIDC provider (--jwt-source oidc)";
const OUTPUT: &str = "Output";
const CACHE: &str = "Reusing bundles";

/// Exchange a workload JWT for a signature bundle at VeraId Authority
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Obtain a JWT whose audience is the exchange URL from the platform \
    (GitHub Actions, Kubernetes, AWS, Google Cloud, Azure, an OIDC provider, a file or a \
    variable), \
    send it to VeraId Authority as `GET URL` with `Authorization: Bearer <JWT>`, check that the \
    answer decodes as a signature bundle, and print it.\n\n\
    --jwt-source auto picks the first source that applies, in this order: --jwt-file (file), \
    --jwt-env (env), --oidc-issuer (oidc), GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL or \
    GITHUB_ACTIONS=true), Kubernetes (the projected token file exists), AWS (AWS_ACCESS_KEY_ID, \
    AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, or keys \
    in the AWS profile; instance metadata is not probed), Google Cloud (GCE_METADATA_HOST, or a \
    GCE machine), Azure (AZURE_POD_IDENTITY_AUTHORITY_HOST, or an Azure VM). When none applies \
    it lists what it looked for.\n\n\
    --jwt-source aws asks AWS STS GetWebIdentityToken at the regional endpoint (AWS_REGION, \
    AWS_DEFAULT_REGION, the profile's region or the EC2 instance's; AWS_ENDPOINT_URL_STS or \
    AWS_ENDPOINT_URL override it), signed with the credentials of the standard chain: \
    environment, web identity, shared profile, container, then instance metadata (IMDSv2).\n\n\
    Network errors and 5xx answers are retried with exponential backoff; 4xx answers are not. \
    JWTs and bundles never appear on stderr, even with -v.\n\n\
    With --cache (or KLIENTO_CACHE=1) the bundle is kept under $XDG_CACHE_HOME/kliento/ \
    (else ~/.cache/kliento/; directory 0700, files 0600, refused when open to others), one file \
    per exchange URL and JWT source, and reused while its signature stays valid for \
    --min-validity: no JWT is obtained and no request sent. Concurrent runs wait for each other \
    and do one exchange."
)]
pub struct Args {
    /// The signature spec's exchange URL (https; plain http only to loopback hosts)
    #[arg(value_name = "URL")]
    url: String,

    /// Where the JWT comes from
    #[arg(long, value_enum, value_name = "SOURCE", default_value_t = SourceName::Auto)]
    jwt_source: SourceName,

    /// Audience to ask the JWT source for, when the Authority expects another than the URL
    #[arg(long, value_name = "AUDIENCE")]
    jwt_audience: Option<String>,

    /// JWT file (source file); for source kubernetes, replaces the default projected token path
    /// /var/run/secrets/kliento/token
    #[arg(long, value_name = "FILE")]
    jwt_file: Option<PathBuf>,

    /// Environment variable holding the JWT (source env)
    #[arg(long, value_name = "VAR")]
    jwt_env: Option<String>,

    /// OIDC issuer URL; discovery is at ISSUER/.well-known/openid-configuration
    #[arg(long, value_name = "URL", help_heading = OIDC)]
    oidc_issuer: Option<url::Url>,

    /// OIDC client id
    #[arg(long, value_name = "ID", help_heading = OIDC)]
    client_id: Option<String>,

    /// Environment variable holding the client secret (never pass a secret as a flag value)
    #[arg(long, value_name = "VAR", conflicts_with = "client_secret_file", help_heading = OIDC)]
    client_secret_env: Option<String>,

    /// File holding the client secret
    #[arg(long, value_name = "FILE", help_heading = OIDC)]
    client_secret_file: Option<PathBuf>,

    /// OIDC grant [default: client-credentials with a client secret, else authorization-code]
    #[arg(long, value_enum, value_name = "GRANT", help_heading = OIDC)]
    oidc_grant: Option<GrantName>,

    /// Which token of the provider's answer to send to the Authority
    #[arg(long, value_enum, value_name = "TOKEN", default_value_t = TokenName::Access, help_heading = OIDC)]
    oidc_token: TokenName,

    /// Scopes to request (space-separated)
    #[arg(long, value_name = "SCOPES", help_heading = OIDC)]
    oidc_scope: Option<String>,

    /// Loopback port for the authorization-code redirect (0: any free port); the provider must
    /// accept http://127.0.0.1:PORT/callback
    #[arg(long, value_name = "PORT", default_value_t = 0, help_heading = OIDC)]
    redirect_port: u16,

    /// Output encoding: der (binary), base64, or header (`Kliento <base64>`)
    #[arg(long, value_enum, default_value_t = OutputEncoding::Base64, help_heading = OUTPUT)]
    encoding: OutputEncoding,

    /// Write the bundle to FILE (created 0600; an existing file is replaced only with --force)
    /// instead of stdout
    #[arg(short, long, value_name = "FILE", help_heading = OUTPUT)]
    output: Option<PathBuf>,

    /// Replace an existing --output file
    #[arg(long, help_heading = OUTPUT)]
    force: bool,

    /// GitHub Actions: mask the bundle in logs and set it as step output NAME in $GITHUB_OUTPUT
    /// (instead of printing it)
    #[arg(long, value_name = "NAME", help_heading = OUTPUT)]
    github_output: Option<String>,

    /// How the Authority sends the bundle over HTTP (binary, or base64 text)
    #[arg(long, value_enum, value_name = "FORM", default_value_t = TransferName::Binary)]
    transfer: TransferName,

    /// Timeout of each HTTP request: seconds or a duration (30s, 2m)
    #[arg(long, value_name = "DURATION", default_value = "10", value_parser = values::timeout)]
    timeout: Duration,

    /// Extra attempts after a network error or a 5xx answer (with exponential backoff)
    #[arg(long, value_name = "N", default_value_t = 2)]
    retries: u32,

    /// Reuse the bundle kept by an earlier run while it stays valid for --min-validity; else
    /// exchange and keep the new one (under $XDG_CACHE_HOME/kliento/, else ~/.cache/kliento/)
    #[arg(long, env = "KLIENTO_CACHE", value_parser = clap::builder::BoolishValueParser::new(),
        help_heading = CACHE)]
    cache: bool,

    /// Neither reuse nor keep a bundle: always exchange afresh (wins over --cache and
    /// KLIENTO_CACHE=1)
    #[arg(long, help_heading = CACHE)]
    no_cache: bool,

    /// With --cache, how long a kept bundle must still be valid to be reused: seconds or a
    /// duration (90s, 5m)
    #[arg(long, value_name = "DURATION", default_value = "60", value_parser = min_validity,
        help_heading = CACHE)]
    min_validity: Duration,
}

/// Room for three requests (OIDC discovery or a platform token endpoint, a token request, the
/// exchange), each with every attempt at its full timeout; backoff sleeps fit within it.
const REQUESTS_BUDGETED: u32 = 3;

/// How long the network part of `exchange` may take as a whole:
/// `3 × (--retries + 1) × --timeout` (time spent signing in a browser is not counted).
fn overall_deadline(timeout: Duration, retries: u32) -> Duration {
    timeout.saturating_mul(REQUESTS_BUDGETED.saturating_mul(retries.saturating_add(1)))
}

fn min_validity(text: &str) -> Result<Duration, String> {
    values::seconds(text).map(Duration::from_secs)
}

/// `--jwt-source` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SourceName {
    /// The first source that applies (see the order above)
    Auto,
    /// GitHub Actions OIDC token (needs `permissions: id-token: write`)
    Github,
    /// Google Cloud metadata server identity token
    Gcp,
    /// Kubernetes projected service-account token file
    Kubernetes,
    /// Azure managed identity (IMDS)
    Azure,
    /// AWS STS GetWebIdentityToken with the standard AWS credentials (outbound federation)
    Aws,
    /// A file (--jwt-file)
    File,
    /// An environment variable (--jwt-env)
    Env,
    /// An OpenID Connect provider (--oidc-issuer, --client-id)
    Oidc,
}

/// `--oidc-grant` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum GrantName {
    /// Client credentials (machine workloads; needs a client secret)
    ClientCredentials,
    /// Browser sign-in with PKCE, then silent refresh with the stored refresh token
    AuthorizationCode,
}

/// `--oidc-token` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum TokenName {
    /// The access token (a JWT for the requested resource)
    Access,
    /// The ID token
    Id,
}

/// `--transfer` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum TransferName {
    /// application/vnd.veraid.signature-bundle
    Binary,
    /// application/vnd.veraid.signature-bundle+base64
    Base64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    schema_version: u8,
    jwt_source: &'a str,
    bytes: usize,
    encoding: &'a str,
    /// Whether the bundle was reused from the cache rather than exchanged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cached: bool,
    /// The bundle in the chosen text encoding, when it goes nowhere else.
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<String>,
}

/// Obtains the JWT, exchanges it and writes the bundle.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    // Parsed here rather than by clap, whose error would repeat the value, password included.
    let url: ExchangeUrl = args
        .url
        .parse()
        .map_err(Failure::classified::<exchange::ExchangeUrlError>)?;
    if args.github_output.is_some() && args.encoding == OutputEncoding::Der {
        return Err(Failure::usage(
            "--github-output needs a text encoding (base64 or header)",
        ));
    }
    if ui.json()
        && args.encoding == OutputEncoding::Der
        && args.output.as_deref().is_none_or(io::is_stdio)
    {
        return Err(
            Failure::usage("--format json cannot carry --encoding der on stdout")
                .hint("write the bundle with -o FILE, or choose base64 or header"),
        );
    }
    // Every usage check on the outputs happens before any secret is read or request is sent.
    let binary = args.encoding == OutputEncoding::Der;
    // `-o -` is stdout, as for every other command.
    let output = args
        .output
        .as_deref()
        .filter(|path| !io::is_stdio(path))
        .map(|path| {
            // A bundle is a bearer credential: files holding it are private.
            let mode = FileMode {
                secret: true,
                overwrite: args.force,
            };
            Destination::new(path, mode, binary)
        })
        .transpose()?;
    let github_output = args
        .github_output
        .as_deref()
        .map(|name| GithubOutput::check(name, &context.env))
        .transpose()?;
    if binary && output.is_none() && github_output.is_none() && !ui.json() {
        io::refuse_binary_terminal()?;
    }
    let env = &context.env;
    let audience = args
        .jwt_audience
        .clone()
        .unwrap_or_else(|| url.audience().to_string());
    // Monotonic time bounds the network part of the command; it is never a validation time.
    let overall = overall_deadline(args.timeout, args.retries);
    let deadline = std::time::Instant::now() + overall;
    let proxies = ProxySettings::from_vars(|name| env.get(name).map(str::to_string));
    let http = Http::new(
        HttpPolicy {
            timeout: args.timeout,
            retries: args.retries,
            backoff: Duration::from_millis(500),
            deadline: Some(deadline),
        },
        proxies,
    )
    .map_err(Failure::classified)?;
    ui.detail(
        1,
        format!(
            "deadlines: {} s per attempt (connect, headers and body), {} s for the whole command \
             (every request, retry and backoff)",
            args.timeout.as_secs(),
            overall.as_secs()
        ),
    );
    match http.proxy_for(url.url()) {
        Some(proxy) => ui.detail(1, format!("the exchange goes through the proxy {proxy}")),
        None => ui.detail(1, "the exchange goes direct (no proxy)"),
    }

    let outputs = Outputs {
        file: output.as_ref(),
        github: github_output.as_ref(),
    };
    // The cache is looked at before any secret is read: a hit needs no JWT and no request.
    let cache = RunCache::open(ui, &args, env, &url)?;
    let mut _lock = None;
    if let Some(cache) = &cache {
        if let Some(cached) = cache.reusable(ui, &url, context.now, args.min_validity)? {
            return write_cached(ui, &args, &outputs, cached);
        }
        // Concurrent runs wait here; the first to hold the lock exchanges, the others reuse.
        _lock = Some(cache.lock(deadline)?);
        let now = kliento::time::Timestamp::now();
        if let Some(cached) = cache.reusable(ui, &url, now, args.min_validity)? {
            return write_cached(ui, &args, &outputs, cached);
        }
    }

    let (source, client_secret) = choose_source(&args, env)?;
    let mut secrets = Secrets::default();
    if let Some(secret) = &client_secret {
        secrets.add(secret.expose());
        if let Some(client_id) = &args.client_id {
            // client_secret_basic sends base64(id:secret) (form-encoded parts, RFC 6749 §2.3.1).
            let form = |text: &str| -> String {
                url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
            };
            secrets.add(&STANDARD.encode(format!("{}:{}", form(client_id), form(secret.expose()))));
        }
    }
    for variable in [
        github::REQUEST_TOKEN_VAR,
        credentials::SECRET_ACCESS_KEY_VAR,
        credentials::SESSION_TOKEN_VAR,
        credentials::CONTAINER_TOKEN_VAR,
    ] {
        if let Some(token) = env.get(variable) {
            secrets.add(token);
        }
    }
    ui.detail(1, format!("JWT source: {}", source.name()));
    let jwt = source
        .fetch(&Request {
            http: &http,
            env,
            audience: &audience,
        })
        .map_err(|e| source_failure(e, &secrets))?;
    ui.detail(1, format!("obtained a JWT for audience {audience}: {jwt}"));

    let transfer = match args.transfer {
        TransferName::Binary => Transfer::Binary,
        TransferName::Base64 => Transfer::Base64,
    };
    secrets.add(jwt.expose());
    let credential = exchange::exchange(&http, &url, &jwt, transfer)
        .map_err(|e| exchange_failure(e, &secrets))?;
    ui.detail(
        1,
        format!(
            "received a signature bundle: <redacted, {} bytes>, sent as {}",
            credential.der.len(),
            match credential.transfer {
                Transfer::Binary => "binary DER",
                Transfer::Base64 => "base64 text",
            }
        ),
    );
    if let Some(cache) = &cache {
        cache.store(ui, &url, &credential);
    }
    write_credential(ui, &args, &outputs, source.name(), &credential, false)?;
    Ok(())
}

/// Writes a bundle reused from the cache, reported under the source asked for.
fn write_cached(
    ui: &Ui,
    args: &Args,
    outputs: &Outputs<'_>,
    cached: kliento::authority::bundle_cache::Cached,
) -> Result<(), Failure> {
    use clap::ValueEnum;
    let credential = Credential {
        der: cached.der,
        bundle: cached.bundle,
        transfer: Transfer::Binary,
    };
    let source = args
        .jwt_source
        .to_possible_value()
        .map(|value| value.get_name().to_string())
        .unwrap_or_default();
    write_credential(ui, args, outputs, &source, &credential, true)
}
