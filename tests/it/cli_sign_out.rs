//! `kliento sign-out` against a scripted loopback OIDC provider: the refresh token `exchange`
//! stored is revoked (RFC 7009) where the provider offers it, deleted in every case, and the
//! end-session URL printed; the token never reaches the output.

use crate::support::http::{Answer, HttpServer};
use crate::support::kliento;
use std::path::{Path, PathBuf};

const REFRESH_TOKEN: &str = "rt-0123456789-secret";
const CLIENT_ID: &str = "kliento";

/// A provider whose discovery document lists `revocation` and `end_session` endpoints when
/// asked, then answers the revocation with `revocation_status`.
fn provider(revocation: bool, end_session: bool, revocation_status: u16) -> HttpServer {
    HttpServer::scripted_with(|base| {
        let mut discovery = serde_json::json!({
            "issuer": base,
            "token_endpoint": format!("{base}/token"),
            "authorization_endpoint": format!("{base}/authorize"),
        });
        if revocation {
            discovery["revocation_endpoint"] = format!("{base}/revoke").into();
        }
        if end_session {
            discovery["end_session_endpoint"] = format!("{base}/logout?ui_locales=en").into();
        }
        vec![
            Answer::Reply(
                200,
                Some("application/json"),
                discovery.to_string().into_bytes(),
            ),
            Answer::Reply(revocation_status, None, Vec::new()),
        ]
    })
}

/// Where `exchange` keeps the refresh token for `issuer` and the client (the library's rule).
fn store_path(config: &Path, issuer: &str) -> PathBuf {
    let env = kliento::authority::jwt_source::Env::new([(
        "XDG_CONFIG_HOME".to_string(),
        config.display().to_string(),
    )]);
    let issuer = url::Url::parse(issuer).unwrap();
    kliento::authority::sources::oidc::refresh_store_path(&env, issuer.as_str(), CLIENT_ID).unwrap()
}

/// Stores a refresh token as `exchange` does: 0600 in a 0700 directory.
fn store_token(config: &Path, issuer: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = store_path(config, issuer);
    let dir = path.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for ancestor in [dir, dir.parent().unwrap()] {
        std::fs::set_permissions(ancestor, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::write(&path, format!("{REFRESH_TOKEN}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn sign_out(config: &Path, issuer: &str) -> std::process::Output {
    kliento()
        .env("XDG_CONFIG_HOME", config)
        .args([
            "sign-out",
            "--oidc-issuer",
            issuer,
            "--client-id",
            CLIENT_ID,
        ])
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sign_out_revokes_deletes_and_prints_the_end_session_url() {
    let config = tempfile::tempdir().unwrap();
    let provider = provider(true, true, 200);
    let stored = store_token(config.path(), &provider.base);
    let output = sign_out(config.path(), &provider.base);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(!stored.exists(), "the refresh token file is deleted");
    assert_eq!(
        text(&output.stdout),
        format!(
            "{}/logout?ui_locales=en&client_id={CLIENT_ID}\n",
            provider.base
        )
    );
    assert!(text(&output.stderr).contains("revoked at the provider"));
    let requests = provider.requests();
    assert_eq!(requests.len(), 2);
    let revocation = &requests[1];
    assert_eq!(
        (revocation.method.as_str(), revocation.path.as_str()),
        ("POST", "/revoke")
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&revocation.body)
        .into_owned()
        .collect();
    assert!(
        form.contains(&("token".into(), REFRESH_TOKEN.into())),
        "{form:?}"
    );
    assert!(form.contains(&("token_type_hint".into(), "refresh_token".into())));
    assert!(form.contains(&("client_id".into(), CLIENT_ID.into())));
    assert!(!text(&output.stdout).contains(REFRESH_TOKEN));
    assert!(!text(&output.stderr).contains(REFRESH_TOKEN));
}

#[test]
fn sign_out_without_revocation_deletes_the_token_here_only() {
    let config = tempfile::tempdir().unwrap();
    let provider = provider(false, false, 200);
    let stored = store_token(config.path(), &provider.base);
    let output = sign_out(config.path(), &provider.base);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(!stored.exists());
    assert!(text(&output.stderr).contains("offers no revocation"));
    assert_eq!(text(&output.stdout), "", "no end-session URL to print");
    assert_eq!(provider.requests().len(), 1, "discovery only");
}

#[test]
fn a_refused_revocation_still_deletes_the_token_and_exits_4() {
    let config = tempfile::tempdir().unwrap();
    let provider = provider(true, false, 400);
    let stored = store_token(config.path(), &provider.base);
    let output = sign_out(config.path(), &provider.base);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));
    assert!(
        !stored.exists(),
        "deleted here even though the provider refused"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("the provider did not revoke it"),
        "{stderr}"
    );
    assert!(stderr.contains("refused (HTTP 400)"), "{stderr}");
    assert!(!stderr.contains(REFRESH_TOKEN));
}

#[test]
fn sign_out_with_nothing_stored_sends_no_revocation() {
    let config = tempfile::tempdir().unwrap();
    let provider = provider(true, true, 200);
    let output = kliento()
        .env("XDG_CONFIG_HOME", config.path())
        .args(["--format", "json", "sign-out", "--oidc-issuer"])
        .arg(&provider.base)
        .args(["--client-id", CLIENT_ID])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["revocation"], "nothing-stored");
    assert_eq!(report["refreshTokenDeleted"], false);
    assert_eq!(
        report["endSessionUrl"],
        format!(
            "{}/logout?ui_locales=en&client_id={CLIENT_ID}",
            provider.base
        )
    );
    assert_eq!(
        provider.requests().len(),
        1,
        "discovery only, no revocation"
    );
}
