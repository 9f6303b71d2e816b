//! The checks on one RRSIG: signer, key tag and algorithm, validity against the window, labels,
//! the Zone Key flag and, last, the signature over the canonical RRset, within the budget.

use super::limits::{Budget, Limit};
use super::proof::Reason;
use super::responses::RrType;
use super::walk::SignatureUse;
use crate::time::{self, Period, Timestamp};
use aws_lc_rs::signature::ParsedPublicKey;
use hickory_proto::dnssec::rdata::{DNSKEY, RRSIG};
use hickory_proto::dnssec::{PublicKey, TBS};
use hickory_proto::rr::{DNSClass, Name, Record};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Why one RRSIG could not authenticate its RRset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RrsigProblem {
    /// Its signer is not the zone that must sign the RRset.
    SignerMismatch {
        /// The zone that must sign.
        expected: String,
    },
    /// No candidate DNSKEY has its key tag.
    UnknownKeyTag,
    /// Keys with its tag have another algorithm.
    AlgorithmMismatch {
        /// The keys' algorithm.
        key_algorithm: u8,
    },
    /// It expired before `W` starts.
    Expired {
        /// The verification window.
        window: Period,
    },
    /// It starts after `W` ends.
    NotYetValid {
        /// The verification window.
        window: Period,
    },
    /// Its expiration precedes its inception.
    InvalidPeriod,
    /// Its labels field differs from the owner name's label count.
    LabelsMismatch {
        /// The owner's label count.
        expected: u8,
    },
    /// The matching key lacks the Zone Key flag (RFC 4034 §2.1.1).
    NotZoneKey,
    /// The signature does not verify with the matching key(s).
    BadSignature,
}

/// One rejected RRSIG and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RrsigRejection {
    /// Its key tag.
    pub key_tag: u16,
    /// Its algorithm.
    pub algorithm: u8,
    /// Its signer name.
    pub signer: String,
    /// Its inception and expiration (expiration may precede inception when malformed).
    pub inception: Timestamp,
    /// See `inception`.
    pub expiration: Timestamp,
    /// What is wrong with it.
    pub problem: RrsigProblem,
}

impl fmt::Display for RrsigRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let distance = |a: Timestamp, b: Timestamp| time::humanise(a.duration_since(b));
        let reference = |window: &Period| {
            if window.start == window.end {
                "the verification time"
            } else {
                "the verification window"
            }
        };
        match &self.problem {
            RrsigProblem::SignerMismatch { expected } => write!(
                f,
                "is signed by {} but must be signed by {expected}",
                self.signer
            ),
            RrsigProblem::UnknownKeyTag => write!(
                f,
                "names key tag {}, which no usable DNSKEY of {} has",
                self.key_tag, self.signer
            ),
            RrsigProblem::AlgorithmMismatch { key_algorithm } => write!(
                f,
                "has algorithm {} but key {} has algorithm {key_algorithm}",
                self.algorithm, self.key_tag
            ),
            RrsigProblem::Expired { window } => write!(
                f,
                "expired {}, {} before {}",
                self.expiration,
                distance(window.start, self.expiration),
                reference(window)
            ),
            RrsigProblem::NotYetValid { window } => write!(
                f,
                "is not valid until {}, {} after {}",
                self.inception,
                distance(self.inception, window.end),
                reference(window)
            ),
            RrsigProblem::InvalidPeriod => write!(
                f,
                "expires ({}) before its inception ({})",
                self.expiration, self.inception
            ),
            RrsigProblem::LabelsMismatch { expected } => {
                write!(f, "has a labels field that is not {expected}")
            }
            RrsigProblem::NotZoneKey => write!(
                f,
                "was made by key {}, which lacks the Zone Key flag",
                self.key_tag
            ),
            RrsigProblem::BadSignature => write!(
                f,
                "by key {} does not verify (signature or RRset altered)",
                self.key_tag
            ),
        }
    }
}

/// A DNSKEY with its precomputed tag, and its public key parsed for aws-lc once, on its first
/// use, then shared by its clones: a zone's key signs its DNSKEY RRset and its child's DS, and
/// parsing an RSA key (its Montgomery constants) costs a sixth of a verification.
#[derive(Clone)]
pub(super) struct Key {
    pub(super) dnskey: DNSKEY,
    pub(super) tag: u16,
    parsed: Arc<OnceLock<Option<ParsedPublicKey>>>,
}

impl Key {
    pub(super) fn new(dnskey: DNSKEY) -> Self {
        let tag = dnskey.calculate_key_tag().unwrap_or_default();
        Self {
            dnskey,
            tag,
            parsed: Arc::default(),
        }
    }

    /// Whether `signature` over `message` verifies with this key, as RFC 4034 §3.1.8.1 and the
    /// algorithms' RFCs say (3110/5702 for RSA, 6605 for ECDSA, 8080 for Ed25519).
    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.parsed
            .get_or_init(|| parse_public_key(&self.dnskey))
            .as_ref()
            .is_some_and(|key| key.verify_sig(message, signature).is_ok())
    }
}

