//! Keys in AWS KMS: `awskms://[ENDPOINT]/KEY`, as cosign writes them.
//!
//! `KEY` is a key id (`1234abcd-12ab-...`, `mrk-...`), a key ARN
//! (`arn:aws:kms:REGION:ACCOUNT:key/ID`), an alias (`alias/NAME`) or an alias ARN. `ENDPOINT`
//! (`host[:port]`, usually empty: `awskms:///alias/org`) replaces the KMS endpoint; it is reached
//! over https, as cosign does, except a loopback host (`localhost`, `127.0.0.1`, `[::1]`: a local
//! emulator), reached over plain http. Without it, `AWS_ENDPOINT_URL_KMS`, then
//! `AWS_ENDPOINT_URL`, else `https://kms.REGION.amazonaws.com`. The region is the ARN's, else
//! the configured one ([`crate::aws::region`]); the credentials come from the standard chain.
//!
//! The private key never leaves KMS: [`AwsKmsKey`] reads the public key once (`GetPublicKey`,
//! which also gives the key's spec and usage) and signs with `Sign`, `RSASSA_PSS_SHA_256/384/512`
//! (MGF1 with the same hash, salt = digest length, as VeraId requires). It always sends the
//! digest (`MessageType=DIGEST`), as cosign does: the message never leaves the host, and there is
//! no 4096-byte limit on it.
//!
//! The JSON protocol KMS speaks: `POST /` with `X-Amz-Target: TrentService.ACTION` and a JSON
//! body, SigV4-signed for `kms`; errors are `{"__type": "...Exception", "message": "..."}`.

use super::{Signer, SignerError, UriError};
use crate::authority::Secret;
use crate::authority::jwt_source::Env;
use crate::aws::sigv4::{self, Signable};
use crate::aws::{AwsError, Credentials, credentials, profile, region};
use crate::http::Http;
use crate::keys::{KeyError, OrgKeyAlgorithm, RsaPublicParts};
use crate::veraid::HashAlgorithm;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::fmt;
use url::Url;

/// The scheme prefix.
pub const SCHEME: &str = "awskms://";

/// Largest answer read (a 4096-bit public key or signature is well under this).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// A parsed `awskms://` URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsKmsUri {
    /// `host[:port]` replacing the KMS endpoint, if any.
    pub endpoint: Option<String>,
    /// The key id, key ARN, alias (`alias/NAME`) or alias ARN.
    pub key: String,
}

fn invalid(detail: impl Into<String>) -> UriError {
    UriError {
        kind: "AWS KMS",
        detail: detail.into(),
    }
}

impl AwsKmsUri {
    /// Parses a URI starting with `awskms://`.
    pub fn parse(text: &str) -> Result<Self, UriError> {
        let rest = text
            .strip_prefix(SCHEME)
            .ok_or_else(|| invalid("it does not start with awskms://"))?;
        let (endpoint, key) = rest
            .split_once('/')
            .ok_or_else(|| invalid("no key: write awskms:///KEY (or awskms://ENDPOINT/KEY)"))?;
        let endpoint = match endpoint {
            "" => None,
            host => {
                // A host name, an IPv4 address or a bracketed IPv6 address, and a port.
                let plain = host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
                if !plain || Self::endpoint_url(host)?.host().is_none() {
                    return Err(invalid("the endpoint is not HOST or HOST:PORT"));
                }
                Some(host.to_string())
            }
        };
        let key_chars = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_/:".contains(&b))
        };
        let valid = if let Some(name) = key.strip_prefix("alias/") {
            key_chars(name) && !name.contains(':')
        } else if let Some(arn) = key.strip_prefix("arn:") {
            // arn:PARTITION:kms:REGION:ACCOUNT:key/ID or :alias/NAME; the region becomes part of
            // the endpoint's host name, so it is a DNS label.
            let parts: Vec<&str> = arn.splitn(5, ':').collect();
            let label = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            };
            parts.len() == 5
                && label(parts[0])
                && parts[1] == "kms"
                && label(parts[2])
                && !parts[3].is_empty()
                && parts[3].bytes().all(|b| b.is_ascii_digit())
                && (parts[4].starts_with("key/") || parts[4].starts_with("alias/"))
                && key_chars(parts[4])
        } else {
            key_chars(key) && !key.contains([':', '/'])
        };
        if !valid {
            return Err(invalid(
                "the key is not a key id, a key ARN, alias/NAME or an alias ARN",
            ));
        }
        Ok(Self {
            endpoint,
            key: key.to_string(),
        })
    }

    /// The region an ARN names.
    fn arn_region(&self) -> Option<&str> {
        self.key
            .strip_prefix("arn:")
            .and_then(|arn| arn.split(':').nth(2))
    }

    /// The alias this URI names, if it names one by `alias/NAME`.
    pub fn alias(&self) -> Option<&str> {
        self.key.starts_with("alias/").then_some(self.key.as_str())
    }

    /// The URL of an explicit endpoint: https, plain http for a loopback host.
    fn endpoint_url(host: &str) -> Result<Url, UriError> {
        let https = Url::parse(&format!("https://{host}/"))
            .map_err(|_| invalid("the endpoint is not HOST or HOST:PORT"))?;
        let loopback = match https.host() {
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        if loopback {
            Url::parse(&format!("http://{host}/"))
                .map_err(|_| invalid("the endpoint is not HOST or HOST:PORT"))
        } else {
            Ok(https)
        }
    }
}

