//! Secure walks over one chain, remembered for warm verification.
//!
//! A walk depends on the chain, the domain, the trust anchors, the limits, the budget already
//! spent, and on the window only through two comparisons per RRSIG it examines: its expiration
//! against the window's start and its inception against the window's end. Two windows that every
//! RRSIG time of the chain compares alike with therefore give the same walk, step for step, apart
//! from the window it records. A remembered walk is reused only then, only from a fresh budget
//! (which it charges as the walk would have), and only when it was secure: failures are walked
//! again, so their reasons always name the window they were found in. The chain's `_veraid` TXT
//! answer, which depends on nothing else than the chain and the domain, is remembered too.

use super::limits::{Budget, Limits, Work};
use super::proof::{Outcome, Status};
use super::responses::{AnswerError, TxtAnswer};
use super::walk::Walk;
use super::{TrustAnchor, validate_veraid_txt_within};
use crate::dnssec::chain::DnssecChain;
use crate::domain::Domain;
use crate::time::{self, Period, Timestamp};
use std::sync::Mutex;

/// How many secure walks one chain remembers (one per domain, anchors and window class in use;
/// a chain names one domain, so a few cover every real use).
const WALKS_PER_CHAIN: usize = 4;

/// A parsed chain and the secure walks found over it.
#[derive(Debug)]
pub(crate) struct RememberedChain {
    chain: DnssecChain,
    /// Whether anything is remembered (not for a chain verified once).
    remember: bool,
    /// Every RRSIG inception and expiration in the chain, sorted, without repeats.
    times: Vec<Timestamp>,
    walks: Mutex<Vec<SecureWalk>>,
    answers: Mutex<Vec<(Domain, Result<TxtAnswer, AnswerError>)>>,
}

#[derive(Debug)]
struct SecureWalk {
    domain: Domain,
    anchors: Vec<TrustAnchor>,
    limits: Limits,
    class: WindowClass,
    walk: Walk,
    work: Work,
}

/// Where a window falls among the chain's RRSIG times: how many are before its start and how
/// many are not after its end. Windows of one class compare alike with every RRSIG time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WindowClass {
    before_start: usize,
    up_to_end: usize,
}

impl RememberedChain {
    /// A chain verified once: nothing is remembered, nothing is prepared for it.
    pub(crate) fn once(chain: DnssecChain) -> Self {
        Self {
            chain,
            remember: false,
            times: Vec::new(),
            walks: Mutex::default(),
            answers: Mutex::default(),
        }
    }

    /// A chain with no walk remembered yet.
    pub(crate) fn new(chain: DnssecChain) -> Self {
        let mut times: Vec<Timestamp> = chain
            .rrsig_validities()
            .flat_map(|(inception, expiration)| [inception, expiration])
            .map(time::from_unix_seconds)
            .collect();
        times.sort_unstable();
        times.dedup();
        Self {
            chain,
            remember: true,
            times,
            walks: Mutex::default(),
            answers: Mutex::default(),
        }
    }

