//! `--jwt-source aws`: a JWT from AWS STS `GetWebIdentityToken` (IAM outbound identity
//! federation), asked for with the workload's AWS credentials at the regional STS endpoint.
//! The account must have run `aws iam enable-outbound-web-identity-federation`, and the
//! credentials' identity needs `sts:GetWebIdentityToken`; the token's issuer is the account's
//! own, which the Authority's signature spec must name.

use crate::authority::jwt_source::{Env, JwtSource, JwtSourceError, Request, jwt_from};
use crate::authority::secret::Jwt;
use crate::aws::query::{self, Call, Signer};
use crate::aws::{AwsError, credentials, profile, region};

/// The signing algorithm asked for: RS256, which every JOSE verifier takes (ES384 is the
/// other choice STS offers).
pub const SIGNING_ALGORITHM: &str = "RS256";

/// STS `GetWebIdentityToken`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsSource;

impl JwtSource for AwsSource {
    fn name(&self) -> &'static str {
        "aws"
    }

    fn looks_for(&self) -> String {
        format!(
            "AWS credentials (${}, ${}, ${} or ${}, or keys in the AWS profile; instance \
             metadata is not probed)",
            credentials::ACCESS_KEY_ID_VAR,
            credentials::WEB_IDENTITY_TOKEN_FILE_VAR,
            credentials::CONTAINER_RELATIVE_URI_VAR,
            credentials::CONTAINER_FULL_URI_VAR,
        )
    }

    fn applies(&self, env: &Env) -> bool {
        credentials::configured(env)
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        let token = web_identity_token(request)?;
        jwt_from(self.name(), token.expose())
    }
}

fn web_identity_token(request: &Request<'_>) -> Result<crate::authority::Secret, AwsError> {
    let profile = profile::load(request.env)?;
    let region = match region::resolve(request.env, &profile) {
        Err(AwsError::NoRegion) => {
            region::from_instance_metadata(request.http, request.env).ok_or(AwsError::NoRegion)?
        }
        resolved => resolved?,
    };
    let endpoint = region::endpoint(request.env, "sts", &region)?;
    let credentials = credentials::resolve(request.http, request.env, &profile, &region)?;
    let answer = query::call(
        request.http,
        Call {
            endpoint: &endpoint,
            action: "GetWebIdentityToken",
            version: "2011-06-15",
            params: &[
                ("Audience.member.1", request.audience),
                ("SigningAlgorithm", SIGNING_ALGORITHM),
            ],
        },
        Some(Signer {
            credentials: &credentials,
            region: &region,
            service: "sts",
        }),
        &[],
    )?;
    query::xml_text(&answer, "WebIdentityToken")
        .map(crate::authority::Secret::new)
        .ok_or_else(|| AwsError::Answer {
            endpoint: crate::http::redact(&endpoint),
            action: "GetWebIdentityToken".into(),
            reason: "no WebIdentityToken".into(),
        })
}
