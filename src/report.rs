//! The verification report shared by `verify` and `inspect`: every check in order, with its
//! outcome and, on failure, the typed reason ([`Failure`], wrapping the module's own error) from
//! which the text and the expected and actual values are derived.

use crate::dnssec::{AnswerError, ChainError, Rejection as DnssecRejection};
use crate::domain::DomainError;
use crate::keys::KeyError;
use crate::time::{Period, Timestamp};
use crate::token::TokenError;
use crate::veraid::bundle::BundleError;
use crate::veraid::certificate::{CertificateError, MalformedCertificate};
use crate::veraid::member::UserNameError;
use crate::veraid::signature::{MalformedSignature, SignatureError};
use crate::veraid::txt::{NoMatchingRecord, TxtParseError};
use std::fmt;

/// One step of bundle verification, in the order veraid-js and kliento-js run them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckId {
    /// The bundle's outer structure, version and organisation certificate decode.
    Decoding,
    /// The CMS SignedData decodes and its signature verifies over the signed attributes.
    Signature,
    /// The signature metadata is present and its period does not end before it starts.
    SignatureMetadata,
    /// The signature is bound to the expected service OID.
    Service,
    /// The signature's validity period overlaps the verification period.
    SignaturePeriod,
    /// The signer's certificate was issued by the organisation certificate, which is a CA.
    CertificateChain,
    /// The certificates are valid during the verification period.
    CertificateValidity,
    /// The organisation key is RSA 2048/3072/4096 and its certificate is RSA-PSS signed.
    OrganisationKey,
    /// The chain holds one `_veraid` TXT response with a record for this key and service.
    TxtRecord,
    /// The DNSSEC signatures fall within the TXT record's TTL-override window.
    TtlOverrideWindow,
    /// The DNSSEC chain authenticates the TXT RRset from the root trust anchors.
    Dnssec,
    /// The member's name is a valid VeraId user name (or the bot `@`).
    MemberName,
    /// The signed plaintext is a Kliento token.
    Token,
    /// The token's audience is the expected one.
    Audience,
}

impl CheckId {
    /// Every check, in the order they run.
    pub const ALL: [CheckId; 14] = [
        Self::Decoding,
        Self::Signature,
        Self::SignatureMetadata,
        Self::Service,
        Self::SignaturePeriod,
        Self::CertificateChain,
        Self::CertificateValidity,
        Self::OrganisationKey,
        Self::TxtRecord,
        Self::TtlOverrideWindow,
        Self::Dnssec,
        Self::MemberName,
        Self::Token,
        Self::Audience,
    ];

