//! Secret strings (JWTs, client secrets, refresh tokens) that never show their value when
//! formatted, so they cannot leak through logs, `-v` output or error messages.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::fmt;
use zeroize::Zeroizing;

/// A secret string; `Debug` and `Display` print `<redacted, N bytes>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The value, for sending it where it belongs (never for display).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted, {} bytes>", self.len())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A compact JWS/JWT (RFC 7515 §7.1): three base64url segments, the first a JSON header.
/// Only its shape is checked here; the Authority verifies the signature and claims.
#[derive(Clone, PartialEq, Eq)]
pub struct Jwt(Secret);

/// Why a token is not a compact JWT.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtFormatError {
    /// The token is empty (after trimming whitespace).
    #[error("the token is empty")]
    Empty,
    /// Not three dot-separated segments.
    #[error("a JWT has 3 dot-separated parts, this token has {parts}")]
    Parts {
        /// Segments found.
        parts: usize,
    },
    /// The first segment is not base64url JSON.
    #[error("the JWT header is not base64url-encoded JSON")]
    Header,
    /// A character outside the base64url alphabet and the dots (a control character, a space).
    #[error("the token has a character that cannot be in a JWT (only base64url and '.')")]
    Characters,
}

impl Jwt {
    /// Checks the compact shape of `token` (surrounding whitespace, e.g. a file's trailing
    /// newline, is dropped).
    pub fn parse(token: &str) -> Result<Self, JwtFormatError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(JwtFormatError::Empty);
        }
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(JwtFormatError::Parts { parts: parts.len() });
        }
        // Malformed input, refused here rather than as a header value the HTTP client rejects
        // (which would look like a network failure and be retried).
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
        {
            return Err(JwtFormatError::Characters);
        }
        let header = URL_SAFE_NO_PAD
            .decode(parts[0])
            .map_err(|_| JwtFormatError::Header)?;
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&header)
            .map_err(|_| JwtFormatError::Header)?;
        Ok(Self(Secret::new(token)))
    }

    /// The compact token, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for Jwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Jwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

    #[test]
    fn secrets_format_as_redacted_length() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "<redacted, 7 bytes>");
        assert_eq!(format!("{secret:?}"), "<redacted, 7 bytes>");
    }

    #[test]
    fn jwt_formats_as_redacted_length() {
        let jwt = Jwt::parse(TOKEN).unwrap();
        assert_eq!(
            format!("{jwt:?} {jwt}"),
            format!(
                "<redacted, {n} bytes> <redacted, {n} bytes>",
                n = TOKEN.len()
            )
        );
    }

    #[test]
    fn jwt_drops_surrounding_whitespace() {
        assert_eq!(Jwt::parse(&format!(" {TOKEN}\n")).unwrap().expose(), TOKEN);
    }

    #[test]
    fn rejects_token_without_three_parts() {
        assert_eq!(
            Jwt::parse("abc.def"),
            Err(JwtFormatError::Parts { parts: 2 })
        );
    }

    #[test]
    fn rejects_token_whose_header_is_not_json() {
        assert_eq!(Jwt::parse("bm9wZQ.e30.c2ln"), Err(JwtFormatError::Header));
    }

    #[test]
    fn rejects_control_characters() {
        assert_eq!(
            Jwt::parse("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2\x01ln"),
            Err(JwtFormatError::Characters)
        );
    }

    #[test]
    fn rejects_empty_token() {
        assert_eq!(Jwt::parse(" \n"), Err(JwtFormatError::Empty));
    }
}