impl fmt::Display for AwsKmsUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SCHEME}{}/{}",
            self.endpoint.as_deref().unwrap_or_default(),
            self.key
        )
    }
}

/// Why a key in AWS KMS could not be found or used. Never holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AwsKmsError {
    /// No region, no credentials, no connection, or another refusal.
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The URI's endpoint cannot be used.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// KMS (or IAM) refused the call to these credentials.
    #[error("KMS denied {action} on the key{}", shown_message(.message))]
    AccessDenied {
        /// The action (`Sign`, `GetPublicKey`, `CreateKey`, ...).
        action: &'static str,
        /// KMS's message, bounded and scrubbed.
        message: Option<String>,
    },
    /// No key (or alias) by this name in this account and region.
    #[error("KMS has no key {key}{}", shown_message(.message))]
    NotFound {
        /// The key as the URI names it.
        key: String,
        /// KMS's message, bounded and scrubbed.
        message: Option<String>,
    },
    /// `keygen` would create an alias that exists.
    #[error("the alias {alias} already exists")]
    AliasExists {
        /// The alias.
        alias: String,
    },
    /// `keygen` needs an alias to name the new key.
    #[error("a new key is named by an alias: write awskms:///alias/NAME")]
    NoAlias,
    /// The key is not an RSA key.
    #[error("the key is a {key_spec} key: VeraId needs an RSA key")]
    NotRsa {
        /// KMS's KeySpec (`ECC_NIST_P256`, ...).
        key_spec: String,
    },
    /// The key is not for signing.
    #[error("the key's usage is {key_usage}: signing needs a SIGN_VERIFY key")]
    WrongUsage {
        /// KMS's KeyUsage (`ENCRYPT_DECRYPT`, ...).
        key_usage: String,
    },
    /// The public key KMS gave cannot be used.
    #[error("the key's public half cannot be used: {0}")]
    PublicKey(KeyError),
}

