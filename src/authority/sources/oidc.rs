//! `--jwt-source oidc`: any standard OpenID Connect provider, found by discovery
//! (OpenID Connect Discovery 1.0 §4), with one of two grants:
//!
//! - client credentials (RFC 6749 §4.4) for machine workloads;
//! - authorization code with PKCE S256 (RFC 7636) on a loopback redirect (RFC 8252 §7.3) for a
//!   developer at a terminal, preceded by the refresh-token grant (RFC 6749 §6) when a refresh
//!   token is stored, and storing the newest refresh token (providers may rotate it).
//!
//! The exchange URL is asked for as the audience with both `resource` (RFC 8707) and `audience`
//! (the non-standard name Auth0 and others use); providers ignore the parameter they lack.

use crate::authority::jwt_source::{
    Env, JwtSource, JwtSourceError, MAX_TOKEN_ANSWER_BYTES, Request, endpoint_of, error_detail,
};
use crate::authority::private::{
    PrivacyError, check_private_dir, check_private_file, create_private_dir,
};
use crate::authority::secret::{Jwt, JwtFormatError, Secret};
use crate::http::{Http, HttpError, Reply, require_secure};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// Which grant obtains the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Client credentials: needs a client secret.
    ClientCredentials,
    /// Authorization code with PKCE in a browser, refreshed silently once a refresh token is
    /// stored.
    AuthorizationCode,
}

/// Which token of the provider's answer is sent to the Authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `access_token` (must be a JWT: providers issue JWT access tokens for a resource).
    Access,
    /// `id_token`.
    Id,
}

/// How to reach the provider and which client to be.
#[derive(Debug)]
pub struct OidcConfig {
    /// The issuer identifier; discovery is at `<issuer>/.well-known/openid-configuration`.
    pub issuer: Url,
    /// The registered client id.
    pub client_id: String,
    /// The client secret of a confidential client.
    pub client_secret: Option<Secret>,
    /// Scopes to ask for; `openid` is added for the authorization code grant.
    pub scope: Option<String>,
    /// Which token to use.
    pub token: TokenKind,
    /// The grant.
    pub grant: Grant,
    /// Where the refresh token is kept (created 0600), for the authorization code grant.
    pub refresh_store: Option<PathBuf>,
    /// Fixed loopback port for the redirect (0 = any free port).
    pub redirect_port: u16,
    /// How long to wait for the browser to come back.
    pub login_wait: Duration,
}

/// OIDC-specific failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OidcError {
    /// A URL (issuer or endpoint) is not allowed.
    #[error(transparent)]
    Insecure(HttpError),
    /// Discovery or token request did not get an answer.
    #[error(transparent)]
    Http(HttpError),
    /// The discovery document is unusable.
    #[error("discovery at {url} failed: {reason}")]
    Discovery {
        /// The discovery URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The discovery document names another issuer (OpenID Connect Discovery §4.3).
    #[error("the discovery document's issuer is {found}, not {expected}")]
    IssuerMismatch {
        /// The configured issuer.
        expected: String,
        /// The issuer in the document.
        found: String,
    },
    /// The provider does not offer what the grant needs.
    #[error("the provider does not support {what}")]
    Unsupported {
        /// The missing feature.
        what: String,
    },
    /// The grant needs a client secret.
    #[error("the client credentials grant needs a client secret")]
    SecretRequired,
    /// The token endpoint refused.
    #[error("the token endpoint {endpoint} refused (HTTP {status}{})", detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// The token endpoint.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// `error: error_description` from the body.
        detail: Option<String>,
    },
    /// The token answer lacks the token asked for.
    #[error("the provider returned no {field}")]
    MissingToken {
        /// `access_token` or `id_token`.
        field: &'static str,
    },
    /// The token answer is not JSON of the expected shape.
    #[error("unexpected answer from the token endpoint {endpoint}")]
    TokenAnswer {
        /// The token endpoint.
        endpoint: String,
    },
    /// The token chosen is not a JWT (e.g. an opaque access token).
    #[error("the {field} is not a JWT ({error}); choose the other token with --oidc-token")]
    NotAJwt {
        /// `access_token` or `id_token`.
        field: &'static str,
        /// Shape problem.
        error: JwtFormatError,
    },
    /// The ID token's nonce differs from the one sent (OpenID Connect Core §3.1.3.7 step 11).
    #[error("the ID token's nonce does not match the authorization request's")]
    NonceMismatch,
    /// The redirect carried another `state` (RFC 6749 §10.12: possible CSRF).
    #[error("the redirect's state does not match the authorization request's")]
    StateMismatch,
    /// The provider redirected back with an error.
    #[error("authorization failed: {error}")]
    Denied {
        /// `error` and `error_description` from the redirect.
        error: String,
    },
    /// The browser did not come back in time.
    #[error("no redirect arrived within {seconds} seconds")]
    LoginTimeout {
        /// The wait.
        seconds: u64,
    },
    /// The loopback listener or the refresh-token file failed.
    #[error("{what}: {reason}")]
    Local {
        /// What was being done.
        what: String,
        /// The I/O reason.
        reason: String,
    },
}

