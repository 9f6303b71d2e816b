//! `kliento exchange` against scripted loopback servers (std::net, no node): transport rules,
//! retries, timeouts, content checks, JWT sources read from the environment, and outputs.

use crate::support::http::{Answer, HttpServer};
use crate::support::kliento;
use crate::support::peers::{SAMPLE_JWT, assert_no_secrets, jwt_file, outer_bundle};
use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use predicates::prelude::*;

const BUNDLE_TYPE: &str = "application/vnd.veraid.signature-bundle";

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn exchange_url(server: &HttpServer) -> String {
    format!("{}/credentials/signatureBundles/abc", server.base)
}

#[test]
fn sends_bearer_jwt_and_accept_header_then_prints_base64_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .success()
        .stdout(format!("{}\n", STANDARD.encode(outer_bundle())));
    let request = server.requests().remove(0).head;
    assert!(request.starts_with("GET /credentials/signatureBundles/abc HTTP/1.1\r\n"));
    let lower = request.to_ascii_lowercase();
    assert!(lower.contains(&format!(
        "authorization: bearer {}\r\n",
        SAMPLE_JWT.to_ascii_lowercase()
    )));
    assert!(lower.contains(&format!("accept: {BUNDLE_TYPE}\r\n")));
}

#[test]
fn accepts_base64_answer_when_asked_for_base64_transfer() {
    let dir = tempfile::tempdir().unwrap();
    let body = STANDARD.encode(outer_bundle()).into_bytes();
    let server = HttpServer::scripted(vec![Answer::Reply(
        200,
        Some("application/vnd.veraid.signature-bundle+base64"),
        body.clone(),
    )]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--transfer",
            "base64",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .success()
        .stdout(format!("{}\n", String::from_utf8(body).unwrap()));
    assert!(
        server.requests()[0]
            .head
            .to_ascii_lowercase()
            .contains("accept: application/vnd.veraid.signature-bundle+base64\r\n")
    );
}

#[test]
fn header_encoding_prints_kliento_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--encoding",
            "header",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .success()
        .stdout(format!("Kliento {}\n", STANDARD.encode(outer_bundle())));
}

#[test]
fn der_encoding_writes_exact_bytes_to_private_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle.der");
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--encoding",
            "der",
            "-o",
        ])
        .arg(&out)
        .arg("--jwt-file")
        .arg(jwt_file(dir.path()))
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read(&out).unwrap(), outer_bundle());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn json_format_reports_bundle_with_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let output = kliento()
        .args([
            "--format",
            "json",
            "exchange",
            &exchange_url(&server),
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schemaVersion"], 1);
    assert_eq!(json["jwtSource"], "file");
    assert_eq!(json["bytes"], outer_bundle().len());
    assert_eq!(json["bundle"], STANDARD.encode(outer_bundle()));
}

#[test]
fn github_output_masks_bundle_and_appends_heredoc_output() {
    let dir = tempfile::tempdir().unwrap();
    let github_output = dir.path().join("github_output");
    std::fs::write(&github_output, "earlier=1\n").unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let base64 = STANDARD.encode(outer_bundle());
    let output = kliento()
        .env("GITHUB_OUTPUT", &github_output)
        .args([
            "exchange",
            &exchange_url(&server),
            "--github-output",
            "bundle",
            "--encoding",
            "header",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("::add-mask::{base64}\n")
    );
    let written = std::fs::read_to_string(&github_output).unwrap();
    let rest = written.strip_prefix("earlier=1\nbundle<<").unwrap();
    let (delimiter, rest) = rest.split_once('\n').unwrap();
    assert!(delimiter.starts_with("ghadelimiter_"), "{delimiter}");
    assert_eq!(rest, format!("Kliento {base64}\n{delimiter}\n"));
}

#[test]
fn github_output_outside_actions_is_an_environment_error() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--github-output",
            "bundle",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("error: GITHUB_OUTPUT is not set"));
}

