//! CMS SignedData with the VeraId profile (VeraId digest §7): producing organisation and member
//! signatures, reading what veraid-js emits, and verifying them as pkijs does.
//!
//! - `sign`: producing a SignedData ([`sign`], [`SignError`]);
//! - `read`: reading one as received ([`SignedData`], [`MalformedSignature`]);
//! - `verify`: verifying it ([`SignedData::verify`], [`SignatureError`]).
//!
//! Hand-assembled with `der` rather than the `cms` crate: `cms` is only a release candidate
//! (0.3.0-rc.0, whose builder needs an older rsa API), has no verifier, and its `SetOfVec`
//! re-sorts signed attributes on decode and encode. veraid-js writes them unsorted
//! (contentType, messageDigest, metadata, attribution) and signs those exact bytes, so they
//! are written in that order and verified over the bytes received.

#[cfg(test)]
mod fixtures;
mod read;
mod sign;
mod verify;

pub use read::{Attribute, MalformedSignature, SignedData, SignerIdentifier, SignerInfo};
pub use sign::{SignError, SignOptions, Signer, sign};
pub use verify::{SignatureError, VerifiedSignature};

use super::ServiceOid;
use der::asn1::ObjectIdentifier;
use jiff::Timestamp;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// VeraId signature metadata signed attribute (digest §1).
pub const METADATA_ATTRIBUTE: &str = "1.3.6.1.4.1.58708.1.0";
/// VeraId member attribution signed attribute, on organisation signatures (digest §1).
pub const ATTRIBUTION_ATTRIBUTE: &str = "1.3.6.1.4.1.58708.1.2";
const METADATA: ObjectIdentifier = ObjectIdentifier::new_unwrap(METADATA_ATTRIBUTE);
const ATTRIBUTION: ObjectIdentifier = ObjectIdentifier::new_unwrap(ATTRIBUTION_ATTRIBUTE);

/// The VeraId signature metadata: which service the signature is for, and when it is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureMetadata {
    /// The service OID the signature is bound to.
    pub service: ServiceOid,
    /// Start of validity (inclusive), millisecond precision.
    pub start: Timestamp,
    /// End of validity (inclusive), millisecond precision.
    pub end: Timestamp,
}
