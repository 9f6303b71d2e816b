//! The command line's I/O rules (issue 8): how every command writes its output files, how much
//! input is read, what happens when stderr or stdout cannot be written, empty `KLIENTO_*`
//! variables, time ranges, and inputs that are recognisably not a bundle.

use crate::support::fixture::Org;
use crate::support::{kliento, temp_dir, write};
use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

const EXAMPLE_TOKEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/token.b64");
const EXAMPLE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/test-root.ds");
const EXAMPLE_PUBLIC_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/org-key.pub.pem");

/// An organisation key, a test chain for example.com and an organisation certificate.
struct Fixture {
    _org: Org,
    key: PathBuf,
    chain: PathBuf,
    org_cert: PathBuf,
}

fn fixture() -> Fixture {
    let org = Org::new();
    Fixture {
        key: org.path("org.pem"),
        chain: org.path("chain.der"),
        org_cert: org.org_cert(),
        _org: org,
    }
}

/// A number not returned before in this process (for unique file names).
fn next_number() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Every command that writes one file with `-o`, writing `out`; `local` ones succeed offline.
fn writers(f: &Fixture, dir: &Path, out: &Path) -> Vec<(&'static str, bool, Command)> {
    let mut list = Vec::new();
    let mut cmd = kliento();
    cmd.args(["-q", "keygen", "-o"]).arg(out);
    list.push(("keygen", true, cmd));

    let mut cmd = kliento();
    cmd.args([
        "-q",
        "issue",
        "org-cert",
        "--domain",
        "example.com",
        "--key",
    ])
    .arg(&f.key)
    .arg("-o")
    .arg(out);
    list.push(("issue org-cert", true, cmd));

    let mut cmd = kliento();
    cmd.args(["-q", "issue", "member-cert", "--user", "alice", "--org-key"])
        .arg(&f.key)
        .arg("--org-cert")
        .arg(&f.org_cert)
        .arg("--member-key")
        .arg(&f.key)
        .arg("-o")
        .arg(out);
    list.push(("issue member-cert", true, cmd));

    let mut cmd = kliento();
    cmd.args([
        "-q",
        "issue",
        "test-chain",
        "--domain",
        "example.com",
        "--key",
    ])
    .arg(&f.key)
    .arg("-o")
    .arg(out)
    .arg("--trust-anchors-out")
    .arg(dir.join(format!("anchors-{}.ds", next_number())));
    list.push(("issue test-chain", true, cmd));

    let mut cmd = kliento();
    cmd.args([
        "-q",
        "issue",
        "token",
        "--audience",
        "https://api.example.com",
    ])
    .args(["--domain", "example.com", "--key"])
    .arg(&f.key)
    .arg("--chain")
    .arg(&f.chain)
    .arg("-o")
    .arg(out);
    list.push(("issue token", true, cmd));

    // Network commands: their outputs are checked before any request (nothing listens on
    // port 9, so getting further would fail with 4, not 2).
    let mut cmd = kliento();
    cmd.args(["-q", "issue", "chain", "--domain", "example.com"])
        .args(["--resolver", "127.0.0.1:9", "--timeout", "1", "-o"])
        .arg(out);
    list.push(("issue chain", false, cmd));

    let mut cmd = kliento();
    cmd.args([
        "-q",
        "exchange",
        "http://127.0.0.1:9/x",
        "--jwt-env",
        "JWT",
        "-o",
    ])
    .arg(out)
    .env("JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0In0.c2ln");
    list.push(("exchange", false, cmd));
    list
}

#[test]
fn output_to_a_directory_is_a_usage_error_with_or_without_force() {
    let dir = temp_dir();
    let f = fixture();
    let out = dir.path().join("a-directory");
    fs::create_dir(&out).unwrap();
    for force in [false, true] {
        for (name, _, mut cmd) in writers(&f, dir.path(), &out) {
            if force {
                cmd.arg("--force");
            }
            cmd.assert()
                .code(2)
                .stderr(contains(format!("{} is a directory", out.display())))
                .stderr(contains("--force").not());
            assert!(out.is_dir(), "{name} replaced the directory");
        }
    }
}

