//! The VeraId protocol: TXT records, certificates, CMS signatures and the members they name.

pub(crate) mod algorithm;
mod asn1;
pub mod bundle;
pub mod certificate;
mod der_time;
pub mod member;
mod oid;
pub mod signature;
#[cfg(test)]
mod testing;
pub mod txt;
pub mod verify;

pub use algorithm::{AlgorithmError, HashAlgorithm, SignatureAlgorithm};
pub use asn1::hex;
pub use der_time::TimeError;
pub use oid::{ServiceOid, ServiceOidError};
