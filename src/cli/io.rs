//! Where bytes come from and go to: `-` is stdin/stdout, inputs are read with a cap, output
//! files follow one rule ([`output`]), binary never goes to a terminal, a closed pipe is quiet,
//! and a failed write to stderr is ignored.

use super::failure::Failure;
use super::output::{self, Destination};
use kliento::bounded::{self, BoundedReadError, caps};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// A cap on what one kind of input may weigh (see [`kliento::bounded::caps`]).
#[derive(Clone, Copy, Debug)]
pub struct Cap {
    /// At most this many bytes are accepted; one more is read to tell.
    pub bytes: usize,
    /// What the input is, for messages ("a key").
    pub what: &'static str,
}

/// RSA keys.
pub const KEY: Cap = Cap {
    bytes: caps::KEY,
    what: "a key",
};
/// X.509 certificates.
pub const CERTIFICATE: Cap = Cap {
    bytes: caps::CERTIFICATE,
    what: "a certificate",
};
/// DNSSEC chain files.
pub const CHAIN: Cap = Cap {
    bytes: caps::CHAIN,
    what: "a DNSSEC chain",
};
/// Trust-anchors files.
pub const TRUST_ANCHORS: Cap = Cap {
    bytes: caps::TRUST_ANCHORS,
    what: "a trust-anchors file",
};
/// Secrets (client secrets).
pub const SECRET: Cap = Cap {
    bytes: caps::SECRET,
    what: "a secret",
};

/// Reads a whole input of at most `cap` bytes: a file, or stdin for `-`. Over the cap, the
/// input is malformed (exit 3) and is not read further.
pub fn read_input(path: &Path, cap: Cap) -> Result<Vec<u8>, Failure> {
    read_bounded(path, cap.bytes)?.ok_or_else(|| {
        Failure::malformed(format!(
            "{} is over the {}-byte limit for {}",
            source_name(path),
            cap.bytes,
            cap.what
        ))
    })
}

/// Reads at most `limit` bytes of a file or stdin (`-`); `None` when there are more.
pub fn read_bounded(path: &Path, limit: usize) -> Result<Option<Vec<u8>>, Failure> {
    let result = if is_stdio(path) {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            note_stdin();
        }
        bounded::read_bounded(stdin.lock(), limit)
    } else {
        bounded::read_file_bounded(path, limit)
    };
    match result {
        Ok(bytes) => Ok(Some(bytes)),
        Err(BoundedReadError::TooLarge { .. }) => Ok(None),
        Err(BoundedReadError::Io(e)) => Err(Failure::environment(format!(
            "cannot read {}: {}",
            source_name(path),
            io_reason(&e)
        ))),
        Err(other) => Err(Failure::environment(format!(
            "cannot read {}: {other}",
            source_name(path)
        ))),
    }
}

/// Reads a secret file (a client secret) of at most `cap` bytes, never blocking past
/// `deadline` (a FIFO without data) nor reading more than the cap (`/dev/zero`).
pub fn read_secret(
    path: &Path,
    cap: Cap,
    deadline: std::time::Instant,
) -> Result<Vec<u8>, Failure> {
    bounded::read_file_bounded_by(path, cap.bytes, deadline).map_err(|e| match e {
        BoundedReadError::TooLarge { .. } => Failure::malformed(format!(
            "{} is over the {}-byte limit for {}",
            path.display(),
            cap.bytes,
            cap.what
        )),
        BoundedReadError::Io(e) => {
            Failure::environment(format!("cannot read {}: {}", path.display(), io_reason(&e)))
        }
        other => Failure::environment(format!("cannot read {}: {other}", path.display())),
    })
}

/// `stdin` for `-`, else the path.
pub fn source_name(path: &Path) -> String {
    if is_stdio(path) {
        "stdin".to_string()
    } else {
        path.display().to_string()
    }
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// Silences the notes this module prints itself (`-q`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Someone at a terminal who gave no input file would otherwise wait in silence.
fn note_stdin() {
    if !QUIET.load(Ordering::Relaxed) {
        stderr_line(format_args!(
            "note: reading from stdin (a terminal): paste the input, then press Ctrl-D"
        ));
    }
}

/// Writes one line to stderr. Failing to write a diagnostic is ignored: it never changes the
/// exit code and never panics (`2>/dev/full`, a closed stderr).
pub fn stderr_line(line: std::fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    let _ = stderr
        .write_fmt(format_args!("{line}\n"))
        .and_then(|()| stderr.flush());
}

/// Whether a path argument means stdin or stdout.
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

pub use kliento::error::io_reason;

/// How an output file is created.
#[derive(Clone, Copy, Debug)]
pub struct FileMode {
    /// Private key material: created with mode 0600.
    pub secret: bool,
    /// Replace an existing file (otherwise an existing file is an error).
    pub overwrite: bool,
}

/// Refuses early (before any work) an output that the file-writing rule refuses (see
/// [`output`]).
pub fn check_writable(path: &Path, mode: FileMode) -> Result<(), Failure> {
    Destination::new(path, mode, false).map(drop)
}

/// Writes `bytes` to `path` by the file-writing rule: regular files whole or not at all.
pub fn write_file(path: &Path, bytes: &[u8], mode: FileMode) -> Result<(), Failure> {
    let destination = Destination::new(path, mode, false)?;
    output::write_all(&[(&destination, bytes)])
}

/// Refuses binary output when stdout is a terminal.
pub fn refuse_binary_terminal() -> Result<(), Failure> {
    refuse_binary_terminal_with(
        "redirect stdout to a file, pass -o FILE, or choose a text encoding",
    )
}

/// Refuses binary output when stdout is a terminal, with a hint for a command that has no text
/// encoding to offer.
pub fn refuse_binary_terminal_with(hint: &str) -> Result<(), Failure> {
    if io::stdout().is_terminal() {
        return Err(Failure::usage("refusing to write binary output to a terminal").hint(hint));
    }
    Ok(())
}

/// The hint for commands whose output is DER only (a DNSSEC chain).
pub const DER_ONLY: &str = "redirect stdout to a file or pass -o FILE (a chain is binary DER only)";

/// Writes the result to stdout. Binary data is refused when stdout is a terminal.
pub fn write_stdout(bytes: &[u8], binary: bool) -> Result<(), Failure> {
    if binary {
        refuse_binary_terminal()?;
    }
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(stdout_failure)
}

/// Writes a result either to `-o FILE` or to stdout.
pub fn emit(
    output: Option<&Path>,
    bytes: &[u8],
    binary: bool,
    mode: FileMode,
) -> Result<(), Failure> {
    match output {
        Some(path) if !is_stdio(path) => {
            let destination = Destination::new(path, mode, binary)?;
            output::write_all(&[(&destination, bytes)])
        }
        _ => write_stdout(bytes, binary),
    }
}

/// A failed stdout write. A closed pipe (`kliento ... | head`) is not an error.
pub fn stdout_failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Failure::closed_stdout();
    }
    Failure::environment(format!("cannot write to stdout: {}", io_reason(&e)))
}
