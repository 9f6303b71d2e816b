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
use kliento::authority::sources::azure::AzureSource;
use kliento::authority::sources::env::EnvSource;
use kliento::authority::sources::file::FileSource;
use kliento::authority::sources::gcp::GcpSource;
use kliento::authority::sources::github::{self, GithubSource};
use kliento::authority::sources::kubernetes::KubernetesSource;
use kliento::authority::sources::oidc::{Grant, OidcConfig, OidcSource, TokenKind};
use kliento::authority::{Http, HttpPolicy, ProxySettings, Secret};
use kliento::error::Classify;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

const OIDC: &str = "OIDC provider (--jwt-source oidc)";
const OUTPUT: &str = "Output";

/// Exchange a workload JWT for a signature bundle at VeraId Authority
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Obtain a JWT whose audience is the exchange URL from the platform \
    (GitHub Actions, Kubernetes, Google Cloud, Azure, an OIDC provider, a file or a variable), \
    send it to VeraId Authority as `GET URL` with `Authorization: Bearer <JWT>`, check that the \
    answer decodes as a signature bundle, and print it.\n\n\
    --jwt-source auto picks the first source that applies, in this order: --jwt-file (file), \
    --jwt-env (env), --oidc-issuer (oidc), GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL or \
    GITHUB_ACTIONS=true), Kubernetes (the projected token file exists), Google Cloud \
    (GCE_METADATA_HOST, or a GCE machine), Azure (AZURE_POD_IDENTITY_AUTHORITY_HOST, or an \
    Azure VM). When none applies it lists what it looked for.\n\n\
    Network errors and 5xx answers are retried with exponential backoff; 4xx answers are not. \
    JWTs and bundles never appear on stderr, even with -v."
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
    #[arg(long, value_name = "DURATION", default_value = "10", value_parser = timeout)]
    timeout: Duration,

    /// Extra attempts after a network error or a 5xx answer (with exponential backoff)
    #[arg(long, value_name = "N", default_value_t = 2)]
    retries: u32,
}

/// Room for three requests (OIDC discovery or a platform token endpoint, a token request, the
/// exchange), each with every attempt at its full timeout; backoff sleeps fit within it.
const REQUESTS_BUDGETED: u32 = 3;

/// How long the network part of `exchange` may take as a whole:
/// `3 × (--retries + 1) × --timeout` (time spent signing in a browser is not counted).
fn overall_deadline(timeout: Duration, retries: u32) -> Duration {
    timeout.saturating_mul(REQUESTS_BUDGETED.saturating_mul(retries.saturating_add(1)))
}

