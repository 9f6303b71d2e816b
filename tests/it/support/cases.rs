//! Command-line cases as data. `tests/it/cases/<module>.toml` holds `[[case]]` tables: the
//! arguments, environment and standard input of one `kliento` run (through
//! [`super::kliento`], so in a clean environment) and what it must give back: the exit status,
//! and stdout and stderr exactly, or by what they start with, contain or must not contain.
//! Each case names the test it belongs to; the module declares those tests with `cases!`
//! (tests/it/main.rs), so that `cargo test NAME` selects them as before.
//!
//! Each case runs in a fresh temporary directory. In arguments, environment values and expected
//! outputs, `{examples}` stands for the repository's examples/ directory and `{version}` for the
//! package version.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

/// One run and what it must give back.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The test this case belongs to.
    test: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    stdin: Option<String>,
    status: i32,
    stdout: Option<String>,
    stdout_starts_with: Option<String>,
    #[serde(default)]
    stdout_contains: Vec<String>,
    #[serde(default)]
    stdout_lacks: Vec<String>,
    stderr: Option<String>,
    #[serde(default)]
    stderr_contains: Vec<String>,
    #[serde(default)]
    stderr_lacks: Vec<String>,
}

fn path_of(module: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/it/cases/{module}.toml"))
}

fn load(module: &str) -> Vec<Case> {
    let path = path_of(module);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.case
}

/// The name of the module a `cases!` invocation stands in (`it::cli_io` -> `cli_io`).
pub fn module_name(module_path: &str) -> &str {
    module_path.rsplit("::").next().unwrap()
}

/// Runs every case of `cases/<module>.toml` that belongs to `test` (there must be one).
pub fn run(module: &str, test: &str) {
    let cases: Vec<Case> = load(module)
        .into_iter()
        .filter(|c| c.test == test)
        .collect();
    assert!(
        !cases.is_empty(),
        "{} has no case for {test}",
        path_of(module).display()
    );
    for (index, case) in cases.iter().enumerate() {
        case.run(&format!("{module}.toml, case {} of {test}", index + 1));
    }
}

/// Asserts that every case of `cases/<module>.toml` belongs to one of `tests`.
pub fn all_claimed(module: &str, tests: &[&str]) {
    for case in load(module) {
        assert!(
            tests.contains(&case.test.as_str()),
            "{}: a case belongs to {:?}, which `cases!` does not declare",
            path_of(module).display(),
            case.test
        );
    }
}

fn expand(text: &str) -> String {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    text.replace("{examples}", &examples.display().to_string())
        .replace("{version}", env!("CARGO_PKG_VERSION"))
}

impl Case {
    fn run(&self, what: &str) {
        let dir = super::temp_dir();
        let mut command = super::kliento();
        command.current_dir(dir.path());
        command.args(self.args.iter().map(|a| expand(a)));
        for (name, value) in &self.env {
            command.env(name, expand(value));
        }
        if let Some(stdin) = &self.stdin {
            command.write_stdin(stdin.clone());
        }
        let output = command.output().expect("run kliento");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let shown = format!(
            "{what}: kliento {:?}\n--- stdout\n{stdout}--- stderr\n{stderr}---",
            self.args
        );
        assert_eq!(output.status.code(), Some(self.status), "status; {shown}");
        let expected = |text: &String| expand(text);
        if let Some(exact) = &self.stdout {
            assert_eq!(stdout, expected(exact), "stdout; {shown}");
        }
        if let Some(start) = &self.stdout_starts_with {
            assert!(
                stdout.starts_with(&expected(start)),
                "stdout start; {shown}"
            );
        }
        for part in &self.stdout_contains {
            assert!(
                stdout.contains(&expected(part)),
                "stdout lacks {part:?}; {shown}"
            );
        }
        for part in &self.stdout_lacks {
            assert!(
                !stdout.contains(&expected(part)),
                "stdout has {part:?}; {shown}"
            );
        }
        if let Some(exact) = &self.stderr {
            assert_eq!(stderr, expected(exact), "stderr; {shown}");
        }
        for part in &self.stderr_contains {
            assert!(
                stderr.contains(&expected(part)),
                "stderr lacks {part:?}; {shown}"
            );
        }
        for part in &self.stderr_lacks {
            assert!(
                !stderr.contains(&expected(part)),
                "stderr has {part:?}; {shown}"
            );
        }
    }
}