/// The provider metadata used here (OpenID Connect Discovery 1.0 §3).
#[derive(Debug, Deserialize)]
struct Metadata {
    issuer: String,
    token_endpoint: String,
    authorization_endpoint: Option<String>,
    grant_types_supported: Option<Vec<String>>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    code_challenge_methods_supported: Option<Vec<String>>,
}

/// A successful token answer (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    id_token: Option<String>,
    refresh_token: Option<String>,
}

/// Tokens as the authorization code or refresh grant returned them.
struct Tokens {
    answer: TokenAnswer,
}

/// Presents the authorization URL to the user (the library does not print).
pub type ShowUrl = Box<dyn Fn(&Url)>;

/// The OIDC source.
pub struct OidcSource {
    config: OidcConfig,
    show_url: ShowUrl,
}

impl std::fmt::Debug for OidcSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSource")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OidcSource {
    /// A source for `config`; `show_url` is called with the authorization URL to open.
    pub fn new(config: OidcConfig, show_url: ShowUrl) -> Self {
        Self { config, show_url }
    }
}

impl JwtSource for OidcSource {
    fn name(&self) -> &'static str {
        "oidc"
    }

    fn looks_for(&self) -> String {
        format!("an OIDC provider ({})", self.config.issuer)
    }

    fn applies(&self, _: &Env) -> bool {
        true
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        let provider = Provider::discover(request.http, &self.config)?;
        let jwt = match self.config.grant {
            Grant::ClientCredentials => provider.client_credentials(request.audience)?,
            Grant::AuthorizationCode => self.authorization_code(&provider, request.audience)?,
        };
        Ok(jwt)
    }
}

impl OidcSource {
    /// Refresh silently when a refresh token is stored and still works; otherwise log in.
    fn authorization_code(
        &self,
        provider: &Provider<'_>,
        audience: &str,
    ) -> Result<Jwt, OidcError> {
        let store = self.config.refresh_store.as_deref().map(RefreshStore::new);
        if let Some(store) = &store
            && let Some(refresh_token) = store.load()?
        {
            match provider.refresh(&refresh_token, audience) {
                Ok(tokens) => {
                    // Keep the rotated token even if this answer is not usable: the old one
                    // may already be spent.
                    store.save(tokens.answer.refresh_token.as_deref(), &refresh_token)?;
                    // A refresh answer may lack an ID token (OpenID Connect Core §12.2); then
                    // only a new login yields one.
                    if let Ok(jwt) = provider.pick(&tokens, None) {
                        return Ok(jwt);
                    }
                }
                // invalid_grant and the like: the refresh token is spent; log in again.
                Err(OidcError::Refused { .. }) => store.remove()?,
                Err(other) => return Err(other),
            }
        }
        let (tokens, nonce, browser) = provider.login(
            self.config.redirect_port,
            self.config.login_wait,
            audience,
            &self.show_url,
        )?;
        // The browser hears "signed in" only once the answer passed every check.
        let picked = provider.pick(&tokens, Some(&nonce));
        browser.finish(picked.is_ok());
        let jwt = picked?;
        if let (Some(store), Some(new)) = (&store, tokens.answer.refresh_token.as_deref()) {
            store.save(Some(new), &Secret::new(""))?;
        }
        Ok(jwt)
    }
}

