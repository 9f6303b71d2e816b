//! Verifies the README's example header the way a server would, in five lines.

use kliento::{TokenBundle, Verifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let header = format!("Kliento {}", include_str!("../../../examples/token.b64").trim());
    let anchors = kliento::dnssec::parse_trust_anchors(include_str!("../../../examples/test-root.ds"))?;
    let at = "2026-12-01T00:00:00Z".parse()?;

    let verifier = Verifier::with_trust_anchors(anchors);
    let bundle = TokenBundle::from_auth_header(&header)?;
    let verified = verifier.verify_at(&bundle, "https://api.example.com", at)?;
    println!("{}", verified.subject_id);
    Ok(())
}
