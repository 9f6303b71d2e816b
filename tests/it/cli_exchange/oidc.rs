//! OIDC sources: client secrets (private files, text, scrubbed from answers) and the browser
//! sign-in with its loopback redirect.

use super::*;

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