#[test]
fn an_existing_regular_file_is_replaced_only_with_force_by_every_command() {
    let dir = temp_dir();
    let f = fixture();
    let out = dir.path().join("existing");
    for (name, local, mut cmd) in writers(&f, dir.path(), &out) {
        fs::write(&out, "precious").unwrap();
        cmd.assert()
            .code(2)
            .stderr(contains("already exists; refusing to overwrite it"))
            .stderr(contains("hint: pass --force to replace it"));
        assert_eq!(fs::read_to_string(&out).unwrap(), "precious", "{name}");
        if local {
            let (_, _, mut forced) = writers(&f, dir.path(), &out)
                .into_iter()
                .find(|(n, _, _)| *n == name)
                .unwrap();
            forced.arg("--force").assert().success();
            assert_ne!(fs::read(&out).unwrap(), b"precious", "{name}");
        }
    }
}

#[test]
fn an_existing_regular_file_is_replaced_only_with_force_by_completions_and_man() {
    let dir = temp_dir();
    let existing = write(dir.path(), "kliento.bash", "precious");
    let page = write(dir.path(), "kliento.1", "precious");
    for args in [&["completions", "bash"][..], &["man"][..]] {
        kliento()
            .args(args)
            .arg("-o")
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(contains("already exists; refusing to overwrite it"))
            .stderr(contains("hint: pass --force to replace it"));
    }
    assert_eq!(fs::read_to_string(&existing).unwrap(), "precious");
    assert_eq!(fs::read_to_string(&page).unwrap(), "precious");
    // All or none: no other page was written beside the refused one.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    for args in [&["completions", "bash"][..], &["-q", "man"][..]] {
        kliento()
            .args(args)
            .arg("-o")
            .arg(dir.path())
            .arg("--force")
            .assert()
            .success();
    }
    assert!(fs::read_to_string(&existing).unwrap().contains("_kliento"));
    assert!(fs::read_to_string(&page).unwrap().contains(".TH"));
    // `-o` of these commands is a directory: a file there is a usage error, not an I/O one.
    for force in [false, true] {
        let mut cmd = kliento();
        cmd.args(["completions", "bash", "-o"]).arg(&existing);
        if force {
            cmd.arg("--force");
        }
        cmd.assert().code(2).stderr(contains("is not a directory"));
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn special_files_are_written_in_place_without_force_and_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = temp_dir();
    let f = fixture();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    for force in [false, true] {
        for (name, local, mut cmd) in writers(&f, dir.path(), &fifo) {
            if !local {
                continue;
            }
            if force {
                cmd.arg("--force");
            }
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || fs::read(fifo).unwrap())
            };
            cmd.timeout(Duration::from_secs(60)).assert().success();
            let received = reader.join().unwrap();
            assert!(
                !received.is_empty(),
                "{name}: the FIFO's reader got nothing"
            );
            assert!(
                fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
                "{name} replaced the FIFO"
            );
        }
    }
    // /dev/stdout on a pipe (a link the kernel resolves to the pipe) is written in place.
    let (_, _, mut cmd) = writers(&f, dir.path(), Path::new("/dev/stdout")).remove(1);
    cmd.assert()
        .success()
        .stdout(predicate::str::starts_with("-----BEGIN CERTIFICATE-----"));
    // A character device is written in place too, with no --force needed.
    for (name, local, cmd) in writers(&f, dir.path(), Path::new("/dev/null")) {
        if local {
            let mut cmd = cmd;
            cmd.assert().success();
            assert!(
                fs::metadata("/dev/null")
                    .unwrap()
                    .file_type()
                    .is_char_device(),
                "{name}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_never_replaced() {
    let dir = temp_dir();
    let f = fixture();
    let target = dir.path().join("target.pem");
    let link = dir.path().join("link.pem");
    std::os::unix::fs::symlink("target.pem", &link).unwrap();
    // A dangling link: its target is created.
    let (_, _, mut cmd) = writers(&f, dir.path(), &link).remove(1);
    cmd.assert().success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let first = fs::read(&target).unwrap();
    assert!(first.starts_with(b"-----BEGIN CERTIFICATE-----"));
    // An existing target is a regular file: replaced only with --force, the link kept.
    let (_, _, mut cmd) = writers(&f, dir.path(), &link).remove(1);
    cmd.assert().code(2).stderr(contains("already exists"));
    let (_, _, mut cmd) = writers(&f, dir.path(), &link).remove(1);
    cmd.arg("--force").assert().success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_ne!(fs::read(&target).unwrap(), first);
}

#[test]
fn a_command_with_several_outputs_writes_all_or_none() {
    let dir = temp_dir();
    let f = fixture();
    let anchors = dir.path().join("new-root.ds");
    let test_chain = |chain: &Path| {
        let mut cmd = kliento();
        cmd.args(["issue", "test-chain", "--domain", "example.com", "--key"])
            .arg(&f.key)
            .arg("-o")
            .arg(chain)
            .arg("--trust-anchors-out")
            .arg(&anchors);
        cmd
    };
    // The chain's directory is missing: nothing is written.
    test_chain(&dir.path().join("nodir/c.der"))
        .assert()
        .code(4)
        .stderr(contains("no such file or directory"));
    assert!(!anchors.exists(), "the trust anchors were left behind");
    // The chain cannot be written (a full device, written in place): the anchors are not kept.
    #[cfg(target_os = "linux")]
    {
        test_chain(Path::new("/dev/full"))
            .assert()
            .code(4)
            .stderr(contains("cannot write /dev/full"));
        assert!(!anchors.exists(), "the trust anchors were left behind");
    }
    // keygen: the public key cannot be written, so the private key is not kept either.
    let private = dir.path().join("k.pem");
    kliento()
        .args(["keygen", "-o"])
        .arg(&private)
        .arg("--public-out")
        .arg(dir.path().join("nodir/k.pub.pem"))
        .assert()
        .code(4);
    assert!(!private.exists());
    // No temporary file is left anywhere.
    for entry in fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "{name} left behind");
    }
}