/// The DNSKEY's public key in the form aws-lc reads for its algorithm; `None` when it does not
/// parse (then nothing verifies with it).
#[allow(deprecated)]
fn parse_public_key(dnskey: &DNSKEY) -> Option<ParsedPublicKey> {
    use aws_lc_rs::signature as aws;
    use hickory_proto::dnssec::Algorithm;
    let public = dnskey.public_key();
    let bytes = public.public_bytes();
    let (algorithm, encoded): (&'static dyn aws::VerificationAlgorithm, Vec<u8>) =
        match public.algorithm() {
            Algorithm::RSASHA256 => (
                &aws::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                rsa_public_key_der(bytes)?,
            ),
            Algorithm::RSASHA512 => (
                &aws::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                rsa_public_key_der(bytes)?,
            ),
            Algorithm::RSASHA1 | Algorithm::RSASHA1NSEC3SHA1 => (
                &aws::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
                rsa_public_key_der(bytes)?,
            ),
            // RFC 6605 §4: the point's x and y, without SEC 1's uncompressed-form prefix.
            Algorithm::ECDSAP256SHA256 if bytes.len() == 64 => {
                (&aws::ECDSA_P256_SHA256_FIXED, [&[4], bytes].concat())
            }
            Algorithm::ECDSAP384SHA384 if bytes.len() == 96 => {
                (&aws::ECDSA_P384_SHA384_FIXED, [&[4], bytes].concat())
            }
            Algorithm::ED25519 if bytes.len() == 32 => (&aws::ED25519, bytes.to_vec()),
            _ => return None,
        };
    ParsedPublicKey::new(algorithm, encoded).ok()
}

/// RFC 3110 §2's RSA key (exponent length in one octet, or zero and two octets; exponent;
/// modulus) as a DER RSAPublicKey. Written here because hickory keeps its parser private.
fn rsa_public_key_der(key: &[u8]) -> Option<Vec<u8>> {
    let (exponent, modulus) = rsa_exponent_and_modulus(key)?;
    let public = pkcs1::RsaPublicKey {
        modulus: unsigned_integer(modulus)?,
        public_exponent: unsigned_integer(exponent)?,
    };
    der::Encode::to_der(&public).ok()
}

/// RFC 3110 §2's RSA key split into exponent and modulus; `None` when the bytes are not one.
pub(super) fn rsa_exponent_and_modulus(key: &[u8]) -> Option<(&[u8], &[u8])> {
    let (exponent_length, rest) = match key {
        [0, high, low, rest @ ..] => (usize::from(*high) << 8 | usize::from(*low), rest),
        [length, rest @ ..] if *length != 0 => (usize::from(*length), rest),
        _ => return None,
    };
    (rest.len() >= exponent_length).then(|| rest.split_at(exponent_length))
}

/// A big-endian unsigned integer without its leading zeros; `None` for zero.
fn unsigned_integer(bytes: &[u8]) -> Option<der::asn1::UintRef<'_>> {
    let number = crate::keys::without_leading_zeros(bytes);
    if number.is_empty() {
        return None;
    }
    der::asn1::UintRef::new(number).ok()
}

/// An RRset to authenticate: its owner, type and records, and who must sign it.
pub(super) struct RrsetToVerify<'r> {
    pub(super) owner: &'r Name,
    pub(super) rtype: RrType,
    pub(super) records: &'r [Record],
    pub(super) signatures: &'r [&'r RRSIG],
    pub(super) signer: &'r Name,
}

impl RrsetToVerify<'_> {
    fn label(&self) -> String {
        format!("{}/{}", self.owner, self.rtype)
    }
}