    /// Stable machine name (used in JSON).
    pub fn name(self) -> &'static str {
        match self {
            Self::Decoding => "decoding",
            Self::Signature => "signature",
            Self::SignatureMetadata => "signature-metadata",
            Self::Service => "service",
            Self::SignaturePeriod => "signature-period",
            Self::CertificateChain => "certificate-chain",
            Self::CertificateValidity => "certificate-validity",
            Self::OrganisationKey => "organisation-key",
            Self::TxtRecord => "txt-record",
            Self::TtlOverrideWindow => "ttl-override-window",
            Self::Dnssec => "dnssec",
            Self::MemberName => "member-name",
            Self::Token => "token",
            Self::Audience => "audience",
        }
    }

    /// What the check establishes, for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Decoding => "bundle decodes",
            Self::Signature => "CMS signature verifies",
            Self::SignatureMetadata => "signature metadata is well-formed",
            Self::Service => "signature is bound to the service",
            Self::SignaturePeriod => "signature is valid in the verification period",
            Self::CertificateChain => "signer certificate chains to the organisation",
            Self::CertificateValidity => "certificates are valid in the verification period",
            Self::OrganisationKey => "organisation key is supported",
            Self::TxtRecord => "TXT record matches the key and service",
            Self::TtlOverrideWindow => "DNSSEC signatures fall in the TTL-override window",
            Self::Dnssec => "DNSSEC chain is secure",
            Self::MemberName => "member name is valid",
            Self::Token => "plaintext is a Kliento token",
            Self::Audience => "token is for the audience",
        }
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a check failed, typed: match on it; its `Display` is the reason `verify` prints.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    /// [`CheckId::Decoding`]: the bundle is larger than verifiers accept.
    #[error("the bundle is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// [`CheckId::Decoding`]: the input is in no bundle encoding (base64, header, DER).
    #[error("{reason}")]
    Undecodable {
        /// Why.
        reason: String,
    },
    /// [`CheckId::Decoding`]: the outer SignatureBundle structure does not decode.
    #[error(transparent)]
    Bundle(BundleError),
    /// [`CheckId::Decoding`]: the organisation certificate does not decode.
    #[error("organisation certificate: {0}")]
    OrganisationCertificate(MalformedCertificate),
    /// [`CheckId::Signature`]: the CMS SignedData does not decode.
    #[error(transparent)]
    SignatureStructure(MalformedSignature),
    /// [`CheckId::Signature`]: the CMS signature does not verify.
    #[error(transparent)]
    Signature(SignatureError),
    /// [`CheckId::SignatureMetadata`]: no usable metadata attribute.
    #[error("signature metadata is missing or malformed")]
    MetadataMissing,
    /// [`CheckId::SignatureMetadata`]: the signed period ends before it starts.
    #[error("Signature validity period ends before it starts")]
    MetadataPeriodReversed {
        /// Its start.
        start: Timestamp,
        /// Its end.
        end: Timestamp,
    },
    /// [`CheckId::Service`]: the signature is bound to another service.
    #[error("Signature is bound to a different service ({actual})")]
    Service {
        /// The service OID required.
        expected: String,
        /// The service OID signed.
        actual: String,
    },
    /// [`CheckId::SignaturePeriod`]: the signature is not valid at the verification time.
    #[error("Signature period ({signature}) does not overlap with required period ({required})")]
    SignaturePeriod {
        /// The signed period.
        signature: Period,
        /// The verification period.
        required: Period,
    },
    /// [`CheckId::CertificateChain`]: the organisation certificate's self-signature is bad.
    #[error("the organisation certificate is not validly self-signed: {0}")]
    OrganisationSelfSignature(CertificateError),
    /// [`CheckId::CertificateChain`]: the organisation certificate is not a CA.
    #[error(transparent)]
    OrganisationNotCa(CertificateError),
    /// [`CheckId::CertificateChain`]: the member certificate was not issued by the organisation.
    #[error("Member certificate was not issued by organisation: {0}")]
    MemberNotIssued(CertificateError),
    /// [`CheckId::CertificateValidity`]: a certificate is not valid in the verification period.
    #[error("{}", certificate_validity_text(.common_name, .period, .reason.as_deref()))]
    CertificateValidity {
        /// The certificate's common name.
        common_name: String,
        /// Its notBefore.
        not_before: Timestamp,
        /// Its notAfter.
        not_after: Timestamp,
        /// The verification period.
        period: Period,
        /// Why, at an instant.
        reason: Option<Box<CertificateError>>,
    },
    /// [`CheckId::CertificateValidity`]: the certificates are never valid at the same time.
    #[error("the certificates are never valid together during {period}")]
    CertificatesNeverTogether {
        /// The verification period.
        period: Period,
    },
    /// [`CheckId::OrganisationKey`]: the organisation certificate is unusable for a key.
    #[error(transparent)]
    OrganisationKeyCertificate(CertificateError),
    /// [`CheckId::OrganisationKey`]: the organisation key is not a VeraId key.
    #[error(transparent)]
    OrganisationKey(KeyError),
    /// [`CheckId::TxtRecord`]: a DNS message of the chain does not parse.
    #[error("At least one of the response messages is malformed: {0}")]
    MalformedChain(ChainError),
    /// [`CheckId::TxtRecord`]: the organisation name is not a domain name.
    #[error("organisation name is not a domain: {0}")]
    NotADomain(DomainError),
    /// [`CheckId::TxtRecord`]: the `_veraid` TXT answer cannot be taken from the chain.
    #[error(transparent)]
    TxtAnswer(AnswerError),
    /// [`CheckId::TxtRecord`]: a TXT record does not parse.
    #[error("malformed TXT record at {name}: {error}")]
    MalformedTxtRecord {
        /// The owner name.
        name: String,
        /// Why.
        error: TxtParseError,
    },
    /// [`CheckId::TxtRecord`]: the organisation key failed its own check, so no record can match.
    #[error("the organisation key is unusable")]
    OrganisationKeyUnusable,
    /// [`CheckId::TxtRecord`]: no record names this key (and service).
    #[error("{error}")]
    NoTxtRecord {
        /// The error, in veraid-js's words.
        error: NoMatchingRecord,
        /// The record required, `ALG KEY-ID <ttl> [SERVICE]`.
        expected: String,
        /// The records found.
        found: Vec<String>,
    },
    /// [`CheckId::TtlOverrideWindow`]: the DNSSEC signatures are valid in the verification
    /// period but not within the window the TXT record's TTL override allows.
    #[error(
        "DNSSEC signatures are valid during {period} but not within the last {ttl} s of it \
         allowed by the TXT record's TTL override: {}", .rejection.reason
    )]
    TtlOverrideWindow {
        /// The verification period.
        period: Period,
        /// The window required.
        window: Period,
        /// The TTL override, in seconds.
        ttl: u32,
        /// Why the chain fails in the window.
        rejection: Box<DnssecRejection>,
    },
    /// [`CheckId::Dnssec`]: the DNSSEC chain is not SECURE.
    #[error("VeraId {0}")]
    Dnssec(Box<DnssecRejection>),
    /// [`CheckId::MemberName`]: the member name is not a valid VeraId user name.
    #[error(transparent)]
    MemberName(UserNameError),
    /// [`CheckId::Token`]: the plaintext is not a Kliento token.
    #[error(transparent)]
    Token(TokenError),
    /// [`CheckId::Audience`]: the token is for another audience.
    #[error("Audience mismatch: Expected {expected}, got {actual}")]
    Audience {
        /// The audience required.
        expected: String,
        /// The token's audience.
        actual: String,
    },
}