fn timeout(text: &str) -> Result<Duration, String> {
    match values::seconds(text)? {
        0 => Err("the timeout must be at least 1 second".into()),
        seconds => Ok(Duration::from_secs(seconds)),
    }
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
    let proxies = ProxySettings::from_vars(|name| env.get(name).map(str::to_string));
    let http = Http::new(
        HttpPolicy {
            timeout: args.timeout,
            retries: args.retries,
            backoff: Duration::from_millis(500),
            deadline: Some(std::time::Instant::now() + overall),
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
    if let Some(token) = env.get(github::REQUEST_TOKEN_VAR) {
        secrets.add(token);
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
    let outputs = Outputs {
        file: output.as_ref(),
        github: github_output.as_ref(),
    };
    write_credential(ui, &args, &outputs, source.name(), &credential)?;
    Ok(())
}

fn choose_source(args: &Args, env: &Env) -> Result<(Box<dyn JwtSource>, Option<Secret>), Failure> {
    let secret = client_secret(args, env)?;
    let client_secret = secret.clone();
    let usage = |message: &str| Err(Failure::usage(message));
    let source: Box<dyn JwtSource> = match args.jwt_source {
        SourceName::Github => Box::new(GithubSource),
        SourceName::Gcp => Box::new(GcpSource),
        SourceName::Azure => Box::new(AzureSource),
        SourceName::Kubernetes => Box::new(KubernetesSource::new(args.jwt_file.clone())),
        SourceName::File => match &args.jwt_file {
            Some(path) => Box::new(FileSource::new(path.clone())),
            None => return usage("--jwt-source file needs --jwt-file FILE"),
        },
        SourceName::Env => match &args.jwt_env {
            Some(variable) => Box::new(EnvSource::new(variable.clone())),
            None => return usage("--jwt-source env needs --jwt-env VAR"),
        },
        SourceName::Oidc => match oidc_source(args, env, client_secret.clone())? {
            Some(source) => Box::new(source),
            None => return usage("--jwt-source oidc needs --oidc-issuer URL"),
        },
        SourceName::Auto => {
            let mut candidates: Vec<Box<dyn JwtSource>> = Vec::new();
            if let Some(path) = &args.jwt_file {
                candidates.push(Box::new(FileSource::new(path.clone())));
            }
            if let Some(variable) = &args.jwt_env {
                candidates.push(Box::new(EnvSource::new(variable.clone())));
            }
            if let Some(source) = oidc_source(args, env, client_secret.clone())? {
                candidates.push(Box::new(source));
            }
            candidates.push(Box::new(GithubSource));
            candidates.push(Box::new(KubernetesSource::new(None)));
            candidates.push(Box::new(GcpSource));
            candidates.push(Box::new(AzureSource));
            jwt_source::pick_auto(candidates, env).map_err(|e| {
                Failure::classified(e).hint(
                    "choose a source with --jwt-source, or pass --jwt-file, --jwt-env or --oidc-issuer",
                )
            })?
        }
    };
    Ok((source, secret))
}

/// The OIDC client secret (`--client-secret-env` or `--client-secret-file`), read only with
/// `--oidc-issuer`.
fn client_secret(args: &Args, env: &Env) -> Result<Option<Secret>, Failure> {
    if args.oidc_issuer.is_none() {
        return Ok(None);
    }
    Ok(match (&args.client_secret_env, &args.client_secret_file) {
        (Some(variable), _) => Some(Secret::new(env.get(variable).ok_or_else(|| {
            Failure::environment(format!("the client secret variable {variable} is not set"))
        })?)),
        (None, Some(path)) => {
            // ssh's rule for secrets: a regular file of the user's, closed to others.
            kliento::authority::private::check_private_file(path)
                .or_fail("the client secret file")?;
            // A FIFO without data is waited for at most --timeout, never forever.
            let deadline = std::time::Instant::now() + args.timeout;
            let bytes = io::read_secret(path, io::SECRET, deadline)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Failure::malformed(format!(
                    "the client secret in {} is not UTF-8 text",
                    path.display()
                ))
            })?;
            Some(Secret::new(text.trim()))
        }
        (None, None) => None,
    })
}

fn oidc_source(
    args: &Args,
    env: &Env,
    client_secret: Option<Secret>,
) -> Result<Option<OidcSource>, Failure> {
    let Some(issuer) = args.oidc_issuer.clone() else {
        return Ok(None);
    };
    let Some(client_id) = args.client_id.clone() else {
        return Err(Failure::usage("--oidc-issuer needs --client-id ID"));
    };
    let grant = match args.oidc_grant {
        Some(GrantName::ClientCredentials) => Grant::ClientCredentials,
        Some(GrantName::AuthorizationCode) => Grant::AuthorizationCode,
        None if client_secret.is_some() => Grant::ClientCredentials,
        None => Grant::AuthorizationCode,
    };
    let refresh_store = match grant {
        Grant::AuthorizationCode => refresh_store_path(env, issuer.as_str(), &client_id),
        Grant::ClientCredentials => None,
    };
    let config = OidcConfig {
        issuer,
        client_id,
        client_secret,
        scope: args.oidc_scope.clone(),
        token: match args.oidc_token {
            TokenName::Access => TokenKind::Access,
            TokenName::Id => TokenKind::Id,
        },
        grant,
        refresh_store,
        redirect_port: args.redirect_port,
        login_wait: Duration::from_secs(300),
    };
    // The sign-in URL must reach the user even with -q: nothing happens until it is opened.
    let show = Box::new(|url: &url::Url| {
        io::stderr_line(format_args!(
            "Open this URL in a browser to sign in (waiting up to 5 minutes):"
        ));
        // The URL comes from the provider's discovery document: escaped like any server text.
        io::stderr_line(format_args!("  {}", Esc(url)));
    });
    Ok(Some(OidcSource::new(config, show)))
}

/// `$XDG_CONFIG_HOME/kliento/oidc/<digest>.refresh` (else `~/.config/...`), one file per
/// issuer and client so that several providers do not overwrite each other's tokens.
fn refresh_store_path(env: &Env, issuer: &str, client_id: &str) -> Option<PathBuf> {
    let base = match env.get("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env.get("HOME")?).join(".config"),
    };
    let digest = Sha256::digest(format!("{issuer}\n{client_id}").as_bytes());
    let name = kliento::veraid::hex(&digest[..8]);
    Some(
        base.join("kliento")
            .join("oidc")
            .join(format!("{name}.refresh")),
    )
}

/// Where the bundle goes, checked before the exchange.
struct Outputs<'a> {
    file: Option<&'a Destination>,
    github: Option<&'a GithubOutput>,
}

