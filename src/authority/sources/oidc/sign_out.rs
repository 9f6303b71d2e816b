//! Signing out of an OIDC provider: the stored refresh token is revoked where the provider
//! offers revocation (RFC 7009, `revocation_endpoint` in discovery) and deleted here whatever the
//! provider says, and the provider's end-session URL (OpenID Connect RP-Initiated Logout 1.0,
//! `end_session_endpoint`) is returned for the user to open: only the browser holds the
//! provider's session cookie.

use super::discovery::{Provider, endpoint};
use super::refresh_store::RefreshStore;
use super::{OidcError, OidcSource};
use crate::http::Http;
use url::Url;

/// What signing out did.
#[derive(Debug)]
pub struct SignedOut {
    /// Whether a refresh token was stored (it is deleted now).
    pub had_refresh_token: bool,
    /// What the provider did with it.
    pub revocation: Revocation,
    /// Where the browser ends the provider's session, when the provider says.
    pub end_session: Option<Url>,
}

/// The provider's part in signing out.
#[derive(Debug)]
pub enum Revocation {
    /// The provider revoked the refresh token (RFC 7009 §2.2: HTTP 200).
    Revoked,
    /// No refresh token was stored: nothing to revoke.
    NothingStored,
    /// The provider offers no revocation endpoint: the token was only deleted here.
    NotOffered,
    /// The provider could not be asked or refused; the token was deleted here anyway.
    Failed(OidcError),
}

impl OidcSource {
    /// Signs out: revokes the stored refresh token at the provider when it can, deletes it in
    /// any case, and finds the provider's end-session URL. Only a failure to delete the local
    /// token is an error; the provider's failures are in [`SignedOut::revocation`].
    pub fn sign_out(&self, http: &Http) -> Result<SignedOut, OidcError> {
        let store = self.config.refresh_store.as_deref().map(RefreshStore::new);
        let token = match &store {
            Some(store) => store.load()?,
            None => None,
        };
        let provider = Provider::discover(http, &self.config);
        let end_session = provider
            .as_ref()
            .ok()
            .and_then(|p| p.metadata.end_session_endpoint.as_deref())
            .map(|text| end_session_url(text, &self.config.client_id));
        let revocation = match (&token, provider) {
            (None, _) => Revocation::NothingStored,
            (Some(_), Err(error)) => Revocation::Failed(error),
            (Some(token), Ok(provider)) => provider.revoke(token.expose()),
        };
        if let Some(store) = &store {
            store.remove()?;
        }
        Ok(SignedOut {
            had_refresh_token: token.is_some(),
            revocation,
            end_session: end_session.transpose()?,
        })
    }
}

impl Provider<'_> {
    /// RFC 7009 §2.1: POST `token` and `token_type_hint=refresh_token` with the client's
    /// authentication; 200 means revoked (or already invalid, which is the same to us).
    fn revoke(&self, refresh_token: &str) -> Revocation {
        let Some(text) = self.metadata.revocation_endpoint.as_deref() else {
            return Revocation::NotOffered;
        };
        let url = match endpoint(text, "revocation_endpoint", &self.token_endpoint) {
            Ok(url) => url,
            Err(error) => return Revocation::Failed(error),
        };
        let form = vec![
            ("token", refresh_token.to_string()),
            ("token_type_hint", "refresh_token".to_string()),
        ];
        let methods = self
            .metadata
            .revocation_endpoint_auth_methods_supported
            .as_ref();
        match self.authenticated_post(&url, form, methods, true) {
            Ok((reply, _)) if reply.status == 200 => Revocation::Revoked,
            Ok((reply, _)) => Revocation::Failed(OidcError::RevocationRefused {
                endpoint: url.to_string(),
                status: reply.status,
            }),
            Err(error) => Revocation::Failed(error),
        }
    }
}

/// The end-session endpoint with `client_id` (RP-Initiated Logout 1.0 §2: recommended when no
/// ID token is sent as a hint; kliento keeps none).
fn end_session_url(text: &str, client_id: &str) -> Result<Url, OidcError> {
    let mut url = Url::parse(text).map_err(|e| OidcError::Discovery {
        url: text.to_string(),
        reason: format!("end_session_endpoint is not a URL ({e})"),
    })?;
    crate::http::require_secure(&url).map_err(OidcError::Insecure)?;
    url.query_pairs_mut().append_pair("client_id", client_id);
    Ok(url)
}
