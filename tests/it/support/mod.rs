//! The support tree of the integration tests (one binary, `it`), one module per concept.

pub mod cases; // command-line cases as data (cases/*.toml)
pub mod cmd; // the `kliento` command builder (clean environment)
pub mod dns; // a scripted DNS server (UDP and TCP) on loopback
pub mod fixture; // an organisation on a test chain, and its members, made with the CLI
pub mod gate; // availability of node, Knot, script, curl: a visible skip, a failure under CI
pub mod http; // a scripted HTTP server on loopback and a tiny client
pub mod kms; // the loopback AWS KMS (moto behind a python wrapper) and the keys it holds
pub mod knot; // a real authoritative server: Knot DNS signing three zones
pub mod oracle; // the reference implementation (@relaycorp/veraid) run by node
pub mod peers; // the node peers of `exchange` (OIDC provider, platforms, Authority)
pub mod serve; // `kliento serve`: bundles, a server on loopback, a raw HTTP/1.1 client
pub mod softhsm; // a real PKCS#11 device: SoftHSM2 with its own token directory, pkcs11-tool
pub mod sts; // the loopback AWS STS (python, botocore) and the AWS credentials it knows
pub mod terminal; // command lines run under `script`, on a terminal

pub use cmd::{binary, kliento, kliento_process};

use std::path::{Path, PathBuf};

/// A temporary directory that lives as long as the value.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}
