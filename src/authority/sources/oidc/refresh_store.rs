//! The refresh-token store: one file, created 0600 in a 0700 directory, checked as ssh checks
//! private files before it is read or replaced, and replaced atomically.

use super::OidcError;
use crate::authority::jwt_source::Env;
use crate::authority::private::{
    PrivacyError, check_private_dir, check_private_file, create_private_dir,
};
use crate::authority::secret::Secret;
use crate::veraid::HashAlgorithm;
use std::path::{Path, PathBuf};

/// `$XDG_CONFIG_HOME/kliento/oidc/<digest>.refresh` (else `~/.config/...`), one file per
/// issuer and client so that several providers do not overwrite each other's tokens.
pub fn refresh_store_path(env: &Env, issuer: &str, client_id: &str) -> Option<PathBuf> {
    let base = match env.get("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env.get("HOME")?).join(".config"),
    };
    let digest = HashAlgorithm::Sha256.digest(format!("{issuer}\n{client_id}").as_bytes());
    let name = crate::veraid::hex(&digest[..8]);
    Some(
        base.join("kliento")
            .join("oidc")
            .join(format!("{name}.refresh")),
    )
}

/// The refresh token file: one line, created 0600, replaced atomically.
pub(super) struct RefreshStore {
    path: PathBuf,
}

impl RefreshStore {
    pub(super) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
        }
    }

    fn failed(&self, action: &str, e: std::io::Error) -> OidcError {
        OidcError::Local {
            what: format!(
                "cannot {action} the refresh token file {}",
                self.path.display()
            ),
            reason: e.to_string(),
        }
    }

    fn private(&self, e: PrivacyError) -> OidcError {
        OidcError::Local {
            what: "refusing the refresh token store".into(),
            reason: e.to_string(),
        }
    }

    /// Checks the store's directory (and the file, when it exists) as ssh does.
    fn check(&self) -> Result<bool, OidcError> {
        if let Some(dir) = self.path.parent()
            && dir.exists()
        {
            check_private_dir(dir).map_err(|e| self.private(e))?;
        }
        match std::fs::symlink_metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            _ => check_private_file(&self.path)
                .map(|()| true)
                .map_err(|e| self.private(e)),
        }
    }

    pub(super) fn load(&self) -> Result<Option<Secret>, OidcError> {
        if !self.check()? {
            return Ok(None);
        }
        let text = match crate::bounded::read_file_bounded(&self.path, crate::bounded::caps::SECRET)
        {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| self.failed("read", std::io::Error::other("it is not UTF-8 text")))?,
            Err(crate::bounded::BoundedReadError::Io(e))
                if e.kind() == std::io::ErrorKind::NotFound =>
            {
                return Ok(None);
            }
            Err(crate::bounded::BoundedReadError::Io(e)) => return Err(self.failed("read", e)),
            Err(too_large) => {
                return Err(self.failed("read", std::io::Error::other(too_large.to_string())));
            }
        };
        Ok((!text.trim().is_empty()).then(|| Secret::new(text.trim())))
    }

    /// Stores `new` when the provider returned one (rotation) and it differs from `current`.
    pub(super) fn save(&self, new: Option<&str>, current: &Secret) -> Result<(), OidcError> {
        let Some(new) = new.filter(|n| *n != current.expose()) else {
            return Ok(());
        };
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir).map_err(|e| self.failed("create the directory of", e))?;
        }
        // Never write a refresh token into a directory others can read, nor over a symlink.
        self.check()?;
        let temporary = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        let written = crate::new_file::write_new(&temporary, new.as_bytes(), true)
            .and_then(|()| std::fs::rename(&temporary, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(self.failed("write", e));
        }
        Ok(())
    }

    pub(super) fn remove(&self) -> Result<(), OidcError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.failed("remove", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refresh_store_directories_are_created_0700() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = RefreshStore::new(&dir.path().join("kliento/oidc/x.refresh"));
        store.save(Some("rt-1"), &Secret::new("")).unwrap();
        for sub in ["kliento", "kliento/oidc"] {
            let mode = std::fs::metadata(dir.path().join(sub))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700, "{sub}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refresh_store_refuses_a_symlink_without_reading_or_replacing_it() {
        let dir = tempfile::tempdir().unwrap();
        chmod(dir.path(), 0o700);
        let target = dir.path().join("target");
        std::fs::write(&target, "not-a-refresh-token").unwrap();
        chmod(&target, 0o600);
        let link = dir.path().join("x.refresh");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let store = RefreshStore::new(&link);
        let error = store.load().unwrap_err().to_string();
        assert!(error.contains("not a regular file"), "{error}");
        assert!(store.save(Some("rt-2"), &Secret::new("")).is_err());
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "not-a-refresh-token"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refresh_store_refuses_a_file_or_directory_open_to_others() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("oidc");
        std::fs::create_dir(&store_dir).unwrap();
        chmod(&store_dir, 0o700);
        let path = store_dir.join("x.refresh");
        std::fs::write(&path, "rt-1").unwrap();
        chmod(&path, 0o644);
        let store = RefreshStore::new(&path);
        let error = store.load().unwrap_err().to_string();
        assert!(
            error.contains("mode 0644") && error.contains("chmod 600"),
            "{error}"
        );
        chmod(&path, 0o600);
        assert_eq!(store.load().unwrap().unwrap().expose(), "rt-1");
        chmod(&store_dir, 0o777);
        let error = store.load().unwrap_err().to_string();
        assert!(
            error.contains("mode 0777") && error.contains("chmod 700"),
            "{error}"
        );
    }

    #[test]
    fn refresh_token_file_is_created_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = RefreshStore::new(&dir.path().join("sub/refresh"));
        store.save(Some("rt-1"), &Secret::new("")).unwrap();
        assert_eq!(store.load().unwrap().unwrap().expose(), "rt-1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&store.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
