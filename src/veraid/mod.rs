//! The VeraId protocol: TXT records, and (in later modules) certificates, signatures and bundles.

pub mod bundle;
mod oid;
pub mod txt;

pub use oid::{ServiceOid, ServiceOidError};