#[test]
fn retries_5xx_then_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![
        Answer::Reply(502, None, Vec::new()),
        Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle()),
    ]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--retries",
            "1",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .success();
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn gives_up_after_retries_on_persistent_5xx() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(500, None, Vec::new())]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--retries",
            "2",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: exchange failed: the Authority refused the exchange (HTTP 500)",
        ))
        .stderr(predicate::str::contains(
            "hint: the Authority is failing; retry later",
        ));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn never_retries_4xx() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(401, None, Vec::new())]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--retries",
            "3",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: exchange failed: the Authority refused the exchange (HTTP 401)",
        ))
        .stderr(predicate::str::contains(
            "hint: the Authority refused the Bearer JWT",
        ));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn times_out_on_server_that_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Hang]);
    kliento()
        .args([
            "exchange",
            &exchange_url(&server),
            "--timeout",
            "1",
            "--retries",
            "1",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("in time").and(predicate::str::contains("(after 2 attempts)")),
        )
        .stderr(predicate::str::contains(
            "hint: the server did not answer in time; raise --timeout",
        ));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn reports_connection_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Bind then drop: nothing listens on the port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    kliento()
        .args([
            "exchange",
            &format!("http://127.0.0.1:{port}/x"),
            "--retries",
            "0",
            "--jwt-file",
        ])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "error: exchange failed: cannot connect to http://127.0.0.1:{port}/x"
        )));
}

#[test]
fn rejects_success_with_wrong_content_type() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(
        200,
        Some("text/html"),
        b"<html></html>".to_vec(),
    )]);
    kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: exchange failed: the answer is not a signature bundle (content type text/html)",
        ))
        .stderr(predicate::str::contains(
            "hint: check that the URL is a VeraId Authority exchange URL",
        ));
}

#[test]
fn rejects_garbage_body_with_bundle_content_type() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(
        200,
        Some(BUNDLE_TYPE),
        b"garbage".to_vec(),
    )]);
    kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: exchange failed: the answer is not a valid signature bundle: not a DER-encoded signature bundle",
        ));
}

#[test]
fn rejects_answer_larger_than_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(
        200,
        Some(BUNDLE_TYPE),
        vec![0x30; 70_000],
    )]);
    kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("is larger than 65536 bytes"));
}

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

#[test]
fn https_to_server_without_tls_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, None, b"not tls".to_vec())]);
    let url = format!("{}/x", server.base.replace("http://", "https://"));
    kliento()
        .args(["exchange", &url, "--retries", "0", "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stderr(predicate::str::starts_with(format!(
            "error: exchange failed: cannot connect to {url}: "
        )));
}

/// Issue 8, rule: every usage check on the outputs (`--github-output` name, `$GITHUB_OUTPUT`
/// set and writable, `-o` usable) happens before any network request or secret is touched.
#[test]
fn output_checks_happen_before_any_network_request_or_secret() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let existing = dir.path().join("existing.b64");
    std::fs::write(&existing, "precious").unwrap();
    let github_output = dir.path().join("github_output");
    std::fs::write(&github_output, "").unwrap();
    let read_only = dir.path().join("missing-dir/github_output");
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, "s3cret").unwrap();
    let cases: Vec<(Vec<String>, Option<&std::path::Path>, i32, &str)> = vec![
        (
            vec!["--github-output".into(), "bundle".into()],
            None,
            4,
            "GITHUB_OUTPUT is not set",
        ),
        (
            vec!["--github-output".into(), "a=b".into()],
            Some(&github_output),
            2,
            "is not a usable output name",
        ),
        (
            vec!["--github-output".into(), "bundle".into()],
            Some(&read_only),
            4,
            "cannot append to",
        ),
        (
            vec!["-o".into(), existing.display().to_string()],
            None,
            2,
            "already exists; refusing to overwrite it",
        ),
        (
            vec!["-o".into(), dir.path().display().to_string()],
            None,
            2,
            "is a directory",
        ),
    ];
    for (flags, github_output, code, message) in cases {
        let mut cmd = kliento();
        cmd.args(["exchange", &exchange_url(&server)])
            .args(&flags)
            // An OIDC source whose secret and issuer would be touched first otherwise.
            .args(["--oidc-issuer", &server.base, "--client-id", "c"])
            .arg("--client-secret-file")
            .arg(&secret_file);
        if let Some(path) = github_output {
            cmd.env("GITHUB_OUTPUT", path);
        }
        let output = cmd.output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(code),
            "{flags:?}: {}",
            stderr_of(&output)
        );
        assert!(
            stderr_of(&output).contains(message),
            "{flags:?}: {}",
            stderr_of(&output)
        );
        assert!(output.stdout.is_empty(), "{flags:?}: something was printed");
    }
    assert!(server.requests().is_empty(), "a request was sent");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");
}

