//! Root trust anchors for DNSSEC validation: the built-in IANA ones or `--trust-anchors FILE`.

use super::failure::{Failure, OrFail};
use super::io;
use kliento::dnssec::{
    DnssecChain, TrustAnchor, chain_root_matches, iana_root_anchors, parse_trust_anchors,
};
use std::path::Path;

/// Reads `--trust-anchors FILE`, or the IANA root anchors without one.
pub fn load_anchors(path: Option<&Path>) -> Result<Vec<TrustAnchor>, Failure> {
    let Some(path) = path else {
        return Ok(iana_root_anchors());
    };
    // A value from KLIENTO_TRUST_ANCHORS is named as such in every message about it.
    read_anchors(path).map_err(|failure| {
        match super::env::origin("trust-anchors", "KLIENTO_TRUST_ANCHORS", path.as_os_str()) {
            Some(origin) => Failure {
                error: failure.error.context(origin),
                ..failure
            },
            None => failure,
        }
    })
}

fn read_anchors(path: &Path) -> Result<Vec<TrustAnchor>, Failure> {
    let bytes = io::read_input(path, io::TRUST_ANCHORS)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::malformed(format!(
            "trust anchors file {} is not UTF-8 text",
            path.display()
        ))
    })?;
    parse_trust_anchors(&text).or_fail(format!("cannot read trust anchors from {}", path.display()))
}

/// Whether a decoded chain was made under another root than `anchors` (a test chain checked
/// against the IANA anchors, say).
pub fn foreign_root(chain: Option<&DnssecChain>, anchors: &[TrustAnchor]) -> bool {
    chain.is_some_and(|c| !c.is_empty() && !chain_root_matches(c, anchors))
}
