//! The forms a token bundle travels in: raw DER, base64, or an `Authorization: Kliento <base64>`
//! header value (Kliento digest §1.4-§1.5; kliento CLI contract "Bundle input").

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Bundles larger than this are refused before any parsing (kliento-js: 16 KiB, inclusive); the
/// verification pipeline enforces the same limit on every byte entry point.
pub use crate::veraid::verify::MAX_BUNDLE_SIZE;

/// How a bundle is encoded on input or output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleEncoding {
    /// The DER bytes themselves.
    Der,
    /// Standard base64 with padding (accepted: URL-safe, unpadded, wrapped).
    Base64,
    /// `Kliento <base64>`, the Authorization header value.
    Header,
}

/// Why input is not an encoded bundle.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleInputError {
    /// No bytes at all.
    #[error("the input is empty")]
    Empty,
    /// Over the 16 KiB limit.
    #[error("the bundle is {size} bytes, over the {MAX_BUNDLE_SIZE}-byte limit")]
    TooLarge {
        /// Size of the decoded bundle (or of the input, when it is too large to decode).
        size: usize,
    },
    /// A header whose scheme is not `Kliento`.
    #[error("Authorization scheme must be \"Kliento\" (got \"{scheme}\")")]
    WrongScheme {
        /// The scheme found.
        scheme: String,
    },
    /// Text that is not base64.
    #[error("not DER, base64 or a Kliento header: {reason}")]
    NotBase64 {
        /// What the decoder objected to.
        reason: String,
    },
    /// More input than any encoding of a 16 KiB bundle takes (it was not read further).
    #[error(
        "the input is over {MAX_INPUT_SIZE} bytes, more than any encoding of a \
         {MAX_BUNDLE_SIZE}-byte bundle takes"
    )]
    InputTooLarge,
    /// A JWT (three dot-separated base64url parts) where a bundle was expected.
    #[error("the input is a JWT, not a Kliento token bundle")]
    Jwt,
    /// A PEM block (a key or certificate) where a bundle was expected.
    #[error("the input is a PEM block (-----BEGIN {label}-----), not a Kliento token bundle")]
    Pem {
        /// The block's label, e.g. `CERTIFICATE`.
        label: String,
    },
    /// Text that starts with a UTF-8 byte order mark.
    #[error("the input starts with a UTF-8 byte order mark (EF BB BF)")]
    ByteOrderMark,
}

impl BundleInputError {
    /// What to do about it, when there is something to say.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            Self::Jwt => {
                "a JWT is what `kliento exchange` trades for a bundle at VeraId Authority; pass \
                 the bundle it returns"
            }
            Self::WrongScheme { scheme } if scheme.eq_ignore_ascii_case("bearer") => {
                "a Bearer token is not a Kliento bundle: pass the value of a \
                 `Authorization: Kliento <base64>` header, or the bundle itself"
            }
            Self::WrongScheme { .. } => "the header value must be `Kliento <base64>`",
            Self::Pem { .. } => {
                "pass the token bundle (from `kliento issue token` or `kliento exchange`), not a \
                 key or certificate"
            }
            Self::ByteOrderMark => "save the file as UTF-8 without a byte order mark",
            Self::InputTooLarge | Self::TooLarge { .. } => {
                "verifiers refuse bundles over 16 KiB: check that the input is one bundle"
            }
            Self::Empty | Self::NotBase64 { .. } => return None,
        })
    }
}

/// Lenient base64: standard alphabet (URL-safe characters are mapped onto it first), padding
/// optional, non-zero trailing bits tolerated as Node's decoder does.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Length of the base64 form of a bundle of the maximum size.
const MAX_BASE64_LEN: usize = MAX_BUNDLE_SIZE.div_ceil(3) * 4;

/// Longest input worth reading, in any encoding: a 16 KiB bundle in base64 wrapped at 64
/// columns with CRLF line breaks, plus 256 bytes for `Authorization: Kliento ` and surrounding
/// whitespace (22,788 bytes). Readers read at most one byte more and then give up.
pub const MAX_INPUT_SIZE: usize = MAX_BASE64_LEN + 2 * MAX_BASE64_LEN.div_ceil(64) + 256;

