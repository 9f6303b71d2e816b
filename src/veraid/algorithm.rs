//! Digests and RSA signature algorithms as VeraId certificates and CMS signatures carry them
//! (VeraId digest §3): RSASSA-PSS with explicit parameters, and PKCS#1 v1.5 for verification.

use crate::keys::{RSASSA_PSS, RsaPublicParts};
use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode};
use pkcs1::RsaPssParamsRef;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::pss::Pss;
use sha2::{Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierRef;
use std::fmt;
use std::sync::OnceLock;

const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// A SHA-2 digest: what VeraId uses for message digests and signature hashes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256: the default of veraid-js keys and the CMS message digest.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Hashes `data` (with aws-lc, whose SHA-2 uses the CPU's vector units).
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use aws_lc_rs::digest;
        let algorithm = match self {
            Self::Sha256 => &digest::SHA256,
            Self::Sha384 => &digest::SHA384,
            Self::Sha512 => &digest::SHA512,
        };
        digest::digest(algorithm, data).as_ref().to_vec()
    }

    /// Digest length in bytes, which is also the PSS salt length VeraId uses.
    pub fn output_len(self) -> u8 {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// The algorithm's OID (NIST, 2.16.840.1.101.3.4.2.x).
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha256 => SHA256,
            Self::Sha384 => SHA384,
            Self::Sha512 => SHA512,
        }
    }

    /// The algorithm for an OID, if it is one of the three.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        [Self::Sha256, Self::Sha384, Self::Sha512]
            .into_iter()
            .find(|h| h.oid() == *oid)
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        })
    }
}

/// A signature algorithm read from an AlgorithmIdentifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PSS. The MGF1 hash is taken to be `hash`, as pkijs/WebCrypto do (digest §3).
    RsaPss {
        /// The `hashAlgorithm` parameter.
        hash: HashAlgorithm,
        /// The `saltLength` parameter.
        salt_len: u8,
    },
    /// RSASSA-PKCS1-v1_5 (sha256/384/512WithRSAEncryption).
    RsaPkcs1v15 {
        /// The hash named by the OID.
        hash: HashAlgorithm,
    },
}

impl SignatureAlgorithm {
    /// RSASSA-PSS with the VeraId parameters for `hash`: MGF1 with the same hash, salt length =
    /// digest length.
    pub fn pss(hash: HashAlgorithm) -> Self {
        Self::RsaPss {
            hash,
            salt_len: hash.output_len(),
        }
    }

