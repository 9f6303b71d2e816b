//! Domain names as VeraId uses them: the organisation name, written without a trailing dot
//! (VeraId digest §2.6) and in lower case, so that one domain has one spelling (DNS names are
//! case-insensitive, RFC 4343).

use std::fmt;
use std::str::FromStr;

/// A syntactically valid DNS domain name, stored without its trailing dot, in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Domain(String);

/// Why a string is not a usable domain name.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid domain name \"{input}\": {reason}")]
pub struct DomainError {
    /// The rejected text.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl FromStr for Domain {
    type Err = DomainError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = |reason| DomainError {
            input: input.to_string(),
            reason,
        };
        let name = without_trailing_dot(input);
        if name.is_empty() {
            return Err(error("it is empty"));
        }
        // RFC 1035 §3.1: 255 octets on the wire, i.e. 253 characters in text without the root.
        if name.len() > 253 {
            return Err(error("it is longer than 253 characters"));
        }
        for label in name.split('.') {
            if label.is_empty() {
                return Err(error("it has an empty label"));
            }
            if label.len() > 63 {
                return Err(error("a label is longer than 63 characters"));
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(error(
                    "labels may hold only letters, digits, '-' and '_' (use punycode for IDNs)",
                ));
            }
        }
        Ok(Self(name.to_ascii_lowercase()))
    }
}

/// `name` without one trailing dot (`example.com.` becomes `example.com`): how VeraId writes an
/// organisation name (digest §2.6), case unchanged.
pub fn without_trailing_dot(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

impl Domain {
    /// The name without a trailing dot (`example.com`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The absolute name of the VeraId TXT record (`_veraid.example.com.`).
    pub fn veraid_record_name(&self) -> String {
        format!("_veraid.{}.", self.0)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowers_case_and_drops_one_trailing_dot() {
        let d: Domain = "Example.COM.".parse().unwrap();
        assert_eq!(d.as_str(), "example.com");
        assert_eq!(d.veraid_record_name(), "_veraid.example.com.");
    }

    #[test]
    fn rejects_malformed_names() {
        let long_label = "a".repeat(64);
        let long_name = vec!["abcdefghi"; 26].join(".");
        for bad in [
            "",
            ".",
            "a..b",
            "exa mple.com",
            "a/b",
            &long_label,
            &long_name,
            "x..",
        ] {
            assert!(bad.parse::<Domain>().is_err(), "{bad:?} accepted");
        }
    }
}
