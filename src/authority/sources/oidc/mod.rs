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
//!
//! One file a concept: `discovery` reads the provider's metadata, `grants`
//! asks the token endpoint, `token` reads its answers and picks the JWT, `redirect` listens on
//! the loopback interface for the browser, `refresh_store` keeps the refresh token, and
//! `sign_out` revokes and deletes it.

mod discovery;
mod grants;
mod redirect;
mod refresh_store;
mod sign_out;
mod token;

pub use discovery::read_discovery_answer;
pub use refresh_store::refresh_store_path;
pub use sign_out::{Revocation, SignedOut};
pub use token::read_token_answer;

use crate::authority::jwt_source::{Env, JwtSource, JwtSourceError, Request};
use crate::authority::secret::{Jwt, JwtFormatError, Secret};
use crate::http::HttpError;
use discovery::Provider;
use refresh_store::RefreshStore;
use std::path::PathBuf;
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
    /// The revocation endpoint refused (RFC 7009 §2.2.1).
    #[error("the revocation endpoint {endpoint} refused (HTTP {status})")]
    RevocationRefused {
        /// The revocation endpoint.
        endpoint: String,
        /// HTTP status.
        status: u16,
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
