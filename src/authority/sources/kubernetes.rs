//! `--jwt-source kubernetes`: a projected service-account token whose audience is the
//! exchange URL, mounted by the pod spec (a `serviceAccountToken` projected volume).

use super::file::read_token_file;
use crate::authority::jwt_source::{Env, JwtSource, JwtSourceError, Request};
use crate::authority::secret::Jwt;
use std::path::PathBuf;

/// Where kliento looks for the projected token unless `--jwt-file` says otherwise. The pod
/// spec mounts a projected volume at `/var/run/secrets/kliento` with `path: token`.
pub const DEFAULT_TOKEN_PATH: &str = "/var/run/secrets/kliento/token";

/// A projected service-account token file; the kubelet refreshes it before it expires, so it
/// is read afresh on every run.
#[derive(Clone, Debug)]
pub struct KubernetesSource {
    path: PathBuf,
}

impl KubernetesSource {
    /// The token at `path`, or at [`DEFAULT_TOKEN_PATH`].
    pub fn new(path: Option<PathBuf>) -> Self {
        Self {
            path: path.unwrap_or_else(|| PathBuf::from(DEFAULT_TOKEN_PATH)),
        }
    }
}

impl JwtSource for KubernetesSource {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn looks_for(&self) -> String {
        format!("Kubernetes projected token ({})", self.path.display())
    }

    fn applies(&self, _: &Env) -> bool {
        self.path.is_file()
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        read_token_file(self.name(), &self.path, request.http.policy().timeout)
    }
}
