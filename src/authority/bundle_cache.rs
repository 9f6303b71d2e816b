//! Reusing signature bundles between `exchange` runs: one file per key under a private cache
//! directory (`$XDG_CACHE_HOME/kliento/`), the bundle kept beside the exchange URL it came
//! from, reused while its signature stays valid long enough.
//!
//! The key is a digest of the exchange URL and of what selects the JWT source (its name, the
//! file path, variable name, OIDC issuer and client id, the audience asked for), never of a JWT
//! or a secret. A cache file is never trusted: it is decoded, its URL compared and its
//! signature period checked on every lookup; anything wrong with it makes it a miss, to be
//! replaced. The directory and the files follow ssh's rule (the user's, closed to others); a
//! directory or file that breaks it is refused, never used.
//!
//! Concurrent runs sharing a key take an exclusive lock on `<key>.lock` ([`BundleCache::lock`]),
//! look again, and only then exchange: one exchange for all of them. Files are written whole
//! to a temporary name and renamed, so a reader never sees half a file.

use super::exchange::ExchangeUrl;
use super::private::{self, PrivacyError};
use crate::time::Timestamp;
use crate::veraid::bundle::SignatureBundle;
use crate::veraid::signature::SignedData;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Largest cache file read: a bundle of at most 16 KiB in base64, with its URL.
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// Version of the cache file's format; a file of another version is a miss.
const FORMAT_VERSION: u32 = 1;

/// How often a waiting run tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// Why the cache cannot be used. Every one is an environment failure: a cache file that is
/// merely wrong is a miss ([`Lookup::Ignored`]), never an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// Neither `XDG_CACHE_HOME` nor `HOME` is set.
    #[error("no cache directory: neither XDG_CACHE_HOME nor HOME is set")]
    NoDirectory,
    /// The directory or a file in it is not private (ssh's rule).
    #[error("refusing the bundle cache: {0}")]
    NotPrivate(#[from] PrivacyError),
    /// Another run held the lock until the deadline.
    #[error("timed out waiting for the lock on {} (another exchange holds it)", .0.display())]
    LockTimeout(PathBuf),
    /// A file operation failed.
    #[error("cannot {action} {}: {reason}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The I/O reason.
        reason: String,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> CacheError {
    let path = path.to_path_buf();
    move |e| CacheError::Io {
        action,
        path,
        reason: crate::error::io_reason(&e),
    }
}

/// The default cache directory: `$XDG_CACHE_HOME/kliento`, else `$HOME/.cache/kliento`
/// (an empty or relative `XDG_CACHE_HOME` is ignored, as the XDG spec says).
pub fn default_dir(xdg_cache_home: Option<&str>, home: Option<&str>) -> Option<PathBuf> {
    let base = match xdg_cache_home.filter(|dir| Path::new(dir).is_absolute()) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(home.filter(|home| !home.is_empty())?).join(".cache"),
    };
    Some(base.join("kliento"))
}

/// The name of one cache entry: a hex SHA-256 digest of the exchange URL and of the JWT
/// source's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey(String);

impl CacheKey {
    /// The key of `url` with a JWT source given by `source` (its name) and `selectors` (what
    /// selects it, e.g. `("jwt-file", path)`, `("oidc-issuer", url)`, `("jwt-audience", aud)`;
    /// never a JWT or a secret). Each part is length-prefixed, so no two inputs share a key.
    pub fn new(url: &ExchangeUrl, source: &str, selectors: &[(&str, &str)]) -> Self {
        let mut digest = Sha256::new();
        let mut part = |text: &str| {
            digest.update((text.len() as u64).to_be_bytes());
            digest.update(text.as_bytes());
        };
        part("kliento bundle cache v1");
        part(url.audience());
        part(source);
        for (name, value) in selectors {
            part(name);
            part(value);
        }
        Self(crate::veraid::hex(&digest.finalize()))
    }

    /// The key as hex text (a file name).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A cached bundle fit for reuse.
#[derive(Clone, PartialEq, Eq)]
pub struct Cached {
    /// The bundle's DER bytes.
    pub der: Vec<u8>,
    /// The decoded bundle.
    pub bundle: SignatureBundle,
    /// The end of its signature's validity.
    pub valid_until: Timestamp,
    /// The file it was read from.
    pub path: PathBuf,
}

/// Never shows the bundle: it is a bearer credential.
impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Cached(<redacted, {} bytes>, valid until {}, {})",
            self.der.len(),
            self.valid_until,
            self.path.display()
        )
    }
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup {
    /// A bundle valid for long enough.
    Hit(Cached),
    /// No cache file.
    Miss,
    /// A cache file that cannot be reused (corrupt, another URL, expired or expiring soon,
    /// not started), and why: it is to be replaced.
    Ignored {
        /// The file.
        path: PathBuf,
        /// Why it is not reused.
        reason: String,
    },
}