impl PartialEq for AwsKmsError {
    /// Errors compare by their message (an [`AwsError`] is not comparable).
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for AwsKmsError {}

fn shown_message(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

/// A KMS client for one key: endpoint, region and credentials resolved once.
struct Client {
    http: Http,
    endpoint: Url,
    region: String,
    credentials: Credentials,
    key: String,
}

impl Client {
    fn new(uri: &AwsKmsUri, http: &Http, env: &Env) -> Result<Self, AwsKmsError> {
        let profile = profile::load(env)?;
        let region = match uri.arn_region() {
            Some(region) => region.to_string(),
            None => match region::resolve(env, &profile) {
                Err(AwsError::NoRegion) => {
                    region::from_instance_metadata(http, env).ok_or(AwsError::NoRegion)?
                }
                resolved => resolved?,
            },
        };
        let endpoint = match &uri.endpoint {
            Some(host) => AwsKmsUri::endpoint_url(host)?,
            None => region::endpoint(env, "kms", &region)?,
        };
        let credentials = credentials::resolve(http, env, &profile, &region)?;
        Ok(Self {
            http: http.clone(),
            endpoint,
            region,
            credentials,
            key: uri.key.clone(),
        })
    }

    /// Calls `TrentService.{action}` with `body`; returns the JSON answer.
    fn call(&self, action: &'static str, body: &Value) -> Result<Value, AwsKmsError> {
        let body = body.to_string();
        let content_type = "application/x-amz-json-1.1";
        let target = format!("TrentService.{action}");
        let plain = [
            ("content-type", content_type),
            ("x-amz-target", target.as_str()),
        ];
        let mut headers: Vec<(String, String)> = plain
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        headers.extend(sigv4::sign(
            Signable {
                method: "POST",
                url: &self.endpoint,
                headers: &plain,
                body: body.as_bytes(),
            },
            &self.credentials,
            &self.region,
            "kms",
            std::time::SystemTime::now(),
        )?);
        // Reading and signing may be repeated; creating may not (a retried CreateKey could make
        // two keys, a retried CreateAlias fail on the alias its first attempt made).
        let retry = !matches!(action, "CreateKey" | "CreateAlias");
        let reply = self
            .http
            .send(
                &self.endpoint,
                |client| {
                    let mut request = client.post(self.endpoint.clone()).body(body.clone());
                    for (name, value) in &headers {
                        request = request.header(name.as_str(), value.as_str());
                    }
                    request
                },
                MAX_ANSWER_BYTES,
                retry,
            )
            .map_err(AwsError::from)?;
        let answer: Option<Value> = serde_json::from_slice(&reply.body).ok();
        if reply.is_success() {
            return answer.ok_or_else(|| self.bad_answer(action, "not JSON"));
        }
        let field = |name: &str| {
            answer
                .as_ref()
                .and_then(|a| a.get(name).or_else(|| a.get(name.to_ascii_lowercase())))
                .and_then(Value::as_str)
                .map(|text| self.shown(text))
        };
        // `__type` may carry a namespace: `com.amazonaws.kms#NotFoundException`.
        let code = field("__type").map(|t| t.rsplit('#').next().unwrap_or_default().to_string());
        let message = field("Message");
        Err(match code.as_deref() {
            Some("AccessDeniedException") => AwsKmsError::AccessDenied { action, message },
            Some("NotFoundException") => AwsKmsError::NotFound {
                key: self.key.clone(),
                message,
            },
            _ => AwsKmsError::Aws(AwsError::Refused {
                endpoint: crate::http::redact(&self.endpoint),
                action: action.to_string(),
                status: reply.status,
                code,
                message,
                signed_with: Some(self.credentials.origin),
            }),
        })
    }

    fn shown(&self, text: &str) -> String {
        let secrets: Vec<&str> = self
            .credentials
            .secrets()
            .into_iter()
            .map(Secret::expose)
            .collect();
        let bounded: String = text.chars().take(300).collect();
        crate::http::scrub(&bounded, &secrets)
    }

    fn bad_answer(&self, action: &str, reason: &str) -> AwsKmsError {
        AwsKmsError::Aws(AwsError::Answer {
            endpoint: crate::http::redact(&self.endpoint),
            action: action.to_string(),
            reason: reason.to_string(),
        })
    }

    /// `GetPublicKey`: the key's RSA public key, after checking its spec and usage.
    fn public_key(&self) -> Result<rsa::PublicKey, AwsKmsError> {
        let answer = self.call("GetPublicKey", &json!({ "KeyId": self.key }))?;
        let text = |name: &str| answer.get(name).and_then(Value::as_str).unwrap_or_default();
        // KeySpec, or CustomerMasterKeySpec, its deprecated name, which some emulators send alone.
        let key_spec = match text("KeySpec") {
            "" => text("CustomerMasterKeySpec"),
            spec => spec,
        };
        if !key_spec.starts_with("RSA_") {
            return Err(AwsKmsError::NotRsa {
                key_spec: key_spec.to_string(),
            });
        }
        let key_usage = text("KeyUsage");
        if key_usage != "SIGN_VERIFY" {
            return Err(AwsKmsError::WrongUsage {
                key_usage: key_usage.to_string(),
            });
        }
        let der = STANDARD
            .decode(text("PublicKey"))
            .map_err(|_| self.bad_answer("GetPublicKey", "PublicKey is not base64"))?;
        let public = RsaPublicParts::from_spki_der(&der)
            .and_then(|parts| parts.to_rsa())
            .map_err(AwsKmsError::PublicKey)?;
        OrgKeyAlgorithm::for_key(&public).map_err(AwsKmsError::PublicKey)?;
        Ok(public)
    }
}

/// A private RSA key in AWS KMS, with its public key read.
pub struct AwsKmsKey {
    client: Client,
    public: rsa::PublicKey,
}

impl fmt::Debug for AwsKmsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AwsKmsKey({})", self.client.key)
    }
}

