//! A private key held in memory (read from a file, or generated) signs in process.

use super::{Signer, SignerError};
use crate::veraid::HashAlgorithm;
use crate::veraid::algorithm::pss_sign;

impl Signer for rsa::PrivateKey {
    fn public_key(&self) -> &rsa::PublicKey {
        self.as_public_key()
    }

    fn sign_pss(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        pss_sign(self, hash, message).map_err(|e| SignerError::Rsa {
            detail: e.to_string(),
        })
    }
}