/// A discovered provider plus the client configuration.
struct Provider<'a> {
    http: &'a Http,
    config: &'a OidcConfig,
    metadata: Metadata,
    token_endpoint: Url,
}

impl<'a> Provider<'a> {
    fn discover(http: &'a Http, config: &'a OidcConfig) -> Result<Self, OidcError> {
        require_secure(&config.issuer).map_err(OidcError::Insecure)?;
        let issuer = config.issuer.as_str().trim_end_matches('/');
        let url =
            Url::parse(&format!("{issuer}/.well-known/openid-configuration")).map_err(|e| {
                OidcError::Discovery {
                    url: issuer.to_string(),
                    reason: e.to_string(),
                }
            })?;
        let reply = http
            .send(&url, |c| c.get(url.clone()), MAX_TOKEN_ANSWER_BYTES, true)
            .map_err(OidcError::Http)?;
        let (metadata, token_endpoint) = discovery_answer(&config.issuer, &url, &reply)?;
        Ok(Self {
            http,
            config,
            metadata,
            token_endpoint,
        })
    }

    fn supports_grant(&self, grant: &str) -> Result<(), OidcError> {
        // Absent means the default: authorization_code and implicit (Discovery §3).
        let supported = match &self.metadata.grant_types_supported {
            Some(list) => list.iter().any(|g| g == grant),
            None => grant == "authorization_code",
        };
        if supported {
            Ok(())
        } else {
            Err(OidcError::Unsupported {
                what: format!("the {grant} grant"),
            })
        }
    }

