//! `--jwt-source azure`: an access token for a managed identity from the Azure Instance
//! Metadata Service (IMDS). Its audience is the `resource` asked for, so the Authority's
//! exchange URL must be registered as that resource (an Entra ID application ID URI).

use crate::authority::jwt_source::{
    Env, JwtSource, JwtSourceError, MAX_TOKEN_ANSWER_BYTES, Request, TokenAnswer, dmi, fetch_token,
};
use crate::authority::secret::Jwt;
use url::Url;

/// Overrides the IMDS base URL, as the Azure identity SDKs honour it.
pub const IMDS_HOST_VAR: &str = "AZURE_POD_IDENTITY_AUTHORITY_HOST";
/// Selects a user-assigned identity by client id, as the Azure identity SDKs do.
pub const CLIENT_ID_VAR: &str = "AZURE_CLIENT_ID";
/// The IMDS address inside Azure (link-local).
pub const DEFAULT_IMDS_URL: &str = "http://169.254.169.254";
/// The chassis asset tag every Azure VM reports (how Azure's own agents recognise it).
const AZURE_ASSET_TAG: &str = "7783-7084-3265-9085-8269-3286-77";

/// The Azure IMDS managed-identity token endpoint.
#[derive(Clone, Copy, Debug, Default)]
pub struct AzureSource;

impl JwtSource for AzureSource {
    fn name(&self) -> &'static str {
        "azure"
    }

    fn looks_for(&self) -> String {
        format!("Azure managed identity (${IMDS_HOST_VAR}, or an Azure VM)")
    }

    fn applies(&self, env: &Env) -> bool {
        env.get(IMDS_HOST_VAR).is_some()
            || dmi("chassis_asset_tag").is_some_and(|tag| tag == AZURE_ASSET_TAG)
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        let base = request.env.get(IMDS_HOST_VAR).unwrap_or(DEFAULT_IMDS_URL);
        let mut url = Url::parse(base)
            .and_then(|base| base.join("/metadata/identity/oauth2/token"))
            .map_err(|e| JwtSourceError::BadVariable {
                source_name: self.name(),
                variable: IMDS_HOST_VAR.into(),
                reason: e.to_string(),
            })?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("api-version", "2018-02-01")
                .append_pair("resource", request.audience);
            if let Some(client_id) = request.env.get(CLIENT_ID_VAR) {
                query.append_pair("client_id", client_id);
            }
        }
        fetch_token(
            self.name(),
            request.http,
            &url,
            |client| client.get(url.clone()).header("Metadata", "true"),
            MAX_TOKEN_ANSWER_BYTES,
            TokenAnswer::JsonField("access_token"),
        )
    }
}