    /// The WebCrypto name, as veraid-js reports it ("RSA-PSS", "RSASSA-PKCS1-v1_5").
    pub fn webcrypto_name(&self) -> &'static str {
        match self {
            Self::RsaPss { .. } => "RSA-PSS",
            Self::RsaPkcs1v15 { .. } => "RSASSA-PKCS1-v1_5",
        }
    }

    /// The hash the signature is computed with.
    pub fn hash(&self) -> HashAlgorithm {
        match self {
            Self::RsaPss { hash, .. } | Self::RsaPkcs1v15 { hash } => *hash,
        }
    }

    /// Reads a DER AlgorithmIdentifier.
    pub fn from_der(der: &[u8]) -> Result<Self, AlgorithmError> {
        // The identifiers VeraId implementations write (RSASSA-PSS with each hash, as
        // [`SignatureAlgorithm::to_der`] and pkijs write it) are recognised by their bytes:
        // decoding PSS parameters costs a tenth of an RSA-2048 verification.
        static WRITTEN: OnceLock<[(Vec<u8>, SignatureAlgorithm); 3]> = OnceLock::new();
        let written = WRITTEN.get_or_init(|| {
            [
                HashAlgorithm::Sha256,
                HashAlgorithm::Sha384,
                HashAlgorithm::Sha512,
            ]
            .map(|hash| (Self::pss(hash).to_der(), Self::pss(hash)))
        });
        match written.iter().find(|(bytes, _)| bytes == der) {
            Some((_, algorithm)) => Ok(algorithm.clone()),
            None => Self::decode_der(der),
        }
    }

    fn decode_der(der: &[u8]) -> Result<Self, AlgorithmError> {
        let identifier =
            AlgorithmIdentifierRef::from_der(der).map_err(|e| AlgorithmError::Malformed {
                detail: e.to_string(),
            })?;
        let oid = identifier.oid;
        let hash = match oid {
            SHA256_WITH_RSA => Some(HashAlgorithm::Sha256),
            SHA384_WITH_RSA => Some(HashAlgorithm::Sha384),
            SHA512_WITH_RSA => Some(HashAlgorithm::Sha512),
            _ => None,
        };
        if let Some(hash) = hash {
            return Ok(Self::RsaPkcs1v15 { hash });
        }
        if oid != RSASSA_PSS {
            return Err(AlgorithmError::Unsupported {
                oid: oid.to_string(),
            });
        }
        // Absent parameters mean all defaults, i.e. SHA-1, which VeraId never uses.
        let params = match identifier.parameters {
            Some(any) => any
                .decode_as::<pkcs1::RsaPssParams<der::Any>>()
                .map_err(|e| AlgorithmError::Malformed {
                    detail: format!("RSASSA-PSS parameters: {e}"),
                })?,
            None => pkcs1::RsaPssParams::<der::Any>::default(),
        };
        let hash = HashAlgorithm::from_oid(&params.hash.oid).ok_or_else(|| {
            AlgorithmError::Unsupported {
                oid: format!("RSASSA-PSS with hash {}", params.hash.oid),
            }
        })?;
        // pkijs ignores the MGF parameters and uses MGF1 with `hash`; we verify the same way but
        // refuse identifiers that say otherwise rather than silently reinterpret them.
        let mgf_hash = params.mask_gen.parameters.as_ref().map(|p| p.oid);
        if params.mask_gen.oid != MGF1 || mgf_hash != Some(hash.oid()) {
            return Err(AlgorithmError::Unsupported {
                oid: format!(
                    "RSASSA-PSS with {hash} and mask generation {} ({})",
                    params.mask_gen.oid,
                    mgf_hash.map(|o| o.to_string()).unwrap_or_default()
                ),
            });
        }
        Ok(Self::RsaPss {
            hash,
            salt_len: params.salt_len,
        })
    }

    /// The DER AlgorithmIdentifier. PSS parameters are written as pkijs writes them: hash with
    /// NULL parameters, MGF1 over the same hash, explicit salt length, no trailer field.
    pub fn to_der(&self) -> Vec<u8> {
        match self {
            Self::RsaPss { hash, salt_len } => {
                let salt_len = *salt_len;
                let params = match hash {
                    HashAlgorithm::Sha256 => RsaPssParamsRef::new::<Sha256>(salt_len),
                    HashAlgorithm::Sha384 => RsaPssParamsRef::new::<Sha384>(salt_len),
                    HashAlgorithm::Sha512 => RsaPssParamsRef::new::<Sha512>(salt_len),
                };
                let params_der = params.to_der().expect("PSS parameters encode");
                let params_any = AnyRef::from_der(&params_der).expect("re-read PSS parameters");
                AlgorithmIdentifierRef {
                    oid: RSASSA_PSS,
                    parameters: Some(params_any),
                }
                .to_der()
                .expect("AlgorithmIdentifier encodes")
            }
            Self::RsaPkcs1v15 { hash } => {
                let oid = match hash {
                    HashAlgorithm::Sha256 => SHA256_WITH_RSA,
                    HashAlgorithm::Sha384 => SHA384_WITH_RSA,
                    HashAlgorithm::Sha512 => SHA512_WITH_RSA,
                };
                AlgorithmIdentifierRef {
                    oid,
                    parameters: Some(AnyRef::NULL),
                }
                .to_der()
                .expect("AlgorithmIdentifier encodes")
            }
        }
    }

    /// Verifies `signature` over `message` with `key`.
    pub fn verify(
        &self,
        key: &RsaPublicParts,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), AlgorithmError> {
        if let Some(parameters) = self.fast_parameters() {
            // aws-lc-rs verifies these at OpenSSL's speed, several times faster than the rsa
            // crate (more so for 4096-bit keys), which bounds the cost of a bundle's certificate
            // and CMS checks.
            if (2048..=8192).contains(&(key.modulus().len() * 8)) {
                return key
                    .verify_with_aws_lc(parameters, message, signature)
                    .map_err(|_| AlgorithmError::BadSignature);
            }
        }
        // The rsa crate for what aws-lc does not take (other PSS salts, keys under 2048 bits).
        let key = key.to_rsa().map_err(|_| AlgorithmError::BadSignature)?;
        let hashed = self.hash().digest(message);
        let outcome = match *self {
            Self::RsaPss { hash, salt_len } => match (hash, usize::from(salt_len)) {
                (HashAlgorithm::Sha256, salt_len) => {
                    key.verify(Pss::<Sha256>::new_with_salt(salt_len), &hashed, signature)
                }
                (HashAlgorithm::Sha384, salt_len) => {
                    key.verify(Pss::<Sha384>::new_with_salt(salt_len), &hashed, signature)
                }
                (HashAlgorithm::Sha512, salt_len) => {
                    key.verify(Pss::<Sha512>::new_with_salt(salt_len), &hashed, signature)
                }
            },
            Self::RsaPkcs1v15 { hash } => {
                let scheme = match hash {
                    HashAlgorithm::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
                    HashAlgorithm::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
                    HashAlgorithm::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
                };
                key.verify(scheme, &hashed, signature)
            }
        };
        outcome.map_err(|_| AlgorithmError::BadSignature)
    }
}