    fn client_credentials(&self, audience: &str) -> Result<Jwt, OidcError> {
        self.supports_grant("client_credentials")?;
        if self.config.client_secret.is_none() {
            return Err(OidcError::SecretRequired);
        }
        let mut form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("resource", audience.to_string()),
            ("audience", audience.to_string()),
        ];
        if let Some(scope) = &self.config.scope {
            form.push(("scope", scope.clone()));
        }
        let tokens = self.token_request(form, true)?;
        self.pick(&tokens, None)
    }

    fn refresh(&self, refresh_token: &Secret, audience: &str) -> Result<Tokens, OidcError> {
        let form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", refresh_token.expose().to_string()),
            ("resource", audience.to_string()),
            ("audience", audience.to_string()),
        ];
        // Not retried: with rotation, replaying a refresh token can revoke the whole grant.
        self.token_request(form, false)
    }

    /// Authorization code with PKCE on a loopback redirect; returns the tokens and the nonce.
    fn login(
        &self,
        port: u16,
        wait: Duration,
        audience: &str,
        show_url: &ShowUrl,
    ) -> Result<(Tokens, String, Browser), OidcError> {
        self.supports_grant("authorization_code")?;
        if let Some(methods) = &self.metadata.code_challenge_methods_supported
            && !methods.iter().any(|m| m == "S256")
        {
            return Err(OidcError::Unsupported {
                what: "PKCE with S256".into(),
            });
        }
        let authorize = self
            .metadata
            .authorization_endpoint
            .as_deref()
            .ok_or_else(|| OidcError::Unsupported {
                what: "the authorization endpoint".into(),
            })?;
        let mut authorize = endpoint(authorize, "authorization_endpoint", &self.token_endpoint)?;

        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| OidcError::Local {
            what: format!("cannot listen on 127.0.0.1:{port} for the redirect"),
            reason: e.to_string(),
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
        let redirect_uri = format!("http://127.0.0.1:{port}/callback");

        // RFC 7636 §4.1: 32 random octets, base64url → a 43-character verifier.
        let verifier = random_token(32)?;
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()));
        let state = random_token(16)?;
        let nonce = random_token(16)?;
        let scope = match &self.config.scope {
            Some(scope) if scope.split(' ').any(|s| s == "openid") => scope.clone(),
            Some(scope) => format!("openid {scope}"),
            None => "openid".into(),
        };
        authorize
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", &scope)
            .append_pair("state", state.expose())
            .append_pair("nonce", nonce.expose())
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("resource", audience)
            .append_pair("audience", audience);
        show_url(&authorize);

        // Time spent signing in is the person's, not the network's: it does not count against
        // the overall deadline.
        let (code, browser) = self
            .http
            .pausing_deadline(|| wait_for_code(&listener, wait, state.expose()))?;
        let form = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.expose().to_string()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier.expose().to_string()),
            ("resource", audience.to_string()),
            ("audience", audience.to_string()),
        ];
        // Not retried: codes are single-use (RFC 6749 §4.1.2).
        match self.token_request(form, false) {
            Ok(tokens) => Ok((tokens, nonce.expose().to_string(), browser)),
            Err(e) => {
                browser.finish(false);
                Err(e)
            }
        }
    }

    /// POSTs a form to the token endpoint with the client's authentication.
    fn token_request(
        &self,
        mut form: Vec<(&'static str, String)>,
        retry: bool,
    ) -> Result<Tokens, OidcError> {
        let secret = self.config.client_secret.as_ref();
        // client_secret_basic is the default when the provider lists nothing (Discovery §3).
        let basic = secret.is_some()
            && self
                .metadata
                .token_endpoint_auth_methods_supported
                .as_ref()
                .is_none_or(|methods| methods.iter().any(|m| m == "client_secret_basic"));
        if !basic {
            form.push(("client_id", self.config.client_id.clone()));
            if let Some(secret) = secret {
                form.push(("client_secret", secret.expose().to_string()));
            }
        }
        let body = {
            let mut encoder = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in &form {
                encoder.append_pair(key, value);
            }
            Secret::new(encoder.finish())
        };
        let url = &self.token_endpoint;
        let reply = self
            .http
            .send(
                url,
                |client| {
                    let request = client
                        .post(url.clone())
                        .header(
                            reqwest::header::CONTENT_TYPE,
                            "application/x-www-form-urlencoded",
                        )
                        .header(reqwest::header::ACCEPT, "application/json")
                        .body(body.expose().to_string());
                    match (basic, secret) {
                        // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic.
                        (true, Some(secret)) => request.basic_auth(
                            form_encode(&self.config.client_id),
                            Some(form_encode(secret.expose())),
                        ),
                        _ => request,
                    }
                },
                MAX_TOKEN_ANSWER_BYTES,
                retry,
            )
            .map_err(OidcError::Http)?;
        token_answer(url, &reply).map_err(|error| match error {
            // A provider that reflects the request into its error text must not make us print
            // the code, verifier, refresh token or client secret we sent.
            OidcError::Refused {
                endpoint,
                status,
                detail,
            } => {
                let sent: Vec<&str> = form
                    .iter()
                    .filter(|(key, _)| {
                        matches!(
                            *key,
                            "code" | "code_verifier" | "refresh_token" | "client_secret"
                        )
                    })
                    .map(|(_, value)| value.as_str())
                    .chain(secret.map(Secret::expose))
                    .collect();
                OidcError::Refused {
                    endpoint,
                    status,
                    detail: detail.map(|d| crate::http::scrub(&d, &sent)),
                }
            }
            other => other,
        })
    }

    /// The token to send to the Authority; checks the ID token's nonce after a login.
    fn pick(&self, tokens: &Tokens, nonce: Option<&str>) -> Result<Jwt, OidcError> {
        pick(self.config.token, tokens, nonce)
    }
}

/// Reads a discovery document answer (`reply`, fetched from `url`) for `issuer`: it must be a
/// success whose JSON names the same issuer and a secure token endpoint, which is returned with
/// the metadata.
fn discovery_answer(issuer: &Url, url: &Url, reply: &Reply) -> Result<(Metadata, Url), OidcError> {
    let failed = |reason: String| OidcError::Discovery {
        url: url.to_string(),
        reason,
    };
    if !reply.is_success() {
        return Err(failed(format!("HTTP {}", reply.status)));
    }
    let metadata: Metadata = serde_json::from_slice(&reply.body)
        .map_err(|e| failed(format!("not a discovery document ({e})")))?;
    if metadata.issuer.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
        return Err(OidcError::IssuerMismatch {
            expected: issuer.to_string(),
            found: metadata.issuer,
        });
    }
    let token_endpoint = endpoint(&metadata.token_endpoint, "token_endpoint", url)?;
    Ok((metadata, token_endpoint))
}

