//! Tests of the HTTP client: URL hygiene, proxies, replies.

use super::*;

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

#[test]
fn redact_drops_userinfo() {
    assert_eq!(
        redact(&url("https://alice:s3cr3t@host.example/p?q")),
        "https://host.example/p?q"
    );
    assert_eq!(
        redact(&url("https://host.example/")),
        "https://host.example/"
    );
}

#[test]
fn scrub_removes_secrets_as_sent_and_encoded() {
    let text = "bad client_secret=a%2Fb+c&x, Bearer eyJ.x.y, a/b c";
    assert_eq!(
        scrub(text, &["a/b c", "eyJ.x.y", "no"]),
        "bad client_secret=<redacted>&x, Bearer <redacted>, <redacted>"
    );
}

#[test]
fn proxies_only_https_to_remote_hosts() {
    let settings = ProxySettings::from_vars(|name| match name {
        "HTTP_PROXY" | "https_proxy" => Some("proxy.example:3128".into()),
        "NO_PROXY" => Some(".internal.example, other.example".into()),
        _ => None,
    });
    let proxied = |text: &str| settings.proxy_for(&url(text)).is_some();
    assert!(proxied("https://authority.example/x"));
    for direct in [
        "http://authority.example/x",
        "https://127.0.0.1:8443/x",
        "https://localhost/x",
        "https://[::1]/x",
        "https://169.254.169.254/metadata",
        "http://metadata.google.internal/computeMetadata",
        "https://[fe80::1]/x",
        "https://a.internal.example/x",
        "https://other.example/x",
    ] {
        assert!(!proxied(direct), "{direct}");
    }
}

#[test]
fn http_proxy_alone_proxies_nothing() {
    let settings = ProxySettings::from_vars(|name| {
        (name == "HTTP_PROXY" || name == "http_proxy").then(|| "http://proxy:1".into())
    });
    assert_eq!(settings.proxy_for(&url("https://authority.example/")), None);
}

#[test]
fn only_200_is_success() {
    for (status, ok) in [(200, true), (204, false), (206, false), (302, false)] {
        let reply = Reply {
            status,
            ..Reply::default()
        };
        assert_eq!(reply.is_success(), ok, "{status}");
    }
}
