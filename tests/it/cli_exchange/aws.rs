//! `--jwt-source aws`: STS GetWebIdentityToken on the loopback STS peer, which checks every
//! SigV4 signature with botocore, with credentials from each link of the chain (environment,
//! web identity, profile, container, IMDSv2); `auto`'s choice; no secret on stderr.

use super::*;
use crate::support::gate;
use crate::support::http::Request;
use crate::support::sts::{
    ASSUMED, CONTAINER, INSTANCE, Key, ROLE, SESSION, STATIC, StsPeer, WEB_IDENTITY_TOKEN, sts_peer,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The region every test signs for (the peer records it in the token).
const REGION: &str = "eu-west-3";

/// The peer, or `None` (the test is skipped, or fails under CI) without python3 and botocore.
fn peer() -> Option<&'static StsPeer> {
    gate::botocore().then(sts_peer)
}

/// An Authority that answers every exchange with a bundle.
fn new_authority() -> HttpServer {
    HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())])
}

/// `kliento exchange --jwt-source aws` against `peer`, in `REGION`, instance metadata off.
fn kliento_aws(peer: &StsPeer) -> Command {
    let mut command = kliento();
    command
        .env("AWS_ENDPOINT_URL_STS", &peer.url)
        .env("AWS_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

/// The variables of `key`.
fn with_key(command: &mut Command, key: Key) -> &mut Command {
    command
        .env("AWS_ACCESS_KEY_ID", key.id)
        .env("AWS_SECRET_ACCESS_KEY", key.secret);
    if let Some(token) = key.token {
        command.env("AWS_SESSION_TOKEN", token);
    }
    command
}

/// A header of a request the scripted server received.
fn header(request: &Request, name: &str) -> Option<String> {
    request.head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

/// The claims of the JWT the Authority received (the STS peer records its request in them).
fn claims_sent(authority: &HttpServer) -> serde_json::Value {
    let requests = authority.requests();
    assert_eq!(requests.len(), 1, "one exchange");
    let bearer = header(&requests[0], "authorization").expect("Authorization header");
    let jwt = bearer.strip_prefix("Bearer ").expect("a Bearer JWT");
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Every secret of `keys`, for [`assert_no_secrets`].
fn secrets_of(keys: &[Key]) -> Vec<&'static str> {
    keys.iter()
        .flat_map(|key| std::iter::once(key.secret).chain(key.token))
        .collect()
}

/// Runs `command` (with -vv), expects success, and checks what the STS peer saw: the exchange
/// URL as audience, the access key of `key`, the region; and that no secret (keys, the token,
/// the bundle) reached stderr; returns stderr.
fn assert_token_from(command: &mut Command, authority: &HttpServer, url: &str, key: Key) -> String {
    let output = command
        .args(["exchange", "-vv", "--jwt-source", "aws", url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let claims = claims_sent(authority);
    assert_eq!(claims["aud"], url, "audience: the exchange URL");
    assert_eq!(claims["akid"], key.id);
    assert_eq!(claims["region"], REGION);
    assert_eq!(claims["alg"], "RS256");
    assert_eq!(claims["session"], key.token.is_some());
    let jwt = header(&authority.requests()[0], "authorization").unwrap();
    let mut secrets = secrets_of(&[STATIC, SESSION, CONTAINER, INSTANCE, ASSUMED, ROLE]);
    let bundle = STANDARD.encode(outer_bundle());
    secrets.extend([&jwt["Bearer ".len()..], WEB_IDENTITY_TOKEN, bundle.as_str()]);
    let stderr = stderr_of(&output);
    assert_no_secrets(&stderr, &secrets);
    stderr
}

#[test]
fn aws_env_credentials_get_a_token_for_the_exchange_url() {
    let Some(peer) = peer() else { return };
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento_aws(peer);
    with_key(&mut command, STATIC);
    assert_token_from(&mut command, &authority, &url, STATIC);
}

#[test]
fn aws_session_token_is_sent_and_signed() {
    let Some(peer) = peer() else { return };
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento_aws(peer);
    with_key(&mut command, SESSION);
    assert_token_from(&mut command, &authority, &url, SESSION);

    // Without its session token, temporary credentials are refused.
    let output = kliento_aws(peer)
        .env("AWS_ACCESS_KEY_ID", SESSION.id)
        .env("AWS_SECRET_ACCESS_KEY", SESSION.secret)
        .args(["exchange", "--jwt-source", "aws", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("InvalidClientTokenId"));
}

#[test]
fn aws_wrong_secret_is_refused_without_leaking_it() {
    let Some(peer) = peer() else { return };
    let authority = new_authority();
    let wrong = "wrong/secret+KEY/EXAMPLE0123456789abcdefgh";
    let output = kliento_aws(peer)
        .env("AWS_ACCESS_KEY_ID", SESSION.id)
        .env("AWS_SECRET_ACCESS_KEY", wrong)
        .env("AWS_SESSION_TOKEN", SESSION.token.unwrap())
        .args([
            "exchange",
            "-vv",
            "--jwt-source",
            "aws",
            &exchange_url(&authority),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(&format!(
            "error: cannot obtain a JWT: aws: {}/ refused GetWebIdentityToken (HTTP 403: \
             SignatureDoesNotMatch: The request signature we calculated does not match",
            peer.url
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("; signed with the credentials from environment variables"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: AWS refused the credentials"),
        "{stderr}"
    );
    assert_no_secrets(&stderr, &[wrong, SESSION.token.unwrap()]);
    assert!(authority.requests().is_empty(), "no exchange without a JWT");
}

#[test]
fn aws_profile_credentials_and_region() {
    let Some(peer) = peer() else { return };
    let dir = crate::support::temp_dir();
    let credentials = crate::support::write(
        dir.path(),
        "credentials",
        format!(
            "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n\n\
             [dev]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            STATIC.id, STATIC.secret
        ),
    );
    let config = crate::support::write(
        dir.path(),
        "config",
        format!("[default]\nregion = us-east-1\n\n[profile dev]\nregion = {REGION}\n"),
    );
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento();
    command
        .env("AWS_ENDPOINT_URL_STS", &peer.url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PROFILE", "dev")
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_CONFIG_FILE", &config);
    assert_token_from(&mut command, &authority, &url, STATIC);
}

#[test]
fn aws_container_credentials_with_authorization_token_file() {
    let Some(peer) = peer() else { return };
    let dir = crate::support::temp_dir();
    let authorization = "container-authorization-EXAMPLE-token";
    let token_file = crate::support::write(dir.path(), "token", format!("{authorization}\n"));
    let body = serde_json::json!({
        "AccessKeyId": CONTAINER.id,
        "SecretAccessKey": CONTAINER.secret,
        "Token": CONTAINER.token,
        "Expiration": "2099-01-01T00:00:00Z",
    })
    .to_string();
    let container = HttpServer::start(move |request| {
        if header(request, "authorization").as_deref() == Some(authorization) {
            Answer::Reply(200, Some("application/json"), body.clone().into_bytes())
        } else {
            Answer::Reply(
                401,
                Some("application/json"),
                br#"{"message":"no"}"#.to_vec(),
            )
        }
    });
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento_aws(peer);
    command
        .env(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/v2/credentials/abc", container.base),
        )
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file);
    let stderr = assert_token_from(&mut command, &authority, &url, CONTAINER);
    assert_no_secrets(&stderr, &[authorization]);
    let requests = container.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .head
            .starts_with("GET /v2/credentials/abc HTTP/1.1\r\n")
    );
}

#[test]
fn aws_instance_metadata_v2_gives_region_and_credentials_with_its_session_token() {
    let Some(peer) = peer() else { return };
    let session = "imds-session-token-EXAMPLE";
    let body = serde_json::json!({
        "Code": "Success",
        "Type": "AWS-HMAC",
        "AccessKeyId": INSTANCE.id,
        "SecretAccessKey": INSTANCE.secret,
        "Token": INSTANCE.token,
        "Expiration": "2099-01-01T00:00:00Z",
    })
    .to_string();
    let imds = HttpServer::start(move |request| {
        let reply = |status, text: &str| Answer::Reply(status, None, text.as_bytes().to_vec());
        if request.method == "PUT" {
            return match (
                request.path.as_str(),
                header(request, "x-aws-ec2-metadata-token-ttl-seconds"),
            ) {
                ("/latest/api/token", Some(_)) => reply(200, session),
                _ => reply(400, ""),
            };
        }
        if header(request, "x-aws-ec2-metadata-token").as_deref() != Some(session) {
            return reply(401, "");
        }
        match request.path.as_str() {
            "/latest/meta-data/placement/region" => reply(200, REGION),
            "/latest/meta-data/iam/security-credentials/" => reply(200, "kliento-role\n"),
            "/latest/meta-data/iam/security-credentials/kliento-role" => reply(200, &body),
            _ => reply(404, ""),
        }
    });
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento();
    command
        .env("AWS_ENDPOINT_URL_STS", &peer.url)
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.base);
    let stderr = assert_token_from(&mut command, &authority, &url, INSTANCE);
    assert_no_secrets(&stderr, &[session]);
    let asked: Vec<String> = imds
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        asked,
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/placement/region",
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/kliento-role",
        ]
    );
}

#[test]
fn aws_web_identity_assumes_the_role_at_sts() {
    let Some(peer) = peer() else { return };
    let dir = crate::support::temp_dir();
    let token_file = crate::support::write(
        dir.path(),
        "web-identity",
        format!("{WEB_IDENTITY_TOKEN}\n"),
    );
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento_aws(peer);
    command
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file)
        .env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/kliento");
    assert_token_from(&mut command, &authority, &url, ASSUMED);

    // A token STS does not accept: its refusal is shown, the token is not.
    let wrong = crate::support::write(dir.path(), "wrong", "eyJhbGciOiJub25lIn0.e30.d3Jvbmc");
    let output = kliento_aws(peer)
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &wrong)
        .env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/kliento")
        .args(["exchange", "--jwt-source", "aws", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("refused AssumeRoleWithWebIdentity (HTTP 400: InvalidIdentityToken"),
        "{stderr}"
    );
    assert_no_secrets(&stderr, &["eyJhbGciOiJub25lIn0.e30.d3Jvbmc"]);
}

#[test]
fn aws_endpoint_url_is_the_fallback_of_the_sts_one() {
    let Some(peer) = peer() else { return };
    // AWS_ENDPOINT_URL alone is used.
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento();
    command
        .env("AWS_ENDPOINT_URL", &peer.url)
        .env("AWS_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    with_key(&mut command, STATIC);
    assert_token_from(&mut command, &authority, &url, STATIC);

    // AWS_ENDPOINT_URL_STS wins over it (a dead port here).
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento_aws(peer);
    command.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    with_key(&mut command, STATIC);
    assert_token_from(&mut command, &authority, &url, STATIC);
}

#[test]
fn auto_picks_aws_when_aws_credentials_are_configured() {
    let Some(peer) = peer() else { return };
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento_aws(peer);
    with_key(&mut command, STATIC);
    let output = command
        .args(["exchange", "--format", "json", &url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["jwtSource"], "aws");
    assert_eq!(claims_sent(&authority)["akid"], STATIC.id);
}

#[test]
fn auto_prefers_github_actions_to_aws_credentials() {
    // No STS needed: GitHub's token endpoint answers first.
    let authority = new_authority();
    let body = format!(r#"{{"value":"{SAMPLE_JWT}"}}"#).into_bytes();
    let github = HttpServer::scripted(vec![Answer::Reply(200, Some("application/json"), body)]);
    let mut command = kliento();
    command
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/token?api-version=2.0", github.base),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token-value")
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    with_key(&mut command, STATIC);
    let output = command
        .args(["exchange", "--format", "json", &exchange_url(&authority)])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["jwtSource"], "github");
}

#[test]
fn auto_picks_aws_for_a_profile_with_keys_only() {
    let dir = crate::support::temp_dir();
    let aws = dir.path().join(".aws");
    std::fs::create_dir(&aws).unwrap();
    let url = "https://authority.example/credentials/signatureBundles/x";
    // A profile with a region only: AWS is not configured, nothing applies.
    crate::support::write(&aws, "config", "[default]\nregion = eu-west-3\n");
    kliento()
        .env("HOME", dir.path())
        .args(["exchange", url])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: no JWT source applies here; looked for:",
        ));
    // With keys, auto picks AWS (and STS is asked: a dead port here).
    crate::support::write(
        &aws,
        "credentials",
        format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            STATIC.id, STATIC.secret
        ),
    );
    let output = kliento()
        .env("HOME", dir.path())
        .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
        .args(["exchange", "--retries", "0", url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("error: cannot obtain a JWT: aws: cannot connect to http://127.0.0.1:9/"),
        "{stderr}"
    );
    assert_no_secrets(&stderr, &[STATIC.secret]);
}

#[test]
fn cached_bundle_is_not_reused_by_another_aws_identity() {
    let Some(peer) = peer() else { return };
    let home = crate::support::temp_dir();
    let bundle = crate::cli_exchange_cache::bundle_valid_for(3600);
    let authority = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), bundle)]);
    let url = exchange_url(&authority);
    let run = |key: Key| {
        let mut command = kliento_aws(peer);
        with_key(&mut command, key)
            .env("XDG_CACHE_HOME", home.path())
            .args(["exchange", "--cache", "--jwt-source", "aws", &url])
            .assert()
            .success();
    };
    run(STATIC);
    run(STATIC);
    assert_eq!(authority.requests().len(), 1, "the same identity reuses");
    run(SESSION);
    assert_eq!(authority.requests().len(), 2, "another identity exchanges");
}

#[test]
fn aws_profile_role_is_assumed_with_the_source_profile_keys() {
    let Some(peer) = peer() else { return };
    let dir = crate::support::temp_dir();
    let credentials = crate::support::write(
        dir.path(),
        "credentials",
        format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            STATIC.id, STATIC.secret
        ),
    );
    let config = crate::support::write(
        dir.path(),
        "config",
        "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n\
         source_profile = base\nrole_session_name = ci\n",
    );
    let authority = new_authority();
    let url = exchange_url(&authority);
    let mut command = kliento_aws(peer);
    command
        .env("AWS_PROFILE", "deploy")
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_CONFIG_FILE", &config);
    assert_token_from(&mut command, &authority, &url, ROLE);

    // A source profile without keys is refused, naming it.
    std::fs::write(&credentials, "[base]\nregion = eu-west-3\n").unwrap();
    let output = kliento_aws(peer)
        .env("AWS_PROFILE", "deploy")
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_CONFIG_FILE", &config)
        .args(["exchange", "--jwt-source", "aws", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr_of(&output).contains("profile base in ")
            && stderr_of(&output)
                .contains("a source_profile needs aws_access_key_id and aws_secret_access_key"),
        "{}",
        stderr_of(&output)
    );
}
