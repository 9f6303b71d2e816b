//! The `_veraid.<domain>` TXT record: generation and parsing, as `@relaycorp/veraid` 3.1.2 does
//! them (VeraId digest §2).
//!
//! RDATA: `<algorithm 1|2|3> <padded base64 key id> <TTL override seconds> [<service OID>]`.

use crate::keys::{self, KeyError, OrgKeyAlgorithm};
use crate::veraid::ServiceOid;
use std::fmt;

/// The largest TTL override a record may carry: 90 days, in seconds.
pub const MAX_TTL_OVERRIDE: u32 = 90 * 86_400;

/// A TTL override in seconds, within `0..=MAX_TTL_OVERRIDE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TtlOverride(u32);

/// A TTL override outside the range VeraId allows when generating a record.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("TTL override must not exceed 90 days (got {seconds} seconds)")]
pub struct TtlOverrideError {
    /// The rejected value.
    pub seconds: u64,
}

impl TtlOverride {
    /// Validates a TTL override for a new record (`0..=7_776_000`).
    pub fn new(seconds: u64) -> Result<Self, TtlOverrideError> {
        match u32::try_from(seconds) {
            Ok(s) if s <= MAX_TTL_OVERRIDE => Ok(Self(s)),
            _ => Err(TtlOverrideError { seconds }),
        }
    }

    /// Seconds.
    pub fn seconds(self) -> u32 {
        self.0
    }
}

/// The fields of one VeraId TXT record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxtRdata {
    /// Key algorithm, implied by the organisation key's size.
    pub algorithm: OrgKeyAlgorithm,
    /// Padded base64 digest of the organisation key; compared as an exact string.
    pub key_id: String,
    /// How long (seconds) before a signature's end the DNSSEC chain may have been valid.
    pub ttl_override: TtlOverride,
    /// The service the key is restricted to, verbatim; `None` for every service.
    pub service_oid: Option<String>,
}

/// Why TXT RDATA could not be parsed. Messages match `@relaycorp/veraid`'s.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TxtParseError {
    /// Fewer than three whitespace-separated fields.
    #[error("RDATA should have at least 3 space-separated fields (got {fields})")]
    TooFewFields {
        /// How many there are.
        fields: usize,
    },
    /// The first field is not `1`, `2` or `3`.
    #[error("Unknown algorithm id (\"{token}\")")]
    UnknownAlgorithm {
        /// The field as written.
        token: String,
    },
    /// The third field is not a decimal integer.
    #[error("Malformed TTL override (\"{token}\")")]
    MalformedTtl {
        /// The field as written.
        token: String,
    },
    /// The record holds zero or several character-strings.
    #[error("TXT rdata array must contain a single item (got {count})")]
    NotOneString {
        /// How many character-strings it holds.
        count: usize,
    },
}

impl TxtRdata {
    /// The record for an organisation key (`generateTxtRdata` in veraid-js).
    pub fn for_key(
        key: &rsa::PublicKey,
        ttl_override: TtlOverride,
        service: Option<&ServiceOid>,
    ) -> Result<Self, KeyError> {
        let (algorithm, key_id) = keys::key_id(key)?;
        Ok(Self {
            algorithm,
            key_id,
            ttl_override,
            service_oid: service.map(ToString::to_string),
        })
    }

    /// Parses the character-strings of one TXT resource record (exactly one is allowed).
    pub fn parse_strings(strings: &[&[u8]]) -> Result<Self, TxtParseError> {
        match strings {
            [only] => Self::parse(&String::from_utf8_lossy(only)),
            _ => Err(TxtParseError::NotOneString {
                count: strings.len(),
            }),
        }
    }