/// Issue 8, rule: one overwrite rule for every command: `exchange -o` replaces an existing file
/// only with `--force`.
#[test]
fn output_file_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle.b64");
    std::fs::write(&out, "precious").unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .args(["exchange", &exchange_url(&server), "--force", "-o"])
        .arg(&out)
        .arg("--jwt-file")
        .arg(jwt_file(dir.path()))
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{}\n", STANDARD.encode(outer_bundle()))
    );
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

/// Issue 8, rule: usage checks come before any request: DER to a terminal is refused before the
/// JWT is fetched or the Authority asked (run under `script`, which gives kliento a terminal).
#[cfg(target_os = "linux")]
#[test]
fn der_to_a_terminal_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let command = format!(
        "{} exchange {} --encoding der --jwt-file {}",
        crate::support::binary().display(),
        exchange_url(&server),
        jwt_file(dir.path()).display()
    );
    let Some((code, text)) = crate::support::terminal::in_terminal(&command) else {
        return;
    };
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("refusing to write binary output to a terminal"),
        "{text}"
    );
    assert!(server.requests().is_empty(), "a request was sent");
}

// Issue 17: `exchange` against misbehaving loopback peers.

/// Runs kliento and returns the output and how long it took.
fn timed(command: &mut Command) -> (std::process::Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let output = command.output().unwrap();
    (output, started.elapsed())
}

/// 17.1: `--timeout` bounds the whole answer: headers at once, then one body byte every 200 ms
/// (before, each byte restarted the timer: 1000 bytes took 200 s).
#[test]
fn timeout_bounds_the_whole_body_of_a_dripping_authority() {
    let dir = tempfile::tempdir().unwrap();
    let drip = std::time::Duration::from_millis(200);
    let server = HttpServer::scripted(vec![Answer::Drip(200, BUNDLE_TYPE, vec![b'0'; 1000], drip)]);
    let (output, took) = timed(
        kliento()
            .args(["exchange", &exchange_url(&server)])
            .args(["--timeout", "2", "--retries", "0", "--jwt-file"])
            .arg(jwt_file(dir.path())),
    );
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("in time"), "{stderr}");
    assert!(took < std::time::Duration::from_secs(4), "took {took:?}");
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

/// 17.1: `-v` states both deadlines.
#[test]
fn verbose_states_the_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let output = kliento()
        .args(["-v", "exchange", &exchange_url(&server)])
        .args(["--timeout", "3", "--retries", "1", "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "deadlines: 3 s per attempt (connect, headers and body), 18 s for the whole command"
        ),
        "{stderr}"
    );
}

/// 17.10: a 429 with `Retry-After` is retried after the time asked (within the deadline).
#[test]
fn too_many_requests_is_retried_after_the_time_asked() {
    let dir = tempfile::tempdir().unwrap();
    let busy = "HTTP/1.1 429 X\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let server = HttpServer::scripted(vec![
        Answer::Raw(busy.into()),
        Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle()),
    ]);
    let (output, took) = timed(
        kliento()
            .args(["exchange", &exchange_url(&server), "--jwt-file"])
            .arg(jwt_file(dir.path())),
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(server.requests().len(), 2);
    assert!(took >= std::time::Duration::from_secs(1), "took {took:?}");
}

/// 17.10: a `Retry-After` beyond the overall deadline is not waited for.
#[test]
fn too_many_requests_past_the_deadline_is_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let busy =
        "HTTP/1.1 429 X\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let server = HttpServer::scripted(vec![Answer::Raw(busy.into())]);
    let (output, took) = timed(
        kliento()
            .args(["exchange", &exchange_url(&server), "--jwt-file"])
            .arg(jwt_file(dir.path())),
    );
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr_of(&output).contains("HTTP 429"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(server.requests().len(), 1);
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
}

/// 17.10: a redirect is reported as a redirect, with where it pointed (escaped).
#[test]
fn redirect_is_reported_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let moved = "HTTP/1.1 302 X\r\nLocation: https://elsewhere.example/x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let server = HttpServer::scripted(vec![Answer::Raw(moved.into())]);
    let output = kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("redirect (HTTP 302) to https://elsewhere.example/x"),
        "{stderr}"
    );
    assert!(!stderr.contains("Authority's logs"), "{stderr}");
    assert_eq!(server.requests().len(), 1);
}

