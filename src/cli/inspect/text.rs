//! `inspect`'s text report: the bundle's contents, then every check, and with `-v` the DNSSEC
//! walk.

use super::*;

impl View<'_> {
    pub(super) fn text(&self, verbosity: u8) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Input: {}, {}",
            self.size_text(),
            self.encoding.unwrap_or("undetected encoding")
        );
        if let Some(findings) = self.findings() {
            findings_text(&mut out, findings, verbosity);
        }
        if let Some(verified) = self.verification.and_then(TokenVerification::verified) {
            let by = if verified.signed_by_member {
                "signed by the member"
            } else {
                "signed by the organisation"
            };
            let who = match verified.member.user() {
                Some(user) => format!("user {}", escape(user)),
                None => "a bot (@)".into(),
            };
            let _ = writeln!(out, "Member: {who}, {by}");
            let _ = writeln!(
                out,
                "Token: audience \"{}\"",
                escape(&verified.token.audience)
            );
            for (key, value) in verified.token.claims.iter() {
                let _ = writeln!(out, "  claim {}={}", escape(key), escape(value));
            }
        }
        let _ = writeln!(out, "Checks:");
        for check in &self.report.checks {
            let mark = match check.outcome {
                Outcome::Passed => "ok  ",
                Outcome::Failed(_) => "FAIL",
                Outcome::Skipped => "skip",
                Outcome::NotRequested => "----",
            };
            let _ = writeln!(
                out,
                "  [{mark}] {}: {}",
                check.id.name(),
                escape(&check.detail)
            );
            if let Some(expected) = &check.expected {
                let _ = writeln!(out, "         expected: {}", escape(expected));
            }
            if let Some(actual) = &check.actual {
                let _ = writeln!(out, "         actual:   {}", escape(actual));
            }
        }
        match self.explanation() {
            Some(explanation) => {
                let _ = writeln!(out, "Status: {}: {}", self.status(), escape(&explanation));
            }
            None => {
                let _ = writeln!(out, "Status: {}", self.status());
            }
        }
        out
    }
}

/// `signed by <signer> key <tag> (algorithm <n>), valid <inception>..<expiration>`.
fn signature_use_text(signature: &SignatureUse) -> String {
    format!(
        "{}: signed by {} key {} (algorithm {}), valid {}",
        signature.rrset,
        signature.signer,
        signature.key_tag,
        signature.algorithm,
        signature.validity
    )
}

/// The walk as text, one line per step, root first (for `-v`): the window, which DS matched
/// which key, and which RRSIG authenticated each RRset.
pub fn walk_lines(walk: &Walk) -> Vec<String> {
    let mut lines = vec![format!("window {}", walk.window)];
    for zone in &walk.zones {
        let source = if zone.ds_signature.is_some() {
            "DS"
        } else {
            "trust anchor"
        };
        lines.extend(zone.ds_signature.as_ref().map(signature_use_text));
        for m in &zone.ds_matches {
            lines.push(format!(
                "{}: {source} {}/{}/{} matches DNSKEY {}",
                zone.zone, m.ds_key_tag, m.algorithm, m.digest_type, m.dnskey_tag
            ));
        }
        lines.extend(zone.dnskey_signature.as_ref().map(signature_use_text));
    }
    lines.extend(walk.answer_signature.as_ref().map(signature_use_text));
    lines
}

fn certificate_text(out: &mut String, label: &str, certificate: &Certificate, organisation: bool) {
    let _ = writeln!(out, "{label}: {}", escape(certificate.common_name()));
    let _ = writeln!(
        out,
        "  issuer {}, serial {}",
        escape(certificate.issuer_common_name().unwrap_or("(no CN)")),
        certificate.serial_number()
    );
    let _ = writeln!(
        out,
        "  valid {} .. {}",
        certificate.not_before(),
        certificate.not_after()
    );
    // The TXT algorithm number and key id only mean something for the organisation key (they
    // are what its _veraid TXT record holds); a member key is described by its size.
    if let Some((algorithm, id)) = certificate_key(certificate) {
        let bits = algorithm.bits();
        if organisation {
            let _ = writeln!(
                out,
                "  key: RSA-{bits}, TXT algorithm {}, key id {id}",
                algorithm.id()
            );
        } else {
            let _ = writeln!(out, "  key: RSA-{bits}, key digest {id}");
        }
    }
    if let Ok(algorithm) = certificate.signature_algorithm() {
        let _ = writeln!(out, "  signed with {}", algorithm.webcrypto_name());
    }
}

