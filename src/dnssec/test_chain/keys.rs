//! The throw-away keys of test zones: the signing algorithms offered, one key per zone (plus an
//! optional zone-signing key), and keys made to collide on a key tag.

use super::{TestChainError, failure};
use hickory_proto::dnssec::crypto::{EcdsaSigningKey, Ed25519SigningKey, RsaSigningKey};
use hickory_proto::dnssec::rdata::DNSKEY;
use hickory_proto::dnssec::{Algorithm, PublicKeyBuf, SigningKey};
use hickory_proto::rr::Name;
use pkcs8::EncodePrivateKey;
use rustls_pki_types::PrivatePkcs8KeyDer;

/// Signing algorithms available for test zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZoneAlgorithm {
    /// 8: RSA-2048 with SHA-256 (PKCS#1 v1.5), as the real root and dnssec-js's MockChain.
    RsaSha256,
    /// 10: RSA-2048 with SHA-512.
    RsaSha512,
    /// 13: ECDSA P-256 with SHA-256.
    EcdsaP256Sha256,
    /// 14: ECDSA P-384 with SHA-384.
    EcdsaP384Sha384,
    /// 15: Ed25519.
    Ed25519,
}

impl ZoneAlgorithm {
    /// The DNSSEC algorithm number.
    pub fn number(self) -> u8 {
        u8::from(self.hickory())
    }

    fn hickory(self) -> Algorithm {
        match self {
            ZoneAlgorithm::RsaSha256 => Algorithm::RSASHA256,
            ZoneAlgorithm::RsaSha512 => Algorithm::RSASHA512,
            ZoneAlgorithm::EcdsaP256Sha256 => Algorithm::ECDSAP256SHA256,
            ZoneAlgorithm::EcdsaP384Sha384 => Algorithm::ECDSAP384SHA384,
            ZoneAlgorithm::Ed25519 => Algorithm::ED25519,
        }
    }
}

/// A throw-away signing key and its public half.
pub(super) struct ZoneKey {
    pub(super) algorithm: ZoneAlgorithm,
    pub(super) signer: Box<dyn SigningKey>,
    public: PublicKeyBuf,
}

/// One zone: its name, its key-signing key (flags 257, the one its DS covers) and, optionally,
/// a zone-signing key (flags 256) that signs everything but the DNSKEY RRset.
pub(super) struct Zone {
    pub(super) name: Name,
    pub(super) ksk: ZoneKey,
    pub(super) zsk: Option<ZoneKey>,
}

impl ZoneKey {
    pub(super) fn generate(algorithm: ZoneAlgorithm) -> Result<Self, TestChainError> {
        let hickory = algorithm.hickory();
        let signer: Box<dyn SigningKey> = match algorithm {
            ZoneAlgorithm::RsaSha256 | ZoneAlgorithm::RsaSha512 => {
                // hickory signs with a PKCS#8 RSA key: make one with the rsa crate.
                let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).map_err(failure)?;
                let der = key.to_pkcs8_der().map_err(failure)?;
                let pkcs8 = PrivatePkcs8KeyDer::from(der.as_bytes());
                Box::new(RsaSigningKey::from_pkcs8(&pkcs8, hickory).map_err(failure)?)
            }
            ZoneAlgorithm::EcdsaP256Sha256 | ZoneAlgorithm::EcdsaP384Sha384 => {
                let pkcs8 = EcdsaSigningKey::generate_pkcs8(hickory).map_err(failure)?;
                Box::new(EcdsaSigningKey::from_pkcs8(&pkcs8, hickory).map_err(failure)?)
            }
            ZoneAlgorithm::Ed25519 => {
                let pkcs8 = Ed25519SigningKey::generate_pkcs8().map_err(failure)?;
                Box::new(Ed25519SigningKey::from_pkcs8(&pkcs8).map_err(failure)?)
            }
        };
        let public = signer.to_public_key().map_err(failure)?;
        Ok(Self {
            algorithm,
            signer,
            public,
        })
    }

    pub(super) fn dnskey(&self, flags: u16) -> DNSKEY {
        DNSKEY::with_flags(flags, self.public.clone())
    }
}

/// A new zone key of `algorithm` whose flags (Zone Key set) give it key tag `tag`. The flags
/// word adds to the tag's checksum, so a key reaches half of all tags; others are replaced.
pub(super) fn colliding_key(algorithm: ZoneAlgorithm, tag: u16) -> Result<DNSKEY, TestChainError> {
    for _ in 0..64 {
        let key = ZoneKey::generate(algorithm)?;
        for flags in (0..=u16::MAX).filter(|f| f & 0x0100 != 0) {
            let dnskey = key.dnskey(flags);
            if dnskey.calculate_key_tag().map_err(failure)? == tag {
                return Ok(dnskey);
            }
        }
    }
    Err(failure(format!("no key with tag {tag} found")))
}
