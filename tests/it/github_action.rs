//! The GitHub Action (`action.yml`) run the way the runner runs a composite action: its inputs
//! substituted into the steps' `${{ }}` expressions, each `run:` step in bash with its own
//! `$GITHUB_OUTPUT` file, `$GITHUB_PATH` entries put on PATH for the steps after, `uses:` steps
//! skipped (the runner's cache), the action's outputs read from its steps' outputs. The GitHub
//! OIDC token endpoint and the Authority are loopback peers.

use crate::support::http::{Answer, HttpServer};
use crate::support::peers::{SAMPLE_JWT, outer_bundle};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::YamlLoader;

const BUNDLE_TYPE: &str = "application/vnd.veraid.signature-bundle";

/// What a run of the action left: its outputs, the log of each step, and whether it succeeded.
struct Run {
    outputs: BTreeMap<String, String>,
    log: String,
    success: bool,
    cargo_calls: Vec<String>,
}

/// The runner's environment of one job: the temporary directories and the peers' URLs.
struct Runner {
    temp: tempfile::TempDir,
    path: Vec<PathBuf>,
    env: BTreeMap<String, String>,
}

impl Runner {
    /// A runner whose PATH holds the system's tools and, with `kliento_on_path`, the kliento
    /// under test.
    fn new(kliento_on_path: bool) -> Self {
        let temp = tempfile::tempdir().unwrap();
        let mut path = vec![PathBuf::from("/usr/bin"), PathBuf::from("/bin")];
        if kliento_on_path {
            let kliento = PathBuf::from(env!("CARGO_BIN_EXE_kliento"));
            path.insert(0, kliento.parent().unwrap().to_path_buf());
        }
        let tool_cache = temp.path().join("tool-cache");
        std::fs::create_dir(&tool_cache).unwrap();
        let mut env = BTreeMap::new();
        env.insert("RUNNER_TOOL_CACHE".into(), tool_cache.display().to_string());
        env.insert("GITHUB_ACTIONS".into(), "true".into());
        env.insert("HOME".into(), temp.path().display().to_string());
        Self { temp, path, env }
    }

