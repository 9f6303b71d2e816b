//! The one rule for every file kliento writes (`keygen`, `issue *`, `exchange -o`,
//! `completions -o`, `man -o`):
//!
//! - a new file is created (0600 when it holds a secret) by writing a temporary file beside it
//!   and renaming it into place, so a failed run leaves nothing behind;
//! - an existing regular file is replaced the same way, and only with `--force` (usage error 2
//!   otherwise);
//! - a character device, FIFO or socket (`/dev/stdout`, `/dev/null`, `>(cmd)`) is opened and
//!   written in place: nothing is replaced, so no `--force` is needed;
//! - a symbolic link is followed (its target is written or replaced), never replaced itself;
//! - a directory, or any other kind of file, is a usage error (2), with or without `--force`;
//! - a command with several outputs writes all of them or none: every destination is checked
//!   before any work, regular files are staged as temporaries and renamed only when everything
//!   else succeeded, and what was renamed is removed again if a later rename fails.

use super::failure::Failure;
use super::io::{self, FileMode};
use kliento::new_file;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where one output goes, checked against the rule above.
#[derive(Debug)]
pub struct Destination {
    /// The path as the user gave it (for messages).
    shown: PathBuf,
    kind: Kind,
    mode: FileMode,
}

#[derive(Debug)]
enum Kind {
    /// `-`: standard output.
    Stdout { binary: bool },
    /// A regular file, new or existing (the symlink-resolved path).
    File { target: PathBuf, exists: bool },
    /// A character device, FIFO or socket, written in place (binary never to a terminal).
    Special { target: PathBuf, binary: bool },
}

