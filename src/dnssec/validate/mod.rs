//! Offline validation of `_veraid.<domain>./TXT` from a chain, at a caller-given window `W`
//! (VeraId digest §6.4, §6.5).
//!
//! The walk follows dnssec-js 1.12.0 as veraid-js 3.1.2 runs it:
//! 1. the root DNSKEY RRset must hold a zone key matching a trust anchor and be signed by one;
//! 2. the apex is the longest signer name among the TXT RRset's RRSIGs;
//! 3. for each zone from the TLD down to the apex, its DS RRset must be signed by the parent's
//!    keys (signer = parent) and its DNSKEY RRset must hold a zone key matching one of those DS
//!    and be signed by such a key (signer = zone);
//! 4. the TXT RRset must be signed by a key of the apex (signer = apex).
//!
//! An RRSIG counts only if its key tag and algorithm match the key, its validity overlaps `W`
//! (`inception <= W.end && expiration >= W.start`), its labels field equals the owner's label
//! count and the signature verifies over the canonical RRset (duplicates removed).
//!
//! Decisions where dnssec-js is silent or loose (all documented in the README):
//! * Names are matched case-insensitively (RFC 4343) and signed data uses RFC 4034 canonical
//!   (lowercase) names. dnssec-js compares names as exact strings and signs them as received, so
//!   it rejects a chain whose label case was rewritten; here such a chain names the same zones
//!   and validates (a superset of what dnssec-js accepts, VeraId digest §6.5).
//! * The work is bounded ([`Limits`]), as DNSSEC resolvers bounded it after KeyTrap
//!   (CVE-2023-50387); past a limit the chain is Bogus and the reason names the limit.
//! * A key must have the Zone Key flag to verify any RRSIG (RFC 4034 §2.1.1); dnssec-js checks it
//!   only when matching DS records.
//! * Supported algorithms: 5, 8, 10, 13, 14, 15. A DNSKEY of any other algorithm (7, 16...) in a
//!   DNSKEY RRset the walk processes fails validation (Bogus), as dnssec-js throws while parsing
//!   it. DS digest types 1, 2 and 4 are supported; a DS of another type simply matches no key.
//! * Where dnssec-js throws instead of returning a status (no records of the expected type, an
//!   unsigned TXT RRset, differing TTLs), the outcome here is Indeterminate (missing data) or
//!   Bogus (inconsistent data). An unsigned DNSKEY RRset is Indeterminate and an unsigned DS
//!   RRset Bogus, as in dnssec-js.

mod limits;
mod memo;
mod proof;
mod responses;
mod rrsig;
mod walk;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod responses_tests;
#[cfg(test)]
mod rrsig_tests;
#[cfg(test)]
mod walk_tests;

pub use limits::{Budget, Limit, Limits, Work};
pub(crate) use memo::RememberedChain;
pub use proof::{Outcome, Reason, Rejection, Status};
pub(crate) use responses::is_question;
pub use responses::{AnswerError, RrType, TxtAnswer};
pub use rrsig::{RrsigProblem, RrsigRejection};
pub use walk::{DsMatch, KeySummary, SignatureUse, Walk, ZoneLink};

use super::anchors::TrustAnchor;
use super::chain::DnssecChain;
use crate::domain::Domain;
use crate::time::{Period, Timestamp};
use walk::Walker;

/// Validates `_veraid.<domain>./TXT` from `chain` against root `anchors`, requiring every RRSIG
/// used to overlap `window` (W of VeraId digest §6.4; pass `Period::instant(t)` for one instant),
/// within the default [`Limits`].
pub fn validate_veraid_txt(
    chain: &DnssecChain,
    domain: &Domain,
    window: &Period,
    anchors: &[TrustAnchor],
) -> Outcome {
    validate_veraid_txt_within(chain, domain, window, anchors, &mut Budget::default())
}

/// [`validate_veraid_txt`] charging its work to `budget`, which may already be partly spent.
pub fn validate_veraid_txt_within(
    chain: &DnssecChain,
    domain: &Domain,
    window: &Period,
    anchors: &[TrustAnchor],
    budget: &mut Budget,
) -> Outcome {
    let before = budget.spent();
    let mut walk = Walk {
        window: *window,
        zones: Vec::new(),
        answer_signature: None,
    };
    let result = Walker {
        chain,
        window,
        budget,
        walk: &mut walk,
    }
    .walk(domain, anchors);
    let after = budget.spent();
    let work = Work {
        verifications: after.verifications - before.verifications,
        cost: after.cost - before.cost,
        ds_digests: after.ds_digests - before.ds_digests,
    };
    match result {
        Ok(()) => Outcome {
            status: Status::Secure,
            reason: None,
            walk,
            work,
        },
        Err(reason) => Outcome {
            status: reason.status(),
            reason: Some(reason),
            walk,
            work,
        },
    }
}

/// The window `W = [max(P.start, P.end − T), P.end]` for a verification period `P` and a TXT
/// record's TTL override `T` seconds (VeraId digest §6.4).
pub fn ttl_override_window(period: &Period, ttl_override_seconds: u32) -> Period {
    let earliest = period
        .end
        .checked_sub(jiff::SignedDuration::from_secs(i64::from(
            ttl_override_seconds,
        )))
        .unwrap_or(Timestamp::MIN);
    Period {
        start: period.start.max(earliest),
        end: period.end,
    }
}
