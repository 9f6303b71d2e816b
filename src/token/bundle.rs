//! Kliento token bundles: VeraId signature bundles bound to the Kliento service whose
//! encapsulated plaintext is a token (Kliento digest §1.3-§1.6).

use super::{KLIENTO_SERVICE_OID, Token};
use crate::dnssec::TrustAnchor;
use crate::report::{CheckId, Failure, Report, Verdict};
use crate::time::Period;
use crate::time::Timestamp;
use crate::veraid::ServiceOid;
use crate::veraid::bundle::{BundleError, SignatureBundle};
use crate::veraid::certificate::Certificate;
use crate::veraid::member::Member;
use crate::veraid::signature::{self, SignError, SignOptions, SignatureMetadata, Signer};
use crate::veraid::verify::{Expectations, Findings, Mode, Verification, verify_signature_bundle};
use crate::warm::WarmCache;

/// Why a token bundle could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// Signing failed (key mismatch, end before start...).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The parts do not form a bundle.
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// Signs `token` into a token bundle valid during `validity`: the token is encapsulated and the
/// signature bound to the Kliento service, as kliento-js `TokenBundle.sign` does.
pub fn issue(
    token: &Token,
    signer: Signer<'_>,
    key: &dyn crate::signer::Signer,
    dnssec_chain: &[Vec<u8>],
    organisation_certificate: &Certificate,
    validity: Period,
) -> Result<Vec<u8>, IssueError> {
    let metadata = SignatureMetadata {
        service: KLIENTO_SERVICE_OID
            .parse::<ServiceOid>()
            .expect("the Kliento OID is valid"),
        start: validity.start,
        end: validity.end,
    };
    let options = SignOptions {
        encapsulate: true,
        ..SignOptions::default()
    };
    let signed = signature::sign(&token.to_json_bytes(), &metadata, signer, key, &options)?;
    Ok(SignatureBundle::encode(
        dnssec_chain,
        organisation_certificate.to_der(),
        &signed,
    )?)
}

/// What a valid token bundle proves: who, for which audience, with which claims. It exists only
/// for a bundle whose every check passed (the audience check aside when none was asked for).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedToken {
    /// `alice@example.com` for a user, `example.com` for a bot (organisation in lower case).
    pub subject_id: String,
    /// The organisation's domain, in lower case, without a trailing dot.
    pub organisation: String,
    /// The member: a user or a bot.
    pub member: Member,
    /// Whether the member signed with its own key (rather than the organisation for it).
    pub signed_by_member: bool,
    /// The token: audience and claims.
    pub token: Token,
    /// When the signature stops being valid.
    pub expiry: Timestamp,
    /// Whether the audience was checked (`false` only when verified without an audience).
    pub audience_checked: bool,
}

/// The outcome of verifying a token bundle: every check, what was decoded, and the verified
/// token when (and only when) the bundle is valid.
#[derive(Clone, Debug)]
pub struct TokenVerification {
    veraid: Verification,
    verified: Option<VerifiedToken>,
}

impl TokenVerification {
    /// Every check, in order: the VeraId checks, then the token and audience checks.
    pub fn report(&self) -> &Report {
        &self.veraid.report
    }

    /// What was decoded along the way (certificates, metadata, DNSSEC chain and walk).
    pub fn findings(&self) -> &Findings {
        &self.veraid.findings
    }

    /// Valid, valid except for an audience nobody asked to check, invalid or malformed.
    pub fn verdict(&self) -> Verdict {
        self.veraid.report.verdict()
    }

    /// The verified token: `Some` exactly when the verdict is valid, or valid except audience
    /// when verified without one.
    pub fn verified(&self) -> Option<&VerifiedToken> {
        self.verified.as_ref()
    }

