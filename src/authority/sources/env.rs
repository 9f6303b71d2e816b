//! `--jwt-source env`: a JWT in an environment variable the caller names (`--jwt-env VAR`),
//! e.g. a GitLab CI `id_tokens:` variable.

use crate::authority::jwt_source::{Env, JwtSource, JwtSourceError, Request, jwt_from};
use crate::authority::secret::Jwt;

/// A JWT in a variable.
#[derive(Clone, Debug)]
pub struct EnvSource {
    variable: String,
}

impl EnvSource {
    /// The token in `variable`.
    pub fn new(variable: String) -> Self {
        Self { variable }
    }
}

impl JwtSource for EnvSource {
    fn name(&self) -> &'static str {
        "env"
    }

    fn looks_for(&self) -> String {
        format!("a token in ${}", self.variable)
    }

    fn applies(&self, _: &Env) -> bool {
        true
    }

    fn fetch(&self, request: &Request<'_>) -> Result<Jwt, JwtSourceError> {
        let token =
            request
                .env
                .get(&self.variable)
                .ok_or_else(|| JwtSourceError::MissingVariable {
                    source_name: self.name(),
                    variable: self.variable.clone(),
                })?;
        jwt_from(self.name(), token)
    }
}
