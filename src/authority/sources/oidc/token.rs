//! The token endpoint's answers (RFC 6749 §5): a success carries the tokens, from which the JWT
//! for the Authority is picked (checking the ID token's nonce after a sign-in); a failure is a
//! refusal with the provider's error.

use super::{OidcError, TokenKind};
use crate::authority::jwt_source::{endpoint_of, error_detail};
use crate::authority::secret::{Jwt, JwtFormatError};
use crate::http::Reply;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use url::Url;

/// A successful token answer (RFC 6749 §5.1).
#[derive(Deserialize)]
pub(super) struct TokenAnswer {
    access_token: Option<String>,
    id_token: Option<String>,
    pub(super) refresh_token: Option<String>,
}

/// Tokens as the authorization code or refresh grant returned them.
pub(super) struct Tokens {
    pub(super) answer: TokenAnswer,
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
pub(super) fn pick(
    kind: TokenKind,
    tokens: &Tokens,
    nonce: Option<&str>,
) -> Result<Jwt, OidcError> {
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

pub(super) fn token_answer(url: &Url, reply: &Reply) -> Result<Tokens, OidcError> {
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
