//! The exchange's HTTP: retries, deadlines, refused and slow servers, content checks and size
//! limits, redirects, proxies, and server text that is escaped, bounded and scrubbed.

use super::*;

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
