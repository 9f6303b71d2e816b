//! VeraId Authority credentials exchange: trade a workload JWT for a signature bundle
//! (kliento-authority digest §4.1, §5, §7).
//!
//! [`jwt_source`] obtains the JWT from the platform (GitHub Actions, GCP, Kubernetes, Azure, an
//! OIDC provider, a file or a variable); [`exchange`] sends it to the exchange URL. Every request
//! goes through the one HTTP client in [`crate::http`].

pub mod bundle_cache;
pub mod exchange;
pub mod jwt_source;
pub mod private;
mod secret;
pub mod sources;

pub use crate::http::{
    Http, HttpError, HttpPolicy, ProxySettings, Reply, TransportFailure, require_secure,
};
pub use secret::{Jwt, JwtFormatError, Secret};
