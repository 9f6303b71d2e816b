//! The region and a service's endpoint, as the AWS SDKs find them: `AWS_REGION`, then
//! `AWS_DEFAULT_REGION`, then the profile's `region`, then (on EC2) the instance's; `AWS_ENDPOINT_URL_<SERVICE>`, then
//! `AWS_ENDPOINT_URL`, else the regional endpoint `https://<service>.<region>.amazonaws.com`.

use super::profile::Profile;
use super::{AwsError, imds};
use crate::authority::jwt_source::Env;
use crate::http::Http;
use url::Url;

/// The variables naming the region, in order.
pub const REGION_VARS: [&str; 2] = ["AWS_REGION", "AWS_DEFAULT_REGION"];
/// Overrides every service's endpoint.
pub const ENDPOINT_URL_VAR: &str = "AWS_ENDPOINT_URL";

/// The region from the variables or the profile.
pub fn resolve(env: &Env, profile: &Profile) -> Result<String, AwsError> {
    let (variable, region) = REGION_VARS
        .iter()
        .find_map(|var| env.get(var).map(|value| (var.to_string(), value)))
        .or_else(|| {
            profile
                .get("region")
                .map(|value| (format!("region of {}", profile.describe()), value))
        })
        .ok_or(AwsError::NoRegion)?;
    if !valid(region) {
        return Err(AwsError::BadVariable {
            variable,
            reason: "a region is lower-case letters, digits and dashes (e.g. eu-west-1)".into(),
        });
    }
    Ok(region.to_string())
}

/// A region is a DNS label: it becomes part of the endpoint's host name.
fn valid(region: &str) -> bool {
    !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The instance's region from instance metadata (`placement/region`), for when no variable or
/// profile names one, as the SDKs do on EC2; `None` off EC2, with metadata turned off, or on any
/// failure (the caller then reports that no region is configured).
pub fn from_instance_metadata(http: &Http, env: &Env) -> Option<String> {
    let Ok(imds::Opened::Session(session)) = imds::open(http, env) else {
        return None;
    };
    let (_, reply) = session.get("/latest/meta-data/placement/region").ok()?;
    if !reply.is_success() {
        return None;
    }
    let region = String::from_utf8(reply.body).ok()?.trim().to_string();
    valid(&region).then_some(region)
}

/// The endpoint of `service` (its SDK id, e.g. `sts`, `kms`) in `region`: the override
/// variables first, else the regional endpoint (https; plain http only to loopback hosts).
pub fn endpoint(env: &Env, service: &str, region: &str) -> Result<Url, AwsError> {
    let service_var = format!(
        "{ENDPOINT_URL_VAR}_{}",
        service.to_ascii_uppercase().replace(['-', ' '], "_")
    );
    let (variable, text) = match env
        .get(&service_var)
        .map(|value| (service_var.clone(), value.to_string()))
        .or_else(|| {
            env.get(ENDPOINT_URL_VAR)
                .map(|value| (ENDPOINT_URL_VAR.to_string(), value.to_string()))
        }) {
        Some(found) => found,
        None => {
            let suffix = if region.starts_with("cn-") {
                "amazonaws.com.cn"
            } else {
                "amazonaws.com"
            };
            return Url::parse(&format!("https://{service}.{region}.{suffix}/"))
                .map_err(|e| AwsError::Signing(e.to_string()));
        }
    };
    let bad = |reason: String| AwsError::BadVariable {
        variable: variable.clone(),
        reason,
    };
    let url = Url::parse(&text).map_err(|e| bad(e.to_string()))?;
    crate::http::require_secure(&url).map_err(|e| bad(e.to_string()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("an endpoint has no query or fragment".into()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn region_comes_from_aws_region_first() {
        let vars = env(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
        ]);
        assert_eq!(resolve(&vars, &Profile::default()).unwrap(), "eu-west-1");
        let vars = env(&[("AWS_DEFAULT_REGION", "us-east-1")]);
        assert_eq!(resolve(&vars, &Profile::default()).unwrap(), "us-east-1");
        assert!(matches!(
            resolve(&env(&[]), &Profile::default()),
            Err(AwsError::NoRegion)
        ));
    }

    #[test]
    fn region_must_be_a_dns_label() {
        let error = resolve(&env(&[("AWS_REGION", "evil.com/x")]), &Profile::default());
        assert!(matches!(error, Err(AwsError::BadVariable { .. })));
    }

    #[test]
    fn endpoint_is_regional_unless_overridden() {
        assert_eq!(
            endpoint(&env(&[]), "sts", "eu-west-1").unwrap().as_str(),
            "https://sts.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            endpoint(&env(&[]), "sts", "cn-north-1").unwrap().as_str(),
            "https://sts.cn-north-1.amazonaws.com.cn/"
        );
        let vars = env(&[
            ("AWS_ENDPOINT_URL", "https://all.example/"),
            ("AWS_ENDPOINT_URL_STS", "https://sts.example/"),
        ]);
        assert_eq!(
            endpoint(&vars, "sts", "x").unwrap().as_str(),
            "https://sts.example/"
        );
        assert_eq!(
            endpoint(&vars, "kms", "x").unwrap().as_str(),
            "https://all.example/"
        );
    }

    #[test]
    fn endpoint_override_must_be_secure() {
        let vars = env(&[("AWS_ENDPOINT_URL_STS", "http://sts.example/")]);
        assert!(matches!(
            endpoint(&vars, "sts", "x"),
            Err(AwsError::BadVariable { .. })
        ));
    }
}
