//! RSA keys in every encoding kliento accepts, key generation, and the VeraId key id.
//!
//! Organisation keys are RSA with a 2048, 3072 or 4096-bit modulus (VeraId digest §3). Keys are
//! read from PEM or DER, as PKCS#8, PKCS#1 or SubjectPublicKeyInfo.

use crate::veraid::HashAlgorithm;
use aws_lc_rs::signature::{ParsedPublicKey, RsaParameters};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use der::asn1::ObjectIdentifier;
use pkcs8::LineEnding;
use pkcs8::{EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use std::sync::{Arc, Mutex, OnceLock};

/// rsaEncryption (PKCS#1).
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-RSASSA-PSS (RFC 8017 A.2.3): as a key algorithm, an RSA key restricted to PSS (its
/// (n, e) is an ordinary RSA key); as a signature algorithm, RSASSA-PSS.
pub(crate) const RSASSA_PSS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// Why a key could not be read or used.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The bytes are neither PEM nor DER of any key structure we know.
    #[error(
        "not a PEM or DER key (expected PKCS#8, PKCS#1 or SubjectPublicKeyInfo, RSA): {detail}"
    )]
    Unparsable {
        /// What the parsers reported.
        detail: String,
    },
    /// PEM with a label that is not a key.
    #[error("PEM block labelled \"{label}\" is not an RSA key")]
    UnexpectedPemLabel {
        /// The PEM label found.
        label: String,
    },
    /// An encrypted PKCS#8 key: kliento does not prompt for passphrases.
    #[error(
        "the private key is encrypted; decrypt it first (e.g. openssl pkey -in KEY -out PLAIN)"
    )]
    Encrypted,
    /// A key of another algorithm (EC, Ed25519...).
    #[error("{algorithm} keys are not supported: VeraId needs an RSA key")]
    NotRsa {
        /// The key's algorithm.
        algorithm: String,
    },
    /// An RSA key whose structure is broken (bad integers, inconsistent primes...).
    #[error("malformed RSA key: {detail}")]
    MalformedRsa {
        /// What is wrong.
        detail: String,
    },
    /// An RSA key of a size VeraId does not allow for organisations.
    #[error(
        "RSA key with a {bits}-bit modulus is unsupported: VeraId needs 2048, 3072 or 4096 bits"
    )]
    UnsupportedSize {
        /// The modulus size.
        bits: usize,
    },
    /// A private key was required but a public key was given.
    #[error("a private key is required, but this is a public key")]
    NotPrivate,
    /// Key generation failed (random source or arithmetic).
    #[error("key generation failed: {detail}")]
    Generation {
        /// What failed.
        detail: String,
    },
}

/// An RSA key as read from a file: private (which implies the public half) or public only.
#[derive(Clone)]
pub enum RsaKey {
    /// A private key.
    Private(Box<rsa::PrivateKey>),
    /// A public key.
    Public(rsa::PublicKey),
}

impl std::fmt::Debug for RsaKey {
    // Never print private key material, even in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Private(k) => write!(f, "RsaKey::Private({} bits)", modulus_bits(k.as_ref())),
            Self::Public(k) => write!(f, "RsaKey::Public({} bits)", modulus_bits(k)),
        }
    }
}

impl RsaKey {
    /// Reads a key from PEM or DER bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if let Some(pem) = pem_block(bytes) {
            let (label, der) = der::pem::decode_vec(pem).map_err(|e| KeyError::Unparsable {
                detail: format!("bad PEM: {e}"),
            })?;
            return match label {
                "PRIVATE KEY" => from_pkcs8_der(&der),
                "PUBLIC KEY" => from_spki_der(&der),
                "RSA PRIVATE KEY" => from_pkcs1_private_der(&der),
                "RSA PUBLIC KEY" => from_pkcs1_public_der(&der),
                "ENCRYPTED PRIVATE KEY" => Err(KeyError::Encrypted),
                "EC PRIVATE KEY" => Err(KeyError::NotRsa {
                    algorithm: "EC".into(),
                }),
                other => Err(KeyError::UnexpectedPemLabel {
                    label: other.to_string(),
                }),
            };
        }
        // DER: the four structures have distinct shapes, so try each in turn.
        if pkcs8::PrivateKeyInfoRef::from_der(bytes).is_ok() {
            return from_pkcs8_der(bytes);
        }
        if spki::SubjectPublicKeyInfoRef::from_der(bytes).is_ok() {
            return from_spki_der(bytes);
        }
        if pkcs1::RsaPrivateKeyRef::from_der(bytes).is_ok() {
            return from_pkcs1_private_der(bytes);
        }
        if pkcs1::RsaPublicKeyRef::from_der(bytes).is_ok() {
            return from_pkcs1_public_der(bytes);
        }
        Err(KeyError::Unparsable {
            detail: if bytes.is_empty() {
                "the input is empty".into()
            } else {
                "no PEM header and no DER key structure".into()
            },
        })
    }

    /// The public half.
    pub fn public_key(&self) -> rsa::PublicKey {
        match self {
            Self::Private(k) => k.to_public_key(),
            Self::Public(k) => k.clone(),
        }
    }

    /// The private key, or [`KeyError::NotPrivate`].
    pub fn into_private(self) -> Result<rsa::PrivateKey, KeyError> {
        match self {
            Self::Private(k) => Ok(*k),
            Self::Public(_) => Err(KeyError::NotPrivate),
        }
    }
}

