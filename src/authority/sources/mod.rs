//! One module per JWT source; each implements [`super::jwt_source::JwtSource`].

pub mod aws;
pub mod azure;
pub mod env;
pub mod file;
pub mod gcp;
pub mod github;
pub mod kubernetes;
pub mod oidc;