/// 17.10: only 200 is success; a 206 carrying a bundle is not.
#[test]
fn partial_content_is_not_success() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(206, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stdout("");
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

/// 17.7 and 17.10: userinfo and fragments in the exchange URL are usage errors, and the
/// password is never printed.
#[test]
fn credentials_and_fragments_in_the_url_are_refused() {
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let port = server.base.trim_start_matches("http://127.0.0.1:");
    for url in [
        format!("http://alice:s3cr3tpw@127.0.0.1:{port}/x"),
        format!("http://127.0.0.1:{port}/x#frag"),
        "http://alice:s3cr3tpw@[::1/x".to_string(),
    ] {
        let output = kliento()
            .args(["-v", "exchange", &url, "--jwt-env", "T"])
            .env("T", SAMPLE_JWT)
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{url}: {stderr}");
        assert!(!stderr.contains("s3cr3tpw"), "{stderr}");
    }
    assert!(server.requests().is_empty());
}

/// 17.6: a bundle over 16 KiB is refused (no verifier accepts it), not printed.
#[test]
fn bundle_over_16_kib_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A DER SEQUENCE of 17,000 bytes: the size is checked before the structure.
    let mut der = vec![0x30, 0x82, 0x42, 0x68];
    der.resize(4 + 0x4268, 0);
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), der)]);
    kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains("over the 16384-byte limit"));
}

/// 17.4: `-o -` writes the bundle to stdout and creates no file named `-`.
#[test]
fn output_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    kliento()
        .current_dir(dir.path())
        .args(["exchange", &exchange_url(&server), "-o", "-", "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .assert()
        .success()
        .stdout(format!("{}\n", STANDARD.encode(outer_bundle())));
    assert!(!dir.path().join("-").exists());
}

/// 17.3: server text is escaped, bounded, and scrubbed of the JWT it reflects.
#[test]
fn server_text_is_escaped_bounded_and_scrubbed() {
    let dir = tempfile::tempdir().unwrap();
    let problem = serde_json::json!({
        "type": format!("x\u{1b}[31m\r\nerror: forged {SAMPLE_JWT} {}", "A".repeat(50_000)),
    });
    let server = HttpServer::scripted(vec![Answer::Reply(
        400,
        Some("application/problem+json"),
        problem.to_string().into_bytes(),
    )]);
    let output = kliento()
        .args(["exchange", &exchange_url(&server), "--jwt-file"])
        .arg(jwt_file(dir.path()))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert_no_secrets(&stderr, &[SAMPLE_JWT]);
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{stderr}"
    );
    assert!(stderr.len() < 2000, "{} bytes", stderr.len());
}

/// 17.3: a token endpoint that reflects the client secret into its error gets it scrubbed
/// (as sent and form-encoded).
#[test]
fn reflected_client_secret_is_scrubbed() {
    let secret = "very/secret value+1";
    let provider = HttpServer::scripted_with(|base| {
        let discovery = serde_json::json!({
            "issuer": base,
            "token_endpoint": format!("{base}/token"),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        });
        let refusal = serde_json::json!({
            "error": "invalid_client",
            "error_description": format!(
                "bad client_secret={} ({secret})",
                crate::support::http::url_encode(secret)
            ),
        });
        vec![
            Answer::Reply(
                200,
                Some("application/json"),
                discovery.to_string().into_bytes(),
            ),
            Answer::Reply(
                401,
                Some("application/json"),
                refusal.to_string().into_bytes(),
            ),
        ]
    });
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let output = kliento()
        .env("SECRET", secret)
        .args([
            "exchange",
            &exchange_url(&authority),
            "--oidc-issuer",
            &provider.base,
        ])
        .args(["--client-id", "kliento", "--client-secret-env", "SECRET"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("invalid_client"), "{stderr}");
    assert_no_secrets(
        &stderr,
        &[secret, &crate::support::http::url_encode(secret)],
    );
    assert!(stderr.contains("<redacted>"), "{stderr}");
}

/// 17.2: proxy variables never carry plain-http or loopback traffic (the Bearer JWT and the
/// metadata answer stay off the proxy).
#[test]
fn proxy_variables_never_carry_loopback_or_plain_http_requests() {
    let proxy = HttpServer::scripted(vec![Answer::Reply(502, None, Vec::new())]);
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let metadata = HttpServer::scripted(vec![Answer::Reply(
        200,
        Some("application/text"),
        SAMPLE_JWT.as_bytes().to_vec(),
    )]);
    let mut command = kliento();
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env(name, &proxy.base);
    }
    let output = command
        .env(
            "GCE_METADATA_HOST",
            metadata.base.trim_start_matches("http://"),
        )
        .args([
            "-v",
            "exchange",
            &exchange_url(&authority),
            "--jwt-source",
            "gcp",
        ])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
    assert_eq!(metadata.requests().len(), 1);
    assert_eq!(authority.requests().len(), 1);
    assert!(stderr.contains("goes direct (no proxy)"), "{stderr}");
}

