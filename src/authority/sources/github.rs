//! `--jwt-source github`: the GitHub Actions OIDC token. The runner exposes
//! `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` only to jobs granted
//! `permissions: id-token: write`; the token's audience is a query parameter.

use crate::authority::jwt_source::{
    Env, JwtSource, JwtSourceError, MAX_TOKEN_ANSWER_BYTES, Request, TokenAnswer, fetch_token,
};
use crate::authority::secret::Jwt;
use crate::http::require_secure;
use url::Url;

/// The token endpoint URL (already carrying a query string).
pub const REQUEST_URL_VAR: &str = "ACTIONS_ID_TOKEN_REQUEST_URL";
/// The bearer token for that endpoint.
pub const REQUEST_TOKEN_VAR: &str = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
/// Set to `true` by every GitHub Actions runner.
pub const ACTIONS_VAR: &str = "GITHUB_ACTIONS";

/// The GitHub Actions OIDC token.
#[derive(Clone, Copy, Debug, Default)]
pub struct GithubSource;

impl JwtSource for GithubSource {
    fn name(&self) -> &'static str {
        "github"
    }

    fn looks_for(&self) -> String {
        format!("GitHub Actions (${REQUEST_URL_VAR} or ${ACTIONS_VAR}=true)")
    }

    /// Inside Actions even without the variables, so that a job lacking `id-token: write` gets
    /// that explanation instead of "no source applies".
    fn applies(&self, env: &Env) -> bool {
        env.get(REQUEST_URL_VAR).is_some() || env.get(ACTIONS_VAR) == Some("true")
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        let missing = |variable: &str| JwtSourceError::MissingVariable {
            source_name: self.name(),
            variable: variable.to_string(),
        };
        let base = request
            .env
            .get(REQUEST_URL_VAR)
            .ok_or_else(|| missing(REQUEST_URL_VAR))?;
        let token = request
            .env
            .get(REQUEST_TOKEN_VAR)
            .ok_or_else(|| missing(REQUEST_TOKEN_VAR))?;
        let bad = |reason: String| JwtSourceError::BadVariable {
            source_name: self.name(),
            variable: REQUEST_URL_VAR.into(),
            reason,
        };
        let mut url = Url::parse(base).map_err(|e| bad(e.to_string()))?;
        require_secure(&url).map_err(|e| bad(e.to_string()))?;
        // Percent-encoded, as GitHub's toolkit does (the JS exchanger appends it raw).
        url.query_pairs_mut()
            .append_pair("audience", request.audience);

        fetch_token(
            self.name(),
            request.http,
            &url,
            |client| {
                client
                    .get(url.clone())
                    .bearer_auth(token)
                    .header(reqwest::header::ACCEPT, "application/json")
            },
            MAX_TOKEN_ANSWER_BYTES,
            TokenAnswer::JsonField("value"),
        )
    }
}