    /// Puts a `cargo` on PATH that records its arguments and "builds" kliento by linking the
    /// binary under test where `cargo install --root` would put it.
    fn with_recording_cargo(mut self) -> Self {
        let bin = self.temp.path().join("fake-cargo");
        std::fs::create_dir(&bin).unwrap();
        let script = format!(
            "#!/bin/sh\necho \"$*\" >>\"{log}\"\nroot=\nwhile [ $# -gt 0 ]; do\n  \
             [ \"$1\" = --root ] && root=$2\n  shift\ndone\nmkdir -p \"$root/bin\"\n\
             ln -sf \"{kliento}\" \"$root/bin/kliento\"\n",
            log = self.temp.path().join("cargo-calls").display(),
            kliento = env!("CARGO_BIN_EXE_kliento"),
        );
        let cargo = bin.join("cargo");
        std::fs::write(&cargo, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
        self.path.insert(0, bin);
        self
    }

    /// Points the GitHub OIDC variables at `github` (a token endpoint).
    fn with_oidc(mut self, github: &HttpServer) -> Self {
        self.env.insert(
            "ACTIONS_ID_TOKEN_REQUEST_URL".into(),
            format!("{}/token?api-version=2.0", github.base),
        );
        self.env.insert(
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN".into(),
            "request-token-value".into(),
        );
        self
    }

    /// Runs `action.yml` with `inputs` (the workflow's `with:`).
    fn run(mut self, inputs: &[(&str, &str)]) -> Run {
        let action_path = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(action_path.join("action.yml")).unwrap();
        let action = &YamlLoader::load_from_str(&text).unwrap()[0];
        assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
        // Inputs: the workflow's values, else the declared defaults, else empty.
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        for (name, spec) in action["inputs"].as_hash().unwrap() {
            let name = name.as_str().unwrap().to_string();
            let default = spec["default"].as_str().unwrap_or("").to_string();
            values.insert(name, default);
        }
        for (name, value) in inputs {
            assert!(
                values.contains_key(*name),
                "action.yml declares no input {name}"
            );
            values.insert(name.to_string(), value.to_string());
        }
        let mut steps: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut log = String::new();
        let mut success = true;
        for step in action["runs"]["steps"].as_vec().unwrap() {
            if let Some(condition) = step["if"].as_str()
                && !condition_holds(condition, &values)
            {
                continue;
            }
            if step["uses"].as_str().is_some() {
                // The runner's own actions (the cache) do not run here.
                continue;
            }
            let script = step["run"].as_str().expect("a run step");
            assert_eq!(step["shell"].as_str(), Some("bash"));
            let output_file = self.temp.path().join("step-output");
            let path_file = self.temp.path().join("step-path");
            std::fs::write(&output_file, "").unwrap();
            std::fs::write(&path_file, "").unwrap();
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .env_clear()
                .envs(&self.env)
                .env("PATH", std::env::join_paths(&self.path).unwrap())
                .env("GITHUB_ACTION_PATH", action_path)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_PATH", &path_file);
            if let Some(env) = step["env"].as_hash() {
                for (name, value) in env {
                    let value = expand(value.as_str().unwrap_or(""), &values);
                    command.env(name.as_str().unwrap(), value);
                }
            }
            let output = command.output().unwrap();
            log.push_str(&String::from_utf8_lossy(&output.stdout));
            log.push_str(&String::from_utf8_lossy(&output.stderr));
            if let Some(id) = step["id"].as_str() {
                let written = std::fs::read_to_string(&output_file).unwrap();
                steps.insert(id.to_string(), parse_outputs(&written));
            }
            for line in std::fs::read_to_string(&path_file).unwrap().lines() {
                self.path.insert(0, PathBuf::from(line));
            }
            if !output.status.success() {
                success = false;
                break;
            }
        }
        let mut outputs = BTreeMap::new();
        for (name, spec) in action["outputs"].as_hash().unwrap() {
            let expression = spec["value"].as_str().unwrap();
            let reference = expression
                .trim_start_matches("${{")
                .trim_end_matches("}}")
                .trim();
            let parts: Vec<&str> = reference.split('.').collect();
            assert_eq!(parts[0], "steps", "outputs come from steps: {expression}");
            if let Some(value) = steps.get(parts[1]).and_then(|s| s.get(parts[3])) {
                outputs.insert(name.as_str().unwrap().to_string(), value.clone());
            }
        }
        let cargo_calls = std::fs::read_to_string(self.temp.path().join("cargo-calls"))
            .map(|text| text.lines().map(String::from).collect())
            .unwrap_or_default();
        Run {
            outputs,
            log,
            success,
            cargo_calls,
        }
    }
}

/// `inputs.NAME == 'literal'`, the one form of condition action.yml uses.
fn condition_holds(condition: &str, inputs: &BTreeMap<String, String>) -> bool {
    let (left, right) = condition.split_once("==").expect("a comparison");
    let name = left.trim().strip_prefix("inputs.").expect("an input");
    let literal = right.trim().trim_matches('\'');
    inputs[name] == literal
}

/// Substitutes `${{ inputs.a }}` and `${{ inputs.a || inputs.b }}` (the first non-empty).
fn expand(text: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("a closed expression") + start;
        let expression = rest[start + 3..end].trim();
        let value = expression
            .split("||")
            .map(|term| {
                let name = term.trim().strip_prefix("inputs.").expect("an input");
                inputs[name].clone()
            })
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A step's `$GITHUB_OUTPUT`: `name=value` lines and `name<<DELIMITER` heredocs.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            outputs.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_string(), value.to_string());
        }
    }
    outputs
}