/// 17.2: https to a remote host goes through HTTPS_PROXY as a CONNECT tunnel, `-v` says so,
/// and the proxy's credentials are not printed.
#[test]
fn https_goes_through_the_proxy_tunnelled_and_verbose_says_so() {
    let proxy = HttpServer::scripted(vec![Answer::Reply(502, None, Vec::new())]);
    let proxy_url = proxy.base.replace("http://", "http://bob:pr0xypw@");
    let output = kliento()
        .env("HTTPS_PROXY", &proxy_url)
        .env("T", SAMPLE_JWT)
        .args([
            "-v",
            "exchange",
            "https://authority.example/credentials/x",
            "--jwt-env",
            "T",
            "--retries",
            "0",
        ])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("through the proxy {}/", proxy.base)),
        "{stderr}"
    );
    assert!(!stderr.contains("pr0xypw"), "{stderr}");
    let requests = proxy.requests();
    assert!(
        requests[0]
            .head
            .starts_with("CONNECT authority.example:443 "),
        "{requests:?}"
    );
    assert!(
        !requests[0]
            .head
            .to_ascii_lowercase()
            .contains("authorization: bearer")
    );
}

/// Makes a FIFO at `path`.
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
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

/// 17.5 and 17.8: a client secret file must be a private regular file; /dev/zero, a FIFO and a
/// 0644 file are refused before anything is read or sent.
#[cfg(unix)]
#[test]
fn client_secret_file_must_be_private_and_regular() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let provider = HttpServer::scripted(vec![Answer::Reply(500, None, Vec::new())]);
    let open = dir.path().join("open.secret");
    std::fs::write(&open, "s3cr3t").unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
    let fifo = dir.path().join("secret.fifo");
    mkfifo(&fifo);
    for (path, expected) in [
        (open.as_path(), "mode 0644"),
        (std::path::Path::new("/dev/zero"), "not a regular file"),
        (fifo.as_path(), "not a regular file"),
    ] {
        kliento()
            .args([
                "exchange",
                "https://authority.example/x",
                "--oidc-issuer",
                &provider.base,
            ])
            .args(["--client-id", "kliento", "--client-secret-file"])
            .arg(path)
            .timeout(std::time::Duration::from_secs(10))
            .assert()
            .code(4)
            .stderr(predicate::str::contains(expected));
    }
    assert!(provider.requests().is_empty());
}

/// A client secret that is not UTF-8 text is malformed input (exit 3), as a trust-anchors file
/// that is not UTF-8 is: the exit code follows what is wrong, not which flag read it.
#[cfg(unix)]
#[test]
fn a_client_secret_that_is_not_text_is_malformed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let provider = HttpServer::scripted(vec![Answer::Reply(500, None, Vec::new())]);
    let secret = dir.path().join("binary.secret");
    std::fs::write(&secret, [0xff, 0xfe, 0x00, 0x80]).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    kliento()
        .args([
            "exchange",
            "https://authority.example/x",
            "--oidc-issuer",
            &provider.base,
        ])
        .args(["--client-id", "kliento", "--client-secret-file"])
        .arg(&secret)
        .timeout(std::time::Duration::from_secs(10))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is not UTF-8 text"));
    assert!(provider.requests().is_empty());
    let anchors = dir.path().join("anchors.ds");
    std::fs::write(&anchors, [0xff, 0xfe]).unwrap();
    kliento()
        .args(["verify", "--audience", "a", "--trust-anchors"])
        .arg(&anchors)
        .arg(dir.path().join("absent"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("is not UTF-8 text"));
}