impl AwsKmsKey {
    /// Finds the key `uri` names and reads its public key (`kms:GetPublicKey`).
    pub fn open(uri: &AwsKmsUri, http: &Http, env: &Env) -> Result<Self, AwsKmsError> {
        let client = Client::new(uri, http, env)?;
        let public = client.public_key()?;
        Ok(Self { client, public })
    }

    /// Creates an RSA key of `algorithm`'s size for signing (`kms:CreateKey`) and names it with
    /// the URI's alias (`kms:CreateAlias`), after checking the alias is free
    /// (`kms:DescribeKey`).
    pub fn generate(
        uri: &AwsKmsUri,
        http: &Http,
        env: &Env,
        algorithm: OrgKeyAlgorithm,
    ) -> Result<Self, AwsKmsError> {
        let alias = uri.alias().ok_or(AwsKmsError::NoAlias)?.to_string();
        let mut client = Client::new(uri, http, env)?;
        match client.call("DescribeKey", &json!({ "KeyId": alias })) {
            Ok(_) => return Err(AwsKmsError::AliasExists { alias }),
            Err(AwsKmsError::NotFound { .. }) => {}
            Err(error) => return Err(error),
        }
        let created = client.call(
            "CreateKey",
            &json!({
                "KeySpec": format!("RSA_{}", algorithm.bits()),
                "KeyUsage": "SIGN_VERIFY",
                "Description": "VeraId key created by kliento",
            }),
        )?;
        let key_id = created
            .pointer("/KeyMetadata/KeyId")
            .and_then(Value::as_str)
            .ok_or_else(|| client.bad_answer("CreateKey", "no KeyMetadata.KeyId"))?
            .to_string();
        client.call(
            "CreateAlias",
            &json!({ "AliasName": alias, "TargetKeyId": key_id }),
        )?;
        client.key = key_id;
        let public = client.public_key()?;
        Ok(Self { client, public })
    }

    /// The key's id (as KMS names it; an alias resolves to it once a key is created).
    pub fn key(&self) -> &str {
        &self.client.key
    }
}

/// The KMS signing algorithm for `hash`: RSASSA-PSS with MGF1 of the same hash and a salt as
/// long as the digest.
fn signing_algorithm(hash: HashAlgorithm) -> &'static str {
    match hash {
        HashAlgorithm::Sha256 => "RSASSA_PSS_SHA_256",
        HashAlgorithm::Sha384 => "RSASSA_PSS_SHA_384",
        HashAlgorithm::Sha512 => "RSASSA_PSS_SHA_512",
    }
}

impl Signer for AwsKmsKey {
    fn public_key(&self) -> &rsa::PublicKey {
        &self.public
    }

