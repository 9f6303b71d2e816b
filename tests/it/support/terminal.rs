//! Command lines run under `script` (util-linux), which gives them a terminal for stdin, stdout
//! and stderr, in a cleared environment (`NO_COLOR=1`). Check-free: a missing `script` reports
//! the test skipped through [`super::gate`].

use std::process::{Command, Stdio};

/// `script -qec <command> /dev/null`, or `None` (test skipped; a failure under CI) when
/// `script` is not installed.
pub fn script(command: &str) -> Option<Command> {
    if !super::gate::script() {
        return None;
    }
    let mut script = Command::new("script");
    script
        .args(["-qec", command, "/dev/null"])
        .env_clear()
        .env("NO_COLOR", "1");
    Some(script)
}

/// Runs `command` under [`script`] with no input; its exit code and everything it wrote.
pub fn in_terminal(command: &str) -> Option<(Option<i32>, String)> {
    let output = script(command)?
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    Some((
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}
