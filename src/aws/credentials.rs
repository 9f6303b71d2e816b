//! The standard AWS credential chain, in the order of the AWS SDKs (Java's, which puts web
//! identity before the profile): the first source that is configured gives the credentials.
//!
//! 1. Environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
//! 2. Web identity (EKS IRSA and the like): `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`
//!    (`AWS_ROLE_SESSION_NAME`), traded at STS `AssumeRoleWithWebIdentity` (unsigned).
//! 3. The shared profile ([`super::profile`]): its static keys, or `role_arn` with
//!    `source_profile` (STS `AssumeRole` signed with the source profile's keys). Profiles that
//!    run a process, use IAM Identity Center or a `credential_source` are refused with a
//!    message, not followed.
//! 4. Container credentials (ECS, EKS Pod Identity): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
//!    (at `169.254.170.2`) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the token of
//!    `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
//! 5. EC2 instance metadata, IMDSv2 only (a session token first), at
//!    `AWS_EC2_METADATA_SERVICE_ENDPOINT` or `169.254.169.254`, unless
//!    `AWS_EC2_METADATA_DISABLED=true`.

use super::profile::Profile;
use super::query::{self, Call};
use super::{AwsError, imds, shown};
use crate::authority::Secret;
use crate::authority::jwt_source::Env;
use crate::http::Http;
use url::Url;

/// The access key id.
pub const ACCESS_KEY_ID_VAR: &str = "AWS_ACCESS_KEY_ID";
/// The secret access key.
pub const SECRET_ACCESS_KEY_VAR: &str = "AWS_SECRET_ACCESS_KEY";
/// The session token of temporary credentials.
pub const SESSION_TOKEN_VAR: &str = "AWS_SESSION_TOKEN";
/// The web identity token file.
pub const WEB_IDENTITY_TOKEN_FILE_VAR: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
/// The role to assume with the web identity token.
pub const ROLE_ARN_VAR: &str = "AWS_ROLE_ARN";
/// The role session's name.
pub const ROLE_SESSION_NAME_VAR: &str = "AWS_ROLE_SESSION_NAME";
/// The container credentials path at `169.254.170.2` (ECS).
pub const CONTAINER_RELATIVE_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
/// The container credentials URL.
pub const CONTAINER_FULL_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The container credentials authorization token.
pub const CONTAINER_TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
/// A file holding the container credentials authorization token (wins over the variable).
pub const CONTAINER_TOKEN_FILE_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// The ECS credentials host.
const CONTAINER_HOST: &str = "http://169.254.170.2";
/// Largest credentials answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// AWS credentials; the secret parts never show when formatted.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The access key id (not secret: it names the key).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Secret,
    /// The session token of temporary credentials.
    pub session_token: Option<Secret>,
    /// Which source of the chain gave them, for messages.
    pub origin: &'static str,
}

impl Credentials {
    /// The secret parts, to scrub from any text shown.
    pub fn secrets(&self) -> Vec<&Secret> {
        std::iter::once(&self.secret_access_key)
            .chain(self.session_token.as_ref())
            .collect()
    }
}

/// Whether credentials are configured without asking the network: the variables of sources 1,
/// 2 and 4, or static keys (or a role with a source profile) in the profile. The instance
/// metadata service is not probed (that would slow every run off EC2).
pub fn configured(env: &Env) -> bool {
    [
        ACCESS_KEY_ID_VAR,
        WEB_IDENTITY_TOKEN_FILE_VAR,
        CONTAINER_RELATIVE_URI_VAR,
        CONTAINER_FULL_URI_VAR,
    ]
    .iter()
    .any(|var| env.get(var).is_some())
        || super::profile::load(env).is_ok_and(|profile| {
            profile.get("aws_access_key_id").is_some()
                || (profile.get("role_arn").is_some() && profile.get("source_profile").is_some())
        })
}

