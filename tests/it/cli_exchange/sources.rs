//! Where the JWT comes from: GitHub, GCP, Azure, Kubernetes, files and variables, with their
//! audiences, bounds and refusals.

use super::*;

#[test]
fn github_sends_url_encoded_audience_and_request_token() {
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let body = format!(r#"{{"count":1,"value":"{SAMPLE_JWT}"}}"#).into_bytes();
    let github = HttpServer::scripted(vec![Answer::Reply(200, Some("application/json"), body)]);
    let url = format!("{}/credentials/signatureBundles/a?b=c", authority.base);
    let output = kliento()
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/token?api-version=2.0", github.base),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token-value")
        .args(["exchange", "-vv", &url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let request = &github.requests()[0].head;
    let expected = format!(
        "GET /token?api-version=2.0&audience={} HTTP/1.1\r\n",
        crate::support::http::url_encode(&url)
    );
    assert!(request.starts_with(&expected), "{request}");
    assert!(
        request
            .to_ascii_lowercase()
            .contains("authorization: bearer request-token-value\r\n")
    );
    assert_no_secrets(
        stderr_of(&output),
        &[
            "request-token-value",
            SAMPLE_JWT,
            &STANDARD.encode(outer_bundle()),
        ],
    );
}

#[test]
fn github_token_endpoint_refusal_is_reported_without_retry() {
    let github = HttpServer::scripted(vec![Answer::Reply(
        401,
        Some("application/json"),
        br#"{"message":"Bad credentials"}"#.to_vec(),
    )]);
    kliento()
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", format!("{}/token?api-version=2.0", github.base))
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token-value")
        .args(["exchange", "https://authority.example/x"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "error: cannot obtain a JWT: github: the token endpoint {}/token refused (HTTP 401: Bad credentials)",
            github.base
        )));
    assert_eq!(github.requests().len(), 1);
}

#[test]
fn gcp_asks_metadata_server_for_full_identity_token() {
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let metadata = HttpServer::scripted(vec![Answer::Reply(
        200,
        Some("application/text"),
        SAMPLE_JWT.as_bytes().to_vec(),
    )]);
    let url = exchange_url(&authority);
    kliento()
        .env(
            "GCE_METADATA_HOST",
            metadata.base.trim_start_matches("http://"),
        )
        .args(["exchange", &url])
        .assert()
        .success();
    let request = &metadata.requests()[0].head;
    let expected = format!(
        "GET /computeMetadata/v1/instance/service-accounts/default/identity?audience={}&format=full HTTP/1.1\r\n",
        crate::support::http::url_encode(&url)
    );
    assert!(request.starts_with(&expected), "{request}");
    assert!(
        request
            .to_ascii_lowercase()
            .contains("metadata-flavor: google\r\n")
    );
}

#[test]
fn azure_asks_imds_for_resource_token() {
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let body = format!(r#"{{"access_token":"{SAMPLE_JWT}"}}"#).into_bytes();
    let imds = HttpServer::scripted(vec![Answer::Reply(200, Some("application/json"), body)]);
    let url = exchange_url(&authority);
    kliento()
        .env("AZURE_POD_IDENTITY_AUTHORITY_HOST", &imds.base)
        .env("AZURE_CLIENT_ID", "11111111-2222")
        .args(["exchange", "--jwt-source", "azure", &url])
        .assert()
        .success();
    let request = &imds.requests()[0].head;
    let expected = format!(
        "GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource={}&client_id=11111111-2222 HTTP/1.1\r\n",
        crate::support::http::url_encode(&url)
    );
    assert!(request.starts_with(&expected), "{request}");
    assert!(request.to_ascii_lowercase().contains("metadata: true\r\n"));
}

#[test]
fn jwt_audience_overrides_the_audience_asked_for() {
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let metadata = HttpServer::scripted(vec![Answer::Reply(
        200,
        None,
        SAMPLE_JWT.as_bytes().to_vec(),
    )]);
    kliento()
        .env(
            "GCE_METADATA_HOST",
            metadata.base.trim_start_matches("http://"),
        )
        .args([
            "exchange",
            &exchange_url(&authority),
            "--jwt-audience",
            "urn:other",
        ])
        .assert()
        .success();
    assert!(
        metadata.requests()[0]
            .head
            .contains("?audience=urn%3Aother&format=full ")
    );
}

#[test]
fn env_source_reads_named_variable() {
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let output = kliento()
        .env("CI_JOB_JWT", SAMPLE_JWT)
        .args([
            "exchange",
            &exchange_url(&server),
            "--jwt-env",
            "CI_JOB_JWT",
            "-vv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(&format!("<redacted, {} bytes>", SAMPLE_JWT.len())),
        "{stderr}"
    );
    assert_no_secrets(&stderr, &[SAMPLE_JWT, &STANDARD.encode(outer_bundle())]);
}

#[test]
fn file_source_rejects_file_that_is_not_a_jwt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "not a token").unwrap();
    kliento()
        .args(["exchange", "https://authority.example/x", "--jwt-file"])
        .arg(&path)
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: cannot obtain a JWT: file: the token is not a JWT: a JWT has 3 dot-separated parts, this token has 1",
        ));
}