/// Returns the PEM text if `bytes` look like PEM (leading whitespace allowed).
pub(crate) fn pem_block(bytes: &[u8]) -> Option<&[u8]> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    bytes[start..]
        .starts_with(b"-----BEGIN ")
        .then_some(&bytes[start..])
}

fn check_algorithm(oid: ObjectIdentifier) -> Result<(), KeyError> {
    if oid == RSA_ENCRYPTION || oid == RSASSA_PSS {
        return Ok(());
    }
    let algorithm = match oid.to_string().as_str() {
        "1.2.840.10045.2.1" => "EC".to_string(),
        "1.3.101.112" => "Ed25519".to_string(),
        "1.3.101.113" => "Ed448".to_string(),
        "1.3.101.110" => "X25519".to_string(),
        "1.3.101.111" => "X448".to_string(),
        "1.2.840.10040.4.1" => "DSA".to_string(),
        other => format!("non-RSA (algorithm {other})"),
    };
    Err(KeyError::NotRsa { algorithm })
}

fn malformed(e: impl std::fmt::Display) -> KeyError {
    KeyError::MalformedRsa {
        detail: e.to_string(),
    }
}

fn from_pkcs8_der(der: &[u8]) -> Result<RsaKey, KeyError> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::Unparsable {
        detail: format!("bad PKCS#8: {e}"),
    })?;
    check_algorithm(info.algorithm.oid)?;
    from_pkcs1_private_der(info.private_key.as_bytes())
}

fn from_spki_der(der: &[u8]) -> Result<RsaKey, KeyError> {
    from_pkcs1_public_der(spki_rsa_public_key(der)?)
}

/// The RSAPublicKey DER inside a SubjectPublicKeyInfo of an RSA key.
fn spki_rsa_public_key(der: &[u8]) -> Result<&[u8], KeyError> {
    let info = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::Unparsable {
        detail: format!("bad SubjectPublicKeyInfo: {e}"),
    })?;
    check_algorithm(info.algorithm.oid)?;
    info.subject_public_key
        .as_bytes()
        .ok_or_else(|| malformed("public key BIT STRING has unused bits"))
}

fn from_pkcs1_private_der(der: &[u8]) -> Result<RsaKey, KeyError> {
    let parsed = pkcs1::RsaPrivateKeyRef::from_der(der).map_err(malformed)?;
    check_size_parsable(parsed.modulus.as_bytes())?;
    let key = rsa::PrivateKey::try_from(parsed).map_err(malformed)?;
    Ok(RsaKey::Private(Box::new(key)))
}

fn from_pkcs1_public_der(der: &[u8]) -> Result<RsaKey, KeyError> {
    let parsed = pkcs1::RsaPublicKeyRef::from_der(der).map_err(malformed)?;
    check_size_parsable(parsed.modulus.as_bytes())?;
    let key = rsa::PublicKey::try_from(parsed).map_err(malformed)?;
    Ok(RsaKey::Public(key))
}

/// The `rsa` crate refuses moduli outside 1024..=8192 bits with a bare "malformed" error; we
/// check the size first so the message says what is really wrong.
fn check_size_parsable(modulus: &[u8]) -> Result<(), KeyError> {
    let bits = bit_length(modulus);
    if !(1024..=8192).contains(&bits) {
        return Err(KeyError::UnsupportedSize { bits });
    }
    Ok(())
}