/// The first credentials the chain finds.
pub fn resolve(
    http: &Http,
    env: &Env,
    profile: &Profile,
    region: &str,
) -> Result<Credentials, AwsError> {
    if let Some(credentials) = from_env(env)? {
        return Ok(credentials);
    }
    if let Some(credentials) = from_web_identity(http, env, region)? {
        return Ok(credentials);
    }
    if let Some(credentials) = from_profile(http, env, profile, region)? {
        return Ok(credentials);
    }
    if let Some(credentials) = from_container(http, env)? {
        return Ok(credentials);
    }
    let imds = from_imds(http, env)?;
    match imds {
        Imds::Found(credentials) => Ok(credentials),
        Imds::Absent(why) => Err(AwsError::NoCredentials {
            looked_at: vec![
                format!("${ACCESS_KEY_ID_VAR}"),
                format!("${WEB_IDENTITY_TOKEN_FILE_VAR} with ${ROLE_ARN_VAR}"),
                profile.describe(),
                format!("${CONTAINER_RELATIVE_URI_VAR} or ${CONTAINER_FULL_URI_VAR}"),
                why,
            ],
        }),
    }
}

fn missing(variable: &str, reason: &str) -> AwsError {
    AwsError::BadVariable {
        variable: variable.to_string(),
        reason: reason.to_string(),
    }
}

fn from_env(env: &Env) -> Result<Option<Credentials>, AwsError> {
    match (env.get(ACCESS_KEY_ID_VAR), env.get(SECRET_ACCESS_KEY_VAR)) {
        (None, None) => Ok(None),
        (Some(id), Some(secret)) => Ok(Some(Credentials {
            access_key_id: id.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: env.get(SESSION_TOKEN_VAR).map(Secret::new),
            origin: "environment variables",
        })),
        (Some(_), None) => Err(missing(
            ACCESS_KEY_ID_VAR,
            &format!("it is set but {SECRET_ACCESS_KEY_VAR} is not"),
        )),
        (None, Some(_)) => Err(missing(
            SECRET_ACCESS_KEY_VAR,
            &format!("it is set but {ACCESS_KEY_ID_VAR} is not"),
        )),
    }
}

fn from_web_identity(
    http: &Http,
    env: &Env,
    region: &str,
) -> Result<Option<Credentials>, AwsError> {
    let Some(path) = env.get(WEB_IDENTITY_TOKEN_FILE_VAR) else {
        return Ok(None);
    };
    let role_arn = env.get(ROLE_ARN_VAR).ok_or_else(|| {
        missing(
            WEB_IDENTITY_TOKEN_FILE_VAR,
            &format!("it is set but {ROLE_ARN_VAR} is not"),
        )
    })?;
    let token = read_secret_file(http, path)?;
    let session_name = env
        .get(ROLE_SESSION_NAME_VAR)
        .map_or_else(default_session_name, str::to_string);
    let endpoint = super::region::endpoint(env, "sts", region)?;
    let answer = query::call(
        http,
        Call {
            endpoint: &endpoint,
            action: "AssumeRoleWithWebIdentity",
            version: "2011-06-15",
            params: &[
                ("RoleArn", role_arn),
                ("RoleSessionName", &session_name),
                ("WebIdentityToken", token.expose()),
            ],
        },
        None,
        &[&token],
    )?;
    assumed_credentials(
        &answer,
        &endpoint,
        "AssumeRoleWithWebIdentity",
        "web identity (AssumeRoleWithWebIdentity)",
    )
    .map(Some)
}

