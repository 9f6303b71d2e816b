//! PKCS#11 URIs (RFC 7512): which token, which key, which PIN and which module.
//!
//! `pkcs11:token=Org;object=org-key?pin-source=file:/run/pin&module-path=/usr/lib/x.so`: path
//! attributes separated by `;`, query attributes after `?` separated by `&`, values
//! percent-decoded. The PIN is kept out of every rendering: [`Pkcs11Uri`]'s `Display` and
//! `Debug` write `pin-value=***`.

use std::fmt;
use std::path::PathBuf;
use zeroize::Zeroizing;

/// The scheme prefix.
pub const SCHEME: &str = "pkcs11:";

/// Where the PIN comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum PinSource {
    /// `pin-value=`: the PIN itself.
    Value(Zeroizing<String>),
    /// `pin-source=file:PATH` (or a bare path): a file whose first line is the PIN.
    File(PathBuf),
}

/// A parsed `pkcs11:` URI: the attributes kliento uses, the others refused.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token=`: the token label.
    pub token: Option<String>,
    /// `manufacturer=`: the token's manufacturer id.
    pub manufacturer: Option<String>,
    /// `serial=`: the token's serial number.
    pub serial: Option<String>,
    /// `model=`: the token's model.
    pub model: Option<String>,
    /// `object=`: the key's label (CKA_LABEL).
    pub object: Option<String>,
    /// `id=`: the key's CKA_ID, as bytes.
    pub id: Option<Vec<u8>>,
    /// `pin-value=` or `pin-source=`.
    pub pin: Option<PinSource>,
    /// `module-path=`: the PKCS#11 module (shared library) to load.
    pub module_path: Option<PathBuf>,
}

/// Why a key URI (`pkcs11:`, `awskms://`) was refused.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid {kind} URI: {detail}")]
pub struct UriError {
    /// Which kind of URI (`PKCS#11`, `AWS KMS`).
    pub kind: &'static str,
    /// What is wrong (never the PIN).
    pub detail: String,
}

fn invalid(detail: impl Into<String>) -> UriError {
    UriError {
        kind: "PKCS#11",
        detail: detail.into(),
    }
}

impl Pkcs11Uri {
    /// Parses a URI starting with `pkcs11:`.
    pub fn parse(text: &str) -> Result<Self, UriError> {
        let rest = text
            .strip_prefix(SCHEME)
            .ok_or_else(|| invalid("it does not start with pkcs11:"))?;
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        let mut uri = Self::default();
        for attribute in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = split_attribute(attribute)?;
            uri.set_path_attribute(name, value)?;
        }
        for attribute in query.into_iter().flat_map(|q| q.split('&')) {
            if attribute.is_empty() {
                continue;
            }
            let (name, value) = split_attribute(attribute)?;
            uri.set_query_attribute(name, value)?;
        }
        Ok(uri)
    }

    fn set_path_attribute(&mut self, name: &str, value: Vec<u8>) -> Result<(), UriError> {
        match name {
            "token" => set_once(&mut self.token, name, text(name, value)?),
            "manufacturer" => set_once(&mut self.manufacturer, name, text(name, value)?),
            "serial" => set_once(&mut self.serial, name, text(name, value)?),
            "model" => set_once(&mut self.model, name, text(name, value)?),
            "object" => set_once(&mut self.object, name, text(name, value)?),
            "id" => set_once(&mut self.id, name, value),
            "type" => match value.as_slice() {
                b"private" => Ok(()),
                _ => Err(invalid(
                    "type must be private: kliento signs with a private key",
                )),
            },
            "library-manufacturer"
            | "library-description"
            | "library-version"
            | "slot-id"
            | "slot-description"
            | "slot-manufacturer" => Err(invalid(format!(
                "the {name} attribute is not supported; name the token with token=, serial=, \
                 manufacturer= or model="
            ))),
            _ if name.starts_with("x-") => Ok(()),
            _ => Err(invalid(format!("unknown path attribute {name}"))),
        }
    }

    fn set_query_attribute(&mut self, name: &str, value: Vec<u8>) -> Result<(), UriError> {
        match name {
            "pin-value" => {
                let pin =
                    String::from_utf8(value).map_err(|_| invalid("pin-value is not UTF-8"))?;
                set_once(
                    &mut self.pin,
                    "pin-value",
                    PinSource::Value(Zeroizing::new(pin)),
                )
            }
            "pin-source" => {
                let source = text(name, value)?;
                let path = match source.strip_prefix("file:") {
                    // file:///run/pin and file:/run/pin name the same file.
                    Some(path) => path.strip_prefix("//").unwrap_or(path),
                    None if source.contains(':') || source.starts_with('|') => {
                        return Err(invalid(
                            "pin-source must be a file: URI or a path (file:/run/secrets/pin)",
                        ));
                    }
                    None => &source,
                };
                if path.is_empty() {
                    return Err(invalid("pin-source names no file"));
                }
                set_once(&mut self.pin, "pin-source", PinSource::File(path.into()))
            }
            "module-path" => {
                let path = text(name, value)?;
                set_once(&mut self.module_path, name, PathBuf::from(path))
            }
            "module-name" => Err(invalid(
                "module-name is not supported; give the library's path with module-path=",
            )),
            _ if name.starts_with("x-") => Ok(()),
            _ => Err(invalid(format!("unknown query attribute {name}"))),
        }
    }
}

