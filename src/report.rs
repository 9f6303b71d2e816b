//! The verification report shared by `verify` and `inspect`: every check in order, with its
//! outcome and, on failure, what was expected and what was found.

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
    /// The check fails.
    Failed(Severity),
    /// The check could not run because an earlier one failed.
    Skipped,
    /// The caller asked for the check not to run (no audience given to `inspect`).
    NotRequested,
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

    /// Records a failed check.
    pub fn fail(&mut self, id: CheckId, severity: Severity, detail: impl Into<String>) {
        self.push(id, Outcome::Failed(severity), detail, None, None);
    }

    /// Records a failed check with the expected and actual values.
    pub fn fail_with(
        &mut self,
        id: CheckId,
        detail: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) {
        let outcome = Outcome::Failed(Severity::Invalid);
        self.push(
            id,
            outcome,
            detail,
            Some(expected.into()),
            Some(actual.into()),
        );
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
        report.fail(CheckId::Decoding, Severity::Malformed, reason);
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
            Some(Outcome::Failed(Severity::Malformed)) => Verdict::Malformed,
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
        report.fail(CheckId::Decoding, Severity::Malformed, "bad DER");
        report.fail_with(CheckId::Audience, "mismatch", "a", "b");
        assert_eq!(report.verdict(), Verdict::Malformed);
        assert_eq!(report.first_failure().unwrap().id, CheckId::Decoding);
    }
}
