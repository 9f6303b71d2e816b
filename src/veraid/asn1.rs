//! Small DER helpers shared by the certificate and CMS modules.
//!
//! VeraId structures must be written in an exact field order (signed attributes are *not*
//! DER-sorted, digest §7.1) and read back without re-encoding, so both modules assemble and
//! split TLVs with `der`'s `Header`/`Reader` rather than through derived structs that would
//! normalise them.

use der::{Encode, Header, Length, Tag, TagNumber};

/// One TLV: `tag`, definite length, `content`.
pub(crate) fn tlv(tag: Tag, content: &[u8]) -> Vec<u8> {
    let length = Length::try_from(content.len()).expect("VeraId structures are small");
    let mut out = Header::new(tag, length)
        .to_der()
        .expect("a header always encodes");
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already-encoded elements, in the order given.
pub(crate) fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    tlv(Tag::Sequence, &elements.concat())
}

/// A SET of already-encoded elements, in the order given (not sorted).
pub(crate) fn set(elements: &[&[u8]]) -> Vec<u8> {
    tlv(Tag::Set, &elements.concat())
}

/// A context-specific tag `[number]`.
pub(crate) fn context(number: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(number),
    }
}

/// The DER of any encodable value (for the library's own well-formed values).
pub(crate) fn der_of(value: &impl Encode) -> Vec<u8> {
    value.to_der().expect("encoding a well-formed value")
}

/// Lower-case hex, for error messages and reports.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