/// The cache file's content.
#[derive(Serialize, Deserialize)]
struct Entry {
    version: u32,
    /// The exchange URL the bundle came from (the audience of its JWT).
    url: String,
    /// The bundle, base64 DER.
    bundle: String,
}

/// A private cache directory.
#[derive(Clone, Debug)]
pub struct BundleCache {
    dir: PathBuf,
}

/// An exclusive lock on one key, released when dropped.
#[derive(Debug)]
pub struct CacheLock {
    _file: fs::File,
}

impl BundleCache {
    /// Opens the cache at `dir`, creating it (and missing parents) with mode 0700; refuses a
    /// directory that is not the user's or is open to others.
    pub fn open(dir: &Path) -> Result<Self, CacheError> {
        if fs::symlink_metadata(dir).is_err() {
            private::create_private_dir(dir).map_err(io_error("create", dir))?;
        }
        private::check_private_dir(dir)?;
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache file of `key`.
    pub fn file(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}.bundle", key.as_str()))
    }

    fn lock_file(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}.lock", key.as_str()))
    }

    /// Takes the exclusive lock of `key`, waiting until `deadline` at most.
    pub fn lock(&self, key: &CacheKey, deadline: Instant) -> Result<CacheLock, CacheError> {
        let path = self.lock_file(key);
        let file = open_lock_file(&path)?;
        private::check_private_file(&path)?;
        loop {
            match try_lock(&file) {
                Ok(true) => return Ok(CacheLock { _file: file }),
                Ok(false) => {}
                Err(e) => return Err(io_error("lock", &path)(e)),
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(CacheError::LockTimeout(path));
            }
            std::thread::sleep(LOCK_POLL.min(deadline - now));
        }
    }

    /// Looks `key` up: a hit only for a file that decodes, came from `url`, and holds a bundle
    /// whose signature has started at `now` and stays valid for `min_validity` after it. A file
    /// that is not private is an error; any other problem with it is [`Lookup::Ignored`].
    pub fn lookup(
        &self,
        key: &CacheKey,
        url: &ExchangeUrl,
        now: Timestamp,
        min_validity: Duration,
    ) -> Result<Lookup, CacheError> {
        let path = self.file(key);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lookup::Miss),
            Err(e) => return Err(io_error("examine", &path)(e)),
            Ok(_) => {}
        }
        private::check_private_file(&path)?;
        let bytes = read_bounded(&path)?;
        Ok(match check_entry(&bytes, url, now, min_validity) {
            Ok((der, bundle, valid_until)) => Lookup::Hit(Cached {
                der,
                bundle,
                valid_until,
                path,
            }),
            Err(reason) => Lookup::Ignored { path, reason },
        })
    }

    /// Stores `der` (a bundle from `url`) as the entry of `key`, replacing any: written whole
    /// to a temporary file (0600) and renamed into place.
    pub fn store(&self, key: &CacheKey, url: &ExchangeUrl, der: &[u8]) -> Result<(), CacheError> {
        let entry = Entry {
            version: FORMAT_VERSION,
            url: url.audience().to_string(),
            bundle: STANDARD.encode(der),
        };
        let bytes = serde_json::to_vec(&entry).expect("the entry serialises");
        let path = self.file(key);
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| CacheError::Io {
            action: "get random bytes for",
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let temporary = self.dir.join(format!(
            ".{}.{}.tmp",
            key.as_str(),
            crate::veraid::hex(&random)
        ));
        crate::new_file::write_new(&temporary, &bytes, true)
            .map_err(io_error("write", &temporary))?;
        fs::rename(&temporary, &path).map_err(|e| {
            let _ = fs::remove_file(&temporary);
            io_error("replace", &path)(e)
        })
    }
}

