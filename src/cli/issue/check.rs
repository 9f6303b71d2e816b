//! What `issue` commands check before writing: a new token bundle goes through the same
//! verification as `kliento verify`, at the token's start, and is refused (exit 1) when it would
//! fail, unless `--allow-invalid` says it is minted to fail on purpose.

use crate::cli::anchors::foreign_root;
use crate::cli::failure::Failure;
use crate::cli::ui::Ui;
use kliento::dnssec::{DnssecChain, TrustAnchor, chain_root_anchors};
use kliento::report::{CheckId, Verdict};
use kliento::time::{Period, Timestamp};
use kliento::token::bundle::{self, TokenVerification};
use kliento::veraid::certificate::{self, Certificate};

/// What to do about a check that fails on a bundle `issue token` just made.
fn hint(check: CheckId) -> &'static str {
    match check {
        CheckId::TxtRecord => {
            "the chain's _veraid TXT record must be for --domain and name this organisation key \
             (and the service, if it names one): `kliento txt-record --key KEY` prints the value \
             to publish; make the chain again after publishing it"
        }
        CheckId::Dnssec | CheckId::TtlOverrideWindow => {
            "the chain must be SECURE at the token's start: its RRSIGs must cover that time \
             (within the TXT record's TTL override); retrieve a fresh chain with `kliento issue \
             chain`, or choose --start inside the chain's validity"
        }
        CheckId::SignaturePeriod | CheckId::CertificateValidity | CheckId::SignatureMetadata => {
            "choose --start and --expiry (or --valid-for) so that the token is valid for at \
             least a second, inside the certificates' validity"
        }
        CheckId::CertificateChain => {
            "--member-cert must be issued by --org-cert (kliento issue member-cert)"
        }
        _ => "check the inputs with `kliento inspect` on a bundle made with --allow-invalid",
    }
}

/// A token bundle just signed.
pub struct NewToken<'a> {
    /// Its DER bytes.
    pub bytes: &'a [u8],
    /// The audience it was signed for.
    pub audience: &'a str,
    /// Its validity as signed (whole seconds).
    pub signed: Period,
    /// When it was issued.
    pub now: Timestamp,
}

/// Verifies a new token bundle as `kliento verify` would at its signed start, with the anchors
/// in use, or with the chain's own root anchors when the chain was made under another root
/// (then notes that verifiers need those anchors). A token whose signed validity is empty or
/// already over is refused too. A failure is an error (exit 1, the failing check and a hint)
/// unless `allow_invalid`, which turns it into a warning.
pub fn token_bundle(
    ui: &Ui,
    token: &NewToken<'_>,
    chain: &DnssecChain,
    anchors: &[TrustAnchor],
    allow_invalid: bool,
) -> Result<TokenVerification, Failure> {
    let refuse = |message: String, hint: &str| -> Result<(), Failure> {
        if allow_invalid {
            ui.warn(format!("{message}; written anyway (--allow-invalid)"));
            Ok(())
        } else {
            Err(Failure::invalid(message).hint(format!(
                "{hint}; or pass --allow-invalid to write it anyway (for negative tests)"
            )))
        }
    };
    let own_anchors = if foreign_root(Some(chain), anchors) {
        chain_root_anchors(chain)
    } else {
        Vec::new()
    };
    let foreign = !own_anchors.is_empty();
    let used = if foreign { &own_anchors[..] } else { anchors };
    let at = token.signed.start;
    let verification = bundle::verify(token.bytes, token.audience, Period::instant(at), used);
    if verification.verdict() != Verdict::Valid {
        let (check, reason) = match verification.report().first_failure() {
            Some(check) => (Some(check.id), verification.error().unwrap_or_default()),
            None => (None, "a check could not run".to_string()),
        };
        let name = check.map_or("verification", CheckId::name);
        refuse(
            format!(
                "the new token bundle would not verify at its start ({at}): {name} check \
                 failed: {reason}"
            ),
            check.map_or("see `kliento inspect`", hint),
        )?;
    } else if token.signed.end <= token.signed.start {
        refuse(
            format!(
                "the token's signed validity is empty ({} to {}; times are signed in whole \
                 seconds): no verifier would accept it after that instant",
                token.signed.start, token.signed.end
            ),
            hint(CheckId::SignaturePeriod),
        )?;
    } else if token.signed.end <= token.now {
        refuse(
            format!(
                "the token expired at {}, before it was issued",
                token.signed.end
            ),
            hint(CheckId::SignaturePeriod),
        )?;
    } else if foreign {
        ui.note(
            "the chain's root key matches none of the trust anchors in use (a test chain?): \
             the bundle verifies under the chain's own root, so verifiers will need that root's \
             trust anchors (--trust-anchors FILE)",
        );
    }
    Ok(verification)
}