    /// Parses RDATA text with veraid-js's tolerances (`parseTxtRdata`): surrounding whitespace
    /// is trimmed only when no line break splits the fields, fields are split on any whitespace
    /// run, fields after the fourth are ignored, and TTLs above 90 days are clamped.
    pub fn parse(text: &str) -> Result<Self, TxtParseError> {
        let text = trim_like_veraid_js(text);
        let fields: Vec<&str> = split_like_veraid_js(text);
        if fields.len() < 3 {
            return Err(TxtParseError::TooFewFields {
                fields: fields.len(),
            });
        }
        let algorithm = match fields[0] {
            "1" => OrgKeyAlgorithm::Rsa2048,
            "2" => OrgKeyAlgorithm::Rsa3072,
            "3" => OrgKeyAlgorithm::Rsa4096,
            token => {
                return Err(TxtParseError::UnknownAlgorithm {
                    token: token.to_string(),
                });
            }
        };
        let ttl_token = fields[2];
        if ttl_token.is_empty() || !ttl_token.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TxtParseError::MalformedTtl {
                token: ttl_token.to_string(),
            });
        }
        // All digits, so the only parse failure is overflow: clamp like any value above 90 days.
        let seconds = ttl_token.parse::<u64>().unwrap_or(u64::MAX);
        let ttl_override = TtlOverride(seconds.min(u64::from(MAX_TTL_OVERRIDE)) as u32);
        Ok(Self {
            algorithm,
            key_id: fields[1].to_string(),
            ttl_override,
            service_oid: fields.get(3).map(|s| s.to_string()),
        })
    }
}

/// No TXT record matches the organisation key and service (VeraId digest §2.5).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("Could not find VeraId record for specified key and/or service")]
pub struct NoMatchingRecord;

/// Picks the record for an organisation key and a service as veraid-js does: among records with
/// the key's algorithm and key id (exact string) that name this service or none, the first that
/// names the service wins, else the first generic one.
pub fn select_record<'a>(
    records: &'a [TxtRdata],
    algorithm: OrgKeyAlgorithm,
    key_id: &str,
    service: &str,
) -> Result<&'a TxtRdata, NoMatchingRecord> {
    let for_key = || {
        records
            .iter()
            .filter(move |r| r.algorithm == algorithm && r.key_id == key_id)
    };
    for_key()
        .find(|r| r.service_oid.as_deref() == Some(service))
        .or_else(|| for_key().find(|r| r.service_oid.is_none()))
        .ok_or(NoMatchingRecord)
}

impl fmt::Display for TxtRdata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.algorithm.id(),
            self.key_id,
            self.ttl_override.0
        )?;
        if let Some(service) = &self.service_oid {
            write!(f, " {service}")?;
        }
        Ok(())
    }
}

/// JavaScript's `\s` (with the `u` flag): Unicode White_Space except U+0085, plus U+FEFF.
fn is_js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

/// JavaScript's `.` without the `s` flag matches anything but a line terminator.
fn is_js_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Mirrors `rdata.replace(/^\s*(?<fields>\S.+\S)\s*$/u, '$<fields>')`: the surrounding
/// whitespace goes only if the text between the first and last non-space characters (which must
/// be at least three characters apart) holds no line terminator.
fn trim_like_veraid_js(text: &str) -> &str {
    let inner = text.trim_matches(is_js_space);
    let chars = inner.chars().count();
    let middle_is_one_line = inner.chars().all(|c| !is_js_line_terminator(c));
    if chars >= 3 && middle_is_one_line {
        inner
    } else {
        text
    }
}

