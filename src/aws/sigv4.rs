//! AWS Signature Version 4 over the `aws-sigv4` crate (the SDK's own signer): the headers that
//! authenticate one request (`Authorization`, `X-Amz-Date`, and `X-Amz-Security-Token` for
//! temporary credentials, which is signed too).

use super::{AwsError, Credentials};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign as sign_with};
use aws_sigv4::sign::v4;
use std::time::SystemTime;
use url::Url;

/// What to sign: the request as it will be sent.
#[derive(Clone, Copy, Debug)]
pub struct Signable<'a> {
    /// `POST`, `GET`, ...
    pub method: &'a str,
    /// The URL (host, path and query are signed).
    pub url: &'a Url,
    /// The headers that will be sent and signed (besides `host`, which comes from the URL).
    pub headers: &'a [(&'a str, &'a str)],
    /// The body (its SHA-256 is signed).
    pub body: &'a [u8],
}

/// The headers to add to `request` so that AWS accepts it for `service` in `region` at `time`.
pub fn sign(
    request: Signable<'_>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<Vec<(String, String)>, AwsError> {
    let failed = |e: &dyn std::fmt::Display| AwsError::Signing(e.to_string());
    let identity = aws_credential_types::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.expose().to_string(),
        credentials
            .session_token
            .as_ref()
            .map(|token| token.expose().to_string()),
        None,
        "kliento",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| failed(&e))?
        .into();
    let signable = SignableRequest::new(
        request.method,
        request.url.as_str(),
        request.headers.iter().copied(),
        SignableBody::Bytes(request.body),
    )
    .map_err(|e| failed(&e))?;
    let (instructions, _signature) = sign_with(signable, &params)
        .map_err(|e| failed(&e))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority::Secret;

    /// AWS's own example (General Reference, "Signature Version 4 signing process": IAM
    /// ListUsers on 2015-08-30T12:36:00Z).
    #[test]
    fn signs_aws_documented_example() {
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_token: None,
            origin: "test",
        };
        let url =
            Url::parse("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08").unwrap();
        let headers = [(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )];
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
        let signed = sign(
            Signable {
                method: "GET",
                url: &url,
                headers: &headers,
                body: b"",
            },
            &credentials,
            "us-east-1",
            "iam",
            time,
        )
        .unwrap();
        let authorization = signed
            .iter()
            .find(|(name, _)| name == "authorization")
            .map(|(_, value)| value.as_str())
            .unwrap();
        assert_eq!(
            authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }
}