fn peers() -> (HttpServer, HttpServer) {
    let authority =
        HttpServer::scripted(vec![Answer::Reply(200, Some(BUNDLE_TYPE), outer_bundle())]);
    let body = format!(r#"{{"count":1,"value":"{SAMPLE_JWT}"}}"#).into_bytes();
    let github = HttpServer::scripted(vec![Answer::Reply(200, Some("application/json"), body)]);
    (authority, github)
}

fn exchange_url(authority: &HttpServer) -> String {
    format!("{}/credentials/signatureBundles/spec", authority.base)
}

/// The credential is masked before anything else is logged, and appears nowhere else.
fn assert_masked(log: &str, credential: &str) {
    let mask = format!("::add-mask::{credential}");
    let first_mention = log.find(credential).expect("the mask line");
    assert_eq!(
        log.find(&mask),
        Some(first_mention - "::add-mask::".len()),
        "{log}"
    );
    assert_eq!(
        log.matches(credential).count(),
        1,
        "the credential in clear: {log}"
    );
    assert!(!log.contains(SAMPLE_JWT), "the JWT reached the log");
    assert!(
        !log.contains("request-token-value"),
        "the request token reached the log"
    );
}

#[test]
fn the_action_exchanges_the_oidc_token_and_sets_masked_outputs() {
    let (authority, github) = peers();
    let url = exchange_url(&authority);
    let run = Runner::new(true)
        .with_oidc(&github)
        .run(&[("exchange-url", &url), ("version", "path")]);
    assert!(run.success, "{}", run.log);
    let credential = &run.outputs["credential"];
    assert_eq!(STANDARD.decode(credential).unwrap(), outer_bundle());
    assert_eq!(run.outputs["type"], BUNDLE_TYPE);
    assert_masked(&run.log, credential);
    // The GitHub token was asked for the exchange URL as audience, and sent to the Authority.
    let token_request = &github.requests()[0].head;
    assert!(
        token_request.contains(&format!(
            "&audience={} ",
            crate::support::http::url_encode(&url)
        )),
        "{token_request}"
    );
    let exchange = authority.requests()[0].head.to_ascii_lowercase();
    assert!(exchange.contains(&format!(
        "authorization: bearer {}",
        SAMPLE_JWT.to_ascii_lowercase()
    )));
}

#[test]
fn the_action_accepts_the_documented_exchange_endpoint_input_and_a_jwt_audience() {
    let (authority, github) = peers();
    let run = Runner::new(true).with_oidc(&github).run(&[
        ("exchange-endpoint", &exchange_url(&authority)),
        ("jwt-audience", "https://authority.example/audience"),
        ("version", "path"),
    ]);
    assert!(run.success, "{}", run.log);
    assert_eq!(
        STANDARD.decode(&run.outputs["credential"]).unwrap(),
        outer_bundle()
    );
    assert!(
        github.requests()[0]
            .head
            .contains("&audience=https%3A%2F%2Fauthority.example%2Faudience ")
    );
}

#[test]
fn the_action_without_an_exchange_url_fails_with_an_annotation() {
    let (authority, github) = peers();
    let run = Runner::new(true)
        .with_oidc(&github)
        .run(&[("version", "path")]);
    assert!(!run.success);
    assert!(
        run.log
            .contains("::error title=kliento::the exchange-url input is required"),
        "{}",
        run.log
    );
    assert!(run.outputs.is_empty());
    assert!(authority.requests().is_empty() && github.requests().is_empty());
}

#[test]
fn the_action_builds_its_own_checkout_into_the_tool_cache_by_default() {
    let (authority, github) = peers();
    let run = Runner::new(false)
        .with_recording_cargo()
        .with_oidc(&github)
        .run(&[("exchange-url", &exchange_url(&authority))]);
    assert!(run.success, "{}", run.log);
    assert_eq!(run.cargo_calls.len(), 1, "{:?}", run.cargo_calls);
    let call = &run.cargo_calls[0];
    assert!(call.starts_with("install --locked"), "{call}");
    assert!(
        call.contains(&format!("--path {}", env!("CARGO_MANIFEST_DIR"))),
        "{call}"
    );
    assert!(call.contains("tool-cache/kliento"), "{call}");
    // The build went on PATH for the exchange step, through $GITHUB_PATH.
    assert_eq!(
        STANDARD.decode(&run.outputs["credential"]).unwrap(),
        outer_bundle()
    );
}

#[test]
fn the_action_reports_a_refused_exchange_and_sets_no_credential() {
    let authority = HttpServer::scripted(vec![Answer::Reply(403, None, Vec::new())]);
    let body = format!(r#"{{"count":1,"value":"{SAMPLE_JWT}"}}"#).into_bytes();
    let github = HttpServer::scripted(vec![Answer::Reply(200, Some("application/json"), body)]);
    let run = Runner::new(true).with_oidc(&github).run(&[
        ("exchange-url", &exchange_url(&authority)),
        ("version", "path"),
    ]);
    assert!(!run.success);
    assert!(run.log.contains("error: exchange failed"), "{}", run.log);
    assert!(!run.outputs.contains_key("credential"));
    assert!(!run.log.contains(SAMPLE_JWT));
}
