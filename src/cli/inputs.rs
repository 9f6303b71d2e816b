//! What commands read from files or stdin (keys, certificates, DNSSEC chains): one reader per
//! kind, each naming its file in every error, and the rule that at most one input is stdin.

use super::failure::{Failure, OrFail};
use super::io;
use kliento::dnssec::DnssecChain;
use kliento::keys::RsaKey;
use kliento::veraid::certificate::Certificate;
use std::path::Path;

/// A human name for a path argument (`-` is stdin).
pub fn source(path: &Path) -> String {
    if io::is_stdio(path) {
        "stdin".to_string()
    } else {
        path.display().to_string()
    }
}

/// Refuses more than one of `paths` on stdin: it can be read once.
pub fn one_stdin_at_most<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<(), Failure> {
    if paths.into_iter().filter(|path| io::is_stdio(path)).count() > 1 {
        return Err(Failure::usage("only one input can be read from stdin"));
    }
    Ok(())
}

/// An RSA private key file (PEM or DER, PKCS#8 or PKCS#1); `what` names it in errors.
pub fn private_key(path: &Path, what: &str) -> Result<rsa::PrivateKey, Failure> {
    RsaKey::from_bytes(&io::read_input(path, io::KEY)?)
        .and_then(RsaKey::into_private)
        .or_fail(format!("cannot read the {what} in {}", source(path)))
}

/// The public half of an RSA key file, private or public.
pub fn public_key(path: &Path, what: &str) -> Result<rsa::PublicKey, Failure> {
    Ok(RsaKey::from_bytes(&io::read_input(path, io::KEY)?)
        .or_fail(format!("cannot read the {what} in {}", source(path)))?
        .public_key())
}

/// A certificate file (PEM or DER).
pub fn certificate(path: &Path, what: &str) -> Result<Certificate, Failure> {
    Certificate::from_bytes(&io::read_input(path, io::CERTIFICATE)?)
        .or_fail(format!("cannot read the {what} in {}", source(path)))
}

/// A DNSSEC chain file (DER).
pub fn chain(path: &Path) -> Result<DnssecChain, Failure> {
    DnssecChain::from_der(&io::read_input(path, io::CHAIN)?)
        .or_fail(format!("cannot read the DNSSEC chain in {}", source(path)))
}