/// Reads the provider's discovery document answer for `issuer` as the OIDC source does, and
/// returns the token endpoint. Public so that the parsing can be tested and fuzzed without a
/// server.
pub fn read_discovery_answer(issuer: &Url, reply: &Reply) -> Result<Url, OidcError> {
    let trimmed = issuer.as_str().trim_end_matches('/');
    let url = Url::parse(&format!("{trimmed}/.well-known/openid-configuration")).map_err(|e| {
        OidcError::Discovery {
            url: trimmed.to_string(),
            reason: e.to_string(),
        }
    })?;
    Ok(discovery_answer(issuer, &url, reply)?.1)
}

/// Reads a token endpoint answer (`reply`, from `url`) as the OIDC source does and picks the
/// JWT of `kind`; with `nonce`, the ID token must carry it (after a sign-in). Public so that
/// the parsing can be tested and fuzzed without a server.
pub fn read_token_answer(
    url: &Url,
    reply: &Reply,
    kind: TokenKind,
    nonce: Option<&str>,
) -> Result<Jwt, OidcError> {
    pick(kind, &token_answer(url, reply)?, nonce)
}

/// The token to send to the Authority; checks the ID token's nonce after a login.
fn pick(kind: TokenKind, tokens: &Tokens, nonce: Option<&str>) -> Result<Jwt, OidcError> {
    let (field, token) = match kind {
        TokenKind::Access => ("access_token", tokens.answer.access_token.as_deref()),
        TokenKind::Id => ("id_token", tokens.answer.id_token.as_deref()),
    };
    let token = token.ok_or(OidcError::MissingToken { field })?;
    let jwt = Jwt::parse(token).map_err(|error| OidcError::NotAJwt { field, error })?;
    // After a sign-in, the ID token is what proves the answer belongs to it (its nonce):
    // without one, nothing is accepted (nor its refresh token stored).
    if nonce.is_some() && tokens.answer.id_token.is_none() {
        return Err(OidcError::MissingToken { field: "id_token" });
    }
    if let (Some(expected), Some(id_token)) = (nonce, tokens.answer.id_token.as_deref()) {
        let claims = claims_of(id_token).ok_or(OidcError::NotAJwt {
            field: "id_token",
            error: JwtFormatError::Header,
        })?;
        if claims.get("nonce").and_then(|n| n.as_str()) != Some(expected) {
            return Err(OidcError::NonceMismatch);
        }
    }
    Ok(jwt)
}

fn endpoint(text: &str, field: &str, discovery: &Url) -> Result<Url, OidcError> {
    let url = Url::parse(text).map_err(|e| OidcError::Discovery {
        url: discovery.to_string(),
        reason: format!("{field} is not a URL ({e})"),
    })?;
    require_secure(&url).map_err(OidcError::Insecure)?;
    Ok(url)
}

fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn token_answer(url: &Url, reply: &Reply) -> Result<Tokens, OidcError> {
    if !reply.is_success() {
        return Err(OidcError::Refused {
            endpoint: endpoint_of(url),
            status: reply.status,
            detail: error_detail(&reply.body),
        });
    }
    let answer: TokenAnswer =
        serde_json::from_slice(&reply.body).map_err(|_| OidcError::TokenAnswer {
            endpoint: endpoint_of(url),
        })?;
    Ok(Tokens { answer })
}

/// The claims of a compact JWT, unverified (only used to compare the nonce we generated).
fn claims_of(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// `n` random octets as base64url without padding (RFC 7636 §4.1 unreserved characters).
fn random_token(n: usize) -> Result<Secret, OidcError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| OidcError::Local {
        what: "cannot get random bytes".into(),
        reason: e.to_string(),
    })?;
    Ok(Secret::new(URL_SAFE_NO_PAD.encode(bytes)))
}

/// The browser's connection for the redirect, answered once the sign-in is checked.
struct Browser(TcpStream);

impl Browser {
    /// Tells the browser how the sign-in ended and closes the connection.
    fn finish(self, signed_in: bool) {
        let page = if signed_in {
            "kliento: signed in. You can close this window."
        } else {
            "kliento: sign-in failed. See the terminal."
        };
        answer(&self.0, "200 OK", page);
    }
}