/// Sends one HTTP GET to the redirect listener and returns the answer.
fn browser_get(port: u16, target: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// 17.9: the browser sign-in against a stub provider whose code answer has no ID token:
/// - idle local connections and a stray callback with another `state` neither delay nor end
///   the sign-in (connections are served concurrently, strays ignored);
/// - the answer without `id_token` is refused (no nonce check possible) and its refresh token
///   is not stored;
/// - the browser is told "failed", after the checks, not "signed in" before them;
/// - the authorize URL carries the exchange URL as both `resource` and `audience`.
#[test]
fn oidc_sign_in_without_id_token_is_refused_and_strays_are_ignored() {
    use std::io::BufRead;
    let config = tempfile::tempdir().unwrap();
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let provider = HttpServer::scripted_with(|base| {
        let discovery = serde_json::json!({
            "issuer": base,
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
            "code_challenge_methods_supported": ["S256"],
        });
        let tokens = serde_json::json!({
            "access_token": SAMPLE_JWT,
            "refresh_token": "rt-never-stored",
            "token_type": "Bearer",
        });
        vec![
            Answer::Reply(
                200,
                Some("application/json"),
                discovery.to_string().into_bytes(),
            ),
            Answer::Reply(
                200,
                Some("application/json"),
                tokens.to_string().into_bytes(),
            ),
        ]
    });
    let mut child = crate::support::kliento_process()
        .env("XDG_CONFIG_HOME", config.path())
        .args([
            "exchange",
            &exchange_url(&authority),
            "--oidc-issuer",
            &provider.base,
        ])
        .args([
            "--client-id",
            "kliento-cli",
            "--jwt-source",
            "oidc",
            "--encoding",
            "base64",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let authorize = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
        if let Some(url) = line
            .trim()
            .strip_prefix(&format!("{}/authorize?", provider.base))
        {
            break url::Url::parse(&format!("http://x/?{url}")).unwrap();
        }
    };
    let param = |name: &str| {
        authorize
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    assert_eq!(param("resource"), exchange_url(&authority));
    assert_eq!(param("audience"), exchange_url(&authority));
    let redirect = url::Url::parse(&param("redirect_uri")).unwrap();
    let port = redirect.port().unwrap();
    let started = std::time::Instant::now();
    // Three idle connections that never send a request.
    let _idle: Vec<_> = (0..3)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let stray = browser_get(port, "/callback?code=forged&state=not-ours");
    assert!(stray.contains("not this sign-in"), "{stray}");
    let page = browser_get(
        port,
        &format!("/callback?code=the-code&state={}", param("state")),
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "the callback waited {:?}",
        started.elapsed()
    );
    assert!(page.contains("sign-in failed"), "{page}");
    let status = child.wait().unwrap();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    assert_eq!(status.code(), Some(4), "{seen}{rest}");
    assert!(rest.contains("returned no id_token"), "{rest}");
    assert!(authority.requests().is_empty());
    let stored = walk(config.path());
    assert!(
        stored
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".refresh")),
        "{stored:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

/// 18.5 (for every command): with `--format json` a failure is one JSON object on stderr, usage
/// errors from the argument parser included.
#[test]
fn json_mode_failures_are_one_json_object_on_stderr() {
    let server = HttpServer::scripted(vec![Answer::Reply(503, None, Vec::new())]);
    let cases: Vec<(Vec<String>, i32)> = vec![
        (vec!["exchange".into()], 2),
        (
            vec![
                "exchange".into(),
                "http://alice:s3cr3tpw@127.0.0.1:1/x".into(),
            ],
            2,
        ),
        (
            vec![
                "exchange".into(),
                exchange_url(&server),
                "--jwt-env".into(),
                "T".into(),
                "--retries".into(),
                "0".into(),
            ],
            4,
        ),
    ];
    for (args, code) in cases {
        let output = kliento()
            .env("T", SAMPLE_JWT)
            .args(["--format", "json"])
            .args(&args)
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        let failure: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(failure["exitCode"], code, "{failure}");
        assert!(failure["error"].is_string(), "{failure}");
        assert!(failure.get("hint").is_some(), "{failure}");
        assert!(!stderr.contains("s3cr3tpw"), "{stderr}");
    }
}

// Data cases: cases/cli_exchange.toml.
cases!(
    refuses_plain_http_exchange_url_to_remote_host,
    auto_lists_what_it_looked_for_when_no_source_applies,
    github_without_id_token_permission_explains_the_permission,
    github_request_token_missing_explains_the_permission,
    env_source_with_unset_variable_is_an_environment_error,
    kubernetes_source_without_token_file_points_at_projected_volume,
    oidc_refuses_plain_http_issuer_to_remote_host,
    file_source_without_jwt_file_is_a_usage_error,
    github_output_refuses_der_encoding,
    oidc_issuer_without_client_id_is_a_usage_error,
);