fn write_credential(
    ui: &Ui,
    args: &Args,
    outputs: &Outputs<'_>,
    source: &str,
    credential: &Credential,
) -> Result<(), Failure> {
    let base64 = STANDARD.encode(&credential.der);
    let encoded = args.encoding.apply(&credential.der);
    let text = encoded.text().map(String::from);
    if let Some(github) = outputs.github {
        // The mask comes first so that no later log line can show the bundle.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "::add-mask::{base64}")
            .and_then(|()| stdout.flush())
            .map_err(io::stdout_failure)?;
        github.append(text.as_deref().unwrap_or_default())?;
    }
    if let Some(destination) = outputs.file {
        output::write_all(&[(destination, &encoded.to_bytes())])?;
    }
    let printed = outputs.file.is_none() && outputs.github.is_none();
    if ui.json() {
        return ui.print_json(&Report {
            schema_version: 1,
            jwt_source: source,
            bytes: credential.der.len(),
            encoding: args.encoding.name(),
            bundle: if printed { text } else { None },
        });
    }
    if printed {
        io::write_stdout(&encoded.to_bytes(), text.is_none())?;
    }
    Ok(())
}

/// `--github-output NAME`: a valid output name and a writable `$GITHUB_OUTPUT`.
struct GithubOutput {
    name: String,
    path: PathBuf,
}

impl GithubOutput {
    /// Checks the name and `$GITHUB_OUTPUT` (set, and open for appending) without writing.
    fn check(name: &str, env: &Env) -> Result<Self, Failure> {
        if name.is_empty() || name.contains(['\n', '\r', '<', '=']) {
            return Err(
                Failure::usage(format!("{name:?} is not a usable output name"))
                    .hint("use letters, digits, '-' and '_', e.g. --github-output authorization"),
            );
        }
        let Some(path) = env.get("GITHUB_OUTPUT") else {
            return Err(Failure::environment("GITHUB_OUTPUT is not set")
                .hint("--github-output only works inside a GitHub Actions step"));
        };
        let path = PathBuf::from(path);
        Self::open(&path)?;
        Ok(Self {
            name: name.to_string(),
            path,
        })
    }

    fn open(path: &Path) -> Result<std::fs::File, Failure> {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| {
                Failure::environment(format!(
                    "cannot append to {} (GITHUB_OUTPUT): {}",
                    path.display(),
                    io::io_reason(&e)
                ))
            })
    }

    /// Appends `value` in the heredoc form, with a random delimiter that cannot occur in the
    /// value, as GitHub's toolkit does for multiline values.
    fn append(&self, value: &str) -> Result<(), Failure> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random)
            .map_err(|e| Failure::environment(format!("cannot get random bytes: {e}")))?;
        let delimiter = kliento::veraid::hex(&random);
        let delimiter = format!("ghadelimiter_{delimiter}");
        let name = &self.name;
        Self::open(&self.path)?
            .write_all(format!("{name}<<{delimiter}\n{value}\n{delimiter}\n").as_bytes())
            .map_err(|e| {
                Failure::environment(format!(
                    "cannot append to {}: {}",
                    self.path.display(),
                    io::io_reason(&e)
                ))
            })
    }
}

/// Longest error message shown from an exchange (server text included).
const MESSAGE_LIMIT: usize = 600;

/// An error message that may carry text from a server: every secret sent in this exchange
/// scrubbed, and the whole bounded (control and bidi characters are escaped when it is
/// printed, as for every error).
fn server_text(message: &str, secrets: &Secrets) -> String {
    let values: Vec<&str> = secrets.0.iter().map(Secret::expose).collect();
    let scrubbed = kliento::http::scrub(message, &values);
    let count = scrubbed.chars().count();
    if count <= MESSAGE_LIMIT {
        return scrubbed;
    }
    let kept: String = scrubbed.chars().take(MESSAGE_LIMIT).collect();
    format!("{kept}... ({} more characters)", count - MESSAGE_LIMIT)
}

/// Every secret this exchange sends, so that none is ever printed back.
#[derive(Default)]
struct Secrets(Vec<Secret>);

impl Secrets {
    fn add(&mut self, value: &str) {
        if !value.is_empty() {
            self.0.push(Secret::new(value));
        }
    }
}

fn exchange_failure(error: ExchangeError, secrets: &Secrets) -> Failure {
    let hint = hints::for_exchange(&error);
    let failure = Failure::new(
        error.class(),
        server_text(&format!("exchange failed: {error}"), secrets),
    );
    match hint {
        Some(hint) => failure.hint(hint),
        None => failure,
    }
}

fn source_failure(error: JwtSourceError, secrets: &Secrets) -> Failure {
    let hint = hints::for_jwt_source(&error);
    let failure = Failure::new(
        error.class(),
        server_text(&format!("cannot obtain a JWT: {error}"), secrets),
    );
    match hint {
        Some(hint) => failure.hint(hint),
        None => failure,
    }
}
