//! Discovery (OpenID Connect Discovery 1.0 §4): the provider's metadata, checked to name the
//! configured issuer and secure endpoints, and what it says the provider supports.

use super::{OidcConfig, OidcError};
use crate::authority::jwt_source::MAX_TOKEN_ANSWER_BYTES;
use crate::http::{Http, Reply, require_secure};
use serde::Deserialize;
use url::Url;

/// The provider metadata used here (OpenID Connect Discovery 1.0 §3).
#[derive(Debug, Deserialize)]
pub(super) struct Metadata {
    issuer: String,
    token_endpoint: String,
    pub(super) authorization_endpoint: Option<String>,
    pub(super) grant_types_supported: Option<Vec<String>>,
    pub(super) token_endpoint_auth_methods_supported: Option<Vec<String>>,
    pub(super) code_challenge_methods_supported: Option<Vec<String>>,
    pub(super) revocation_endpoint: Option<String>,
    pub(super) revocation_endpoint_auth_methods_supported: Option<Vec<String>>,
    pub(super) end_session_endpoint: Option<String>,
}

/// A discovered provider plus the client configuration.
pub(super) struct Provider<'a> {
    pub(super) http: &'a Http,
    pub(super) config: &'a OidcConfig,
    pub(super) metadata: Metadata,
    pub(super) token_endpoint: Url,
}

impl<'a> Provider<'a> {
    pub(super) fn discover(http: &'a Http, config: &'a OidcConfig) -> Result<Self, OidcError> {
        require_secure(&config.issuer).map_err(OidcError::Insecure)?;
        let url = discovery_url(&config.issuer)?;
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

    pub(super) fn supports_grant(&self, grant: &str) -> Result<(), OidcError> {
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
    let url = discovery_url(issuer)?;
    Ok(discovery_answer(issuer, &url, reply)?.1)
}

/// `<issuer>/.well-known/openid-configuration` (Discovery §4.1).
fn discovery_url(issuer: &Url) -> Result<Url, OidcError> {
    let trimmed = issuer.as_str().trim_end_matches('/');
    Url::parse(&format!("{trimmed}/.well-known/openid-configuration")).map_err(|e| {
        OidcError::Discovery {
            url: trimmed.to_string(),
            reason: e.to_string(),
        }
    })
}

pub(super) fn endpoint(text: &str, field: &str, discovery: &Url) -> Result<Url, OidcError> {
    let url = Url::parse(text).map_err(|e| OidcError::Discovery {
        url: discovery.to_string(),
        reason: format!("{field} is not a URL ({e})"),
    })?;
    require_secure(&url).map_err(OidcError::Insecure)?;
    Ok(url)
}
