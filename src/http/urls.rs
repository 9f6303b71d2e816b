//! What the client checks and hides in URLs and texts: credentials redacted, secrets scrubbed,
//! loopback and metadata destinations recognised, plain http refused except to loopback.

use super::HttpError;
use std::net::Ipv6Addr;
use url::{Host, Url};

/// The URL as it may be shown: without userinfo (`user:password@`), which is a credential.
pub fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
    }
    shown.to_string()
}

/// `text` (an answer from a server, about to be shown) with every secret sent in the same
/// exchange replaced by `<redacted>`, in the forms a server may reflect it: as sent, form- or
/// percent-encoded. A server that echoes request headers or bodies into its error text then
/// shows nothing secret. Secrets shorter than 4 bytes are not searched for (they would match
/// ordinary text).
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let percent = form.replace('+', "%20");
        for variant in [secret.to_string(), form, percent] {
            if out.contains(&variant) {
                out = out.replace(&variant, "<redacted>");
            }
        }
    }
    out
}

/// Whether `url` names a destination that never leaves the machine or its link: loopback
/// (localhost, 127.0.0.0/8, ::1).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether `url` names a loopback, link-local (169.254.0.0/16, fe80::/10) or cloud metadata
/// destination (`metadata.google.internal`, AWS's `fd00:ec2::254`): places a proxy must never
/// see, since their answers are credentials.
pub fn is_local_or_metadata(url: &Url) -> bool {
    const AWS_IMDS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
    if is_loopback(url) {
        return true;
    }
    match url.host() {
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "metadata.google.internal" || name == "metadata"
        }
        Some(Host::Ipv4(ip)) => ip.is_link_local(),
        Some(Host::Ipv6(ip)) => ip.is_unicast_link_local() || ip == AWS_IMDS_V6,
        None => false,
    }
}

/// Refuses plain HTTP except to loopback hosts (localhost, 127.0.0.0/8, ::1), where nothing
/// leaves the machine; any other scheme is refused too.
pub fn require_secure(url: &Url) -> Result<(), HttpError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(HttpError::Insecure { url: redact(url) }),
    }
}