/// Profile settings that name a way to obtain credentials kliento does not follow.
const UNSUPPORTED_PROFILE_KEYS: [&str; 5] = [
    "credential_source",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

fn from_profile(
    http: &Http,
    env: &Env,
    profile: &Profile,
    region: &str,
) -> Result<Option<Credentials>, AwsError> {
    let failed = |reason: String| AwsError::Profile {
        what: profile.describe(),
        reason,
    };
    if profile.get("role_arn").is_some() {
        return assume_role(http, env, profile, region).map(Some);
    }
    if let Some(credentials) = static_keys(profile)? {
        return Ok(Some(credentials));
    }
    if let Some(key) = UNSUPPORTED_PROFILE_KEYS
        .iter()
        .find(|key| profile.get(key).is_some())
    {
        return Err(failed(format!(
            "it uses {key}, which kliento does not follow; export the credentials \
             (`aws configure export-credentials --format env`) or use static keys"
        )));
    }
    if profile.explicit && !profile.found {
        return Err(failed("no such profile".into()));
    }
    Ok(None)
}

/// The profile's static keys, if it has any.
fn static_keys(profile: &Profile) -> Result<Option<Credentials>, AwsError> {
    let Some(id) = profile.get("aws_access_key_id") else {
        return Ok(None);
    };
    let secret = profile
        .get("aws_secret_access_key")
        .ok_or_else(|| AwsError::Profile {
            what: profile.describe(),
            reason: "aws_access_key_id without aws_secret_access_key".into(),
        })?;
    Ok(Some(Credentials {
        access_key_id: id.to_string(),
        secret_access_key: Secret::new(secret),
        session_token: profile.get("aws_session_token").map(Secret::new),
        origin: "the shared profile",
    }))
}

/// A profile with `role_arn` and `source_profile`: STS `AssumeRole`, signed with the source
/// profile's static keys (one level; a source profile that itself assumes a role, MFA and
/// `credential_source` are refused with a message).
fn assume_role(
    http: &Http,
    env: &Env,
    profile: &Profile,
    region: &str,
) -> Result<Credentials, AwsError> {
    let failed = |reason: &str| AwsError::Profile {
        what: profile.describe(),
        reason: reason.to_string(),
    };
    let role_arn = profile.get("role_arn").unwrap_or_default();
    if profile.get("mfa_serial").is_some() {
        return Err(failed(
            "role_arn with mfa_serial needs an MFA code, which kliento does not ask for",
        ));
    }
    let Some(source_name) = profile.get("source_profile") else {
        return Err(failed(
            "role_arn is followed only with source_profile (credential_source is not)",
        ));
    };
    let source = super::profile::load_named(env, source_name, true)?;
    if source.get("role_arn").is_some() && source.name != profile.name {
        return Err(AwsError::Profile {
            what: source.describe(),
            reason: "a source profile that assumes a role itself is not followed".into(),
        });
    }
    let source_credentials = static_keys(&source)?.ok_or_else(|| AwsError::Profile {
        what: source.describe(),
        reason: "a source_profile needs aws_access_key_id and aws_secret_access_key".into(),
    })?;
    let session_name = profile
        .get("role_session_name")
        .map_or_else(default_session_name, str::to_string);
    let mut params = vec![("RoleArn", role_arn), ("RoleSessionName", &session_name)];
    if let Some(external_id) = profile.get("external_id") {
        params.push(("ExternalId", external_id));
    }
    let endpoint = super::region::endpoint(env, "sts", region)?;
    let answer = query::call(
        http,
        Call {
            endpoint: &endpoint,
            action: "AssumeRole",
            version: "2011-06-15",
            params: &params,
        },
        Some(query::Signer {
            credentials: &source_credentials,
            region,
            service: "sts",
        }),
        &[],
    )?;
    assumed_credentials(
        &answer,
        &endpoint,
        "AssumeRole",
        "the shared profile's role (AssumeRole)",
    )
}

/// `kliento-<milliseconds since the epoch>`, as the SDKs name sessions when not told.
fn default_session_name() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("kliento-{}", now.as_millis())
}

/// The temporary credentials of an `AssumeRole*` answer.
fn assumed_credentials(
    answer: &str,
    endpoint: &Url,
    action: &str,
    origin: &'static str,
) -> Result<Credentials, AwsError> {
    let field = |name: &str| {
        query::xml_text(answer, name).ok_or_else(|| AwsError::Answer {
            endpoint: crate::http::redact(endpoint),
            action: action.into(),
            reason: format!("no {name}"),
        })
    };
    Ok(Credentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: Secret::new(field("SecretAccessKey")?),
        session_token: Some(Secret::new(field("SessionToken")?)),
        origin,
    })
}

/// The container credentials hosts of ECS and EKS Pod Identity, allowed over plain http.
fn container_host_allowed(url: &Url) -> bool {
    use url::Host;
    match url.host() {
        Some(Host::Ipv4(ip)) => {
            ip.is_loopback()
                || ip.octets() == [169, 254, 170, 2]
                || ip.octets() == [169, 254, 170, 23]
        }
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.segments() == [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23]
        }
        Some(Host::Domain(_)) => crate::http::is_loopback(url),
        None => false,
    }
}

