//! `--jwt-source file`: a JWT read from a file the caller names (`--jwt-file`).

use crate::authority::jwt_source::{Env, JwtSource, JwtSourceError, Request, jwt_from};
use crate::authority::secret::Jwt;
use crate::bounded::{BoundedReadError, caps, read_file_bounded_by};
use std::path::{Path, PathBuf};

/// A JWT in a file.
#[derive(Clone, Debug)]
pub struct FileSource {
    path: PathBuf,
}

impl FileSource {
    /// The token in `path`.
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

impl JwtSource for FileSource {
    fn name(&self) -> &'static str {
        "file"
    }

    fn looks_for(&self) -> String {
        format!("a token file ({})", self.path.display())
    }

    fn applies(&self, _: &Env) -> bool {
        true
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        read_token_file(self.name(), &self.path, request.http.policy().timeout)
    }
}

/// Reads and shape-checks a token file (shared with the Kubernetes source).
pub(crate) fn read_token_file(
    source_name: &'static str,
    path: &Path,
    wait: std::time::Duration,
) -> Result<Jwt, JwtSourceError> {
    let failed = |reason: String| JwtSourceError::File {
        source_name,
        path: path.to_path_buf(),
        reason,
    };
    // JWTs are a few KiB: more is not a token, and is not read.
    // A FIFO may have no writer, or one that never finishes: wait at most `wait` (the request
    // timeout), never forever.
    let deadline = std::time::Instant::now() + wait;
    let bytes = read_file_bounded_by(path, caps::SECRET, deadline).map_err(|e| match e {
        BoundedReadError::Io(e) => failed(io_reason(&e)),
        too_large => failed(too_large.to_string()),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| failed("not UTF-8 text".into()))?;
    jwt_from(source_name, &text)
}

/// An I/O error without its "(os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::InvalidData => "not UTF-8 text".into(),
        _ => crate::error::io_reason(e),
    }
}
