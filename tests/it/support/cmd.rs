//! The one way the tests run the `kliento` binary: a clean environment (nothing inherited but
//! `PATH`), so that no `KLIENTO_*`, proxy, cloud (`AWS_*`, `GITHUB_*`, `ACTIONS_*`, ...) or CI
//! variable of the host changes what a test sees. A test that needs a variable sets it.

use std::path::PathBuf;

/// The `kliento` binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kliento"))
}

/// `kliento` as built for this test run (assert_cmd), with a clean, deterministic environment:
/// `PATH` only, `RUST_BACKTRACE=0` and `NO_COLOR=1`.
pub fn kliento() -> assert_cmd::Command {
    assert_cmd::Command::from_std(kliento_process())
}

/// [`kliento`] as a `std::process::Command`, for tests that spawn it (pipes, signals, servers).
pub fn kliento_process() -> std::process::Command {
    let mut command = std::process::Command::new(binary());
    clean_env(&mut command);
    command
}

/// Clears the environment of `command` but for `PATH`, then sets `RUST_BACKTRACE=0` and
/// `NO_COLOR=1` (a test about colours removes it).
pub fn clean_env(command: &mut std::process::Command) -> &mut std::process::Command {
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.env("RUST_BACKTRACE", "0").env("NO_COLOR", "1")
}
