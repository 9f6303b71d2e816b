//! `kliento exchange` against real peers on loopback (tests/peers, node): oidc-provider issuing
//! RS256 JWTs, GitHub/GCP/Azure-style token endpoints, and an Authority endpoint that verifies
//! the JWT against the provider's JWKS and answers with a bundle signed by @relaycorp/veraid.
//! Skipped loudly without node and the peers' node_modules, except when CI=true.

use crate::support::gate::root;
use crate::support::kliento;
use crate::support::peers::{Peers, assert_no_secrets, peers};
use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kliento::veraid::bundle::SignatureBundle;
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// Decodes the base64 bundle printed on stdout and checks it is a signature bundle.
fn bundle_from_stdout(stdout: &[u8]) -> (String, SignatureBundle) {
    let text = String::from_utf8(stdout.to_vec()).unwrap();
    let base64 = text.trim_end().to_string();
    let der = STANDARD.decode(&base64).expect("stdout is base64");
    let bundle = SignatureBundle::decode(&der).expect("stdout is a signature bundle");
    (base64, bundle)
}

/// Checks with @relaycorp/veraid that `der` is the Authority's valid Kliento bundle for alice.
fn assert_verifies_with_veraid(peers: &Peers, der: &[u8]) {
    let verified = peers.verify_with_veraid(der);
    assert_eq!(
        verified["token"],
        r#"{"audience":"https://api.example.com"}"#
    );
    assert_eq!(verified["member"]["organisation"], "example.com");
    assert_eq!(verified["member"]["user"], "alice");
}

fn github_env(command: &mut Command, peers: &Peers) {
    command
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            peers.get("githubRequestUrl"),
        )
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            peers.get("githubRequestToken"),
        );
}

#[test]
fn exchanges_github_actions_token_for_veraid_bundle() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let mut command = kliento();
    github_env(&mut command, peers);
    let output = command
        .args(["exchange", "-vv", &peers.get("exchangeUrl")])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (base64, bundle) = bundle_from_stdout(&output.stdout);
    assert!(!bundle.dnssec_chain.is_empty());
    assert_verifies_with_veraid(peers, &STANDARD.decode(&base64).unwrap());
    assert!(String::from_utf8_lossy(&output.stderr).contains("debug: JWT source: github"));
    assert_no_secrets(
        &output.stderr,
        &[&peers.get("githubRequestToken"), &base64[..64]],
    );
}

#[test]
fn exchanges_gcp_identity_token_for_bundle() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let output = kliento()
        .env("GCE_METADATA_HOST", peers.platform_host())
        .args(["exchange", &peers.get("exchangeUrl")])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    bundle_from_stdout(&output.stdout);
}

#[test]
fn exchanges_azure_managed_identity_token_for_bundle() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let output = kliento()
        .env("AZURE_POD_IDENTITY_AUTHORITY_HOST", peers.get("platform"))
        .args([
            "exchange",
            "--jwt-source",
            "azure",
            &peers.get("exchangeUrl"),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    bundle_from_stdout(&output.stdout);
}

#[test]
fn base64_transfer_is_negotiated_with_the_authority() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let mut command = kliento();
    github_env(&mut command, peers);
    let output = command
        .args([
            "exchange",
            "--transfer",
            "base64",
            "--encoding",
            "header",
            &peers.get("exchangeUrl"),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let base64 = text.strip_prefix("Kliento ").expect("header form");
    let der = STANDARD.decode(base64.trim_end()).unwrap();
    SignatureBundle::decode(&der).unwrap();
    assert_verifies_with_veraid(peers, &der);
}

#[test]
fn exchanges_oidc_client_credentials_access_token() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let secret = peers.get("workloadSecret");
    let output = kliento()
        .env("WORKLOAD_SECRET", &secret)
        .args([
            "exchange",
            "-vv",
            "--oidc-issuer",
            &peers.get("issuer"),
            "--client-id",
            "workload",
            "--client-secret-env",
            "WORKLOAD_SECRET",
            &peers.get("exchangeUrl"),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (base64, _) = bundle_from_stdout(&output.stdout);
    assert_no_secrets(&output.stderr, &[&secret, &base64[..64]]);
}

#[test]
fn oidc_client_secret_from_file() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, format!("{}\n", peers.get("workloadSecret"))).unwrap();
    // Issue 17.8: a secret file must be closed to others.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    kliento()
        .args([
            "exchange",
            "--oidc-issuer",
            &peers.get("issuer"),
            "--client-id",
            "workload",
            "--client-secret-file",
        ])
        .arg(&secret_file)
        .arg(peers.get("exchangeUrl"))
        .assert()
        .success();
}

#[test]
fn oidc_wrong_client_secret_is_refused_by_provider() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let output = kliento()
        .env("WORKLOAD_SECRET", "wrong-secret-value")
        .args([
            "exchange",
            "--oidc-issuer",
            &peers.get("issuer"),
            "--client-id",
            "workload",
            "--client-secret-env",
            "WORKLOAD_SECRET",
            &peers.get("exchangeUrl"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: cannot obtain a JWT: oidc: the token endpoint")
            && stderr.contains("refused (HTTP 401: invalid_client"),
        "{stderr}"
    );
    assert_no_secrets(&output.stderr, &["wrong-secret-value"]);
}

#[test]
fn oidc_issuer_mismatch_is_rejected() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    // Same provider, named with "localhost": its discovery document names 127.0.0.1.
    let issuer = peers.get("issuer").replace("127.0.0.1", "localhost");
    kliento()
        .env("S", peers.get("workloadSecret"))
        .args([
            "exchange",
            "--oidc-issuer",
            &issuer,
            "--client-id",
            "workload",
            "--client-secret-env",
            "S",
            &peers.get("exchangeUrl"),
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "the discovery document's issuer is {}, not {issuer}",
            peers.get("issuer")
        )));
}