    /// The reason in Kliento Verifier's words (`Invalid VeraId signature bundle: ...`,
    /// `Malformed token: ...`, `Audience mismatch: ...`), or `None` when valid.
    pub fn error(&self) -> Option<String> {
        let failure = self.veraid.report.first_failure()?;
        Some(match failure.id {
            CheckId::Token => format!("Malformed token: {}", failure.detail),
            CheckId::Audience => failure.detail.clone(),
            CheckId::Decoding => format!("Token serialisation is malformed: {}", failure.detail),
            _ => format!("Invalid VeraId signature bundle: {}", failure.detail),
        })
    }
}

/// Verifies DER token bundle bytes for `audience` at `period` (the caller reads the clock),
/// stopping at the first failing check, as servers and `verify` need.
pub fn verify(
    bytes: &[u8],
    audience: &str,
    period: Period,
    anchors: &[TrustAnchor],
) -> TokenVerification {
    verify_with(bytes, Some(audience), period, anchors, Mode::FirstFailure)
}

/// [`verify`] with every option: no audience (`None`: the audience check is recorded as not
/// requested and the verdict at best [`Verdict::ValidExceptAudience`]), and the [`Mode`].
/// Bundles over [`MAX_BUNDLE_SIZE`](crate::veraid::verify::MAX_BUNDLE_SIZE) bytes are
/// malformed.
pub fn verify_with(
    bytes: &[u8],
    audience: Option<&str>,
    period: Period,
    anchors: &[TrustAnchor],
    mode: Mode,
) -> TokenVerification {
    verify_warm(bytes, audience, period, anchors, mode, None)
}

/// [`verify_with`] taking the outcomes `cache` remembers from earlier bundles (and remembering
/// new ones): the same report as a cold verification, in less time for a known organisation.
pub fn verify_warm(
    bytes: &[u8],
    audience: Option<&str>,
    period: Period,
    anchors: &[TrustAnchor],
    mode: Mode,
    cache: Option<&WarmCache>,
) -> TokenVerification {
    let expected = Expectations {
        service: KLIENTO_SERVICE_OID,
        period,
        anchors,
        detached_plaintext: None,
        mode,
        cache,
    };
    let mut veraid = verify_signature_bundle(bytes, &expected);
    let report = &mut veraid.report;
    let Some(identity) = &veraid.verified else {
        report.skip(&[CheckId::Token, CheckId::Audience], report_stop(report));
        return TokenVerification {
            veraid,
            verified: None,
        };
    };
    let token = match Token::parse(&identity.plaintext) {
        Ok(token) => {
            report.pass(
                CheckId::Token,
                format!(
                    "audience \"{}\", {} claim(s)",
                    token.audience,
                    token.claims.iter().count()
                ),
            );
            token
        }
        Err(e) => {
            report.fail(CheckId::Token, Failure::Token(e));
            report.skip(&[CheckId::Audience], CheckId::Token);
            return TokenVerification {
                veraid,
                verified: None,
            };
        }
    };
    match audience {
        Some(audience) => check_audience(report, audience, &token.audience),
        None => report.not_requested(CheckId::Audience, "no audience given"),
    }
    let verified = match report.verdict() {
        Verdict::Valid | Verdict::ValidExceptAudience => Some(VerifiedToken {
            subject_id: identity.subject_id(),
            organisation: identity.organisation.clone(),
            member: identity.member.clone(),
            signed_by_member: identity.signed_by_member,
            expiry: veraid
                .findings
                .metadata
                .as_ref()
                .map_or(period.end, |m| m.end),
            token,
            audience_checked: audience.is_some(),
        }),
        _ => None,
    };
    TokenVerification { veraid, verified }
}

/// The check that stopped the VeraId verification.
fn report_stop(report: &Report) -> CheckId {
    report.first_failure().map_or(CheckId::Signature, |c| c.id)
}

/// Exact, case-sensitive comparison, as kliento-js does (no URL normalisation).
fn check_audience(report: &mut Report, expected: &str, actual: &str) {
    if expected == actual {
        report.pass(CheckId::Audience, format!("\"{actual}\""));
    } else {
        report.fail(
            CheckId::Audience,
            Failure::Audience {
                expected: expected.to_string(),
                actual: actual.to_string(),
            },
        );
    }
}
