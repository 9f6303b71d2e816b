//! `kliento exchange --cache`: a bundle kept under `$XDG_CACHE_HOME/kliento/` is reused while it
//! stays valid for `--min-validity`, with no JWT obtained and no request sent; expiring, corrupt
//! and foreign cache files are replaced; concurrent runs do one exchange; the directory and
//! files are private and never hold the JWT. The Authority is the loopback `HttpServer`, which
//! counts requests.

use crate::support::fixture::{Org, bundle_for_service};
use crate::support::http::{Answer, HttpServer};
use crate::support::kliento;
use crate::support::peers::{SAMPLE_JWT, jwt_file};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

const BUNDLE_TYPE: &str = "application/vnd.veraid.signature-bundle";

/// One organisation (key, certificate, test chain) for every bundle of this module.
fn org() -> &'static Org {
    static ORG: OnceLock<Org> = OnceLock::new();
    ORG.get_or_init(|| {
        let org = Org::new();
        org.org_cert();
        org
    })
}

/// A Kliento bundle whose signature started a minute ago and ends `seconds` from now.
pub(crate) fn bundle_valid_for(seconds: i64) -> Vec<u8> {
    let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
    bundle_for_service(
        org().dir.path(),
        kliento::token::KLIENTO_SERVICE_OID,
        now - jiff::SignedDuration::from_secs(60),
        now + jiff::SignedDuration::from_secs(seconds),
        "https://api.example.com",
    )
}

fn authority(answers: Vec<Vec<u8>>) -> HttpServer {
    HttpServer::scripted(
        answers
            .into_iter()
            .map(|body| Answer::Reply(200, Some(BUNDLE_TYPE), body))
            .collect(),
    )
}

fn url(server: &HttpServer, spec: &str) -> String {
    format!("{}/credentials/signatureBundles/{spec}", server.base)
}

/// `kliento exchange URL --jwt-env CI_JWT -v EXTRA` with the cache under `cache_home`.
fn exchange(url: &str, cache_home: &Path, extra: &[&str]) -> Output {
    kliento()
        .env("XDG_CACHE_HOME", cache_home)
        .env("CI_JWT", SAMPLE_JWT)
        .args(["exchange", url, "--jwt-env", "CI_JWT", "-v"])
        .args(extra)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn b64(der: &[u8]) -> String {
    format!("{}\n", STANDARD.encode(der))
}

/// The cache directory under `cache_home`.
fn cache_dir(cache_home: &Path) -> PathBuf {
    cache_home.join("kliento")
}

/// The one bundle file of the cache.
fn bundle_files(cache_home: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cache_dir(cache_home))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "bundle"))
        .collect();
    files.sort();
    files
}

