//! `kliento exchange` against scripted loopback servers (std::net, no node), one file a concern:
//! `outputs`, `transport`, `sources` (JWT sources) and `oidc`; the data cases are in
//! cases/cli_exchange.toml.

use crate::support::http::{Answer, HttpServer};
use crate::support::kliento;
use crate::support::peers::{SAMPLE_JWT, assert_no_secrets, jwt_file, outer_bundle};
use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use predicates::prelude::*;

pub(super) const BUNDLE_TYPE: &str = "application/vnd.veraid.signature-bundle";

mod aws;
mod oidc;
mod outputs;
mod sources;
mod transport;

pub(super) fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(super) fn exchange_url(server: &HttpServer) -> String {
    format!("{}/credentials/signatureBundles/abc", server.base)
}

/// Runs kliento and returns the output and how long it took.
pub(super) fn timed(command: &mut Command) -> (std::process::Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let output = command.output().unwrap();
    (output, started.elapsed())
}

/// Makes a FIFO at `path`.
pub(super) fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

pub(super) fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
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
    aws_without_region_is_a_usage_error,
    aws_without_credentials_lists_the_chain,
    aws_endpoint_override_must_be_https_off_loopback,
);
