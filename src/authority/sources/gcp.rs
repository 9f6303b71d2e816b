//! `--jwt-source gcp`: a Google-signed ID token from the GCE/GKE/Cloud Run metadata server's
//! identity endpoint, for the service account the workload runs as.

use crate::authority::jwt_source::{
    Env, JwtSource, JwtSourceError, MAX_TOKEN_ANSWER_BYTES, Request, TokenAnswer, dmi, fetch_token,
};
use crate::authority::secret::Jwt;
use url::Url;

/// Overrides the metadata server's `host[:port]`, as Google's client libraries honour it.
pub const METADATA_HOST_VAR: &str = "GCE_METADATA_HOST";
/// The metadata server's name inside Google Cloud.
pub const DEFAULT_METADATA_HOST: &str = "metadata.google.internal";

/// The metadata server's identity endpoint.
#[derive(Clone, Copy, Debug, Default)]
pub struct GcpSource;

impl JwtSource for GcpSource {
    fn name(&self) -> &'static str {
        "gcp"
    }

    fn looks_for(&self) -> String {
        format!("Google Cloud (${METADATA_HOST_VAR}, or a Google Compute Engine machine)")
    }

    fn applies(&self, env: &Env) -> bool {
        env.get(METADATA_HOST_VAR).is_some()
            || dmi("product_name").is_some_and(|name| name.starts_with("Google"))
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        let host = request
            .env
            .get(METADATA_HOST_VAR)
            .unwrap_or(DEFAULT_METADATA_HOST);
        // Plain HTTP by design: the metadata server is link-local and only serves HTTP.
        let mut url = Url::parse(&format!(
            "http://{host}/computeMetadata/v1/instance/service-accounts/default/identity"
        ))
        .map_err(|e| JwtSourceError::BadVariable {
            source_name: self.name(),
            variable: METADATA_HOST_VAR.into(),
            reason: e.to_string(),
        })?;
        // format=full adds the instance's project and zone claims, which Authority specs can use.
        url.query_pairs_mut()
            .append_pair("audience", request.audience)
            .append_pair("format", "full");
        fetch_token(
            self.name(),
            request.http,
            &url,
            |client| client.get(url.clone()).header("Metadata-Flavor", "Google"),
            MAX_TOKEN_ANSWER_BYTES,
            TokenAnswer::Text,
        )
    }
}