fn from_container(http: &Http, env: &Env) -> Result<Option<Credentials>, AwsError> {
    let (variable, url) = match (
        env.get(CONTAINER_RELATIVE_URI_VAR),
        env.get(CONTAINER_FULL_URI_VAR),
    ) {
        (Some(relative), _) => (
            CONTAINER_RELATIVE_URI_VAR,
            Url::parse(&format!("{CONTAINER_HOST}{relative}")),
        ),
        (None, Some(full)) => (CONTAINER_FULL_URI_VAR, Url::parse(full)),
        (None, None) => return Ok(None),
    };
    let url = url.map_err(|e| missing(variable, &e.to_string()))?;
    if url.scheme() != "https" && !(url.scheme() == "http" && container_host_allowed(&url)) {
        return Err(missing(
            variable,
            "plain http only to loopback or the ECS/EKS credential hosts",
        ));
    }
    let token = match (
        env.get(CONTAINER_TOKEN_FILE_VAR),
        env.get(CONTAINER_TOKEN_VAR),
    ) {
        (Some(path), _) => Some(read_secret_file(http, path)?),
        (None, Some(token)) => Some(Secret::new(token)),
        (None, None) => None,
    };
    let reply = http.send(
        &url,
        |client| {
            let request = client
                .get(url.clone())
                .header(reqwest::header::ACCEPT, "application/json");
            match &token {
                Some(token) => request.header(reqwest::header::AUTHORIZATION, token.expose()),
                None => request,
            }
        },
        MAX_ANSWER_BYTES,
        true,
    )?;
    let secrets: Vec<&Secret> = token.iter().collect();
    credentials_json(
        &url,
        "container credentials",
        &reply,
        &secrets,
        "container credentials",
    )
    .map(Some)
}

/// What the instance metadata service gave.
enum Imds {
    Found(Credentials),
    /// Not on EC2, turned off, or no role: why, for the "no credentials" message.
    Absent(String),
}

fn from_imds(http: &Http, env: &Env) -> Result<Imds, AwsError> {
    let session = match imds::open(http, env)? {
        imds::Opened::Session(session) => session,
        imds::Opened::Absent(why) => return Ok(Imds::Absent(why)),
    };
    let (roles_url, roles) = session.get("/latest/meta-data/iam/security-credentials/")?;
    if roles.status == 404 {
        return Ok(Imds::Absent(
            "instance metadata (the instance has no IAM role)".into(),
        ));
    }
    if !roles.is_success() {
        return Err(refused(
            &roles_url,
            "the instance's IAM role",
            &roles,
            &[session.token()],
        ));
    }
    let role = String::from_utf8_lossy(&roles.body)
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    // A role name is one path segment.
    if role.is_empty() || role.contains(['/', '?', '#', '%']) || role.starts_with('.') {
        return Err(AwsError::Answer {
            endpoint: crate::http::redact(&roles_url),
            action: "the instance's IAM role".into(),
            reason: "no usable role name".into(),
        });
    }
    let (url, reply) = session.get(&format!(
        "/latest/meta-data/iam/security-credentials/{role}"
    ))?;
    credentials_json(
        &url,
        "the instance role's credentials",
        &reply,
        &[session.token()],
        "instance metadata (IMDSv2)",
    )
    .map(Imds::Found)
}

/// A refusal by a credentials endpoint (JSON `message`/`Message` and `code`/`Code`, if any).
fn refused(url: &Url, action: &str, reply: &crate::http::Reply, secrets: &[&Secret]) -> AwsError {
    let json: Option<serde_json::Value> = serde_json::from_slice(&reply.body).ok();
    let text = |keys: [&str; 2]| {
        let json = json.as_ref()?;
        keys.iter()
            .find_map(|key| json.get(key)?.as_str())
            .map(|text| shown(text, secrets))
    };
    AwsError::Refused {
        endpoint: crate::http::redact(url),
        action: action.to_string(),
        status: reply.status,
        code: text(["code", "Code"]),
        message: text(["message", "Message"]),
        signed_with: None,
    }
}

