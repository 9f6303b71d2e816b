//! The grants, as requests to the token endpoint: client credentials (RFC 6749 §4.4), refresh
//! (RFC 6749 §6), and authorization code with PKCE S256 (RFC 7636) on a loopback redirect
//! (RFC 8252 §7.3), with the client's authentication.

use super::discovery::{Provider, endpoint};
use super::redirect::{Browser, wait_for_code};
use super::token::{Tokens, pick, token_answer};
use super::{OidcError, ShowUrl};
use crate::authority::jwt_source::MAX_TOKEN_ANSWER_BYTES;
use crate::authority::secret::{Jwt, Secret};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::net::TcpListener;
use std::time::Duration;

impl Provider<'_> {
    pub(super) fn client_credentials(&self, audience: &str) -> Result<Jwt, OidcError> {
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

    pub(super) fn refresh(
        &self,
        refresh_token: &Secret,
        audience: &str,
    ) -> Result<Tokens, OidcError> {
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
    pub(super) fn login(
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
        form: Vec<(&'static str, String)>,
        retry: bool,
    ) -> Result<Tokens, OidcError> {
        let url = &self.token_endpoint;
        let methods = self.metadata.token_endpoint_auth_methods_supported.as_ref();
        let (reply, sent) = self.authenticated_post(url, form, methods, retry)?;
        token_answer(url, &reply).map_err(|error| match error {
            // A provider that reflects the request into its error text must not make us print
            // the code, verifier, refresh token or client secret we sent.
            OidcError::Refused {
                endpoint,
                status,
                detail,
            } => {
                let sent: Vec<&str> = sent.iter().map(Secret::expose).collect();
                OidcError::Refused {
                    endpoint,
                    status,
                    detail: detail.map(|d| crate::http::scrub(&d, &sent)),
                }
            }
            other => other,
        })
    }

    /// POSTs a form to `url` with the client's authentication (RFC 6749 §2.3.1): HTTP Basic
    /// when the client has a secret and `methods` allows `client_secret_basic` (the default when
    /// the provider lists nothing, Discovery §3), else the client id (and secret) in the form.
    /// Returns the answer and the secret values sent (codes, verifiers, tokens, the secret), for
    /// scrubbing from error texts.
    pub(super) fn authenticated_post(
        &self,
        url: &url::Url,
        mut form: Vec<(&'static str, String)>,
        methods: Option<&Vec<String>>,
        retry: bool,
    ) -> Result<(crate::http::Reply, Vec<Secret>), OidcError> {
        let secret = self.config.client_secret.as_ref();
        let basic = secret.is_some()
            && methods.is_none_or(|methods| methods.iter().any(|m| m == "client_secret_basic"));
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
        let sent = form
            .iter()
            .filter(|(key, _)| {
                matches!(
                    *key,
                    "code" | "code_verifier" | "refresh_token" | "client_secret" | "token"
                )
            })
            .map(|(_, value)| Secret::new(value))
            .chain(secret.cloned())
            .collect();
        Ok((reply, sent))
    }

    /// The token to send to the Authority; checks the ID token's nonce after a login.
    pub(super) fn pick(&self, tokens: &Tokens, nonce: Option<&str>) -> Result<Jwt, OidcError> {
        pick(self.config.token, tokens, nonce)
    }
}

fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
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
}
