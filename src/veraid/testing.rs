//! Helpers shared by the unit tests of the VeraId modules.

use jiff::Timestamp;

/// Bytes from hex text, whitespace ignored (`"30 03 02 01 00"`).
pub(crate) fn unhex(text: &str) -> Vec<u8> {
    let text: String = text.split_whitespace().collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// A timestamp from RFC 3339 text.
pub(crate) fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// Whether `needle` occurs in `haystack`.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