#[test]
fn every_input_is_read_with_a_bound() {
    let dir = temp_dir();
    let f = fixture();
    let big = write(dir.path(), "big", vec![b'A'; 2 * 1024 * 1024]);
    let run = |args: &[&str], input: &Path| {
        let mut cmd = kliento();
        cmd.args(args)
            .arg(input)
            .timeout(Duration::from_secs(30))
            .assert()
    };
    for input in [Path::new("/dev/zero"), &big] {
        run(&["verify", "--audience", "x"], input)
            .code(3)
            .stdout(contains(
                "malformed: Token serialisation is malformed: the input is over 22788 bytes",
            ));
        run(&["txt-record", "--key"], input)
            .code(3)
            .stderr(contains("over the 65536-byte limit for a key"));
        let mut cmd = kliento();
        cmd.args(["verify", "--audience", "x", "--trust-anchors"])
            .arg(input)
            .arg(EXAMPLE_TOKEN)
            .timeout(Duration::from_secs(30))
            .assert()
            .code(3)
            .stderr(contains("limit for a trust-anchors file"));
        let mut cmd = kliento();
        cmd.args([
            "issue",
            "token",
            "--audience",
            "a",
            "--domain",
            "example.com",
        ])
        .arg("--key")
        .arg(&f.key)
        .arg("--chain")
        .arg(input)
        .timeout(Duration::from_secs(30))
        .assert()
        .code(3)
        .stderr(contains("limit for a DNSSEC chain"));
    }
    // stdin too.
    kliento()
        .args(["verify", "--audience", "x"])
        .write_stdin(vec![b'A'; 1024 * 1024])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(3)
        .stdout(contains("the input is over 22788 bytes"));
}