impl SignatureAlgorithm {
    /// aws-lc-rs's verification parameters when it supports these: PKCS#1 v1.5, and PSS with
    /// MGF1 over the same hash and a salt as long as the digest (its only PSS salt length).
    fn fast_parameters(&self) -> Option<&'static aws_lc_rs::signature::RsaParameters> {
        use aws_lc_rs::signature as ring;
        Some(match *self {
            Self::RsaPss { hash, salt_len } if salt_len == hash.output_len() => match hash {
                HashAlgorithm::Sha256 => &ring::RSA_PSS_2048_8192_SHA256,
                HashAlgorithm::Sha384 => &ring::RSA_PSS_2048_8192_SHA384,
                HashAlgorithm::Sha512 => &ring::RSA_PSS_2048_8192_SHA512,
            },
            Self::RsaPss { .. } => return None,
            Self::RsaPkcs1v15 { hash } => match hash {
                HashAlgorithm::Sha256 => &ring::RSA_PKCS1_2048_8192_SHA256,
                HashAlgorithm::Sha384 => &ring::RSA_PKCS1_2048_8192_SHA384,
                HashAlgorithm::Sha512 => &ring::RSA_PKCS1_2048_8192_SHA512,
            },
        })
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RsaPss { hash, salt_len } => {
                write!(f, "RSASSA-PSS ({hash}, MGF1-{hash}, salt {salt_len})")
            }
            Self::RsaPkcs1v15 { hash } => write!(f, "RSASSA-PKCS1-v1_5 ({hash})"),
        }
    }
}

/// Signs `message` with RSASSA-PSS (salt = digest length, MGF1 = `hash`).
pub(crate) fn pss_sign(
    key: &rsa::PrivateKey,
    hash: HashAlgorithm,
    message: &[u8],
) -> Result<Vec<u8>, rsa::Error> {
    let hashed = hash.digest(message);
    let rng = &mut getrandom::SysRng;
    match hash {
        HashAlgorithm::Sha256 => key.sign_with_rng(rng, Pss::<Sha256>::new(), &hashed),
        HashAlgorithm::Sha384 => key.sign_with_rng(rng, Pss::<Sha384>::new(), &hashed),
        HashAlgorithm::Sha512 => key.sign_with_rng(rng, Pss::<Sha512>::new(), &hashed),
    }
}

/// Why an algorithm identifier or a signature was not accepted.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AlgorithmError {
    /// The AlgorithmIdentifier is not valid DER.
    #[error("malformed algorithm identifier: {detail}")]
    Malformed {
        /// What the DER decoder said.
        detail: String,
    },
    /// A well-formed identifier of an algorithm kliento does not verify.
    #[error("unsupported signature algorithm {oid}")]
    Unsupported {
        /// The algorithm's OID (and hash, for PSS).
        oid: String,
    },
    /// The signature does not verify under the key.
    #[error("the signature does not verify")]
    BadSignature,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::asn1::hex;
    use crate::veraid::testing::unhex;

    /// RSASSA-PSS with SHA-256 exactly as pkijs writes it (VeraId digest §3).
    const PKIJS_PSS_SHA256: &str = "304106092a864886f70d01010a3034a00f300d06096086480165030402010500\
                                    a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120";

    #[test]
    fn pss_identifier_is_byte_identical_to_pkijs() {
        assert_eq!(
            hex(&SignatureAlgorithm::pss(HashAlgorithm::Sha256).to_der()),
            PKIJS_PSS_SHA256
        );
        // SHA-384/512: the hash OIDs end in 02/03 and the salt is 0x30/0x40.
        let sha512 = hex(&SignatureAlgorithm::pss(HashAlgorithm::Sha512).to_der());
        assert_eq!(
            sha512,
            PKIJS_PSS_SHA256
                .replace("0304020105", "0304020305")
                .replace("a203020120", "a203020140")
        );
    }

    #[test]
    fn reads_back_what_it_writes() {
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            for alg in [
                SignatureAlgorithm::pss(hash),
                SignatureAlgorithm::RsaPkcs1v15 { hash },
            ] {
                assert_eq!(SignatureAlgorithm::from_der(&alg.to_der()).unwrap(), alg);
            }
        }
    }

    #[test]
    fn identifiers_recognised_by_their_bytes_decode_to_the_same_algorithm() {
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let der = SignatureAlgorithm::pss(hash).to_der();
            assert_eq!(
                SignatureAlgorithm::from_der(&der).unwrap(),
                SignatureAlgorithm::decode_der(&der).unwrap()
            );
        }
    }

    #[test]
    fn rejects_pss_whose_mgf1_hash_differs() {
        let mixed = PKIJS_PSS_SHA256.replacen("0304020105", "0304020305", 1);
        let der = unhex(&mixed);
        // hash SHA-512, MGF1 still SHA-256.
        assert!(matches!(
            SignatureAlgorithm::from_der(&der),
            Err(AlgorithmError::Unsupported { oid }) if oid.contains("mask generation")
        ));
    }

    #[test]
    fn rejects_pss_with_default_sha1_and_unknown_algorithms() {
        // id-RSASSA-PSS without parameters: SHA-1 by default.
        let bare = [
            0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
        ];
        assert!(matches!(
            SignatureAlgorithm::from_der(&bare),
            Err(AlgorithmError::Unsupported { oid }) if oid.contains("1.3.14.3.2.26")
        ));
        // ecdsa-with-SHA256.
        let ecdsa = [
            0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
        ];
        assert_eq!(
            SignatureAlgorithm::from_der(&ecdsa),
            Err(AlgorithmError::Unsupported {
                oid: "1.2.840.10045.4.3.2".into()
            })
        );
    }
}