/// Decodes and checks a cache file's bytes; the reason it is unusable otherwise.
fn check_entry(
    bytes: &[u8],
    url: &ExchangeUrl,
    now: Timestamp,
    min_validity: Duration,
) -> Result<(Vec<u8>, SignatureBundle, Timestamp), String> {
    let entry: Entry =
        serde_json::from_slice(bytes).map_err(|_| "it is not a cache entry".to_string())?;
    if entry.version != FORMAT_VERSION {
        return Err(format!("its format version is {}", entry.version));
    }
    if entry.url != url.audience() {
        return Err("it holds a bundle from another exchange URL".into());
    }
    let der = STANDARD
        .decode(entry.bundle.as_bytes())
        .map_err(|_| "its bundle is not base64".to_string())?;
    if der.len() > super::exchange::MAX_BUNDLE_BYTES {
        return Err("its bundle is over the size limit".into());
    }
    let bundle = SignatureBundle::decode(&der).map_err(|e| format!("its bundle: {e}"))?;
    let metadata = SignedData::from_der(&bundle.signature)
        .and_then(|signed| signed.metadata())
        .map_err(|e| format!("its signature: {e}"))?;
    if metadata.start > now {
        return Err(format!(
            "its signature is not valid before {}",
            metadata.start
        ));
    }
    let min = jiff::SignedDuration::try_from(min_validity).unwrap_or(jiff::SignedDuration::MAX);
    let left = metadata.end.duration_since(now);
    if left < min {
        return Err(if left.is_negative() {
            format!("its signature expired at {}", metadata.end)
        } else {
            format!(
                "its signature expires at {}, within the minimum validity of {} s",
                metadata.end,
                min_validity.as_secs()
            )
        });
    }
    Ok((der, bundle, metadata.end))
}

/// Reads a (checked private) cache file, never following a link, at most [`MAX_FILE_BYTES`].
fn read_bounded(path: &Path) -> Result<Vec<u8>, CacheError> {
    use std::io::Read;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io_error("read", path))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error("read", path))?;
    Ok(bytes)
}

fn open_lock_file(path: &Path) -> Result<fs::File, CacheError> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(io_error("open", path))
}

/// Tries to take an exclusive `flock` without waiting: `Ok(false)` when another holds it.
#[cfg(unix)]
fn try_lock(file: &fs::File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: the descriptor is open for the duration of the call; flock has no other
    // preconditions.
    let result = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if result == 0 {
        return Ok(true);
    }
    let error = std::io::Error::last_os_error();
    match error.raw_os_error() {
        Some(code) if code == libc::EWOULDBLOCK || code == libc::EINTR => Ok(false),
        _ => Err(error),
    }
}

#[cfg(not(unix))]
fn try_lock(_: &fs::File) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> ExchangeUrl {
        text.parse().unwrap()
    }

    #[test]
    fn key_depends_on_url_source_and_selectors_only() {
        let a = url("https://authority.example/credentials/signatureBundles/1");
        let b = url("https://authority.example/credentials/signatureBundles/2");
        let key = CacheKey::new(&a, "file", &[("jwt-file", "/run/token")]);
        assert_eq!(
            key,
            CacheKey::new(&a, "file", &[("jwt-file", "/run/token")])
        );
        assert_ne!(
            key,
            CacheKey::new(&b, "file", &[("jwt-file", "/run/token")])
        );
        assert_ne!(key, CacheKey::new(&a, "env", &[("jwt-file", "/run/token")]));
        assert_ne!(
            key,
            CacheKey::new(&a, "file", &[("jwt-file", "/run/other")])
        );
        // Length prefixes: moving a boundary changes the key.
        assert_ne!(
            CacheKey::new(&a, "file", &[("ab", "c")]),
            CacheKey::new(&a, "file", &[("a", "bc")])
        );
        assert_eq!(key.as_str().len(), 64);
    }

    #[test]
    fn default_dir_prefers_an_absolute_xdg_cache_home() {
        assert_eq!(
            default_dir(Some("/xdg"), Some("/home/u")),
            Some(PathBuf::from("/xdg/kliento"))
        );
        assert_eq!(
            default_dir(Some("relative"), Some("/home/u")),
            Some(PathBuf::from("/home/u/.cache/kliento"))
        );
        assert_eq!(default_dir(None, None), None);
    }

    #[test]
    fn a_corrupt_entry_is_a_reason_not_an_error() {
        let u = url("https://authority.example/x");
        let now = Timestamp::now();
        assert!(check_entry(b"garbage", &u, now, Duration::ZERO).is_err());
        let other = serde_json::to_vec(&Entry {
            version: FORMAT_VERSION,
            url: "https://elsewhere.example/x".into(),
            bundle: String::new(),
        })
        .unwrap();
        let reason = check_entry(&other, &u, now, Duration::ZERO).unwrap_err();
        assert!(reason.contains("another exchange URL"), "{reason}");
    }

    #[cfg(unix)]
    #[test]
    fn a_second_lock_waits_until_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BundleCache::open(&dir.path().join("kliento")).unwrap();
        let key = CacheKey::new(&url("https://authority.example/x"), "env", &[]);
        let held = cache.lock(&key, Instant::now()).unwrap();
        let error = cache
            .lock(&key, Instant::now() + Duration::from_millis(120))
            .unwrap_err();
        assert!(matches!(error, CacheError::LockTimeout(_)), "{error}");
        drop(held);
        cache.lock(&key, Instant::now()).unwrap();
    }
}