fn split_attribute(attribute: &str) -> Result<(&str, Vec<u8>), UriError> {
    let (name, value) = attribute
        .split_once('=')
        .ok_or_else(|| invalid(format!("attribute \"{}\" has no =", shown_name(attribute))))?;
    if name.is_empty() {
        return Err(invalid("an attribute has no name"));
    }
    // The name is shown in errors; a value never is (it may be a PIN).
    let value = percent_decode(value).map_err(|detail| invalid(format!("{name}: {detail}")))?;
    Ok((name, value))
}

/// The start of an attribute without `=`, short and printable (it is not a PIN: a PIN has a
/// name in front of it).
fn shown_name(attribute: &str) -> String {
    attribute
        .chars()
        .take(32)
        .filter(|c| !c.is_control())
        .collect()
}

fn text(name: &str, value: Vec<u8>) -> Result<String, UriError> {
    String::from_utf8(value).map_err(|_| invalid(format!("{name} is not UTF-8")))
}

fn set_once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), UriError> {
    if slot.is_some() {
        let name = if name == "pin-source" {
            "pin-value or pin-source"
        } else {
            name
        };
        return Err(invalid(format!("{name} is given more than once")));
    }
    *slot = Some(value);
    Ok(())
}

fn percent_decode(value: &str) -> Result<Vec<u8>, String> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("a % is not followed by two hex digits")?;
            decoded.push(hex);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    Ok(decoded)
}