/// The bit length of a big-endian unsigned integer.
pub(crate) fn bit_length(big_endian: &[u8]) -> usize {
    let digits = match big_endian.iter().position(|&b| b != 0) {
        Some(first) => &big_endian[first..],
        None => return 0,
    };
    digits.len() * 8 - digits[0].leading_zeros() as usize
}

/// An RSA public key as verification reads it from a certificate: its modulus and exponent,
/// checked by the rules of the rsa crate's `PublicKey` (1024 to 8192 bits, odd modulus, odd
/// exponent from 2 to 2^33 − 1 and below the modulus) without building one: the rsa crate
/// precomputes Montgomery constants, which costs half an RSA-2048 verification, and aws-lc,
/// which verifies, computes its own. Written here because no crate checks a key without that.
#[derive(Clone, Debug)]
pub struct RsaPublicParts {
    modulus: Vec<u8>,
    exponent: Vec<u8>,
    /// The key as aws-lc parsed it, per verification algorithm, made on first use and shared
    /// by clones: it keeps the Montgomery constants a verification needs, which cost about a
    /// fifth of one to compute.
    parsed: Arc<Mutex<Vec<ParsedKey>>>,
    /// The VeraId key id, computed on first use.
    key_id: Arc<OnceLock<Result<(OrgKeyAlgorithm, String), KeyError>>>,
}

#[derive(Debug)]
struct ParsedKey {
    parameters: &'static RsaParameters,
    key: Option<ParsedPublicKey>,
}

impl PartialEq for RsaPublicParts {
    fn eq(&self, other: &Self) -> bool {
        (&self.modulus, &self.exponent) == (&other.modulus, &other.exponent)
    }
}

impl Eq for RsaPublicParts {}

impl RsaPublicParts {
    /// Reads a SubjectPublicKeyInfo DER (rsaEncryption or id-RSASSA-PSS), with the errors
    /// [`RsaKey::from_bytes`] gives for it.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let parsed =
            pkcs1::RsaPublicKeyRef::from_der(spki_rsa_public_key(der)?).map_err(malformed)?;
        Self::from_parts(parsed.modulus.as_bytes(), parsed.public_exponent.as_bytes())
    }

    /// A key from its big-endian modulus and exponent (as a PKCS#11 device gives them), checked
    /// as [`RsaPublicParts::from_spki_der`] checks them.
    pub fn from_parts(modulus: &[u8], exponent: &[u8]) -> Result<Self, KeyError> {
        check_size_parsable(modulus)?;
        let modulus = without_leading_zeros(modulus);
        let exponent = without_leading_zeros(exponent);
        let odd = |number: &[u8]| number.last().is_some_and(|b| b & 1 == 1);
        let valid = compare_unsigned(exponent, modulus).is_lt()
            && odd(modulus)
            && odd(exponent)
            && compare_unsigned(exponent, &[2]).is_ge()
            && compare_unsigned(exponent, &[0x01, 0xFF, 0xFF, 0xFF, 0xFF]).is_le();
        if !valid {
            // What the rsa crate answers for any of these.
            return Err(malformed(pkcs1::Error::KeyMalformed));
        }
        Ok(Self {
            modulus: modulus.to_vec(),
            exponent: exponent.to_vec(),
            parsed: Arc::default(),
            key_id: Arc::default(),
        })
    }

    /// Verifies `signature` over `message` with aws-lc, as `parameters` say.
    pub(crate) fn verify_with_aws_lc(
        &self,
        parameters: &'static RsaParameters,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), aws_lc_rs::error::Unspecified> {
        let parsed = {
            // Each operation is one lookup or one push: a poisoned lock is still consistent.
            let mut keys = self.parsed.lock().unwrap_or_else(|e| e.into_inner());
            match keys.iter().find(|k| std::ptr::eq(k.parameters, parameters)) {
                Some(known) => known.key.clone(),
                None => {
                    let key = self
                        .pkcs1_der()
                        .ok()
                        .and_then(|der| ParsedPublicKey::new(parameters, der).ok());
                    keys.push(ParsedKey {
                        parameters,
                        key: key.clone(),
                    });
                    key
                }
            }
        };
        match parsed {
            Some(key) => key.verify_sig(message, signature),
            None => aws_lc_rs::signature::RsaPublicKeyComponents {
                n: self.modulus(),
                e: self.exponent(),
            }
            .verify(parameters, message, signature),
        }
    }

    /// The modulus, big-endian, without leading zeros.
    pub fn modulus(&self) -> &[u8] {
        &self.modulus
    }

    /// The public exponent, big-endian, without leading zeros.
    pub fn exponent(&self) -> &[u8] {
        &self.exponent
    }

    /// Bit length of the modulus.
    pub fn modulus_bits(&self) -> usize {
        bit_length(&self.modulus)
    }

    /// The RSAPublicKey (PKCS#1) DER.
    fn pkcs1_der(&self) -> Result<Vec<u8>, KeyError> {
        der::Encode::to_der(&pkcs1::RsaPublicKeyRef {
            modulus: der::asn1::UintRef::new(&self.modulus).map_err(malformed)?,
            public_exponent: der::asn1::UintRef::new(&self.exponent).map_err(malformed)?,
        })
        .map_err(malformed)
    }

    /// The key as the rsa crate's type (for what only the rsa crate does).
    pub fn to_rsa(&self) -> Result<rsa::PublicKey, KeyError> {
        match from_pkcs1_public_der(&self.pkcs1_der()?)? {
            RsaKey::Public(key) => Ok(key),
            RsaKey::Private(_) => unreachable!("a public key DER reads as a public key"),
        }
    }

    /// The canonical SubjectPublicKeyInfo DER (rsaEncryption, NULL parameters), as
    /// [`canonical_spki_der`] writes it.
    pub fn canonical_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        let pkcs1 = self.pkcs1_der()?;
        let info = spki::SubjectPublicKeyInfoRef {
            algorithm: spki::AlgorithmIdentifierRef {
                oid: RSA_ENCRYPTION,
                parameters: Some(der::asn1::AnyRef::NULL),
            },
            subject_public_key: der::asn1::BitStringRef::from_bytes(&pkcs1).map_err(malformed)?,
        };
        der::Encode::to_der(&info).map_err(malformed)
    }

    /// The VeraId key id, as [`key_id`] gives it.
    pub fn key_id(&self) -> Result<(OrgKeyAlgorithm, String), KeyError> {
        self.key_id
            .get_or_init(|| {
                let algorithm = OrgKeyAlgorithm::from_bits(self.modulus_bits())?;
                Ok((
                    algorithm,
                    key_id_of_spki(algorithm, &self.canonical_spki_der()?),
                ))
            })
            .clone()
    }
}

