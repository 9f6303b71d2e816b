//! kliento: Kliento token bundles and the VeraId protocol under them.
//!
//! A server verifies the `Authorization: Kliento <base64>` header a client sent, offline, for its
//! own audience, and learns who the client is and what it claims:
//!
//! ```
//! use kliento::{TokenBundle, Verifier};
//! # let header = format!("Kliento {}", include_str!("../examples/token.b64").trim());
//! # let anchors = kliento::dnssec::parse_trust_anchors(include_str!("../examples/test-root.ds")).unwrap();
//! # let verifier = Verifier::with_trust_anchors(anchors);
//! # let now = "2026-12-01T00:00:00Z".parse().unwrap();
//! // let verifier = Verifier::new();  // IANA root trust anchors; share it (Clone, Send + Sync)
//! let bundle = TokenBundle::from_auth_header(&header)?;  // malformed: answer 401
//! let verified = verifier.verify_at(&bundle, "https://api.example.com", now)?; // or .verify(&bundle, audience)
//! assert_eq!(verified.subject_id, "alice@example.com");
//! assert_eq!(verified.token.claims.iter().next(), Some(("role", "admin")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Rejection`] tells malformed input from an invalid bundle, and names the failing check;
//! [`Verifier::check`] gives the full report, as `kliento inspect` prints it. Depend on the
//! library alone with `kliento = { version = "...", default-features = false }`: the `cli`
//! feature (on by default) only adds the command line.
//!
//! The library never prints and never exits, and reads the clock only in [`Verifier::verify`]:
//! everything else takes the time as a parameter. The `kliento` binary is the command-line front
//! end over it.

#![warn(missing_docs)]

pub mod authority;
pub mod aws;
pub mod bounded;
pub mod cache;
pub mod dnssec;
pub mod domain;
pub mod error;
pub mod http;
pub mod keys;
pub mod new_file;
pub mod report;
pub mod signer;
pub mod time;
pub mod token;
pub mod veraid;
pub mod warm;

pub use token::bundle::VerifiedToken;
pub use token::verifier::{Malformed, Rejection, TokenBundle, Verifier};