/// Decodes a bundle from raw input, detecting the encoding unless `expected` forces one.
/// Returns the encoding found and the DER bytes.
pub fn decode(
    input: &[u8],
    expected: Option<BundleEncoding>,
) -> Result<(BundleEncoding, Vec<u8>), BundleInputError> {
    if input.len() > MAX_INPUT_SIZE {
        return Err(BundleInputError::InputTooLarge);
    }
    // A byte order mark or a PEM block is never a bundle, even when it happens to decode.
    if expected != Some(BundleEncoding::Der)
        && let Some(error @ (BundleInputError::ByteOrderMark | BundleInputError::Pem { .. })) =
            recognise(input)
    {
        return Err(error);
    }
    let encoding = expected.unwrap_or_else(|| detect(input));
    let bundle = match encoding {
        BundleEncoding::Der => input.to_vec(),
        BundleEncoding::Base64 | BundleEncoding::Header => {
            let decoded = text_of(input).and_then(|text| match encoding {
                BundleEncoding::Header => decode_header(text),
                _ => decode_base64(text),
            });
            match decoded {
                Err(
                    e @ (BundleInputError::NotBase64 { .. } | BundleInputError::WrongScheme { .. }),
                ) => {
                    return Err(recognise(input).unwrap_or(e));
                }
                other => other?,
            }
        }
    };
    if bundle.is_empty() {
        return Err(BundleInputError::Empty);
    }
    if bundle.len() > MAX_BUNDLE_SIZE {
        return Err(BundleInputError::TooLarge { size: bundle.len() });
    }
    Ok((encoding, bundle))
}

/// DER bundles start with a SEQUENCE tag; text starting with a scheme (or the header name) is a
/// header; anything else is taken for base64.
fn detect(input: &[u8]) -> BundleEncoding {
    if input.first() == Some(&0x30) {
        return BundleEncoding::Der;
    }
    let text = String::from_utf8_lossy(&input[..input.len().min(64)]);
    let text = strip_header_name(text.trim_start());
    // A scheme is a word followed by a space or tab: base64 whose first line happens to be all
    // letters is followed by a line break (found by fuzzing: `fuzz/regressions/header`).
    let is_header = text
        .find(|c: char| c.is_ascii_whitespace())
        .is_some_and(|at| {
            let (word, rest) = text.split_at(at);
            !word.is_empty()
                && word.chars().all(|c| c.is_ascii_alphabetic())
                && rest.starts_with([' ', '\t'])
        });
    if is_header {
        BundleEncoding::Header
    } else {
        BundleEncoding::Base64
    }
}

/// Names what undecodable text is when it is something people commonly paste by mistake: a
/// UTF-8 byte order mark, a PEM block or a JWT (alone or in a `Bearer` header).
fn recognise(input: &[u8]) -> Option<BundleInputError> {
    if input.starts_with(b"\xEF\xBB\xBF") {
        return Some(BundleInputError::ByteOrderMark);
    }
    let text = std::str::from_utf8(input).ok()?.trim();
    if let Some(rest) = text.strip_prefix("-----BEGIN ") {
        let label = rest.split("-----").next().unwrap_or_default();
        return Some(BundleInputError::Pem {
            label: label.chars().take(40).collect(),
        });
    }
    let text = strip_header_name(text);
    // `Bearer` then whitespace (looked for at the start only: the text may be kilobytes long).
    if let Some((scheme, rest)) = text.split_at_checked("bearer".len())
        && scheme.eq_ignore_ascii_case("bearer")
        && rest.starts_with(char::is_whitespace)
    {
        return Some(BundleInputError::WrongScheme {
            scheme: scheme.to_string(),
        });
    }
    is_jwt(text).then_some(BundleInputError::Jwt)
}

/// `header.payload.signature`, each base64url, the header a JSON object (`eyJ`).
fn is_jwt(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts.iter().all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
        })
}

fn text_of(input: &[u8]) -> Result<&str, BundleInputError> {
    std::str::from_utf8(input).map_err(|_| BundleInputError::NotBase64 {
        reason: "the input is neither DER nor text".into(),
    })
}

/// Drops a leading `Authorization:` (any case) so a pasted header line works.
fn strip_header_name(text: &str) -> &str {
    const NAME: &str = "authorization:";
    match text.get(..NAME.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(NAME) => text[NAME.len()..].trim_start(),
        _ => text,
    }
}