fn certificate_validity_text(
    common_name: &str,
    period: &Period,
    reason: Option<&CertificateError>,
) -> String {
    match reason {
        Some(reason) => reason.to_string(),
        None if period.start == period.end => format!("certificate for {common_name} is unusable"),
        None => format!("certificate for {common_name} is not valid during {period}"),
    }
}

impl Failure {
    /// Malformed when the bundle could not be parsed, invalid otherwise.
    pub fn severity(&self) -> Severity {
        match self {
            Self::TooLarge { .. }
            | Self::Undecodable { .. }
            | Self::Bundle(_)
            | Self::OrganisationCertificate(_) => Severity::Malformed,
            _ => Severity::Invalid,
        }
    }

    /// The value required, when the failure is a mismatch.
    pub fn expected(&self) -> Option<String> {
        Some(match self {
            Self::MetadataPeriodReversed { start, .. } => format!("an end at or after {start}"),
            Self::Service { expected, .. } | Self::Audience { expected, .. } => expected.clone(),
            Self::SignaturePeriod { required, .. } => {
                format!("a signature valid during {required}")
            }
            Self::CertificateValidity { period, .. } => format!("valid during {period}"),
            Self::NoTxtRecord { expected, .. } => expected.clone(),
            Self::TtlOverrideWindow { window, .. } => format!("RRSIGs overlapping {window}"),
            Self::MemberName(_) => "a valid user name or @".into(),
            _ => return None,
        })
    }

    /// The value found, when the failure is a mismatch.
    pub fn actual(&self) -> Option<String> {
        Some(match self {
            Self::MetadataPeriodReversed { end, .. } => end.to_string(),
            Self::Service { actual, .. } | Self::Audience { actual, .. } => actual.clone(),
            Self::SignaturePeriod { signature, .. } => signature.to_string(),
            Self::CertificateValidity {
                not_before,
                not_after,
                ..
            } => format!("valid {not_before}..{not_after}"),
            Self::NoTxtRecord { found, .. } => found.join(", "),
            Self::TtlOverrideWindow { rejection, .. } => rejection.reason.to_string(),
            Self::MemberName(error) => error.name.clone(),
            _ => return None,
        })
    }
}

/// How a failed check classifies the bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The bundle cannot be parsed.
    Malformed,
    /// The bundle was understood and fails verification.
    Invalid,
}

/// The result of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The check holds.
    Passed,
    /// The check fails, and why.
    Failed(Failure),
    /// The check could not run because an earlier one failed.
    Skipped,
    /// The caller asked for the check not to run (no audience given to `inspect`).
    NotRequested,
}

impl Outcome {
    /// How a failure classifies the bundle; `None` unless the check failed.
    pub fn severity(&self) -> Option<Severity> {
        match self {
            Outcome::Failed(failure) => Some(failure.severity()),
            _ => None,
        }
    }
}

