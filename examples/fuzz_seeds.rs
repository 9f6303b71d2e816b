//! Writes the fuzz seed corpora (`fuzz/corpus/<target>/`) and their fixtures (`fuzz/seeds/`:
//! the root trust anchor and the organisation certificate) from fresh keys: valid and broken
//! bundles, chains, messages, certificates, signatures, TXT records, anchors, tokens and HTTP
//! answers, all valid (or broken) at `2026-01-01T01:30:00Z`.
//!
//! ```sh
//! cargo run --example fuzz_seeds            # then commit fuzz/seeds and fuzz/corpus
//! ```

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jiff::{Timestamp, ToSpan};
use kliento::dnssec::test_chain::{ChainSpec, Fault, Target, TestZones, ZoneAlgorithm};
use kliento::dnssec::{format_trust_anchors, iana_root_anchors};
use kliento::keys::{self, OrgKeyAlgorithm};
use kliento::time::Period;
use kliento::token::encoding::{BundleEncoding, encode};
use kliento::token::{Token, bundle};
use kliento::veraid::HashAlgorithm;
use kliento::veraid::bundle::SignatureBundle;
use kliento::veraid::certificate::{
    CertificateOptions, issue_member_certificate, issue_organisation_certificate,
};
use kliento::veraid::member::Member;
use kliento::veraid::signature::Signer;
use kliento::veraid::txt::{TtlOverride, TxtRdata};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn write(target: &str, name: &str, bytes: impl AsRef<[u8]>) {
    let dir = root().join("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn main() {
    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let day = Period::new(start, start + 24.hours()).unwrap();
    let key = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let member_key = keys::generate(OrgKeyAlgorithm::Rsa2048).unwrap();
    let rdata =
        TxtRdata::for_key(&key.to_public_key(), TtlOverride::new(3600).unwrap(), None).unwrap();
    let zones =
        TestZones::generate(&"example.com".parse().unwrap(), &[ZoneAlgorithm::RsaSha256]).unwrap();
    let chain = zones
        .build(&ChainSpec::new(rdata.to_string(), day))
        .unwrap();
    let options = CertificateOptions {
        start,
        expiry: start + 24.hours(),
        hash: HashAlgorithm::Sha256,
    };
    let certificate = issue_organisation_certificate("example.com", &key, &options).unwrap();
    let alice = Member::from_name("alice").unwrap();
    let member_cert = issue_member_certificate(
        &alice,
        &member_key.to_public_key(),
        &certificate,
        &key,
        &options,
    )
    .unwrap();
    let mut token = Token::new("https://api.example.com");
    token.claims.insert("role", "admin");
    let validity = Period::new(start + 1.hour(), start + 2.hours()).unwrap();
    let issue = |token: &Token, messages: &[Vec<u8>], by_member: bool| {
        let signer = if by_member {
            Signer::Member {
                certificate: &member_cert,
            }
        } else {
            Signer::Organisation {
                certificate: &certificate,
                attribution: &alice,
            }
        };
        let key = if by_member { &member_key } else { &key };
        bundle::issue(token, signer, key, messages, &certificate, validity).unwrap()
    };

    let seeds = root().join("seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    let anchors = format_trust_anchors(std::slice::from_ref(&chain.root_anchor));
    std::fs::write(seeds.join("anchors.ds"), &anchors).unwrap();
    std::fs::write(seeds.join("org-cert.der"), certificate.to_der()).unwrap();

    // Bundles: valid in the three encodings, member-signed, and broken ones.
    let valid = issue(&token, &chain.messages, false);
    let by_member = issue(&token, &chain.messages, true);
    write("bundle", "valid.der", &valid);
    write(
        "bundle",
        "valid.b64",
        encode(&valid, BundleEncoding::Base64),
    );
    write(
        "bundle",
        "valid.header",
        encode(&valid, BundleEncoding::Header),
    );
    write("bundle", "member.der", &by_member);
    write(
        "bundle",
        "other-audience.der",
        issue(&Token::new("https://other.example"), &chain.messages, false),
    );
    let faulty = zones
        .build(
            &ChainSpec::new(rdata.to_string(), day).with(Fault::WrongKeyTag {
                target: Target::Dnskey(1),
            }),
        )
        .unwrap();
    let broken = issue(&token, &faulty.messages, false);
    write("bundle", "bogus-chain.der", &broken);
    write("bundle", "truncated.der", &valid[..valid.len() / 2]);

    // Chains and messages.
    let decoded = SignatureBundle::decode(&valid).unwrap();
    write("dnssec_chain", "valid", chain.chain().unwrap().to_der());
    write("dnssec_chain", "bogus", faulty.chain().unwrap().to_der());
    for (i, message) in decoded.dnssec_chain.iter().enumerate().take(4) {
        write("dns_message", &format!("message-{i}"), message);
    }

    // Certificates and signatures.
    write("certificate", "org.der", certificate.to_der());
    write("certificate", "org.pem", certificate.to_pem());
    write("certificate", "member.der", member_cert.to_der());
    write("cms", "org-signed", &decoded.signature);
    let member_decoded = SignatureBundle::decode(&by_member).unwrap();
    write("cms", "member-signed", &member_decoded.signature);

    // TXT records, anchors, headers, tokens.
    write("txt", "record", rdata.to_string());
    write("txt", "service", format!("{rdata} 1.3.6.1.4.1.58708.3.0"));
    write("txt", "spaces", format!("  {rdata}\n"));
    write("trust_anchors", "test", &anchors);
    write(
        "trust_anchors",
        "iana",
        format_trust_anchors(&iana_root_anchors()),
    );
    let b64 = STANDARD.encode(&valid[..200]);
    write("header", "header", format!("Authorization: kliento {b64}"));
    write("header", "url-safe", URL_SAFE_NO_PAD.encode(&valid[..200]));
    write("header", "jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
    write("token_json", "token", token.to_json_bytes());
    write(
        "token_json",
        "lenient",
        "\u{feff} {\"audience\":\"a\",\"claims\":{\"x\":\"1\",\"x\":\"2\"},\"z\":[]} ",
    );

    // HTTP answers: two bytes of status, the content type, a newline, the body.
    let answer = |status: u16, content_type: &str, body: &[u8]| {
        let mut bytes = status.to_be_bytes().to_vec();
        bytes.extend_from_slice(content_type.as_bytes());
        bytes.push(b'\n');
        bytes.extend_from_slice(body);
        bytes
    };
    write(
        "authority_answer",
        "binary",
        answer(200, "application/vnd.veraid.signature-bundle", &valid),
    );
    write(
        "authority_answer",
        "base64",
        answer(
            200,
            "application/vnd.veraid.signature-bundle+base64",
            STANDARD.encode(&valid).as_bytes(),
        ),
    );
    write(
        "authority_answer",
        "problem",
        answer(
            401,
            "application/problem+json",
            br#"{"type":"https://veraid.net/problems/jwt-verification-expired-jwt"}"#,
        ),
    );
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJub25jZSI6Im4wbmNlIn0.c2ln";
    write(
        "oidc",
        "discovery",
        answer(
            200,
            "application/json",
            br#"{"issuer":"https://issuer.example/tenant","token_endpoint":"https://issuer.example/token","grant_types_supported":["client_credentials"]}"#,
        ),
    );
    write(
        "oidc",
        "tokens",
        answer(
            200,
            "application/json",
            format!(r#"{{"access_token":"{jwt}","id_token":"{jwt}","refresh_token":"r"}}"#)
                .as_bytes(),
        ),
    );
    write(
        "oidc",
        "refused",
        answer(400, "application/json", br#"{"error":"invalid_grant"}"#),
    );
    write("bundle_structured", "zeros", [0u8; 48]);
    write("bundle_structured", "ones", [1u8; 48]);
    write("bundle_structured", "member", [2u8; 48]);
    println!("wrote {}", root().display());
}
