//! Certificate serial numbers, kept as received: veraid-js writes 8 random bytes verbatim, so
//! some serials are non-minimal INTEGERs that must still match their minimal form.

use crate::veraid::asn1::{hex, tlv};
use der::Tag;

/// A certificate serial number, kept as the INTEGER content bytes received (possibly
/// non-minimal); equality compares the integer values, as pkijs does in IssuerAndSerialNumber.
#[derive(Clone, Debug, Eq)]
pub struct SerialNumber(Vec<u8>);

impl SerialNumber {
    /// Reads INTEGER content bytes (two's complement, big-endian, any number of leading
    /// sign-extension bytes).
    pub fn from_content(bytes: &[u8]) -> Option<Self> {
        (!bytes.is_empty()).then(|| Self(bytes.to_vec()))
    }

    /// The content bytes as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The content bytes with redundant sign-extension bytes removed (the DER form).
    pub fn minimal(&self) -> &[u8] {
        let mut bytes = self.0.as_slice();
        while bytes.len() > 1
            && ((bytes[0] == 0x00 && bytes[1] < 0x80) || (bytes[0] == 0xff && bytes[1] >= 0x80))
        {
            bytes = &bytes[1..];
        }
        bytes
    }

    /// The INTEGER TLV exactly as received.
    pub fn to_der(&self) -> Vec<u8> {
        tlv(Tag::Integer, &self.0)
    }
}

impl PartialEq for SerialNumber {
    fn eq(&self, other: &Self) -> bool {
        self.minimal() == other.minimal()
    }
}

impl std::hash::Hash for SerialNumber {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.minimal().hash(state);
    }
}

impl std::fmt::Display for SerialNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex(self.as_bytes()))
    }
}