/// Mirrors `text.split(/\s+/u)`, which keeps empty leading and trailing fields.
fn split_like_veraid_js(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut rest = text;
    loop {
        match rest.find(is_js_space) {
            None => {
                fields.push(rest);
                return fields;
            }
            Some(start) => {
                fields.push(&rest[..start]);
                let after = &rest[start..];
                let run = after.len() - after.trim_start_matches(is_js_space).len();
                rest = &after[run..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM=";

    fn parse(text: &str) -> Result<TxtRdata, TxtParseError> {
        TxtRdata::parse(text)
    }

    #[test]
    fn parses_three_and_four_fields() {
        let r = parse(&format!("1 {ID} 2592000")).unwrap();
        assert_eq!(r.algorithm, OrgKeyAlgorithm::Rsa2048);
        assert_eq!(r.key_id, ID);
        assert_eq!(r.ttl_override.seconds(), 2_592_000);
        assert_eq!(r.service_oid, None);
        let r = parse(&format!("3 {ID} 0 1.2.3 junk")).unwrap();
        assert_eq!(r.algorithm, OrgKeyAlgorithm::Rsa4096);
        assert_eq!(r.ttl_override.seconds(), 0);
        assert_eq!(r.service_oid.as_deref(), Some("1.2.3"));
    }

    #[test]
    fn clamps_ttl_above_90_days() {
        for ttl in ["7776001", "99999999999999999999999999"] {
            let r = parse(&format!("2 {ID} {ttl}")).unwrap();
            assert_eq!(r.ttl_override.seconds(), MAX_TTL_OVERRIDE);
        }
    }

    #[test]
    fn rejects_bad_fields_with_veraid_js_messages() {
        let cases = [
            (
                "1 abc",
                "RDATA should have at least 3 space-separated fields (got 2)",
            ),
            (
                "",
                "RDATA should have at least 3 space-separated fields (got 1)",
            ),
            ("0 abc 10", "Unknown algorithm id (\"0\")"),
            ("4 abc 10", "Unknown algorithm id (\"4\")"),
            ("01 abc 10", "Unknown algorithm id (\"01\")"),
            ("1 abc -1", "Malformed TTL override (\"-1\")"),
            ("1 abc 1.5", "Malformed TTL override (\"1.5\")"),
            ("1 abc +5", "Malformed TTL override (\"+5\")"),
            (" 1 abc 10\n1.2", "Unknown algorithm id (\"\")"),
        ];
        for (text, message) in cases {
            assert_eq!(parse(text).unwrap_err().to_string(), message, "{text:?}");
        }
    }

    #[test]
    fn tolerates_whitespace_like_veraid_js() {
        for text in [
            "1 abc 10\n",
            "\t1\tabc\t10\t",
            "  1   abc  10  ",
            "1\u{a0}abc 10",
        ] {
            let r = parse(text).unwrap();
            assert_eq!((r.key_id.as_str(), r.ttl_override.seconds()), ("abc", 10));
            assert_eq!(r.service_oid, None, "{text:?}");
        }
        // A line break inside keeps the trailing whitespace, giving an empty fourth field.
        let r = parse("1\nabc 10 ").unwrap();
        assert_eq!(r.service_oid.as_deref(), Some(""));
    }

    #[test]
    fn requires_exactly_one_character_string() {
        assert_eq!(
            TxtRdata::parse_strings(&[]).unwrap_err(),
            TxtParseError::NotOneString { count: 0 }
        );
        assert_eq!(
            TxtRdata::parse_strings(&[b"1 a 1", b"x"]).unwrap_err(),
            TxtParseError::NotOneString { count: 2 }
        );
        assert!(TxtRdata::parse_strings(&[b"1 a 1"]).is_ok());
    }

    #[test]
    fn ttl_override_range() {
        assert!(TtlOverride::new(0).is_ok());
        assert!(TtlOverride::new(7_776_000).is_ok());
        assert_eq!(
            TtlOverride::new(7_776_001).unwrap_err().to_string(),
            "TTL override must not exceed 90 days (got 7776001 seconds)"
        );
    }

    #[test]
    fn prefers_the_record_naming_the_service_then_a_generic_one() {
        let records: Vec<TxtRdata> = [
            "1 other 1 1.2.3",
            "2 key 2 1.2.3",
            "1 key 3",
            "1 key 4 9.9",
            "1 key 5 1.2.3",
            "1 key 6 1.2.3",
        ]
        .iter()
        .map(|t| parse(t).unwrap())
        .collect();
        let pick = |service| {
            select_record(&records, OrgKeyAlgorithm::Rsa2048, "key", service)
                .map(|r| r.ttl_override.seconds())
        };
        assert_eq!(pick("1.2.3"), Ok(5));
        assert_eq!(pick("4.5.6"), Ok(3));
        assert_eq!(
            select_record(&records[..2], OrgKeyAlgorithm::Rsa2048, "key", "1.2.3"),
            Err(NoMatchingRecord)
        );
        // Key ids compare as exact strings: an unpadded id does not match a padded one.
        let padded = [parse("1 abc= 1").unwrap()];
        assert!(select_record(&padded, OrgKeyAlgorithm::Rsa2048, "abc", "1.2").is_err());
    }

    #[test]
    fn renders_fields_joined_by_spaces() {
        let r = parse(&format!("1 {ID} 3600 1.3.6.1.4.1.58708.1.1")).unwrap();
        assert_eq!(r.to_string(), format!("1 {ID} 3600 1.3.6.1.4.1.58708.1.1"));
    }
}