/// Runs kliento with the authorization-code grant, plays the browser with browse.mjs (replacing
/// the redirect's state when asked), and returns kliento's output.
fn sign_in(
    peers: &Peers,
    config: &std::path::Path,
    client_id: &str,
    token: &str,
    replace_state: Option<&str>,
) -> (std::process::Output, bool) {
    let mut child = crate::support::kliento_process()
        .env("XDG_CONFIG_HOME", config)
        .args([
            "exchange",
            "-v",
            "--oidc-issuer",
            &peers.get("issuer"),
            "--client-id",
            client_id,
            "--oidc-token",
            token,
            &peers.get("exchangeUrl"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut browsed = false;
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if let Some(url) = line.trim().strip_prefix("http://").filter(|_| !browsed) {
            browsed = true;
            // With a forged state, a first browser run comes back with it (a stray redirect
            // kliento must ignore), then a genuine one completes the sign-in.
            let runs = match replace_state {
                Some(state) if state != "--deny" => vec![Some(state), None],
                other => vec![other],
            };
            for state in runs {
                let mut browser = std::process::Command::new("node");
                browser
                    .arg(root().join("tests/peers/browse.mjs"))
                    .arg(format!("http://{url}"));
                if let Some(state) = state {
                    browser.arg(state);
                }
                let page = browser.output().unwrap();
                assert!(
                    page.status.success(),
                    "{}",
                    String::from_utf8_lossy(&page.stderr)
                );
            }
        }
    }
    let mut output = child.wait_with_output().unwrap();
    output.stderr = seen.into_bytes();
    (output, browsed)
}

#[test]
fn oidc_authorization_code_with_pkce_then_refreshes_silently() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let config = tempfile::tempdir().unwrap();
    let (first, browsed) = sign_in(peers, config.path(), "developer", "access", None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(browsed, "no sign-in URL was shown");
    bundle_from_stdout(&first.stdout);

    let dir = config.path().join("kliento/oidc");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let refresh_token = std::fs::read_to_string(&file).unwrap();
    assert_no_secrets(&first.stderr, &[&refresh_token]);

    let (second, browsed) = sign_in(peers, config.path(), "developer", "access", None);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(!browsed, "signed in again instead of refreshing");
    bundle_from_stdout(&second.stdout);
    // oidc-provider rotates public clients' refresh tokens; the newest must be kept.
    assert_ne!(std::fs::read_to_string(&file).unwrap(), refresh_token);
}

/// Issue 17.9: a redirect with another state is a stray request: ignored, and the sign-in goes
/// on to succeed with the genuine redirect.
#[test]
fn oidc_redirect_with_wrong_state_is_ignored() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let config = tempfile::tempdir().unwrap();
    let (output, browsed) = sign_in(
        peers,
        config.path(),
        "developer",
        "access",
        Some("forged-state"),
    );
    assert!(browsed);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    bundle_from_stdout(&output.stdout);
}

#[test]
fn oidc_id_token_for_client_audience_is_refused_by_authority() {
    if !crate::support::gate::node_peers() {
        return;
    }
    // ID tokens carry the client id as audience, not the exchange URL (digest §7.2).
    let peers = peers();
    let config = tempfile::tempdir().unwrap();
    let (output, _) = sign_in(peers, config.path(), "developer-id", "id", None);
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "error: exchange failed: the Authority rejected the JWT as invalid (HTTP 401)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("hint: the JWT's issuer must be the spec's providerIssuerUrl and its audience exactly the exchange URL"));
}

#[test]
fn reports_unknown_signature_spec() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let mut command = kliento();
    github_env(&mut command, peers);
    command
        .args(["exchange", &peers.get("unknownSpecUrl")])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: exchange failed: signature spec not found (HTTP 404)",
        ))
        .stderr(predicate::str::contains("hint: check the exchange URL"));
}

