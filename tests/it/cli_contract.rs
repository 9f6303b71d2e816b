//! The global command-line contract: help and exit codes, generated docs, colours, pipes.

use crate::support::{kliento, temp_dir};
use predicates::str::contains;
use std::process::Stdio;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "kliento.bash"),
    ("zsh", "_kliento"),
    ("fish", "kliento.fish"),
    ("elvish", "kliento.elv"),
    ("powershell", "_kliento.ps1"),
];
const EXIT_CODE_LINES: [&str; 5] = [
    "  0  success",
    "  1  invalid",
    "  2  usage error",
    "  3  malformed input",
    "  4  environment failure",
];
const STALE: &str = "stale: run ./scripts/generate-docs.sh and commit the result";

fn repo_file(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e} ({STALE})"))
}

fn stdout_of(args: &[&str]) -> String {
    let output = kliento()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

/// The subcommand paths, read from the committed man page names (kliento-txt-record.1 -> txt-record).
fn subcommands() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| {
            n.strip_prefix("kliento-")?
                .strip_suffix(".1")
                .map(String::from)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn committed_completions_match_the_clap_definitions() {
    for (shell, file) in SHELLS {
        let generated = kliento()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(
            generated == repo_file(&format!("completions/{file}")),
            "completions/{file} is {STALE}"
        );
    }
}

#[test]
fn committed_man_pages_match_the_clap_definitions() {
    let dir = temp_dir();
    kliento()
        .args(["-q", "man", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let mut generated: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let mut committed: Vec<String> =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    committed.sort();
    assert_eq!(generated, committed, "man/ is {STALE}");
    for name in generated {
        let page = std::fs::read(dir.path().join(&name)).unwrap();
        assert!(
            page == repo_file(&format!("man/{name}")),
            "man/{name} is {STALE}"
        );
    }
}

#[test]
fn help_and_man_page_agree_on_every_option_and_the_exit_codes() {
    for sub in subcommands() {
        let man = String::from_utf8(repo_file(&format!("man/kliento-{sub}.1"))).unwrap();
        let man_plain = man.replace("\\-", "-");
        // The SYNOPSIS starts with the command path in bold: `\fBkliento issue test-chain\fR`.
        let synopsis = man_plain
            .split(".SH SYNOPSIS\n\\fB")
            .nth(1)
            .expect("synopsis");
        let path = &synopsis[..synopsis.find("\\fR").unwrap()];
        let args: Vec<&str> = path.split(' ').skip(1).collect();
        let mut help_args = args.clone();
        help_args.push("--help");
        let help = stdout_of(&help_args);
        let flags: Vec<&str> = help
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .collect();
        assert!(flags.contains(&"--help"), "{sub}: {help}");
        for flag in flags {
            assert!(
                man_plain.contains(&format!("\\fB{flag}\\fR")),
                "kliento-{sub}.1 lacks {flag}"
            );
        }
        for line in EXIT_CODE_LINES {
            assert!(help.contains(line), "`kliento {sub} --help` lacks {line:?}");
            // The man page lists them under EXIT STATUS, one `.TP` entry per code.
            let (code, meaning) = line.trim_start().split_once("  ").unwrap();
            let exit_status = man_plain
                .split(".SH \"EXIT STATUS\"\n")
                .nth(1)
                .unwrap_or_else(|| panic!("kliento-{sub}.1 has no EXIT STATUS section"));
            assert!(
                exit_status.contains(&format!(".TP\n\\fB{code}\\fR\n{meaning}")),
                "kliento-{sub}.1 lacks {line:?} under EXIT STATUS"
            );
        }
    }
    assert!(subcommands().contains(&"txt-record".to_string()));
}

#[test]
fn top_level_help_lists_the_exit_codes() {
    let help = stdout_of(&["--help"]);
    for line in EXIT_CODE_LINES {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
}

#[test]
fn errors_are_coloured_only_when_asked() {
    let missing = ["txt-record", "--key", "/nonexistent"];
    kliento()
        .args(["--color", "always"])
        .args(missing)
        .assert()
        .code(4)
        .stderr(contains("\x1b[1;31merror:\x1b[0m"));
    kliento()
        .env_remove("NO_COLOR")
        .args(missing)
        .assert()
        .code(4)
        .stderr(predicates::str::starts_with("error: cannot read"));
}

#[test]
fn a_closed_stdout_pipe_ends_quietly_with_status_zero() {
    let mut child = crate::support::kliento_process()
        .args(["completions", "bash"])
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before kliento writes anything
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

// Data cases: cases/cli_contract.toml.
cases!(
    an_unknown_flag_is_a_usage_error,
    version_is_printed_on_stdout,
);