/// Percent-encodes everything but RFC 3986 unreserved characters (and `:`, `/` and `@`, which
/// RFC 7512 allows in values).
fn percent_encode(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~:/@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The URI with its PIN replaced by `***`, attributes in a fixed order.
impl fmt::Display for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from(SCHEME);
        let path = [
            ("token", self.token.as_deref().map(str::as_bytes)),
            (
                "manufacturer",
                self.manufacturer.as_deref().map(str::as_bytes),
            ),
            ("serial", self.serial.as_deref().map(str::as_bytes)),
            ("model", self.model.as_deref().map(str::as_bytes)),
            ("object", self.object.as_deref().map(str::as_bytes)),
            ("id", self.id.as_deref()),
        ];
        let mut first = true;
        for (name, value) in path {
            if let Some(value) = value {
                if !first {
                    out.push(';');
                }
                first = false;
                out.push_str(name);
                out.push('=');
                percent_encode(value, &mut out);
            }
        }
        let mut query = Vec::new();
        match &self.pin {
            Some(PinSource::Value(_)) => query.push("pin-value=***".to_string()),
            Some(PinSource::File(path)) => {
                let mut value = "pin-source=file:".to_string();
                percent_encode(path.to_string_lossy().as_bytes(), &mut value);
                query.push(value);
            }
            None => {}
        }
        if let Some(path) = &self.module_path {
            let mut value = "module-path=".to_string();
            percent_encode(path.to_string_lossy().as_bytes(), &mut value);
            query.push(value);
        }
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query.join("&"));
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pkcs11Uri({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_path_and_query_attributes() {
        let uri = Pkcs11Uri::parse(
            "pkcs11:token=Org%20HSM;object=org-key;id=%01%02%ff;serial=abc;type=private\
             ?pin-source=file:/run/pin&module-path=/usr/lib/softhsm/libsofthsm2.so",
        )
        .unwrap();
        assert_eq!(uri.token.as_deref(), Some("Org HSM"));
        assert_eq!(uri.object.as_deref(), Some("org-key"));
        assert_eq!(uri.id.as_deref(), Some(&[1, 2, 0xff][..]));
        assert_eq!(uri.serial.as_deref(), Some("abc"));
        assert!(matches!(&uri.pin, Some(PinSource::File(p)) if p.as_os_str() == "/run/pin"));
        assert_eq!(
            uri.module_path.as_deref(),
            Some(std::path::Path::new("/usr/lib/softhsm/libsofthsm2.so"))
        );
    }

    #[test]
    fn pin_value_is_decoded_and_never_rendered() {
        let uri = Pkcs11Uri::parse("pkcs11:token=t;object=k?pin-value=12%2634").unwrap();
        assert!(matches!(&uri.pin, Some(PinSource::Value(pin)) if pin.as_str() == "12&34"));
        let shown = uri.to_string();
        assert_eq!(shown, "pkcs11:token=t;object=k?pin-value=***");
        assert!(!format!("{uri:?}").contains("12"));
    }

    #[test]
    fn renders_what_it_parses() {
        for text in [
            "pkcs11:token=Org%20HSM;object=k%3Bx;id=%01%FF",
            "pkcs11:object=k?pin-source=file:/run/pin&module-path=/lib/m.so",
            "pkcs11:",
        ] {
            let uri = Pkcs11Uri::parse(text).unwrap();
            assert_eq!(uri.to_string(), text);
            assert_eq!(Pkcs11Uri::parse(&uri.to_string()).unwrap(), uri);
        }
    }

    #[test]
    fn pin_source_forms() {
        let file = |text: &str| match Pkcs11Uri::parse(text).unwrap().pin {
            Some(PinSource::File(path)) => path,
            _ => panic!("no pin file in {text}"),
        };
        assert_eq!(
            file("pkcs11:?pin-source=file:///run/pin"),
            PathBuf::from("/run/pin")
        );
        assert_eq!(
            file("pkcs11:?pin-source=/run/pin"),
            PathBuf::from("/run/pin")
        );
        assert_eq!(file("pkcs11:?pin-source=pin.txt"), PathBuf::from("pin.txt"));
        for refused in ["pkcs11:?pin-source=|/bin/ask", "pkcs11:?pin-source=env:PIN"] {
            assert!(
                Pkcs11Uri::parse(refused)
                    .unwrap_err()
                    .detail
                    .contains("file:")
            );
        }
    }

    #[test]
    fn refuses_malformed_uris_without_echoing_values() {
        let error = |text: &str| Pkcs11Uri::parse(text).unwrap_err().to_string();
        assert_eq!(
            error("file:key.pem"),
            "invalid PKCS#11 URI: it does not start with pkcs11:"
        );
        assert_eq!(
            error("pkcs11:token=a;token=b"),
            "invalid PKCS#11 URI: token is given more than once"
        );
        assert_eq!(
            error("pkcs11:?pin-value=1&pin-source=/p"),
            "invalid PKCS#11 URI: pin-value or pin-source is given more than once"
        );
        assert_eq!(
            error("pkcs11:object=%zz"),
            "invalid PKCS#11 URI: object: a % is not followed by two hex digits"
        );
        assert_eq!(
            error("pkcs11:?pin-value=secret%4"),
            "invalid PKCS#11 URI: pin-value: a % is not followed by two hex digits"
        );
        assert_eq!(
            error("pkcs11:colour=red"),
            "invalid PKCS#11 URI: unknown path attribute colour"
        );
        assert_eq!(
            error("pkcs11:?module-name=softhsm2"),
            "invalid PKCS#11 URI: module-name is not supported; give the library's path with \
             module-path="
        );
        assert_eq!(
            error("pkcs11:type=cert"),
            "invalid PKCS#11 URI: type must be private: kliento signs with a private key"
        );
        assert_eq!(
            error("pkcs11:token"),
            "invalid PKCS#11 URI: attribute \"token\" has no ="
        );
        assert_eq!(
            error("pkcs11:object=%ff"),
            "invalid PKCS#11 URI: object is not UTF-8"
        );
        // Vendor attributes are ignored, as RFC 7512 §2.3 allows.
        assert!(Pkcs11Uri::parse("pkcs11:x-vendor=1?x-other=2").is_ok());
    }
}