/// Runs kliento with stderr (or stdout) going to /dev/full.
#[cfg(target_os = "linux")]
fn to_full(args: &[&str], stream: &str) -> std::process::Output {
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let mut cmd = crate::support::kliento_process();
    cmd.args(args);
    match stream {
        "stderr" => cmd.stderr(full()).stdout(std::process::Stdio::piped()),
        _ => cmd.stdout(full()).stderr(std::process::Stdio::piped()),
    };
    cmd.output().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn failing_to_write_stderr_never_changes_the_exit_code() {
    let dir = temp_dir();
    let key = dir.path().join("k.pem");
    let key = key.to_str().unwrap();
    let token = EXAMPLE_TOKEN;
    let at = "2026-12-01T00:00:00Z";
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["keygen", "-o", key], 0),
        (
            vec![
                "verify",
                "--audience",
                "https://api.example.com",
                "--trust-anchors",
                EXAMPLE_ROOT,
                "--at",
                at,
                token,
            ],
            0,
        ),
        (
            vec![
                "verify",
                "--audience",
                "https://other.example",
                "--trust-anchors",
                EXAMPLE_ROOT,
                "--at",
                at,
                token,
            ],
            1,
        ),
        (vec!["verify", "--audience", "x", "/dev/null"], 3),
        (vec!["keygen", "-o", key], 2),
        (vec!["verify", "--no-such-flag"], 2),
        (vec!["txt-record", "--key", "/nonexistent"], 4),
    ];
    for (args, code) in cases {
        let output = to_full(&args, "stderr");
        assert_eq!(output.status.code(), Some(code), "{args:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn help_and_version_that_cannot_be_written_to_stdout_are_an_environment_failure() {
    for args in [&["--help"][..], &["--version"], &["verify", "--help"]] {
        let output = to_full(args, "stdout");
        assert_eq!(output.status.code(), Some(4), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("cannot write to stdout"),
            "{args:?}"
        );
    }
    kliento().arg("--version").assert().success();
}

#[test]
fn an_invalid_variable_value_names_the_variable() {
    kliento()
        .env("KLIENTO_FORMAT", "xml")
        .args(["txt-record", "--key", EXAMPLE_PUBLIC_KEY])
        .assert()
        .code(2)
        .stderr(contains("KLIENTO_FORMAT"))
        .stderr(contains("'xml'"))
        .stderr(contains("text, json"));
    // A trust-anchors file from the variable that cannot be read or parsed names it too.
    let dir = temp_dir();
    let garbage = write(dir.path(), "garbage.ds", "not a DS record");
    for (path, code) in [(dir.path().join("missing.ds"), 4), (garbage, 3)] {
        kliento()
            .env("KLIENTO_TRUST_ANCHORS", &path)
            .args(["verify", "--audience", "x", EXAMPLE_TOKEN])
            .assert()
            .code(code)
            .stderr(contains(format!(
                "KLIENTO_TRUST_ANCHORS={}",
                path.display()
            )));
    }
    // The same value on the command line is reported as the flag's.
    kliento()
        .env("KLIENTO_FORMAT", "json")
        .args(["--format", "xml", "txt-record", "--key", EXAMPLE_PUBLIC_KEY])
        .assert()
        .code(2)
        .stderr(contains("KLIENTO_FORMAT").not());
}

#[test]
fn times_out_of_range_are_refused_alike_absolute_or_relative() {
    let range = "out of range (supported: 1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z)";
    for at in [
        "9999-12-31T23:59:59Z",
        "2106-02-07T06:28:16Z",
        "1969-12-31T23:59:59Z",
        "+1000000d",
        "-100000d",
    ] {
        kliento()
            .args(["verify", "--audience", "x", "--at", at, EXAMPLE_TOKEN])
            .assert()
            .code(2)
            .stderr(contains(range))
            .stderr(contains("not a time").not());
    }
    let dir = temp_dir();
    let key = dir.path().join("k.pem");
    kliento()
        .args(["-q", "keygen", "-o"])
        .arg(&key)
        .assert()
        .success();
    for flags in [
        &["--valid-for", "1000000d"][..],
        &["--expiry", "+1000000d"],
        &["--start", "9999-12-31T23:59:59Z"],
    ] {
        kliento()
            .args(["issue", "org-cert", "--domain", "example.com", "--key"])
            .arg(&key)
            .args(flags)
            .assert()
            .code(2)
            .stderr(contains(range));
    }
    kliento()
        .args([
            "verify",
            "--audience",
            "x",
            "--at",
            "not-a-time",
            EXAMPLE_TOKEN,
        ])
        .assert()
        .code(2)
        .stderr(contains("is not a time"));
}

#[test]
fn undecodable_input_says_what_it_is_with_a_hint() {
    let dir = temp_dir();
    let jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl";
    let bundle = fs::read_to_string(EXAMPLE_TOKEN).unwrap();
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (jwt.into(), "is a JWT", "kliento exchange"),
        (
            format!("Bearer {jwt}\n").into(),
            "Authorization scheme must be \"Kliento\" (got \"Bearer\")",
            "a Bearer token is not a Kliento bundle",
        ),
        (
            fs::read(EXAMPLE_PUBLIC_KEY).unwrap(),
            "PEM block (-----BEGIN PUBLIC KEY-----)",
            "not a key or certificate",
        ),
        (
            [&b"\xEF\xBB\xBF"[..], bundle.as_bytes()].concat(),
            "byte order mark",
            "without a byte order mark",
        ),
    ];
    for (input, what, hint) in cases {
        let path = write(dir.path(), "input", input);
        kliento()
            .args(["verify", "--audience", "x"])
            .arg(&path)
            .assert()
            .code(3)
            .stdout(contains(what))
            .stderr(contains(hint));
    }
    kliento()
        .args(["verify", "--audience", "x"])
        .write_stdin("abc.defg")
        .assert()
        .code(3)
        .stdout(contains("'.' at byte 3 is not a base64 character"))
        .stdout(contains("Invalid symbol").not());
}