fn findings_text(out: &mut String, findings: &Findings, verbosity: u8) {
    if let Some(org) = &findings.organisation_certificate {
        certificate_text(out, "Organisation certificate", org, true);
    }
    if let Some(member) = &findings.member_certificate {
        certificate_text(out, "Member certificate", member, false);
    }
    if let Some(metadata) = &findings.metadata {
        let _ = writeln!(
            out,
            "Signature: service {}, valid {} .. {}",
            metadata.service, metadata.start, metadata.end
        );
    }
    if let Some(chain) = &findings.chain {
        let _ = writeln!(out, "DNSSEC chain: {} messages", chain.len());
        for (i, message) in chain.summaries().iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} rcode {}, {} bytes",
                i + 1,
                escape(&message.questions.join(", ")),
                message.response_code,
                message.bytes
            );
            for rrset in &message.rrsets {
                let _ = writeln!(
                    out,
                    "     {} TTL {}: {} record(s)",
                    escape(&rrset.name),
                    rrset.ttl,
                    rrset.records.len()
                );
                if rrset.name.ends_with("/TXT") {
                    for record in &rrset.records {
                        let _ = writeln!(out, "       {}", escape(record));
                    }
                }
                for rrsig in &rrset.signatures {
                    let _ = writeln!(
                        out,
                        "       RRSIG alg {} key {} by {} valid {} .. {}",
                        rrsig.algorithm,
                        rrsig.key_tag,
                        escape(&rrsig.signer),
                        from_unix_seconds(rrsig.inception),
                        from_unix_seconds(rrsig.expiration)
                    );
                }
            }
        }
    }
    if verbosity > 0
        && let Some(walk) = &findings.walk
    {
        let _ = writeln!(out, "DNSSEC walk:");
        for line in walk_lines(walk) {
            let _ = writeln!(out, "  {}", escape(&line));
        }
        let work = findings.dnssec_work;
        let _ = writeln!(
            out,
            "  work: {} signature verifications (cost {}), {} DS digests",
            work.verifications, work.cost, work.ds_digests
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kliento::dnssec::test_chain::{ChainSpec, TestZones, ZoneAlgorithm};
    use kliento::dnssec::validate_veraid_txt;
    use kliento::time::Period;

    #[test]
    fn walk_renders_one_line_per_step() {
        let ts = |t: &str| t.parse::<kliento::time::Timestamp>().unwrap();
        let domain: kliento::domain::Domain = "example.com".parse().unwrap();
        let zones = TestZones::generate(&domain, &[ZoneAlgorithm::EcdsaP256Sha256]).unwrap();
        let validity = Period::new(ts("2026-01-01T00:00:00Z"), ts("2026-02-01T00:00:00Z")).unwrap();
        let test = zones
            .build(&ChainSpec::new(
                "1 LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM= 3600",
                validity,
            ))
            .unwrap();
        let walk = validate_veraid_txt(
            &test.chain().unwrap(),
            &domain,
            &Period::instant(ts("2026-01-15T00:00:00Z")),
            std::slice::from_ref(&test.root_anchor),
        )
        .into_result()
        .unwrap();
        let lines = walk_lines(&walk);
        assert_eq!(lines.len(), 1 + 2 + 3 * 2 + 1, "{lines:#?}");
        assert_eq!(
            lines[0],
            "window 2026-01-15T00:00:00Z..2026-01-15T00:00:00Z"
        );
        let root_tag = walk.zones[0].keys[0].key_tag;
        assert_eq!(
            lines[1],
            format!(".: trust anchor {root_tag}/13/2 matches DNSKEY {root_tag}")
        );
        assert_eq!(
            lines[2],
            format!(
                "./DNSKEY: signed by . key {root_tag} (algorithm 13), valid \
                 2026-01-01T00:00:00Z..2026-02-01T00:00:00Z"
            )
        );
        assert!(
            lines[3].starts_with("com./DS: signed by . key "),
            "{lines:#?}"
        );
        assert!(
            lines[9].starts_with("_veraid.example.com./TXT: signed by example.com. key "),
            "{lines:#?}"
        );
    }
}