    /// [`TxtAnswer::from_chain`] for this chain, remembered per domain.
    pub(crate) fn txt_answer(&self, domain: &Domain) -> Result<TxtAnswer, AnswerError> {
        if !self.remember {
            return TxtAnswer::from_chain(&self.chain, domain);
        }
        // Each operation is one lookup or one push: a poisoned lock is still consistent.
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, answer)) = answers.iter().find(|(d, _)| d == domain) {
            return answer.clone();
        }
        let answer = TxtAnswer::from_chain(&self.chain, domain);
        if answers.len() == WALKS_PER_CHAIN {
            answers.drain(..1);
        }
        answers.push((domain.clone(), answer.clone()));
        answer
    }

    /// The chain.
    pub(crate) fn chain(&self) -> &DnssecChain {
        &self.chain
    }

    /// [`validate_veraid_txt_within`] over this chain, or the secure walk remembered for the
    /// same domain, anchors and limits at a window of the same class.
    pub(crate) fn validate(
        &self,
        domain: &Domain,
        window: &Period,
        anchors: &[TrustAnchor],
        budget: &mut Budget,
    ) -> Outcome {
        if !self.remember {
            return validate_veraid_txt_within(&self.chain, domain, window, anchors, budget);
        }
        let fresh = budget.spent() == Work::default();
        let class = self.class_of(window);
        let limits = budget.limits();
        let same = |w: &SecureWalk| {
            w.class == class && w.limits == limits && w.domain == *domain && w.anchors == anchors
        };
        if fresh {
            let walks = self.lock();
            if let Some(remembered) = walks.iter().find(|w| same(w)) {
                budget.spent = remembered.work;
                return Outcome {
                    status: Status::Secure,
                    reason: None,
                    walk: Walk {
                        window: *window,
                        ..remembered.walk.clone()
                    },
                    work: remembered.work,
                };
            }
        }
        let outcome = validate_veraid_txt_within(&self.chain, domain, window, anchors, budget);
        if fresh && outcome.status == Status::Secure {
            let mut walks = self.lock();
            if !walks.iter().any(same) {
                if walks.len() == WALKS_PER_CHAIN {
                    walks.remove(0);
                }
                walks.push(SecureWalk {
                    domain: domain.clone(),
                    anchors: anchors.to_vec(),
                    limits,
                    class,
                    walk: outcome.walk.clone(),
                    work: outcome.work,
                });
            }
        }
        outcome
    }

    fn class_of(&self, window: &Period) -> WindowClass {
        WindowClass {
            before_start: self.times.partition_point(|t| *t < window.start),
            up_to_end: self.times.partition_point(|t| *t <= window.end),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<SecureWalk>> {
        // Each operation is one lookup or one push: a poisoned lock is still consistent.
        self.walks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::dnssec::test_chain::{Fault, Target};

    /// A chain whose com./DNSKEY RRSIG expires on January 10th, the rest at the end of January.
    fn remembered() -> (RememberedChain, Vec<TrustAnchor>) {
        let early = Period::new(ts("2026-01-01T00:00:00Z"), ts("2026-01-10T00:00:00Z")).unwrap();
        let test = build(&spec().with(Fault::RrsigValidity {
            target: Target::Dnskey(1),
            validity: early,
        }));
        let anchors = vec![test.root_anchor.clone()];
        (RememberedChain::new(test.chain().unwrap()), anchors)
    }

    fn at(text: &str) -> Period {
        Period::instant(ts(text))
    }

    /// The remembered outcome, compared with a cold walk of the same chain at the same window.
    fn validate_both(chain: &RememberedChain, anchors: &[TrustAnchor], window: &Period) -> Outcome {
        let mut budget = Budget::default();
        let remembered = chain.validate(&domain(), window, anchors, &mut budget);
        let mut cold_budget = Budget::default();
        let cold =
            validate_veraid_txt_within(chain.chain(), &domain(), window, anchors, &mut cold_budget);
        assert_eq!(remembered.status, cold.status);
        assert_eq!(remembered.walk, cold.walk);
        assert_eq!(remembered.work, cold.work);
        assert_eq!(
            remembered.reason.map(|r| r.to_string()),
            cold.reason.as_ref().map(|r| r.to_string())
        );
        assert_eq!(budget.spent(), cold_budget.spent(), "charged as a walk");
        cold
    }

    #[test]
    fn a_remembered_walk_serves_windows_of_its_class_only() {
        let (chain, anchors) = remembered();
        assert_eq!(
            validate_both(&chain, &anchors, &at("2026-01-05T00:00:00Z")).status,
            Status::Secure
        );
        assert_eq!(chain.lock().len(), 1, "the secure walk is remembered");
        // Another instant between the same RRSIG times: served from memory, its own window.
        let later = at("2026-01-06T12:00:00Z");
        assert_eq!(
            validate_both(&chain, &anchors, &later).status,
            Status::Secure
        );
        assert_eq!(chain.lock().len(), 1, "same class, nothing new");
        // Past the com./DNSKEY RRSIG's expiration: another class, walked again, and it fails.
        let outcome = validate_both(&chain, &anchors, &at("2026-01-10T00:00:01Z"));
        assert_eq!(outcome.status, Status::Bogus);
        assert_eq!(chain.lock().len(), 1, "failures are not remembered");
        // Exactly at the expiration the RRSIG still counts: a class of its own.
        let edge = at("2026-01-10T00:00:00Z");
        assert_eq!(
            validate_both(&chain, &anchors, &edge).status,
            Status::Secure
        );
        assert_eq!(chain.lock().len(), 2);
    }

    #[test]
    fn a_chain_verified_once_remembers_nothing() {
        let (remembered, anchors) = remembered();
        let once = RememberedChain::once(remembered.chain().clone());
        let window = at("2026-01-05T00:00:00Z");
        let outcome = once.validate(&domain(), &window, &anchors, &mut Budget::default());
        assert_eq!(outcome.status, Status::Secure);
        once.txt_answer(&domain()).unwrap();
        assert!(once.lock().is_empty());
        assert!(once.answers.lock().unwrap().is_empty());
    }

    #[test]
    fn a_window_spanning_more_rrsig_times_is_another_class() {
        let (chain, anchors) = remembered();
        validate_both(&chain, &anchors, &at("2026-01-05T00:00:00Z"));
        let spanning = Period::new(ts("2026-01-05T00:00:00Z"), ts("2026-01-20T00:00:00Z")).unwrap();
        assert_ne!(
            chain.class_of(&spanning),
            chain.class_of(&at("2026-01-05T00:00:00Z"))
        );
        assert_eq!(
            validate_both(&chain, &anchors, &spanning).status,
            Status::Secure
        );
    }

    #[test]
    fn other_anchors_domain_or_a_spent_budget_are_walked_again() {
        let (chain, anchors) = remembered();
        let window = at("2026-01-05T00:00:00Z");
        validate_both(&chain, &anchors, &window);
        let other = build(&spec()).root_anchor;
        let foreign = [TrustAnchor {
            digest: vec![0; other.digest.len()],
            ..other
        }];
        assert_ne!(
            validate_both(&chain, &foreign, &window).status,
            Status::Secure
        );
        let elsewhere: Domain = "example.org".parse().unwrap();
        let mut budget = Budget::default();
        let outcome = chain.validate(&elsewhere, &window, &anchors, &mut budget);
        assert_ne!(outcome.status, Status::Secure);
        // Other limits are walked again.
        let mut strict = Budget::new(Limits {
            cost: 1,
            ..Limits::default()
        });
        let first = chain.validate(&domain(), &window, &anchors, &mut strict);
        assert_ne!(first.status, Status::Secure, "over the cost limit");
        // So is a budget partly spent (by an earlier walk of the same bundle): the limits count
        // both walks.
        let mut spent = Budget::default();
        spent.spent.cost = Limits::default().cost - 1;
        let second = chain.validate(&domain(), &window, &anchors, &mut spent);
        assert_ne!(second.status, Status::Secure, "over the cost limit");
    }
}