/// `Kliento <base64>`: the scheme is case-insensitive and followed by at least one space.
fn decode_header(text: &str) -> Result<Vec<u8>, BundleInputError> {
    let text = strip_header_name(text.trim());
    let (scheme, credentials) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("kliento") {
        return Err(BundleInputError::WrongScheme {
            scheme: scheme.chars().take(32).collect(),
        });
    }
    decode_base64(credentials)
}

/// Base64 in either alphabet, padded or not, with any ASCII whitespace (line wrapping) ignored.
/// Unlike Node's decoder, other stray characters are an error rather than silently skipped.
fn decode_base64(text: &str) -> Result<Vec<u8>, BundleInputError> {
    // Byte by byte: only ASCII is dropped or mapped, so the UTF-8 of anything else passes
    // through unchanged (and then fails to decode).
    let mut normalised = Vec::with_capacity(text.len());
    normalised.extend(
        text.bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| match b {
                b'-' => b'+',
                b'_' => b'/',
                b => b,
            }),
    );
    LENIENT
        .decode(&normalised)
        .map_err(|_| BundleInputError::NotBase64 {
            reason: base64_problem(text),
        })
}

/// What is wrong with text that does not decode as base64, in words.
fn base64_problem(text: &str) -> String {
    let stray = text.char_indices().find(|(_, c)| {
        !(c.is_ascii_alphanumeric() || c.is_ascii_whitespace() || "+/-_=".contains(*c))
    });
    match stray {
        Some((at, c)) if c.is_ascii_graphic() => {
            format!("'{c}' at byte {at} is not a base64 character")
        }
        Some((at, c)) => format!("{c:?} at byte {at} is not a base64 character"),
        None => "the base64 text is truncated or wrongly padded".to_string(),
    }
}