    fn sign_pss(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let answer = self.client.call(
            "Sign",
            &json!({
                "KeyId": self.client.key,
                "Message": STANDARD.encode(hash.digest(message)),
                "MessageType": "DIGEST",
                "SigningAlgorithm": signing_algorithm(hash),
            }),
        )?;
        let signature = answer
            .get("Signature")
            .and_then(Value::as_str)
            .and_then(|text| STANDARD.decode(text).ok())
            .ok_or_else(|| self.client.bad_answer("Sign", "no base64 Signature"))?;
        Ok(signature)
    }
}

/// The public key of the key `uri` names (`kms:GetPublicKey`).
pub fn read_public_key(
    uri: &AwsKmsUri,
    http: &Http,
    env: &Env,
) -> Result<rsa::PublicKey, AwsKmsError> {
    Client::new(uri, http, env)?.public_key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cosign_forms() {
        let uri = |text: &str| AwsKmsUri::parse(text).unwrap();
        assert_eq!(
            uri("awskms:///1234abcd-12ab-34cd-56ef-1234567890ab"),
            AwsKmsUri {
                endpoint: None,
                key: "1234abcd-12ab-34cd-56ef-1234567890ab".into()
            }
        );
        assert_eq!(
            uri("awskms:///alias/org-key").alias(),
            Some("alias/org-key")
        );
        let arn = uri("awskms:///arn:aws:kms:eu-west-1:111122223333:key/1234abcd");
        assert_eq!(arn.arn_region(), Some("eu-west-1"));
        assert_eq!(arn.alias(), None);
        let local = uri("awskms://localhost:4566/alias/x");
        assert_eq!(local.endpoint.as_deref(), Some("localhost:4566"));
        assert_eq!(local.to_string(), "awskms://localhost:4566/alias/x");
        assert!(AwsKmsUri::parse("awskms:///arn:aws:kms:eu-west-1:1:alias/org").is_ok());
    }

    #[test]
    fn an_explicit_endpoint_is_https_except_on_loopback() {
        let url = |host: &str| AwsKmsUri::endpoint_url(host).unwrap().to_string();
        assert_eq!(url("kms.example:8443"), "https://kms.example:8443/");
        assert_eq!(url("localhost:4566"), "http://localhost:4566/");
        assert_eq!(url("127.0.0.1:4566"), "http://127.0.0.1:4566/");
        assert_eq!(url("[::1]:4566"), "http://[::1]:4566/");
    }

    #[test]
    fn refuses_malformed_uris() {
        let error = |text: &str| AwsKmsUri::parse(text).unwrap_err().to_string();
        assert_eq!(
            error("awskms://"),
            "invalid AWS KMS URI: no key: write awskms:///KEY (or awskms://ENDPOINT/KEY)"
        );
        for bad in [
            "awskms:///",
            "awskms:///alias/",
            "awskms:///key id",
            "awskms:///arn:aws:s3:::bucket",
            "awskms:///a/b",
            "awskms:///arn:aws:kms:evil.example#:1:key/x",
            "awskms:///arn:aws:kms:EU-WEST-1:1:key/x",
            "awskms:///arn:aws:kms:eu-west-1:acct:key/x",
        ] {
            assert_eq!(
                error(bad),
                "invalid AWS KMS URI: the key is not a key id, a key ARN, alias/NAME or an \
                 alias ARN",
                "{bad}"
            );
        }
        for bad in [
            "awskms://user@host/alias/x",
            "awskms://host?x/alias/x",
            "awskms://host#x/alias/x",
            "awskms://host:port/alias/x",
        ] {
            assert_eq!(
                error(bad),
                "invalid AWS KMS URI: the endpoint is not HOST or HOST:PORT",
                "{bad}"
            );
        }
    }

    #[test]
    fn maps_each_hash_to_its_pss_algorithm() {
        assert_eq!(
            signing_algorithm(HashAlgorithm::Sha256),
            "RSASSA_PSS_SHA_256"
        );
        assert_eq!(
            signing_algorithm(HashAlgorithm::Sha384),
            "RSASSA_PSS_SHA_384"
        );
        assert_eq!(
            signing_algorithm(HashAlgorithm::Sha512),
            "RSASSA_PSS_SHA_512"
        );
    }
}
