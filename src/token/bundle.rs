//! Kliento token bundles: VeraId signature bundles bound to the Kliento service whose
//! encapsulated plaintext is a token (Kliento digest §1.3-§1.6).

use super::{KLIENTO_SERVICE_OID, Token};
use crate::dnssec::TrustAnchor;
use crate::report::{CheckId, Report, Severity, Verdict};
use crate::time::Period;
use crate::veraid::ServiceOid;
use crate::veraid::bundle::{BundleError, SignatureBundle};
use crate::veraid::certificate::Certificate;
use crate::veraid::signature::{self, SignError, SignOptions, SignatureMetadata, Signer};
use crate::veraid::verify::{Expectations, Verification, verify_signature_bundle};

/// Why a token bundle could not be made.
#[derive(Debug, thiserror::Error)]
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
    key: &rsa::PrivateKey,
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

/// The outcome of verifying a token bundle for an audience.
#[derive(Clone, Debug)]
pub struct TokenVerification {
    /// The VeraId verification, with the token and audience checks appended to its report.
    pub veraid: Verification,
    /// The token, when the signature verified and the plaintext parsed.
    pub token: Option<Token>,
    /// `alice@example.com` or `example.com`, set exactly when the bundle is valid.
    pub subject_id: Option<String>,
}

impl TokenVerification {
    /// Every check, in order.
    pub fn report(&self) -> &Report {
        &self.veraid.report
    }

    /// Valid, invalid or malformed.
    pub fn verdict(&self) -> Verdict {
        self.veraid.report.verdict()
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

/// Verifies DER token bundle bytes for `audience` at `period` (the caller reads the clock).
pub fn verify(
    bytes: &[u8],
    audience: &str,
    period: Period,
    anchors: &[TrustAnchor],
) -> TokenVerification {
    let expected = Expectations {
        service: KLIENTO_SERVICE_OID,
        period,
        anchors,
        detached_plaintext: None,
    };
    let mut veraid = verify_signature_bundle(bytes, &expected);
    let plaintext = veraid.findings.plaintext.clone();
    let report = &mut veraid.report;
    let token = match plaintext {
        None => {
            report.skip(&[CheckId::Token, CheckId::Audience], CheckId::Signature);
            None
        }
        Some(plaintext) => match Token::parse(&plaintext) {
            Ok(token) => {
                report.pass(
                    CheckId::Token,
                    format!(
                        "audience \"{}\", {} claim(s)",
                        token.audience,
                        token.claims.iter().count()
                    ),
                );
                Some(token)
            }
            Err(e) => {
                report.fail(CheckId::Token, Severity::Invalid, e.to_string());
                report.skip(&[CheckId::Audience], CheckId::Token);
                None
            }
        },
    };
    if let Some(token) = &token {
        check_audience(report, audience, &token.audience);
    }
    let subject_id = match (&veraid.verified, veraid.report.verdict()) {
        (Some(verified), Verdict::Valid) => Some(verified.subject_id()),
        _ => None,
    };
    TokenVerification {
        veraid,
        token,
        subject_id,
    }
}

/// Exact, case-sensitive comparison, as kliento-js does (no URL normalisation).
fn check_audience(report: &mut Report, expected: &str, actual: &str) {
    if expected == actual {
        report.pass(CheckId::Audience, format!("\"{actual}\""));
    } else {
        report.fail_with(
            CheckId::Audience,
            format!("Audience mismatch: Expected {expected}, got {actual}"),
            expected,
            actual,
        );
    }
}