/// Encodes a bundle for output: DER as is; base64 and header as one line with a newline.
pub fn encode(bundle: &[u8], encoding: BundleEncoding) -> Vec<u8> {
    let standard = base64::engine::general_purpose::STANDARD;
    match encoding {
        BundleEncoding::Der => bundle.to_vec(),
        BundleEncoding::Base64 => format!("{}\n", standard.encode(bundle)).into_bytes(),
        BundleEncoding::Header => format!("Kliento {}\n", standard.encode(bundle)).into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> Vec<u8> {
        let mut bytes = vec![0x30, 0x82, 0x01, 0x00];
        bytes.extend((0..=255u8).cycle().take(256));
        bytes
    }

    #[test]
    fn detects_and_decodes_every_encoding() {
        let der = bundle();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&der);
        let wrapped: String = b64
            .as_bytes()
            .chunks(76)
            .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
            .collect();
        let cases = [
            (der.clone(), BundleEncoding::Der),
            (b64.clone().into_bytes(), BundleEncoding::Base64),
            (format!("  {url}\n").into_bytes(), BundleEncoding::Base64),
            (wrapped.into_bytes(), BundleEncoding::Base64),
            (
                format!("Kliento {b64}").into_bytes(),
                BundleEncoding::Header,
            ),
            (
                format!("KLIENTO  {url}\n").into_bytes(),
                BundleEncoding::Header,
            ),
            (
                format!("Authorization: kliento {b64}\r\n").into_bytes(),
                BundleEncoding::Header,
            ),
        ];
        for (input, encoding) in cases {
            assert_eq!(
                decode(&input, None),
                Ok((encoding, der.clone())),
                "{encoding:?}"
            );
        }
    }

    #[test]
    fn base64_whose_first_line_is_all_letters_is_not_a_header() {
        // Fuzzing found it: 21 bytes whose base64 has no digit, '+' or '/', then a line break.
        let text = "MIIAKGCMJACQEggAMJACIzIzISDo";
        let der = base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap();
        for input in [
            format!("{text}\n"),
            format!("{}\n{}\n", &text[..12], &text[12..]),
        ] {
            assert_eq!(
                decode(input.as_bytes(), None),
                Ok((BundleEncoding::Base64, der.clone())),
                "{input:?}"
            );
        }
        assert_eq!(
            decode(&encode(&der, BundleEncoding::Base64), None),
            Ok((BundleEncoding::Base64, der))
        );
    }

    #[test]
    fn encodes_for_output() {
        let der = bundle();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        assert_eq!(encode(&der, BundleEncoding::Der), der);
        assert_eq!(
            encode(&der, BundleEncoding::Base64),
            format!("{b64}\n").into_bytes()
        );
        assert_eq!(
            encode(&der, BundleEncoding::Header),
            format!("Kliento {b64}\n").into_bytes()
        );
        for encoding in [
            BundleEncoding::Der,
            BundleEncoding::Base64,
            BundleEncoding::Header,
        ] {
            let encoded = encode(&der, encoding);
            assert_eq!(decode(&encoded, Some(encoding)).unwrap().1, der);
        }
    }

    #[test]
    fn enforces_the_16_kib_limit_inclusively() {
        let mut der = vec![0x30; MAX_BUNDLE_SIZE];
        assert!(decode(&der, None).is_ok());
        der.push(0);
        assert_eq!(
            decode(&der, None),
            Err(BundleInputError::TooLarge {
                size: MAX_BUNDLE_SIZE + 1
            })
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        assert_eq!(
            decode(b64.as_bytes(), None),
            Err(BundleInputError::TooLarge {
                size: MAX_BUNDLE_SIZE + 1
            })
        );
    }

    #[test]
    fn rejects_what_is_not_a_bundle_encoding() {
        assert_eq!(decode(b"", None), Err(BundleInputError::Empty));
        assert_eq!(decode(b"Kliento ", None), Err(BundleInputError::Empty));
        assert_eq!(
            decode(b"Bearer abcd", None),
            Err(BundleInputError::WrongScheme {
                scheme: "Bearer".into()
            })
        );
        assert!(matches!(
            decode(b"not*base64!", None),
            Err(BundleInputError::NotBase64 { .. })
        ));
        assert!(matches!(
            decode(b"\xff\xfe", None),
            Err(BundleInputError::NotBase64 { .. })
        ));
    }

    #[test]
    fn recognises_what_people_paste_instead_of_a_bundle() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0In0.c2lnbmF0dXJl";
        assert_eq!(decode(jwt.as_bytes(), None), Err(BundleInputError::Jwt));
        assert_eq!(
            decode(format!("{jwt}\n").as_bytes(), Some(BundleEncoding::Base64)),
            Err(BundleInputError::Jwt)
        );
        let bearer = decode(format!("Authorization: Bearer {jwt}").as_bytes(), None);
        assert_eq!(
            bearer,
            Err(BundleInputError::WrongScheme {
                scheme: "Bearer".into()
            })
        );
        assert!(bearer.unwrap_err().hint().unwrap().contains("Bearer"));
        // A PEM block is refused even though its characters happen to be base64.
        let pem = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";
        assert_eq!(
            decode(pem.as_bytes(), None),
            Err(BundleInputError::Pem {
                label: "CERTIFICATE".into()
            })
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(bundle());
        let with_bom = [&b"\xEF\xBB\xBF"[..], b64.as_bytes()].concat();
        assert_eq!(
            decode(&with_bom, None),
            Err(BundleInputError::ByteOrderMark)
        );
        for error in [
            BundleInputError::Jwt,
            BundleInputError::ByteOrderMark,
            BundleInputError::InputTooLarge,
        ] {
            assert!(error.hint().is_some(), "{error:?}");
        }
        // Other stray characters are named with their position, in words.
        assert_eq!(
            decode(b"abc.defg", None),
            Err(BundleInputError::NotBase64 {
                reason: "'.' at byte 3 is not a base64 character".into()
            })
        );
    }

    #[test]
    fn refuses_input_over_the_largest_encoded_bundle_unread() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(vec![0x30; MAX_BUNDLE_SIZE]);
        let wrapped: String = b64
            .as_bytes()
            .chunks(64)
            .map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap()))
            .collect();
        let header = format!("Authorization: Kliento {wrapped}");
        assert!(header.len() <= MAX_INPUT_SIZE);
        assert!(decode(header.as_bytes(), None).is_ok());
        assert_eq!(
            decode(&vec![b'A'; MAX_INPUT_SIZE + 1], None),
            Err(BundleInputError::InputTooLarge)
        );
    }
}