/// A big-endian unsigned integer without its leading zeros.
pub(crate) fn without_leading_zeros(number: &[u8]) -> &[u8] {
    let start = number.iter().position(|&b| b != 0).unwrap_or(number.len());
    &number[start..]
}

/// Compares two big-endian unsigned integers without leading zeros.
fn compare_unsigned(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Bit length of an RSA key's modulus.
pub fn modulus_bits(key: &impl PublicKeyParts) -> usize {
    bit_length(&key.n_bytes())
}

/// The key sizes VeraId allows for organisation keys, with the TXT algorithm id of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrgKeyAlgorithm {
    /// RSA-2048, TXT algorithm id 1, key id hashed with SHA-256.
    Rsa2048,
    /// RSA-3072, TXT algorithm id 2, key id hashed with SHA-384.
    Rsa3072,
    /// RSA-4096, TXT algorithm id 3, key id hashed with SHA-512.
    Rsa4096,
}

impl OrgKeyAlgorithm {
    /// The algorithm for a key, if its size is one VeraId allows.
    pub fn for_key(key: &rsa::PublicKey) -> Result<Self, KeyError> {
        Self::from_bits(modulus_bits(key))
    }

    /// The algorithm for a modulus size.
    pub fn from_bits(bits: usize) -> Result<Self, KeyError> {
        match bits {
            2048 => Ok(Self::Rsa2048),
            3072 => Ok(Self::Rsa3072),
            4096 => Ok(Self::Rsa4096),
            bits => Err(KeyError::UnsupportedSize { bits }),
        }
    }

    /// The TXT record's algorithm id (1, 2 or 3).
    pub fn id(self) -> u8 {
        match self {
            Self::Rsa2048 => 1,
            Self::Rsa3072 => 2,
            Self::Rsa4096 => 3,
        }
    }

    /// The algorithm for a TXT algorithm id.
    pub fn from_id(id: u8) -> Option<Self> {
        match id {
            1 => Some(Self::Rsa2048),
            2 => Some(Self::Rsa3072),
            3 => Some(Self::Rsa4096),
            _ => None,
        }
    }

