//! DNSSEC chains for VeraId: retrieval of the DNS responses veraid-js stores.

pub mod retrieve;