fn answer(mut stream: &TcpStream, status: &str, page: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
}

/// What a connection to the redirect listener asked for.
enum Redirect {
    /// Not `/callback` (a favicon), or unreadable: ignored.
    Other,
    /// `/callback` with these query parameters.
    Callback(Url),
}

/// Waits up to `wait` for the browser's redirect to `/callback` with our `state`, serving every
/// connection concurrently (idle or slow local connections cannot delay the real callback).
/// Requests for other paths and callbacks with another `state` (stray or forged requests) are
/// answered and ignored; the sign-in goes on. Returns the code and the browser's connection, to
/// be answered after the checks.
fn wait_for_code(
    listener: &TcpListener,
    wait: Duration,
    state: &str,
) -> Result<(Secret, Browser), OidcError> {
    let local = |what: &str, e: std::io::Error| OidcError::Local {
        what: what.into(),
        reason: e.to_string(),
    };
    listener
        .set_nonblocking(true)
        .map_err(|e| local("cannot poll the redirect listener", e))?;
    let (sender, received) = std::sync::mpsc::channel::<(TcpStream, Redirect)>();
    // Polling counts ticks rather than reading the clock (the library never reads it).
    const TICK: Duration = Duration::from_millis(20);
    let ticks = (wait.as_millis() / TICK.as_millis()).max(1);
    for _ in 0..ticks {
        match listener.accept() {
            Ok((stream, _)) => {
                let sender = sender.clone();
                std::thread::spawn(move || {
                    let redirect = read_redirect(&stream);
                    let _ = sender.send((stream, redirect));
                });
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(local("the redirect listener failed", e)),
        }
        match received.recv_timeout(TICK) {
            Ok((stream, Redirect::Other)) => {
                let mut writer = &stream;
                let _ = writer.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
            Ok((stream, Redirect::Callback(url))) => {
                let param = |name: &str| {
                    url.query_pairs()
                        .find(|(key, _)| key == name)
                        .map(|(_, value)| value.into_owned())
                };
                if param("state").as_deref() != Some(state) {
                    // Not this sign-in: a stray or forged request, which must not end it.
                    answer(&stream, "400 Bad Request", "kliento: not this sign-in.");
                    continue;
                }
                let outcome = if let Some(error) = param("error") {
                    let description = param("error_description")
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default();
                    Err(OidcError::Denied {
                        error: format!("{error}{description}").chars().take(200).collect(),
                    })
                } else if let Some(code) = param("code") {
                    Ok(Secret::new(code))
                } else {
                    Err(OidcError::Denied {
                        error: "the redirect carries no code".into(),
                    })
                };
                return match outcome {
                    Ok(code) => Ok((code, Browser(stream))),
                    Err(e) => {
                        Browser(stream).finish(false);
                        Err(e)
                    }
                };
            }
            Err(_) => {}
        }
    }
    Err(OidcError::LoginTimeout {
        seconds: wait.as_secs(),
    })
}

/// Reads the request line of one connection (at most 5 s).
fn read_redirect(stream: &TcpStream) -> Redirect {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(std::io::Read::take(stream, 8 * 1024));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return Redirect::Other;
    }
    let target = line.split(' ').nth(1).unwrap_or_default();
    match Url::parse(&format!("http://127.0.0.1{target}")) {
        Ok(url) if url.path() == "/callback" => Redirect::Callback(url),
        _ => Redirect::Other,
    }
}

/// The refresh token file: one line, created 0600, replaced atomically.
struct RefreshStore {
    path: PathBuf,
}

impl RefreshStore {
    fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
        }
    }

    fn failed(&self, action: &str, e: std::io::Error) -> OidcError {
        OidcError::Local {
            what: format!(
                "cannot {action} the refresh token file {}",
                self.path.display()
            ),
            reason: e.to_string(),
        }
    }

    fn private(&self, e: PrivacyError) -> OidcError {
        OidcError::Local {
            what: "refusing the refresh token store".into(),
            reason: e.to_string(),
        }
    }

    /// Checks the store's directory (and the file, when it exists) as ssh does.
    fn check(&self) -> Result<bool, OidcError> {
        if let Some(dir) = self.path.parent()
            && dir.exists()
        {
            check_private_dir(dir).map_err(|e| self.private(e))?;
        }
        match std::fs::symlink_metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            _ => check_private_file(&self.path)
                .map(|()| true)
                .map_err(|e| self.private(e)),
        }
    }

    fn load(&self) -> Result<Option<Secret>, OidcError> {
        if !self.check()? {
            return Ok(None);
        }
        let text = match crate::bounded::read_file_bounded(&self.path, crate::bounded::caps::SECRET)
        {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| self.failed("read", std::io::Error::other("it is not UTF-8 text")))?,
            Err(crate::bounded::BoundedReadError::Io(e))
                if e.kind() == std::io::ErrorKind::NotFound =>
            {
                return Ok(None);
            }
            Err(crate::bounded::BoundedReadError::Io(e)) => return Err(self.failed("read", e)),
            Err(too_large) => {
                return Err(self.failed("read", std::io::Error::other(too_large.to_string())));
            }
        };
        Ok((!text.trim().is_empty()).then(|| Secret::new(text.trim())))
    }

    /// Stores `new` when the provider returned one (rotation) and it differs from `current`.
    fn save(&self, new: Option<&str>, current: &Secret) -> Result<(), OidcError> {
        let Some(new) = new.filter(|n| *n != current.expose()) else {
            return Ok(());
        };
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir).map_err(|e| self.failed("create the directory of", e))?;
        }
        // Never write a refresh token into a directory others can read, nor over a symlink.
        self.check()?;
        let temporary = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        let written = (|| {
            let mut file = create_private(&temporary)?;
            file.write_all(new.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temporary, &self.path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(self.failed("write", e));
        }
        Ok(())
    }

    fn remove(&self) -> Result<(), OidcError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.failed("remove", e)),
        }
    }
}

