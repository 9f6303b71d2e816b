//! DNSSEC for VeraId: the chain container, root trust anchors, offline validation at a chosen
//! window, and in-memory test chains (VeraId digest §6).
//!
//! hickory-proto does the wire format and the cryptography; its types stay inside this module
//! (its API changed in each of 0.24, 0.25 and 0.26), so callers only see the types below.

pub mod anchors;
pub mod chain;
pub mod minimise;
pub mod retrieve;
pub mod test_chain;
pub mod validate;

pub use anchors::{
    AnchorsError, TrustAnchor, chain_root_anchors, chain_root_matches, format_trust_anchors,
    iana_root_anchors, parse_trust_anchors,
};
pub use chain::{ChainError, DnssecChain, MessageSummary, RrsetSummary, RrsigSummary};
pub use validate::{
    AnswerError, Budget, Limit, Limits, Outcome, Reason, Rejection, Status, TxtAnswer, Walk, Work,
    ttl_override_window, validate_veraid_txt, validate_veraid_txt_within,
};
