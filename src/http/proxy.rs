//! Which proxy a request goes through, from the standard variables.

use super::is_local_or_metadata;
use url::Url;

/// The proxy configuration, read by the caller from the environment (`HTTPS_PROXY`,
/// `ALL_PROXY`, `NO_PROXY`, upper or lower case). `HTTP_PROXY` is ignored on purpose: plain
/// HTTP never goes through a proxy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// The proxy for `https` URLs.
    pub https: Option<Url>,
    /// Host names (and their subdomains) reached directly; `*` means all.
    pub no_proxy: Vec<String>,
}

impl ProxySettings {
    /// Reads the settings through `var` (a lookup in an environment snapshot). Unparsable proxy
    /// URLs are ignored, as curl does with an empty one.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| var(name).filter(|v| !v.trim().is_empty()))
        };
        let https =
            first(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]).and_then(|text| {
                let text = text.trim();
                // curl's rule: a proxy without a scheme is an http proxy.
                let text = if text.contains("://") {
                    text.to_string()
                } else {
                    format!("http://{text}")
                };
                Url::parse(&text).ok()
            });
        let no_proxy = first(&["NO_PROXY", "no_proxy"])
            .map(|text| {
                text.split(',')
                    .map(|entry| entry.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|entry| !entry.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Self { https, no_proxy }
    }

    /// The proxy a request to `url` goes through: none for plain `http`, for loopback,
    /// link-local and metadata destinations, and for hosts in `NO_PROXY`.
    pub fn proxy_for(&self, url: &Url) -> Option<&Url> {
        let proxy = self.https.as_ref()?;
        if url.scheme() != "https" || is_local_or_metadata(url) {
            return None;
        }
        let host = url
            .host_str()?
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        let excluded = self
            .no_proxy
            .iter()
            .any(|entry| entry == "*" || host == *entry || host.ends_with(&format!(".{entry}")));
        (!excluded).then_some(proxy)
    }
}