    /// Modulus size in bits.
    pub fn bits(self) -> usize {
        match self {
            Self::Rsa2048 => 2048,
            Self::Rsa3072 => 3072,
            Self::Rsa4096 => 4096,
        }
    }
}

/// The SubjectPublicKeyInfo DER of a key with algorithm rsaEncryption and NULL parameters:
/// the form WebCrypto exports and VeraId hashes, whatever form the key was read in.
pub fn canonical_spki_der(key: &rsa::PublicKey) -> Vec<u8> {
    key.to_public_key_der()
        .expect("encoding an RSA public key cannot fail")
        .to_vec()
}

/// The VeraId key id: padded standard base64 of SHA-256/384/512 (by key size) over the
/// canonical SubjectPublicKeyInfo (VeraId digest §2.3).
pub fn key_id(key: &rsa::PublicKey) -> Result<(OrgKeyAlgorithm, String), KeyError> {
    let algorithm = OrgKeyAlgorithm::for_key(key)?;
    Ok((
        algorithm,
        key_id_of_spki(algorithm, &canonical_spki_der(key)),
    ))
}

/// The key id of a canonical SubjectPublicKeyInfo for a key of `algorithm`'s size.
fn key_id_of_spki(algorithm: OrgKeyAlgorithm, spki: &[u8]) -> String {
    let hash = match algorithm {
        OrgKeyAlgorithm::Rsa2048 => HashAlgorithm::Sha256,
        OrgKeyAlgorithm::Rsa3072 => HashAlgorithm::Sha384,
        OrgKeyAlgorithm::Rsa4096 => HashAlgorithm::Sha512,
    };
    STANDARD.encode(hash.digest(spki))
}

/// Generates an RSA key of an organisation size.
pub fn generate(algorithm: OrgKeyAlgorithm) -> Result<rsa::PrivateKey, KeyError> {
    rsa::PrivateKey::new(&mut getrandom::SysRng, algorithm.bits()).map_err(|e| {
        KeyError::Generation {
            detail: e.to_string(),
        }
    })
}

/// PKCS#8 PEM of a private key (LF line endings).
pub fn private_key_pem(key: &rsa::PrivateKey) -> zeroize::Zeroizing<String> {
    key.to_pkcs8_pem(LineEnding::LF)
        .expect("encoding an RSA private key cannot fail")
}