#[cfg(unix)]
fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_verifier_is_43_unreserved_characters() {
        let verifier = random_token(32).unwrap();
        assert_eq!(verifier.len(), 43);
        assert!(
            verifier
                .expose()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn pkce_challenge_matches_rfc7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refresh_store_directories_are_created_0700() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = RefreshStore::new(&dir.path().join("kliento/oidc/x.refresh"));
        store.save(Some("rt-1"), &Secret::new("")).unwrap();
        for sub in ["kliento", "kliento/oidc"] {
            let mode = std::fs::metadata(dir.path().join(sub))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700, "{sub}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refresh_store_refuses_a_symlink_without_reading_or_replacing_it() {
        let dir = tempfile::tempdir().unwrap();
        chmod(dir.path(), 0o700);
        let target = dir.path().join("target");
        std::fs::write(&target, "not-a-refresh-token").unwrap();
        chmod(&target, 0o600);
        let link = dir.path().join("x.refresh");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let store = RefreshStore::new(&link);
        let error = store.load().unwrap_err().to_string();
        assert!(error.contains("not a regular file"), "{error}");
        assert!(store.save(Some("rt-2"), &Secret::new("")).is_err());
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "not-a-refresh-token"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refresh_store_refuses_a_file_or_directory_open_to_others() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("oidc");
        std::fs::create_dir(&store_dir).unwrap();
        chmod(&store_dir, 0o700);
        let path = store_dir.join("x.refresh");
        std::fs::write(&path, "rt-1").unwrap();
        chmod(&path, 0o644);
        let store = RefreshStore::new(&path);
        let error = store.load().unwrap_err().to_string();
        assert!(
            error.contains("mode 0644") && error.contains("chmod 600"),
            "{error}"
        );
        chmod(&path, 0o600);
        assert_eq!(store.load().unwrap().unwrap().expose(), "rt-1");
        chmod(&store_dir, 0o777);
        let error = store.load().unwrap_err().to_string();
        assert!(
            error.contains("mode 0777") && error.contains("chmod 700"),
            "{error}"
        );
    }

    #[test]
    fn refresh_token_file_is_created_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = RefreshStore::new(&dir.path().join("sub/refresh"));
        store.save(Some("rt-1"), &Secret::new("")).unwrap();
        assert_eq!(store.load().unwrap().unwrap().expose(), "rt-1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&store.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
