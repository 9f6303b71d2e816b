//! Process-wide HTTP set-up shared by every client in kliento (DNS-over-HTTPS, exchange).

use std::sync::Once;

/// Installs rustls' ring crypto provider as the process default, once.
///
/// reqwest is built with `rustls-no-provider` so that rustls, hickory-proto and our DNSSEC code
/// share ring and no C crypto library is built (rust-stack §3); rustls then needs a provider
/// installed before the first client is created. Calling this again is harmless, and so is a
/// provider installed earlier by someone else.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // An error only means a default provider already exists, which is all we need.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