#[test]
fn kubernetes_source_reads_projected_token_file() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--jwt-source",
            "kubernetes",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .success();
    assert!(server.requests()[0].head.contains(SAMPLE_JWT));
}

/// Issue 8, rule: every input is read with a bound; a JWT file over 16 KiB is refused unread.
#[test]
fn jwt_file_is_read_with_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jwt");
    std::fs::write(&big, vec![b'a'; 4 * 1024 * 1024]).unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    for path in [big.as_path(), std::path::Path::new("/dev/zero")] {
        kliento()
            .args(["exchange", &exchange_url(&server), "--jwt-file"])
            .arg(path)
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(4)
            .stderr(predicate::str::contains("over the 16384-byte limit"));
    }
    assert!(server.requests().is_empty());
}

/// 17.1: the same for a JWT source (a GCE metadata server dripping the identity token).
#[test]
fn timeout_bounds_the_whole_body_of_a_dripping_metadata_server() {
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let drip = std::time::Duration::from_millis(200);
    let metadata = HttpServer::scripted(vec![Answer::Drip(
        200,
        "application/text",
        vec![b'0'; 1000],
        drip,
    )]);
    let (output, took) = timed(
        kliento()
            .env(
                "GCE_METADATA_HOST",
                metadata.base.trim_start_matches("http://"),
            )
            .args(["exchange", &exchange_url(&authority)])
            .args(["--jwt-source", "gcp", "--timeout", "1", "--retries", "1"]),
    );
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(took < std::time::Duration::from_secs(4), "took {took:?}");
    assert!(authority.requests().is_empty());
}

/// 17.10: a JWT with a control character is malformed input: refused once, nothing sent.
#[test]
fn jwt_with_control_characters_fails_once_without_a_request() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let path = dir.path().join("jwt");
    std::fs::write(&path, format!("{SAMPLE_JWT}\u{1}x")).unwrap();
    kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(&path)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("cannot be in a JWT"));
    assert!(server.requests().is_empty());
}

/// 17.5: a FIFO as `--jwt-file` never blocks: without a writer it reads as empty; with a writer
/// that never finishes it is given up at `--timeout` (before: blocked forever).
#[cfg(unix)]
#[test]
fn jwt_fifo_never_blocks_forever() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let fifo = dir.path().join("jwt.fifo");
    mkfifo(&fifo);
    let started = std::time::Instant::now();
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--timeout",
            "1",
            "--jwt-file",
        ])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(10))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("the token is empty"));
    // A writer that holds the FIFO open and sends nothing.
    let mut writer = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec 3>'{}'; sleep 20", fifo.display()))
        .spawn()
        .unwrap();
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--timeout",
            "1",
            "--jwt-file",
        ])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(10))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("did not end in time"));
    let _ = writer.kill();
    let _ = writer.wait();
    assert!(started.elapsed() < std::time::Duration::from_secs(8));
    assert!(server.requests().is_empty());
}
