//! Kliento tokens and token bundles: the JSON token `{audience, claims}` that a token bundle
//! signs, and the encodings a bundle travels in (Kliento digest §1).

pub mod bundle;
pub mod encoding;
pub mod verifier;

use crate::veraid::ServiceOid;
use serde_json::Value;
use std::fmt;

/// The Kliento service OID every token bundle is bound to.
pub const KLIENTO_SERVICE_OID: &str = ServiceOid::KLIENTO;

/// A Kliento token: who it is for, and what the subject claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The server the token is for; compared as an exact, case-sensitive string.
    pub audience: String,
    /// Claim names and values, in order; names are unique.
    pub claims: Claims,
}

/// Claims in insertion order with unique names (a repeated name keeps its first position and
/// takes the last value, as JavaScript objects do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claims(Vec<(String, String)>);

impl Claims {
    /// Sets a claim, replacing the value of an existing one.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let (name, value) = (name.into(), value.into());
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// The claims in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Whether there are no claims.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The claims as a JSON object.
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(n, v)| (n.to_string(), Value::String(v.to_string())))
                .collect(),
        )
    }
}

/// Why a token's bytes are not a Kliento token. Messages match kliento-js.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The bytes are not JSON.
    #[error("Malformed JSON value")]
    NotJson,
    /// JSON, but not an object with a string `audience` and string-valued `claims`.
    #[error("Invalid token serialisation: {reason}")]
    WrongShape {
        /// What is wrong with the shape.
        reason: &'static str,
    },
}

impl Token {
    /// A token for `audience` with no claims.
    pub fn new(audience: impl Into<String>) -> Self {
        Self {
            audience: audience.into(),
            claims: Claims::default(),
        }
    }

    /// The JSON kliento-js emits: compact, `audience` first, `claims` omitted when empty.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        let audience = Value::String(self.audience.clone());
        let mut json = format!("{{\"audience\":{audience}");
        if !self.claims.is_empty() {
            // Written by hand to keep the claims' order (serde_json's map would sort them).
            let members: Vec<String> = self
                .claims
                .iter()
                .map(|(n, v)| format!("{}:{}", Value::from(n), Value::from(v)))
                .collect();
            json.push_str(&format!(",\"claims\":{{{}}}", members.join(",")));
        }
        json.push('}');
        json.into_bytes()
    }

    /// Parses token bytes as kliento-js does: lenient UTF-8, a leading BOM dropped, JSON with
    /// surrounding whitespace, duplicate keys resolved last-wins, unknown members ignored.
    pub fn parse(bytes: &[u8]) -> Result<Self, TokenError> {
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let value: Value = serde_json::from_str(text).map_err(|_| TokenError::NotJson)?;
        let shape = |reason| TokenError::WrongShape { reason };
        let object = value
            .as_object()
            .ok_or(shape("the token is not a JSON object"))?;
        let audience = match object.get("audience") {
            Some(Value::String(audience)) => audience.clone(),
            Some(_) => return Err(shape("audience is not a string")),
            None => return Err(shape("audience is missing")),
        };
        let mut claims = Claims::default();
        match object.get("claims") {
            None => {}
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    let value = value
                        .as_str()
                        .ok_or(shape("a claim value is not a string"))?;
                    claims.insert(name.clone(), value);
                }
            }
            Some(_) => return Err(shape("claims is not an object")),
        }
        Ok(Self { audience, claims })
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_json_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_like_kliento_js() {
        let mut token = Token::new("https://api.example.com");
        assert_eq!(
            token.to_string(),
            r#"{"audience":"https://api.example.com"}"#
        );
        token.claims.insert("permission", "read-only");
        token.claims.insert("a\"b", "line\nbreak/é");
        assert_eq!(
            token.to_string(),
            r#"{"audience":"https://api.example.com","claims":{"permission":"read-only","a\"b":"line\nbreak/é"}}"#
        );
    }

    #[test]
    fn repeated_claim_names_keep_their_place_and_take_the_last_value() {
        let mut claims = Claims::default();
        claims.insert("a", "1");
        claims.insert("b", "2");
        claims.insert("a", "3");
        assert_eq!(claims.iter().collect::<Vec<_>>(), [("a", "3"), ("b", "2")]);
    }

    #[test]
    fn parses_what_kliento_js_accepts() {
        let token = Token::parse(b"\xef\xbb\xbf {\"audience\": \"aud\", \"x\": 1}\n").unwrap();
        assert_eq!(token, Token::new("aud"));
        let token =
            Token::parse(br#"{"claims":{"k":"v","k":"w"},"audience":"a","audience":"b"}"#).unwrap();
        assert_eq!(token.audience, "b");
        assert_eq!(token.claims.iter().collect::<Vec<_>>(), [("k", "w")]);
        assert_eq!(Token::parse(br#"{"audience":""}"#).unwrap().audience, "");
    }

    #[test]
    fn rejects_tokens_of_the_wrong_shape() {
        assert_eq!(Token::parse(b"not json").unwrap_err(), TokenError::NotJson);
        assert_eq!(Token::parse(b"").unwrap_err(), TokenError::NotJson);
        for (bytes, reason) in [
            (&br#"["audience"]"#[..], "the token is not a JSON object"),
            (br#"{"claims":{}}"#, "audience is missing"),
            (br#"{"audience":1}"#, "audience is not a string"),
            (
                br#"{"audience":"a","claims":[]}"#,
                "claims is not an object",
            ),
            (
                br#"{"audience":"a","claims":{"n":1}}"#,
                "a claim value is not a string",
            ),
            (
                br#"{"audience":"a","claims":{"n":null}}"#,
                "a claim value is not a string",
            ),
        ] {
            assert_eq!(
                Token::parse(bytes).unwrap_err(),
                TokenError::WrongShape { reason },
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