/// One check as run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Which check.
    pub id: CheckId,
    /// Its outcome.
    pub outcome: Outcome,
    /// What was found (on success) or why it failed (on failure).
    pub detail: String,
    /// On failure, the value required.
    pub expected: Option<String>,
    /// On failure, the value found.
    pub actual: Option<String>,
}

/// The verdict of a whole report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// Every check that ran passed, and the caller asked for no audience check.
    ValidExceptAudience,
    /// A check failed on a bundle that decoded.
    Invalid,
    /// The bundle did not decode.
    Malformed,
}

/// Every check, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The checks run so far, in order.
    pub checks: Vec<Check>,
}

impl Report {
    /// Records a passed check.
    pub fn pass(&mut self, id: CheckId, detail: impl Into<String>) {
        self.push(id, Outcome::Passed, detail, None, None);
    }

    /// Records a failed check; its detail and expected and actual values come from `failure`.
    pub fn fail(&mut self, id: CheckId, failure: Failure) {
        let (detail, expected, actual) =
            (failure.to_string(), failure.expected(), failure.actual());
        self.push(id, Outcome::Failed(failure), detail, expected, actual);
    }

    /// Records a check the caller asked not to run.
    pub fn not_requested(&mut self, id: CheckId, detail: impl Into<String>) {
        self.push(id, Outcome::NotRequested, detail, None, None);
    }

    /// Records checks that could not run.
    pub fn skip(&mut self, ids: &[CheckId], because: CheckId) {
        for &id in ids {
            let detail = format!("not checked: {because} failed");
            self.push(id, Outcome::Skipped, detail, None, None);
        }
    }

    fn push(
        &mut self,
        id: CheckId,
        outcome: Outcome,
        detail: impl Into<String>,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        self.checks.push(Check {
            id,
            outcome,
            detail: detail.into(),
            expected,
            actual,
        });
    }

    /// The report of an input that is not a bundle at all: decoding failed, nothing else ran.
    pub fn undecodable(reason: impl Into<String>) -> Self {
        let mut report = Self::default();
        report.fail(
            CheckId::Decoding,
            Failure::Undecodable {
                reason: reason.into(),
            },
        );
        report.skip(&CheckId::ALL[1..], CheckId::Decoding);
        report
    }

    /// The first failed check: the reason `verify` gives.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks
            .iter()
            .find(|c| matches!(c.outcome, Outcome::Failed(_)))
    }

    /// Valid only when every check passed and none was skipped; fail-closed otherwise. A
    /// check the caller did not request makes it at best valid-except-audience.
    pub fn verdict(&self) -> Verdict {
        match self.first_failure().map(|c| &c.outcome) {
            Some(Outcome::Failed(f)) if f.severity() == Severity::Malformed => Verdict::Malformed,
            Some(_) => Verdict::Invalid,
            None if self.checks.is_empty()
                || self.checks.iter().any(|c| c.outcome == Outcome::Skipped) =>
            {
                Verdict::Invalid
            }
            None if self
                .checks
                .iter()
                .any(|c| c.outcome == Outcome::NotRequested) =>
            {
                Verdict::ValidExceptAudience
            }
            None => Verdict::Valid,
        }
    }

    /// The outcome of one check, if it ran.
    pub fn outcome(&self, id: CheckId) -> Option<&Outcome> {
        self.checks.iter().find(|c| c.id == id).map(|c| &c.outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_is_fail_closed() {
        let mut report = Report::default();
        assert_eq!(report.verdict(), Verdict::Invalid, "no checks, not valid");
        report.pass(CheckId::Decoding, "ok");
        assert_eq!(report.verdict(), Verdict::Valid);
        report.skip(&[CheckId::Audience], CheckId::Token);
        assert_eq!(
            report.verdict(),
            Verdict::Invalid,
            "a skipped check is not a pass"
        );
    }

    #[test]
    fn the_first_failure_decides() {
        let mut report = Report::default();
        report.fail(
            CheckId::Decoding,
            Failure::Undecodable {
                reason: "bad DER".into(),
            },
        );
        report.fail(
            CheckId::Audience,
            Failure::Audience {
                expected: "a".into(),
                actual: "b".into(),
            },
        );
        assert_eq!(report.verdict(), Verdict::Malformed);
        assert_eq!(report.first_failure().unwrap().id, CheckId::Decoding);
    }
}
