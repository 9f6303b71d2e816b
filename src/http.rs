//! HTTP plumbing shared by every networked feature.

use std::sync::Once;

/// Installs ring as rustls' process-wide crypto provider, once. reqwest is built with
/// `rustls-no-provider`, so a provider must be installed before any client is built.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err means another provider was installed first; that one serves equally well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
