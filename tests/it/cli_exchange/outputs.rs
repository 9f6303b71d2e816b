//! Where the bundle goes and how it is written: encodings, the JSON report, `-o` and `--force`,
//! `$GITHUB_OUTPUT`, and the output checks that come before any request or secret.

use super::*;

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