/// A certificate just issued: by the organisation for a member (`issuer` is the organisation
/// certificate), or self-issued by it (`issuer` is `None`).
pub struct NewCertificate<'a> {
    /// The certificate.
    pub certificate: &'a Certificate,
    /// The organisation certificate that issued it, for a member certificate.
    pub issuer: Option<&'a Certificate>,
    /// When it was issued.
    pub now: Timestamp,
}

/// Checks what `verify` would check of a new certificate: a validity that is not empty nor
/// already over, the issuer's signature (the organisation's own for an organisation
/// certificate), and for a member certificate an organisation certificate that is valid when
/// the member's starts. Refused with exit 1 and a hint unless `allow_invalid` (then a warning).
pub fn certificate(ui: &Ui, new: &NewCertificate<'_>, allow_invalid: bool) -> Result<(), Failure> {
    let certificate = new.certificate;
    let (start, end) = (certificate.not_before(), certificate.not_after());
    let validity_hint = "choose --start and --expiry (or --valid-for) so that the certificate is \
                         valid for at least a second from now";
    let problem: Option<(String, String)> = if end <= start {
        Some((
            format!(
                "the certificate's validity is empty ({start} to {end}; times are whole seconds)"
            ),
            validity_hint.into(),
        ))
    } else if end <= new.now {
        Some((
            format!("the certificate expired at {end}, before it was issued"),
            validity_hint.into(),
        ))
    } else {
        match new.issuer {
            Some(org) => member_problem(certificate, org),
            None => organisation_problem(certificate),
        }
    };
    let Some((message, hint)) = problem else {
        return Ok(());
    };
    let message = format!("the new certificate would not verify: {message}");
    if allow_invalid {
        ui.warn(format!("{message}; written anyway (--allow-invalid)"));
        return Ok(());
    }
    Err(Failure::invalid(message).hint(format!(
        "{hint}; or pass --allow-invalid to write it anyway (for negative tests)"
    )))
}

fn member_problem(member: &Certificate, org: &Certificate) -> Option<(String, String)> {
    if let Err(e) = certificate::verify_issued_by(member, org) {
        return Some((
            format!("certificate-chain check failed: {e}"),
            "--org-key must be the key of --org-cert".into(),
        ));
    }
    if let Err(e) = org.check_rsa_pss_signed() {
        return Some((
            format!("organisation-key check failed: {e}"),
            "use an organisation certificate made by `kliento issue org-cert`".into(),
        ));
    }
    let start = member.not_before();
    if let Err(e) = org.check_validity_at(start) {
        return Some((
            format!(
                "the organisation certificate is not valid when the member certificate starts \
                 ({start}): {e}"
            ),
            format!(
                "choose --start inside the organisation certificate's validity ({} to {})",
                org.not_before(),
                org.not_after()
            ),
        ));
    }
    None
}

fn organisation_problem(org: &Certificate) -> Option<(String, String)> {
    let hint = "the key must be an RSA 2048, 3072 or 4096 organisation key";
    if let Err(e) = certificate::verify_issued_by(org, org) {
        return Some((format!("self-signature check failed: {e}"), hint.into()));
    }
    if let Err(e) = org.check_is_ca().and_then(|()| org.check_rsa_pss_signed()) {
        return Some((format!("organisation-key check failed: {e}"), hint.into()));
    }
    None
}