/// Credentials from the JSON of a container or instance credentials endpoint.
fn credentials_json(
    url: &Url,
    action: &str,
    reply: &crate::http::Reply,
    secrets: &[&Secret],
    origin: &'static str,
) -> Result<Credentials, AwsError> {
    if !reply.is_success() {
        return Err(refused(url, action, reply, secrets));
    }
    let malformed = |reason: &str| AwsError::Answer {
        endpoint: crate::http::redact(url),
        action: action.to_string(),
        reason: reason.to_string(),
    };
    let json: serde_json::Value =
        serde_json::from_slice(&reply.body).map_err(|_| malformed("not JSON"))?;
    let field = |name: &str| {
        json.get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| malformed(&format!("no {name}")))
    };
    Ok(Credentials {
        access_key_id: field("AccessKeyId")?.to_string(),
        secret_access_key: Secret::new(field("SecretAccessKey")?),
        session_token: field("Token").ok().map(Secret::new),
        origin,
    })
}

/// A token file's trimmed contents, read within the request timeout (FIFOs included).
fn read_secret_file(http: &Http, path: &str) -> Result<Secret, AwsError> {
    let failed = |reason: String| AwsError::File {
        path: path.to_string(),
        reason,
    };
    let deadline = std::time::Instant::now() + http.policy().timeout;
    let bytes = crate::bounded::read_file_bounded_by(
        std::path::Path::new(path),
        crate::bounded::caps::SECRET,
        deadline,
    )
    .map_err(|e| match e {
        crate::bounded::BoundedReadError::Io(e) => failed(crate::error::io_reason(&e)),
        other => failed(other.to_string()),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| failed("not UTF-8 text".into()))?;
    Ok(Secret::new(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpPolicy, ProxySettings};

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    fn http() -> Http {
        let policy = HttpPolicy {
            timeout: std::time::Duration::from_secs(1),
            retries: 0,
            backoff: std::time::Duration::ZERO,
            deadline: None,
        };
        Http::new(policy, ProxySettings::default()).unwrap()
    }

    #[test]
    fn configured_needs_a_local_signal() {
        let home = tempfile::tempdir().unwrap();
        let home_path = home.path().display().to_string();
        assert!(!configured(&env(&[("HOME", &home_path)])));
        assert!(configured(&env(&[(ACCESS_KEY_ID_VAR, "AKID")])));
        assert!(configured(&env(&[(
            CONTAINER_FULL_URI_VAR,
            "http://127.0.0.1/"
        )])));
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        let config = home.path().join(".aws/config");
        std::fs::write(&config, "[default]\nregion = eu-west-1\n").unwrap();
        assert!(!configured(&env(&[("HOME", &home_path)])), "a region only");
        std::fs::write(&config, "[default]\naws_access_key_id = A\n").unwrap();
        assert!(configured(&env(&[("HOME", &home_path)])));
    }

    #[test]
    fn environment_keys_need_both_parts() {
        let error = from_env(&env(&[(ACCESS_KEY_ID_VAR, "AKID")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "AWS_ACCESS_KEY_ID is not usable: it is set but AWS_SECRET_ACCESS_KEY is not"
        );
    }

    #[test]
    fn profiles_kliento_does_not_follow_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let vars = |profile: &str| {
            env(&[
                ("AWS_PROFILE", profile),
                ("AWS_CONFIG_FILE", &config.display().to_string()),
                ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
            ])
        };
        std::fs::write(
            &config,
            "[profile p]\ncredential_process = /bin/creds\n\
             [profile mfa]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = p\nmfa_serial = x\n",
        )
        .unwrap();
        let refusal = |profile: &str| {
            let vars = vars(profile);
            let loaded = super::super::profile::load(&vars).unwrap();
            from_profile(&http(), &vars, &loaded, "eu-west-1")
                .unwrap_err()
                .to_string()
        };
        assert!(refusal("p").ends_with("it uses credential_process, which kliento does not follow; export the credentials (`aws configure export-credentials --format env`) or use static keys"));
        assert!(refusal("mfa").contains("mfa_serial needs an MFA code"));
        assert!(refusal("absent").ends_with(": no such profile"));
    }
}
