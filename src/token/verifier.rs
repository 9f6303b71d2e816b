//! The API for servers: take the `Authorization: Kliento ...` header a client sent, verify it
//! for your audience, and get who the client is and what it claims, or why not.
//!
//! This is the Rust counterpart of kliento-js's `TokenBundle.deserialiseFromAuthHeader(header)`
//! then `tokenBundle.verify(audience)`. Malformed input and invalid bundles are different types,
//! as Kliento Verifier's `malformed` and `invalid` statuses are. [`Verifier`] is cheap to clone
//! and share between threads (`Send + Sync`, the anchors behind an `Arc`).

use super::bundle::{TokenVerification, VerifiedToken, verify_warm};
use super::encoding::{self, BundleEncoding, BundleInputError};
use crate::dnssec::{TrustAnchor, iana_root_anchors};
use crate::report::{CheckId, Verdict};
use crate::time::{Period, Timestamp};
use crate::veraid::verify::Mode;
use crate::warm::{DEFAULT_ENTRIES, WarmCache};
use std::sync::Arc;

/// A token bundle as received: its DER bytes, at most 16 KiB, not yet verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenBundle {
    der: Vec<u8>,
}

/// Why input is not a token bundle (Kliento Verifier's `malformed`).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("Token serialisation is malformed: {0}")]
pub struct Malformed(#[from] pub BundleInputError);

impl TokenBundle {
    /// From an `Authorization` header value, `Kliento <base64>` (the scheme in any case).
    pub fn from_auth_header(value: &str) -> Result<Self, Malformed> {
        Self::decode(value.as_bytes(), BundleEncoding::Header)
    }

    /// From base64 (standard or URL-safe, padding optional).
    pub fn from_base64(text: &str) -> Result<Self, Malformed> {
        Self::decode(text.as_bytes(), BundleEncoding::Base64)
    }

    /// From DER bytes.
    pub fn from_der(bytes: &[u8]) -> Result<Self, Malformed> {
        Self::decode(bytes, BundleEncoding::Der)
    }

    fn decode(input: &[u8], encoding: BundleEncoding) -> Result<Self, Malformed> {
        Ok(Self::from_input(input, Some(encoding))?.1)
    }

    /// From input in any of the three encodings, detected unless `encoding` says which; returns
    /// the encoding too.
    pub fn from_input(
        input: &[u8],
        encoding: Option<BundleEncoding>,
    ) -> Result<(BundleEncoding, Self), Malformed> {
        let (encoding, der) = encoding::decode(input, encoding)?;
        Ok((encoding, Self { der }))
    }

    /// The DER bytes.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }
}

/// Why a bundle was not accepted: malformed (not a bundle at all) or invalid (a check failed).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The bundle's structure does not parse.
    #[error("{reason}")]
    Malformed {
        /// The reason in Kliento Verifier's words.
        reason: String,
    },
    /// The bundle parsed and a check failed.
    #[error("{reason}")]
    Invalid {
        /// The first check that failed.
        check: CheckId,
        /// The reason in Kliento Verifier's words (`Invalid VeraId signature bundle: ...`,
        /// `Audience mismatch: ...`).
        reason: String,
    },
}

impl From<Malformed> for Rejection {
    fn from(malformed: Malformed) -> Self {
        Rejection::Malformed {
            reason: malformed.to_string(),
        }
    }
}

impl TokenVerification {
    /// The verified token, or why the bundle was rejected.
    pub fn into_result(self) -> Result<VerifiedToken, Rejection> {
        if let Some(verified) = self.verified() {
            return Ok(verified.clone());
        }
        let reason = self
            .error()
            .unwrap_or_else(|| "Invalid VeraId signature bundle".into());
        Err(match self.verdict() {
            Verdict::Malformed => Rejection::Malformed { reason },
            _ => Rejection::Invalid {
                check: self
                    .report()
                    .first_failure()
                    .map_or(CheckId::Audience, |c| c.id),
                reason,
            },
        })
    }
}

/// Verifies token bundles against a set of DNSSEC root trust anchors (the IANA root's by
/// default). Cheap to clone; `Send + Sync`. It remembers what does not change between bundles of
/// one organisation (verified DNSSEC signatures, checked certificates: see [`crate::warm`]), so
/// a new bundle over a known chain costs little more than its own signature; clones share that
/// memory. The report is the same as a cold verification's.
#[derive(Clone, Debug)]
pub struct Verifier {
    anchors: Arc<[TrustAnchor]>,
    cache: Option<Arc<WarmCache>>,
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Verifier {
    /// A verifier trusting the IANA root key-signing keys.
    pub fn new() -> Self {
        Self::with_trust_anchors(iana_root_anchors())
    }

    /// A verifier trusting these root DS records instead (test chains, a private root).
    pub fn with_trust_anchors(anchors: impl Into<Arc<[TrustAnchor]>>) -> Self {
        Self {
            anchors: anchors.into(),
            cache: Some(Arc::new(WarmCache::new(DEFAULT_ENTRIES))),
        }
    }

    /// The same verifier remembering at most `entries` outcomes (0: none, every verification
    /// cold). Clones made before share the old memory; this one starts empty.
    pub fn with_cache_entries(mut self, entries: usize) -> Self {
        self.cache = (entries > 0).then(|| Arc::new(WarmCache::new(entries)));
        self
    }

    /// The trust anchors in use.
    pub fn trust_anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// Verifies `bundle` for `audience` now (the one place the library reads the clock; use
    /// [`Verifier::verify_at`] to choose the time).
    pub fn verify(&self, bundle: &TokenBundle, audience: &str) -> Result<VerifiedToken, Rejection> {
        let now = Timestamp::now();
        // Millisecond precision, as veraid-js compares times.
        let now = Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
        self.verify_at(bundle, audience, now)
    }

    /// Verifies `bundle` for `audience` at `at`.
    pub fn verify_at(
        &self,
        bundle: &TokenBundle,
        audience: &str,
        at: Timestamp,
    ) -> Result<VerifiedToken, Rejection> {
        self.check(bundle, Some(audience), at, Mode::FirstFailure)
            .into_result()
    }

    /// The whole verification with its report: stopping at the first failure
    /// ([`Mode::FirstFailure`], as [`Verifier::verify_at`] does) or running every check that can
    /// run ([`Mode::Diagnose`]); without an audience, the audience is not checked.
    pub fn check(
        &self,
        bundle: &TokenBundle,
        audience: Option<&str>,
        at: Timestamp,
        mode: Mode,
    ) -> TokenVerification {
        verify_warm(
            &bundle.der,
            audience,
            Period::instant(at),
            &self.anchors,
            mode,
            self.cache.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn verifier_is_shareable_between_threads() {
        assert_send_sync::<Verifier>();
        assert_send_sync::<TokenBundle>();
        assert_send_sync::<Rejection>();
    }

    #[test]
    fn a_bearer_header_is_malformed_not_invalid() {
        let error = TokenBundle::from_auth_header("Bearer abc").unwrap_err();
        assert!(matches!(error.0, BundleInputError::WrongScheme { .. }));
        assert!(matches!(
            Rejection::from(error),
            Rejection::Malformed { .. }
        ));
    }

    #[test]
    fn bytes_over_16_kib_are_malformed() {
        let error = TokenBundle::from_der(&vec![0x30; 16 * 1024 + 1]).unwrap_err();
        assert!(matches!(error.0, BundleInputError::TooLarge { .. }));
    }
}
