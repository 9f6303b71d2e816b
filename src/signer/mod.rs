//! Where a private key lives and how it signs: one [`Signer`] for certificates and CMS
//! signatures alike, whether the key is in memory (`rsa::PrivateKey`, read from a file), in a
//! PKCS#11 device or in AWS KMS.
//!
//! A backend gives its RSA public key and signs with RSASSA-PSS (hash and MGF1 from the
//! caller, salt = digest length, as VeraId requires); the key itself may never leave the
//! device. A new backend (a cloud KMS) adds a [`KeyReference`] form, a [`Signer`]
//! implementation and a [`SignerError`] variant; callers do not change.

pub mod awskms;
mod file;
pub mod pkcs11;
pub mod uri;

pub use awskms::{AwsKmsError, AwsKmsKey, AwsKmsUri};
pub use pkcs11::{Pkcs11Error, Pkcs11Key};
pub use uri::{Pkcs11Uri, UriError};

use crate::veraid::HashAlgorithm;
use std::path::PathBuf;

/// A private key that signs: the one interface certificate issuing and CMS signing use.
pub trait Signer {
    /// The RSA public key.
    fn public_key(&self) -> &rsa::PublicKey;

    /// Signs `message` with RSASSA-PSS: `hash` for the message and MGF1, salt = digest length.
    fn sign_pss(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>, SignerError>;
}

/// How a command names a private key: a file, or a key in a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyReference {
    /// A key file (`-` for stdin).
    File(PathBuf),
    /// A key in a PKCS#11 token.
    Pkcs11(Pkcs11Uri),
    /// A key in AWS KMS.
    AwsKms(AwsKmsUri),
}

impl KeyReference {
    /// Whether `text` names a key by URI (in a device) rather than by path.
    pub fn is_uri(text: &str) -> bool {
        text.starts_with(uri::SCHEME) || text.starts_with(awskms::SCHEME)
    }

    /// Reads a key reference: a `pkcs11:` or `awskms://` URI, else a path (`./pkcs11:x` for a
    /// file so named).
    pub fn parse(text: &str) -> Result<Self, UriError> {
        if text.starts_with(awskms::SCHEME) {
            AwsKmsUri::parse(text).map(Self::AwsKms)
        } else if Self::is_uri(text) {
            Pkcs11Uri::parse(text).map(Self::Pkcs11)
        } else {
            Ok(Self::File(PathBuf::from(text)))
        }
    }
}

/// Why a key could not sign.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignerError {
    /// The RSA operation on a key in memory failed.
    #[error("RSA signing failed: {detail}")]
    Rsa {
        /// What the rsa crate said.
        detail: String,
    },
    /// The PKCS#11 device refused or failed.
    #[error(transparent)]
    Pkcs11(#[from] Pkcs11Error),
    /// AWS KMS refused or failed.
    #[error(transparent)]
    AwsKms(#[from] AwsKmsError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reference_is_a_uri_only_with_a_key_scheme() {
        assert_eq!(
            KeyReference::parse("org.pem").unwrap(),
            KeyReference::File("org.pem".into())
        );
        assert_eq!(
            KeyReference::parse("./pkcs11:org").unwrap(),
            KeyReference::File("./pkcs11:org".into())
        );
        let KeyReference::Pkcs11(uri) = KeyReference::parse("pkcs11:object=org").unwrap() else {
            panic!("not a URI");
        };
        assert_eq!(uri.object.as_deref(), Some("org"));
        assert!(KeyReference::parse("pkcs11:object").is_err());
        assert_eq!(
            KeyReference::parse("awskms:///alias/org").unwrap(),
            KeyReference::AwsKms(AwsKmsUri::parse("awskms:///alias/org").unwrap())
        );
        assert_eq!(
            KeyReference::parse("./awskms:/x").unwrap(),
            KeyReference::File("./awskms:/x".into())
        );
        assert!(KeyReference::parse("awskms:///a b").is_err());
    }
}
