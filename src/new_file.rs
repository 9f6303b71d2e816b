//! Writing a new file whole: created (never opened if it exists, so never through a link),
//! 0600 when it holds a secret, written and synced, or removed again. Callers write such a file
//! as a temporary beside its destination and rename it into place, so that the destination is
//! replaced atomically: the CLI's outputs (`keygen`, `issue *`, `exchange -o`) and the OIDC
//! refresh-token store.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Creates `path`, which must not exist (mode 0600 when `private`, on Unix), writes `bytes` and
/// syncs them to disk. On failure nothing is left at `path`.
pub fn write_new(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let written = (|| {
        let mut file = create_new(path, private)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

#[cfg(unix)]
fn create_new(path: &Path, private: bool) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    if private {
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(not(unix))]
fn create_new(path: &Path, _private: bool) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_new_file_whole_and_never_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        write_new(&path, b"first", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        let error = write_new(&path, b"second", false).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_is_created_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        write_new(&path, b"s", true).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