impl Destination {
    /// Checks `path` (`-` for stdout) as an output with `mode`; `binary` output to stdout is
    /// refused when stdout is a terminal.
    pub fn new(path: &Path, mode: FileMode, binary: bool) -> Result<Self, Failure> {
        if io::is_stdio(path) {
            if binary {
                io::refuse_binary_terminal()?;
            }
            return Ok(Self {
                shown: path.to_path_buf(),
                kind: Kind::Stdout { binary },
                mode,
            });
        }
        let shown = path.display();
        let environment = |e: std::io::Error| {
            Failure::environment(format!("cannot write {shown}: {}", io::io_reason(&e)))
        };
        // The kernel follows links, magic ones included (`/dev/stdout`, `/dev/fd/63`).
        let kind = match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(Failure::usage(format!("{shown} is a directory"))
                    .hint("name a file to write (an existing directory is never replaced)"));
            }
            Ok(meta) if meta.is_file() => {
                if !mode.overwrite {
                    return Err(Failure::usage(format!(
                        "{shown} already exists; refusing to overwrite it"
                    ))
                    .hint("pass --force to replace it"));
                }
                // The file the links lead to is the one replaced, beside which the temporary
                // file is written.
                Kind::File {
                    target: fs::canonicalize(path).map_err(environment)?,
                    exists: true,
                }
            }
            Ok(meta) if is_special(&meta) => Kind::Special {
                target: path.to_path_buf(),
                binary,
            },
            Ok(_) => {
                return Err(Failure::usage(format!(
                    "{shown} is neither a regular file nor a character device, FIFO or \
                         socket; refusing to write to it"
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Missing, or a dangling link: the file it names is created.
                let target = resolve_links(path).map_err(environment)?;
                let parent = match target.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                if !fs::metadata(parent).is_ok_and(|m| m.is_dir()) {
                    return Err(Failure::environment(format!(
                        "cannot write {shown}: no such file or directory ({} is not a \
                             directory)",
                        parent.display()
                    ))
                    .hint("create the directory first, or choose another path"));
                }
                Kind::File {
                    target,
                    exists: false,
                }
            }
            Err(e) => return Err(environment(e)),
        };
        Ok(Self {
            shown: path.to_path_buf(),
            kind,
            mode,
        })
    }

    fn file_target(&self) -> Option<&Path> {
        match &self.kind {
            Kind::File { target, .. } | Kind::Special { target, .. } => Some(target),
            Kind::Stdout { .. } => None,
        }
    }
}

#[cfg(unix)]
fn is_special(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    kind.is_char_device() || kind.is_fifo() || kind.is_socket()
}

#[cfg(not(unix))]
fn is_special(_: &fs::Metadata) -> bool {
    false
}

/// Follows symbolic links (also dangling ones) to the path that is really written.
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Refuses two outputs that end up in the same file (after following links).
pub fn check_distinct(outputs: &[(&str, &Destination)]) -> Result<(), Failure> {
    for (i, (first_flag, first)) in outputs.iter().enumerate() {
        for (second_flag, second) in &outputs[i + 1..] {
            let same = match (first.file_target(), second.file_target()) {
                (Some(a), Some(b)) => same_file(a, b),
                (None, None) => true,
                _ => false,
            };
            if same {
                return Err(Failure::usage(format!(
                    "{first_flag} and {second_flag} name the same file"
                )));
            }
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    let canonical = |p: &Path| {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        let dir = fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
        Some(dir.join(p.file_name()?))
    };
    matches!((canonical(a), canonical(b)), (Some(x), Some(y)) if x == y)
}

/// One staged regular file: its temporary, written and synced, waiting to be renamed.
struct Staged<'a> {
    destination: &'a Destination,
    temporary: PathBuf,
}

/// Writes every output, all or none (see the module documentation).
pub fn write_all(outputs: &[(&Destination, &[u8])]) -> Result<(), Failure> {
    let mut staged: Vec<Staged<'_>> = Vec::new();
    let discard = |staged: &[Staged<'_>]| {
        for s in staged {
            let _ = fs::remove_file(&s.temporary);
        }
    };
    // 1. Regular files: write temporaries beside their targets.
    for (destination, bytes) in outputs {
        if let Kind::File { target, .. } = &destination.kind {
            let temporary = temporary_path(target);
            if let Err(e) = new_file::write_new(&temporary, bytes, destination.mode.secret) {
                discard(&staged);
                return Err(write_failure(destination, &e));
            }
            staged.push(Staged {
                destination,
                temporary,
            });
        }
    }
    // 2. Stdout and special files: written in place (nothing there can be taken back).
    let mut closed_stdout = None;
    for (destination, bytes) in outputs {
        let result = match &destination.kind {
            Kind::Stdout { binary } => io::write_stdout(bytes, *binary),
            Kind::Special { target, binary } => write_in_place(destination, target, *binary, bytes),
            Kind::File { .. } => Ok(()),
        };
        match result {
            Ok(()) => {}
            // A closed pipe ends quietly: the files are still written.
            Err(failure) if failure.is_closed_stdout() => closed_stdout = Some(failure),
            Err(failure) => {
                discard(&staged);
                return Err(failure);
            }
        }
    }
    // 3. Rename the temporaries into place; undo the new files if one rename fails.
    let mut committed: Vec<&Destination> = Vec::new();
    for (index, s) in staged.iter().enumerate() {
        if let Err(failure) = commit(s) {
            discard(&staged[index..]);
            for destination in committed {
                if let Kind::File {
                    target,
                    exists: false,
                } = &destination.kind
                {
                    let _ = fs::remove_file(target);
                }
            }
            return Err(failure);
        }
        committed.push(s.destination);
    }
    match closed_stdout {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// Opens a character device, FIFO or socket and writes to it, refusing binary to a terminal.
fn write_in_place(
    destination: &Destination,
    target: &Path,
    binary: bool,
    bytes: &[u8],
) -> Result<(), Failure> {
    use std::io::IsTerminal;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .open(target)
        .map_err(|e| write_failure(destination, &e))?;
    // Callers that do not say (io::write_file) are covered by looking: DER is never UTF-8.
    if (binary || std::str::from_utf8(bytes).is_err()) && file.is_terminal() {
        return Err(Failure::usage(format!(
            "refusing to write binary output to a terminal ({})",
            destination.shown.display()
        ))
        .hint("write to a regular file, or choose a text encoding where there is one"));
    }
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| write_failure(destination, &e))
}

/// Moves a staged file into place. Without `--force`, a file that appeared since the check is
/// not replaced (a hard link cannot clobber); with it, the rename replaces atomically.
fn commit(staged: &Staged<'_>) -> Result<(), Failure> {
    let destination = staged.destination;
    let Kind::File { target, .. } = &destination.kind else {
        return Ok(());
    };
    if !destination.mode.overwrite {
        match fs::hard_link(&staged.temporary, target) {
            Ok(()) => {
                let _ = fs::remove_file(&staged.temporary);
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = fs::remove_file(&staged.temporary);
                return Err(Failure::usage(format!(
                    "{} already exists; refusing to overwrite it",
                    destination.shown.display()
                ))
                .hint("pass --force to replace it"));
            }
            // No hard links on this file system: fall back to a rename.
            Err(_) => {}
        }
    }
    fs::rename(&staged.temporary, target).map_err(|e| {
        let _ = fs::remove_file(&staged.temporary);
        write_failure(destination, &e)
    })
}

fn write_failure(destination: &Destination, e: &std::io::Error) -> Failure {
    Failure::environment(format!(
        "cannot write {}: {}",
        destination.shown.display(),
        io::io_reason(e)
    ))
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.kliento-{}.tmp", std::process::id()))
}

/// Checks the directory of `completions -o DIR` / `man -o DIR`: it may be missing (it is then
/// created), but an existing path must be a directory.
pub fn check_directory(dir: &Path) -> Result<(), Failure> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(
            Failure::usage(format!("{} is not a directory", dir.display())).hint(
                "-o takes a directory: the files are written inside it under their usual names",
            ),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Failure::environment(format!(
            "cannot use {}: {}",
            dir.display(),
            io::io_reason(&e)
        ))),
    }
}