/// `verify` with no input on a terminal says that it reads stdin instead of waiting silently
/// (run under `script`, which gives kliento a terminal; Ctrl-D ends the input).
#[cfg(target_os = "linux")]
#[test]
fn reading_stdin_from_a_terminal_says_so() {
    use std::io::Write;
    let command = format!(
        "timeout --foreground 30 {} verify --audience x",
        crate::support::binary().display()
    );
    let Some(mut script) = crate::support::terminal::script(&command) else {
        return;
    };
    let mut child = script
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\x04").unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("note: reading from stdin"), "{text}");
    assert_eq!(output.status.code(), Some(3), "{text}");
}

/// Several outputs, all or none: `test-chain -o -` on a terminal writes no anchors file either,
/// and its hint offers no text encoding (a chain has none).
#[cfg(target_os = "linux")]
#[test]
fn test_chain_to_a_terminal_writes_nothing() {
    let dir = temp_dir();
    let f = fixture();
    let anchors = dir.path().join("t.ds");
    let command = format!(
        "timeout --foreground 60 {} issue test-chain --domain example.com --key {} -o - \
         --trust-anchors-out {}",
        crate::support::binary().display(),
        f.key.display(),
        anchors.display()
    );
    let Some((code, text)) = crate::support::terminal::in_terminal(&command) else {
        return;
    };
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("refusing to write binary output to a terminal"),
        "{text}"
    );
    // The hint offers a file, and no text encoding (a chain has none).
    assert!(text.contains("-o FILE"), "{text}");
    assert!(!text.contains("text encoding"), "{text}");
    assert!(!anchors.exists(), "the trust anchors were written");
}

// Data cases: cases/cli_io.toml.
cases!(empty_kliento_variables_mean_unset);