#[test]
fn reports_dnssec_chain_retrieval_failure() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let mut command = kliento();
    github_env(&mut command, peers);
    command
        .args(["exchange", "--retries", "0", &peers.get("dnssecDownUrl")])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: exchange failed: the Authority cannot retrieve the organisation's DNSSEC chain (HTTP 503)",
        ))
        .stderr(predicate::str::contains("hint: check the organisation's _veraid TXT record"));
}

#[test]
fn reports_jwks_retrieval_failure() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let mut command = kliento();
    github_env(&mut command, peers);
    command
        .args(["exchange", "--retries", "0", &peers.get("badIssuerUrl")])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: exchange failed: the Authority cannot retrieve the JWT issuer's keys (JWKS) (HTTP 503)",
        ));
}

#[test]
fn reports_expired_jwt() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let url = peers.get("exchangeUrl");
    let jwt = peers.mint(&url, -700, -60);
    let output = kliento()
        .env("TOKEN", &jwt)
        .args(["exchange", "--jwt-env", "TOKEN", "-vv", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "error: exchange failed: the Authority rejected the JWT as expired (HTTP 401)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("hint: get a fresh JWT"));
    assert_no_secrets(&output.stderr, &[&jwt]);
}

#[test]
fn reports_jwt_issued_over_an_hour_ago_as_expired() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let url = peers.get("exchangeUrl");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jwt");
    std::fs::write(&file, peers.mint(&url, -3700, 600)).unwrap();
    kliento()
        .args(["exchange", "--jwt-file"])
        .arg(&file)
        .arg(&url)
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "rejected the JWT as expired (HTTP 401)",
        ));
}

#[test]
fn authority_rejects_jwt_for_another_audience() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let mut command = kliento();
    github_env(&mut command, peers);
    command
        .args([
            "exchange",
            "--jwt-audience",
            "https://elsewhere.example/",
            &peers.get("exchangeUrl"),
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "rejected the JWT as invalid (HTTP 401)",
        ));
}

#[test]
fn exchanges_minted_jwt_from_file() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let url = peers.get("exchangeUrl");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jwt");
    let jwt = peers.mint(&url, 0, 600);
    std::fs::write(&file, &jwt).unwrap();
    let out = dir.path().join("bundle.der");
    let output = kliento()
        .args(["exchange", "-vv", "--encoding", "der", "-o"])
        .arg(&out)
        .arg("--jwt-file")
        .arg(&file)
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
    let der = std::fs::read(&out).unwrap();
    assert_verifies_with_veraid(peers, &der);
    assert_no_secrets(&output.stderr, &[&jwt, &STANDARD.encode(&der)[..64]]);
}

#[test]
fn oidc_client_credentials_has_no_id_token_to_send() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    kliento()
        .env("S", peers.get("workloadSecret"))
        .args([
            "exchange",
            "--oidc-issuer",
            &peers.get("issuer"),
            "--client-id",
            "workload",
            "--client-secret-env",
            "S",
            "--oidc-token",
            "id",
            &peers.get("exchangeUrl"),
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: cannot obtain a JWT: oidc: the provider returned no id_token",
        ));
}

#[test]
fn oidc_denied_sign_in_is_reported() {
    if !crate::support::gate::node_peers() {
        return;
    }
    let peers = peers();
    let config = tempfile::tempdir().unwrap();
    let (output, browsed) = sign_in(peers, config.path(), "developer", "access", Some("--deny"));
    assert!(browsed);
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "error: cannot obtain a JWT: oidc: authorization failed: access_denied: the user said no"
        ),
        "{stderr}"
    );
}
