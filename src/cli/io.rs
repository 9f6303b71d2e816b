//! Where bytes come from and go to: `-` is stdin/stdout, output files are written whole or not
//! at all, secrets are created 0600, binary never goes to a terminal, and a closed pipe is quiet.

use super::exit::Exit;
use super::failure::Failure;
use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Reads a whole input: a file, or stdin for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    if is_stdio(path) {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::new(Exit::Environment, format!("cannot read stdin: {e}")))?;
        return Ok(bytes);
    }
    fs::read(path).map_err(|e| {
        Failure::new(
            Exit::Environment,
            format!("cannot read {}: {}", path.display(), io_reason(&e)),
        )
    })
}

/// Whether a path argument means stdin or stdout.
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The part of an I/O error worth showing (without "(os error N)").
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "is a directory".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

/// How an output file is created.
#[derive(Clone, Copy, Debug)]
pub struct FileMode {
    /// Private key material: created with mode 0600.
    pub secret: bool,
    /// Replace an existing file (otherwise an existing file is an error).
    pub overwrite: bool,
}

/// Refuses early when `path` exists and overwriting is not allowed, so that no work is wasted.
pub fn check_writable(path: &Path, mode: FileMode) -> Result<(), Failure> {
    if !is_stdio(path) && !mode.overwrite && path.exists() {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "{} already exists; refusing to overwrite it",
                path.display()
            ),
        )
        .hint("pass --force to replace it"));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so a failed
/// run never leaves a partial or empty file behind.
pub fn write_file(path: &Path, bytes: &[u8], mode: FileMode) -> Result<(), Failure> {
    check_writable(path, mode)?;
    let fail = |e: io::Error| {
        Failure::new(
            Exit::Environment,
            format!("cannot write {}: {}", path.display(), io_reason(&e)),
        )
    };
    let temporary = temporary_path(path);
    let result = (|| {
        let mut file = create_file(&temporary, mode.secret)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temporary);
        return Err(fail(e));
    }
    Ok(())
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.kliento-{}.tmp", std::process::id()))
}

#[cfg(unix)]
fn create_file(path: &Path, secret: bool) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    if secret {
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(not(unix))]
fn create_file(path: &Path, _secret: bool) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Writes the result to stdout. Binary data is refused when stdout is a terminal.
pub fn write_stdout(bytes: &[u8], binary: bool) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    if binary && stdout.is_terminal() {
        return Err(
            Failure::new(Exit::Usage, "refusing to write binary output to a terminal")
                .hint("redirect stdout to a file, pass -o FILE, or choose a text encoding"),
        );
    }
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
        Some(path) if !is_stdio(path) => write_file(path, bytes, mode),
        _ => write_stdout(bytes, binary),
    }
}

/// A failed stdout write. A closed pipe (`kliento ... | head`) is not an error.
pub fn stdout_failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Failure::new(Exit::Success, "stdout closed");
    }
    Failure::new(
        Exit::Environment,
        format!("cannot write to stdout: {}", io_reason(&e)),
    )
}