/// Tries the RRSIGs in order, each against the keys with its tag, within the limits;
/// returns the first that verifies.
pub(super) fn verify_rrset(
    budget: &mut Budget<'_>,
    window: &Period,
    rrset: &RrsetToVerify<'_>,
    keys: &[Key],
) -> Result<SignatureUse, Reason> {
    let limits = budget.limits;
    let exceeded = |limit| Reason::LimitExceeded {
        limit,
        at: rrset.label(),
    };
    if rrset.signatures.len() > limits.rrsigs_per_rrset {
        return Err(exceeded(Limit::RrsigsPerRrset(limits.rrsigs_per_rrset)));
    }
    let mut attempts = 0;
    let mut rejected = Vec::new();
    for signature in rrset.signatures {
        let input = signature.input();
        let candidates = match candidate_keys(rrset, signature, keys, window) {
            Ok(candidates) => candidates,
            Err(problem) => {
                rejected.push(rejection(signature, problem));
                continue;
            }
        };
        if candidates.len() > limits.keys_per_tag {
            return Err(exceeded(Limit::KeysPerTag(limits.keys_per_tag)));
        }
        // The signed data depends on the RRSIG alone: built once, verified with each key.
        let Ok(signed_data) =
            TBS::from_input(rrset.owner, DNSClass::IN, input, rrset.records.iter())
        else {
            rejected.push(rejection(signature, RrsigProblem::BadSignature));
            continue;
        };
        let mut verified_by = None;
        for key in candidates {
            if attempts == limits.attempts_per_rrset {
                return Err(exceeded(Limit::AttemptsPerRrset(limits.attempts_per_rrset)));
            }
            attempts += 1;
            budget.charge_verification(&key.dnskey).map_err(exceeded)?;
            let verify = || key.verifies(signed_data.as_ref(), signature.sig());
            let valid = match budget.cache {
                Some(cache) => cache.rrsig(
                    &dnskey_bytes(&key.dnskey),
                    signed_data.as_ref(),
                    signature.sig(),
                    verify,
                ),
                None => verify(),
            };
            if valid {
                verified_by = Some(key.tag);
                break;
            }
        }
        match verified_by {
            Some(key_tag) => {
                return Ok(SignatureUse {
                    rrset: rrset.label(),
                    signer: input.signer_name.to_string(),
                    key_tag,
                    algorithm: u8::from(input.algorithm),
                    validity: Period {
                        start: time::from_unix_seconds(input.sig_inception.get()),
                        end: time::from_unix_seconds(input.sig_expiration.get()),
                    },
                });
            }
            None => rejected.push(rejection(signature, RrsigProblem::BadSignature)),
        }
    }
    // An RRset without any RRSIG lands here only for DS (callers check DNSKEY and TXT
    // first): dnssec-js then finds no valid DS record, which is Bogus.
    Err(Reason::NoValidSignature {
        name: rrset.owner.to_string(),
        rtype: rrset.rtype,
        rejected,
    })
}

fn rejection(signature: &RRSIG, problem: RrsigProblem) -> RrsigRejection {
    let input = signature.input();
    RrsigRejection {
        key_tag: input.key_tag,
        algorithm: u8::from(input.algorithm),
        signer: input.signer_name.to_string(),
        inception: time::from_unix_seconds(input.sig_inception.get()),
        expiration: time::from_unix_seconds(input.sig_expiration.get()),
        problem,
    }
}

/// The checks on one RRSIG that need no cryptography, cheapest first; the keys it may verify
/// with (its tag and algorithm, the Zone Key flag) when they pass.
fn candidate_keys<'k>(
    rrset: &RrsetToVerify<'_>,
    signature: &RRSIG,
    keys: &'k [Key],
    window: &Period,
) -> Result<Vec<&'k Key>, RrsigProblem> {
    let input = signature.input();
    if input.signer_name != *rrset.signer {
        return Err(RrsigProblem::SignerMismatch {
            expected: rrset.signer.to_string(),
        });
    }
    let tagged: Vec<&Key> = keys.iter().filter(|k| k.tag == input.key_tag).collect();
    let Some(first) = tagged.first() else {
        return Err(RrsigProblem::UnknownKeyTag);
    };
    let candidates: Vec<&Key> = tagged
        .iter()
        .copied()
        .filter(|k| k.dnskey.public_key().algorithm() == input.algorithm)
        .collect();
    if candidates.is_empty() {
        return Err(RrsigProblem::AlgorithmMismatch {
            key_algorithm: algorithm_of(&first.dnskey),
        });
    }
    let inception = input.sig_inception.get();
    let expiration = input.sig_expiration.get();
    // RRSIG times are compared as plain 32-bit Unix seconds, as dnssec-js does (no RFC 1982
    // serial arithmetic).
    if expiration < inception {
        return Err(RrsigProblem::InvalidPeriod);
    }
    if time::from_unix_seconds(expiration) < window.start {
        return Err(RrsigProblem::Expired { window: *window });
    }
    if time::from_unix_seconds(inception) > window.end {
        return Err(RrsigProblem::NotYetValid { window: *window });
    }
    // dnssec-js signs over the owner's label count, so any other labels value cannot verify
    // there; wildcard expansion is not supported (VeraId digest §6.5).
    if input.num_labels != rrset.owner.num_labels() {
        return Err(RrsigProblem::LabelsMismatch {
            expected: rrset.owner.num_labels(),
        });
    }
    let zone_keys: Vec<&Key> = candidates
        .into_iter()
        .filter(|k| k.dnskey.zone_key())
        .collect();
    if zone_keys.is_empty() {
        return Err(RrsigProblem::NotZoneKey);
    }
    Ok(zone_keys)
}

/// What identifies a key for the warm cache: its algorithm and public key bytes.
fn dnskey_bytes(key: &DNSKEY) -> Vec<u8> {
    let public = key.public_key();
    let mut bytes = vec![u8::from(public.algorithm())];
    bytes.extend_from_slice(public.public_bytes());
    bytes
}

pub(super) fn algorithm_of(key: &DNSKEY) -> u8 {
    u8::from(key.public_key().algorithm())
}
