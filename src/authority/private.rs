//! ssh's rule for files that hold secrets (the OIDC refresh-token store, a client secret):
//! directories 0700, files 0600, regular files (not symlinks) owned by the user. Anything looser
//! is refused with what to run, never used silently.

use std::io;
use std::path::Path;

/// Why a secret file or its directory is not private.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrivacyError {
    /// A symlink, FIFO, device or directory where a regular file belongs.
    #[error("{} is not a regular file (a symlink or special file is never followed for a secret)", .0.display())]
    NotRegular(std::path::PathBuf),
    /// Owned by another user.
    #[error("{} is owned by another user", .0.display())]
    NotOwned(std::path::PathBuf),
    /// Readable or writable by others.
    #[error("{} is accessible by others (mode {mode:04o}); run chmod {wanted:o} {}", path.display(), path.display())]
    TooOpen {
        /// The path.
        path: std::path::PathBuf,
        /// Its permission bits.
        mode: u32,
        /// What they should be.
        wanted: u32,
    },
    /// It cannot be examined.
    #[error("cannot examine {}: {reason}", path.display())]
    Io {
        /// The path.
        path: std::path::PathBuf,
        /// The I/O reason.
        reason: String,
    },
}

#[cfg(unix)]
fn check(path: &Path, directory: bool) -> Result<(), PrivacyError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let metadata = std::fs::symlink_metadata(path).map_err(|e| PrivacyError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let kind = metadata.file_type();
    let right_kind = if directory {
        kind.is_dir()
    } else {
        kind.is_file()
    };
    if !right_kind {
        return Err(PrivacyError::NotRegular(path.to_path_buf()));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let user = unsafe { libc::geteuid() };
    if metadata.uid() != user {
        return Err(PrivacyError::NotOwned(path.to_path_buf()));
    }
    let mode = metadata.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(PrivacyError::TooOpen {
            path: path.to_path_buf(),
            mode,
            wanted: if directory { 0o700 } else { 0o600 },
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check(_: &Path, _: bool) -> Result<(), PrivacyError> {
    Ok(())
}

/// Checks that `path` is a regular file (not a symlink) owned by the user and closed to others.
pub fn check_private_file(path: &Path) -> Result<(), PrivacyError> {
    check(path, false)
}

/// Checks that `path` is a directory owned by the user and closed to others.
pub fn check_private_dir(path: &Path) -> Result<(), PrivacyError> {
    check(path, true)
}

/// Creates `path` and its missing parents with mode 0700.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}