fn only_bundle_file(cache_home: &Path) -> PathBuf {
    let files = bundle_files(cache_home);
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn second_run_reuses_the_cached_bundle_without_a_request() {
    let home = tempfile::tempdir().unwrap();
    let bundle = bundle_valid_for(3600);
    let server = authority(vec![bundle.clone(), bundle_valid_for(7200)]);
    let url = url(&server, "a");
    let first = exchange(&url, home.path(), &["--cache"]);
    assert_eq!(stdout(&first), b64(&bundle));
    assert!(
        stderr(&first).contains("kept the bundle in"),
        "{}",
        stderr(&first)
    );
    let second = exchange(&url, home.path(), &["--cache"]);
    assert_eq!(stdout(&second), b64(&bundle));
    assert_eq!(server.requests().len(), 1);
    let note = stderr(&second);
    let file = only_bundle_file(home.path());
    assert!(
        note.contains(&format!(
            "reusing the cached bundle from {}, valid until ",
            file.display()
        )),
        "{note}"
    );
    assert!(
        !note.contains("JWT source"),
        "no JWT is obtained on a hit: {note}"
    );
}

#[test]
fn json_report_says_the_bundle_was_reused() {
    let home = tempfile::tempdir().unwrap();
    let bundle = bundle_valid_for(3600);
    let server = authority(vec![bundle.clone()]);
    let url = url(&server, "a");
    let first = exchange(&url, home.path(), &["--cache", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&first)).unwrap();
    assert_eq!(json.get("cached"), None);
    let second = exchange(&url, home.path(), &["--cache", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&second)).unwrap();
    assert_eq!(json["cached"], true);
    assert_eq!(json["bundle"], STANDARD.encode(&bundle));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn no_cache_exchanges_again_even_with_the_variable_set() {
    let home = tempfile::tempdir().unwrap();
    let (old, new) = (bundle_valid_for(3600), bundle_valid_for(7200));
    let server = authority(vec![old.clone(), new.clone()]);
    let url = url(&server, "a");
    let with_variable = |extra: &[&str]| {
        kliento()
            .env("XDG_CACHE_HOME", home.path())
            .env("CI_JWT", SAMPLE_JWT)
            .env("KLIENTO_CACHE", "1")
            .args(["exchange", &url, "--jwt-env", "CI_JWT"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(stdout(&with_variable(&[])), b64(&old));
    assert_eq!(stdout(&with_variable(&[])), b64(&old));
    assert_eq!(
        server.requests().len(),
        1,
        "KLIENTO_CACHE=1 turns the cache on"
    );
    assert_eq!(stdout(&with_variable(&["--no-cache"])), b64(&new));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn cache_is_off_by_default_and_with_the_variable_at_zero() {
    let home = tempfile::tempdir().unwrap();
    let bundle = bundle_valid_for(3600);
    let server = authority(vec![bundle.clone()]);
    let url = url(&server, "a");
    stdout(&exchange(&url, home.path(), &[]));
    let zero = kliento()
        .env("XDG_CACHE_HOME", home.path())
        .env("CI_JWT", SAMPLE_JWT)
        .env("KLIENTO_CACHE", "0")
        .args(["exchange", &url, "--jwt-env", "CI_JWT"])
        .output()
        .unwrap();
    stdout(&zero);
    assert_eq!(server.requests().len(), 2);
    assert!(!cache_dir(home.path()).exists());
}

#[test]
fn a_bundle_expiring_within_min_validity_is_replaced() {
    let home = tempfile::tempdir().unwrap();
    let (short, long) = (bundle_valid_for(30), bundle_valid_for(3600));
    let server = authority(vec![short.clone(), long.clone()]);
    let url = url(&server, "a");
    assert_eq!(
        stdout(&exchange(&url, home.path(), &["--cache"])),
        b64(&short)
    );
    // 30 s left is enough for a minimum of 10 s...
    let reused = exchange(&url, home.path(), &["--cache", "--min-validity", "10s"]);
    assert_eq!(stdout(&reused), b64(&short));
    assert_eq!(server.requests().len(), 1);
    // ...but not for the default minute: exchanged again, and the new bundle kept.
    let replaced = exchange(&url, home.path(), &["--cache"]);
    assert_eq!(stdout(&replaced), b64(&long));
    assert!(
        stderr(&replaced).contains("within the minimum validity of 60 s"),
        "{}",
        stderr(&replaced)
    );
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        stdout(&exchange(&url, home.path(), &["--cache"])),
        b64(&long)
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn an_expired_bundle_is_replaced() {
    let home = tempfile::tempdir().unwrap();
    let (expired, fresh) = (bundle_valid_for(-5), bundle_valid_for(3600));
    let server = authority(vec![expired.clone(), fresh.clone()]);
    let url = url(&server, "a");
    assert_eq!(
        stdout(&exchange(&url, home.path(), &["--cache"])),
        b64(&expired)
    );
    let replaced = exchange(&url, home.path(), &["--cache", "--min-validity", "0"]);
    assert_eq!(stdout(&replaced), b64(&fresh));
    assert!(
        stderr(&replaced).contains("expired at"),
        "{}",
        stderr(&replaced)
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_corrupt_cache_file_is_replaced() {
    let home = tempfile::tempdir().unwrap();
    let bundle = bundle_valid_for(3600);
    let server = authority(vec![bundle.clone()]);
    let url = url(&server, "a");
    stdout(&exchange(&url, home.path(), &["--cache"]));
    let file = only_bundle_file(home.path());
    for corrupt in [&b"\x00garbage"[..], b"{\"version\":1,\"url\":\"x\"", b""] {
        std::fs::write(&file, corrupt).unwrap();
        let before = server.requests().len();
        let replaced = exchange(&url, home.path(), &["--cache"]);
        assert_eq!(stdout(&replaced), b64(&bundle));
        assert!(
            stderr(&replaced).contains("ignoring the cached bundle in"),
            "{}",
            stderr(&replaced)
        );
        assert_eq!(server.requests().len(), before + 1);
    }
    // A file with a bundle that does not decode, though well-formed otherwise.
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = text.replace(&STANDARD.encode(&bundle), &STANDARD.encode(b"\x30\x00"));
    assert_ne!(broken, text);
    std::fs::write(&file, broken).unwrap();
    let replaced = exchange(&url, home.path(), &["--cache"]);
    assert_eq!(stdout(&replaced), b64(&bundle));
    assert_eq!(server.requests().len(), 5);
    // Replaced by a good file: the next run reuses it.
    stdout(&exchange(&url, home.path(), &["--cache"]));
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn a_cache_file_from_another_url_is_replaced() {
    let home = tempfile::tempdir().unwrap();
    let (for_a, for_b) = (bundle_valid_for(3600), bundle_valid_for(7200));
    let server_a = authority(vec![for_a.clone()]);
    let server_b = authority(vec![for_b.clone()]);
    let (url_a, url_b) = (url(&server_a, "a"), url(&server_b, "b"));
    stdout(&exchange(&url_a, home.path(), &["--cache"]));
    let file_a = only_bundle_file(home.path());
    stdout(&exchange(&url_b, home.path(), &["--cache"]));
    let file_b = bundle_files(home.path())
        .into_iter()
        .find(|file| *file != file_a)
        .unwrap();
    // B's file now holds A's entry (a bundle from another exchange URL): never reused for B.
    std::fs::copy(&file_a, &file_b).unwrap();
    let replaced = exchange(&url_b, home.path(), &["--cache"]);
    assert_eq!(stdout(&replaced), b64(&for_b));
    assert!(
        stderr(&replaced).contains("another exchange URL"),
        "{}",
        stderr(&replaced)
    );
    assert_eq!(server_b.requests().len(), 2);
    assert_eq!(server_a.requests().len(), 1);
}

#[test]
fn each_jwt_source_selection_has_its_own_entry() {
    let home = tempfile::tempdir().unwrap();
    let server = authority(vec![bundle_valid_for(3600)]);
    let url = url(&server, "a");
    stdout(&exchange(&url, home.path(), &["--cache"]));
    let other = kliento()
        .env("XDG_CACHE_HOME", home.path())
        .env("OTHER_JWT", SAMPLE_JWT)
        .args(["exchange", &url, "--jwt-env", "OTHER_JWT", "--cache"])
        .output()
        .unwrap();
    stdout(&other);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(bundle_files(home.path()).len(), 2);
}

#[test]
fn concurrent_runs_do_one_exchange() {
    let home = tempfile::tempdir().unwrap();
    let bundle = bundle_valid_for(3600);
    let answer = bundle.clone();
    // A slow Authority, so that every run starts while the first exchange is under way.
    let server = HttpServer::start(move |_| {
        std::thread::sleep(Duration::from_millis(700));
        Answer::Reply(200, Some(BUNDLE_TYPE), answer.clone())
    });
    let url = url(&server, "a");
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut command = crate::support::kliento_process();
            command
                .env("XDG_CACHE_HOME", home.path())
                .env("CI_JWT", SAMPLE_JWT)
                .args(["exchange", &url, "--jwt-env", "CI_JWT", "--cache"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(stdout(&output), b64(&bundle));
    }
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn cache_directory_is_0700_and_its_files_0600() {
    let home = tempfile::tempdir().unwrap();
    let server = authority(vec![bundle_valid_for(3600)]);
    let url = url(&server, "a");
    // A permissive umask must not loosen the modes: created under a parent made by the run.
    let cache_home = home.path().join("deeper").join("cache");
    stdout(&exchange(&url, &cache_home, &["--cache"]));
    let dir = cache_dir(&cache_home);
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "a bundle file and a lock file: {files:?}");
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_group_writable_cache_directory_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let server = authority(vec![bundle_valid_for(3600)]);
    let url = url(&server, "a");
    let dir = cache_dir(home.path());
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o770)).unwrap();
    let refused = exchange(&url, home.path(), &["--cache"]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    let message = stderr(&refused);
    assert!(message.contains("refusing the bundle cache"), "{message}");
    assert!(
        message.contains(&format!("chmod 700 {}", dir.display())),
        "{message}"
    );
    assert!(server.requests().is_empty());
    // Without --cache the directory is not looked at.
    stdout(&exchange(&url, home.path(), &[]));
}

#[test]
fn a_cache_file_open_to_others_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let server = authority(vec![bundle_valid_for(3600)]);
    let url = url(&server, "a");
    stdout(&exchange(&url, home.path(), &["--cache"]));
    let file = only_bundle_file(home.path());
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = exchange(&url, home.path(), &["--cache"]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("is accessible by others"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_jwt_never_appears_in_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let server = authority(vec![bundle_valid_for(3600)]);
    let url = url(&server, "a");
    let jwt = jwt_file(home.path());
    let output = kliento()
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .args(["exchange", &url, "--jwt-file"])
        .arg(&jwt)
        .args(["--cache", "-vv"])
        .output()
        .unwrap();
    stdout(&output);
    let mut seen = 0;
    for entry in std::fs::read_dir(home.path().join("cache").join("kliento")).unwrap() {
        let path = entry.unwrap().path();
        let content = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let lower = content.to_ascii_lowercase();
        for part in SAMPLE_JWT.split('.') {
            assert!(
                !lower.contains(&part.to_ascii_lowercase()),
                "{}",
                path.display()
            );
        }
        assert!(!content.contains(&STANDARD.encode(SAMPLE_JWT)));
        seen += 1;
    }
    assert_eq!(seen, 2);
    // The JWT reached the Authority: the check above looked for something that existed.
    assert!(server.requests()[0].head.contains(SAMPLE_JWT));
}

#[test]
fn without_xdg_cache_home_the_cache_is_under_home() {
    let home = tempfile::tempdir().unwrap();
    let server = authority(vec![bundle_valid_for(3600)]);
    let url = url(&server, "a");
    let run = || {
        kliento()
            .env("HOME", home.path())
            .env("CI_JWT", SAMPLE_JWT)
            .args(["exchange", &url, "--jwt-env", "CI_JWT", "--cache"])
            .output()
            .unwrap()
    };
    stdout(&run());
    stdout(&run());
    assert_eq!(server.requests().len(), 1);
    only_bundle_file(&home.path().join(".cache"));
}