/// SubjectPublicKeyInfo PEM of a public key (LF line endings).
pub fn public_key_pem(key: &rsa::PublicKey) -> String {
    key.to_public_key_pem(LineEnding::LF)
        .expect("encoding an RSA public key cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};

    fn key2048() -> rsa::PrivateKey {
        generate(OrgKeyAlgorithm::Rsa2048).unwrap()
    }

    /// A SubjectPublicKeyInfo (rsaEncryption) holding any modulus and exponent bytes.
    fn spki_of(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
        let pkcs1 = der::Encode::to_der(&pkcs1::RsaPublicKeyRef {
            modulus: der::asn1::UintRef::new(modulus).unwrap(),
            public_exponent: der::asn1::UintRef::new(exponent).unwrap(),
        })
        .unwrap();
        der::Encode::to_der(&spki::SubjectPublicKeyInfoRef {
            algorithm: spki::AlgorithmIdentifierRef {
                oid: RSA_ENCRYPTION,
                parameters: Some(der::asn1::AnyRef::NULL),
            },
            subject_public_key: der::asn1::BitStringRef::from_bytes(&pkcs1).unwrap(),
        })
        .unwrap()
    }

    /// The checks without the rsa crate accept and refuse exactly what the rsa crate does, with
    /// the same errors, and give the same key id.
    #[test]
    fn public_parts_check_keys_as_the_rsa_crate_does() {
        let key = key2048().to_public_key();
        let n = key.n_bytes().to_vec();
        let odd = |mut bytes: Vec<u8>| {
            *bytes.last_mut().unwrap() |= 1;
            bytes
        };
        let even = |mut bytes: Vec<u8>| {
            *bytes.last_mut().unwrap() &= 0xFE;
            bytes
        };
        let mut big_exponent = n.clone();
        big_exponent[0] = 0x7F;
        let cases: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (n.clone(), vec![1, 0, 1]),
            (n.clone(), vec![3]),
            (n.clone(), vec![2]),
            (n.clone(), vec![1]),
            (n.clone(), vec![0]),
            (n.clone(), vec![1, 0xFF, 0xFF, 0xFF, 0xFF]),
            (n.clone(), vec![2, 0, 0, 0, 1]),
            (n.clone(), vec![1, 0, 0]),
            (even(n.clone()), vec![1, 0, 1]),
            (n.clone(), odd(big_exponent)),
            (n.clone(), n.clone()),
            (odd(vec![0xC0; 128]), vec![1, 0, 1]),
            (odd(vec![0x80; 1024]), vec![1, 0, 1]),
            (odd(vec![0x40; 1025]), vec![1, 0, 1]),
            (odd(vec![0x80; 127]), vec![1, 0, 1]),
        ];
        for (modulus, exponent) in cases {
            let spki = spki_of(&modulus, &exponent);
            let parts = RsaPublicParts::from_spki_der(&spki);
            let crate_key = match RsaKey::from_bytes(&spki) {
                Ok(RsaKey::Public(key)) => Ok(key),
                Ok(RsaKey::Private(_)) => unreachable!(),
                Err(e) => Err(e),
            };
            match (&parts, &crate_key) {
                (Ok(parts), Ok(key)) => {
                    assert_eq!(parts.key_id().ok(), key_id(key).ok());
                    assert_eq!(parts.canonical_spki_der().unwrap(), canonical_spki_der(key));
                    assert_eq!(parts.to_rsa().unwrap(), *key);
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "e = {exponent:02x?}"),
                _ => panic!("parts {parts:?}, rsa crate {crate_key:?}, e = {exponent:02x?}"),
            }
        }
    }

    #[test]
    fn reads_every_encoding_to_the_same_public_key() {
        let key = key2048();
        let public = key.to_public_key();
        let encodings: Vec<Vec<u8>> = vec![
            private_key_pem(&key).as_bytes().to_vec(),
            key.to_pkcs8_der().unwrap().as_bytes().to_vec(),
            key.to_pkcs1_der().unwrap().as_bytes().to_vec(),
            key.to_pkcs1_pem(LineEnding::LF)
                .unwrap()
                .as_bytes()
                .to_vec(),
            public_key_pem(&public).into_bytes(),
            canonical_spki_der(&public),
            public.to_pkcs1_der().unwrap().as_bytes().to_vec(),
            public.to_pkcs1_pem(LineEnding::CRLF).unwrap().into_bytes(),
        ];
        for (i, bytes) in encodings.iter().enumerate() {
            let read = RsaKey::from_bytes(bytes).unwrap_or_else(|e| panic!("encoding {i}: {e}"));
            assert_eq!(read.public_key(), public, "encoding {i}");
        }
    }

    #[test]
    fn key_id_hashes_the_canonical_spki_even_for_pss_keys() {
        let key = key2048().to_public_key();
        let mut pss_spki = canonical_spki_der(&key);
        // Swap rsaEncryption+NULL for id-RSASSA-PSS without parameters.
        let rsa_alg = [
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
            0x00,
        ];
        let pss_alg = [
            0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
        ];
        let at = pss_spki
            .windows(rsa_alg.len())
            .position(|w| w == rsa_alg)
            .unwrap();
        pss_spki.splice(at..at + rsa_alg.len(), pss_alg);
        pss_spki[3] -= 2; // outer length (0x30 0x82 0x01 0x22 -> 0x20)
        let read = RsaKey::from_bytes(&pss_spki).unwrap().public_key();
        assert_eq!(key_id(&read).unwrap(), key_id(&key).unwrap());
    }

    #[test]
    fn rejects_non_rsa_and_odd_inputs() {
        assert!(matches!(
            RsaKey::from_bytes(b""),
            Err(KeyError::Unparsable { .. })
        ));
        assert!(matches!(
            RsaKey::from_bytes(b"hello"),
            Err(KeyError::Unparsable { .. })
        ));
        let cert = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            RsaKey::from_bytes(cert).unwrap_err(),
            KeyError::UnexpectedPemLabel {
                label: "CERTIFICATE".into()
            }
        );
    }

    #[test]
    fn algorithm_follows_modulus_size() {
        assert_eq!(OrgKeyAlgorithm::from_bits(3072).unwrap().id(), 2);
        assert_eq!(
            OrgKeyAlgorithm::from_bits(1024).unwrap_err(),
            KeyError::UnsupportedSize { bits: 1024 }
        );
        assert_eq!(bit_length(&[0, 0x01, 0xff]), 9);
    }
}
