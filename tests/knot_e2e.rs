//! End to end against a real authoritative server: Knot DNS on 127.0.0.1 signs `.`, `com.` and
//! `example.com.` (RSA, ECDSA, Ed25519) with a `_veraid.example.com.` TXT record made by
//! `kliento txt-record`. Skips loudly without Knot, except under CI=true (see support/knot.rs).

#[path = "support/knot.rs"]
mod knot;

use assert_cmd::Command;
use hickory_proto::op::ResponseCode;
use kliento::dnssec::retrieve::{self, Limits, PlainDns, Protocol};
use kliento::domain::Domain;
use knot::Knot;
use std::path::Path;

fn kliento() -> Command {
    let mut command = Command::cargo_bin("kliento").unwrap();
    command
        .env("RUST_BACKTRACE", "0")
        .env_remove("KLIENTO_TRUST_ANCHORS");
    command
}

/// The `_veraid.example.com.` zone-file line for a fresh organisation key, from the CLI.
fn veraid_txt_line(dir: &Path) -> String {
    let key = dir.join("org.pem");
    kliento()
        .args(["keygen", "-o"])
        .arg(&key)
        .assert()
        .success();
    let output = kliento()
        .args(["txt-record", "--domain", "example.com", "--key"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// Starts Knot with a `_veraid` record, or `None` (after a loud message) without Knot.
fn knot_with_veraid_record() -> Option<(Knot, tempfile::TempDir)> {
    let work = tempfile::tempdir().unwrap();
    let line = veraid_txt_line(work.path());
    Knot::start(&line).map(|knot| (knot, work))
}

#[test]
fn retrieves_all_eight_messages_from_knot_with_the_root_dnskey_over_tcp() {
    let Some((knot, _work)) = knot_with_veraid_record() else {
        return;
    };
    let domain: Domain = "example.com".parse().unwrap();
    let transport = PlainDns::at(knot.address, Limits::default());
    let responses = retrieve::retrieve(&domain, &transport).unwrap();
    assert_eq!(responses.len(), 8);
    for response in &responses {
        let expected_code = ResponseCode::NoError;
        assert_eq!(
            response.answer.response_code, expected_code,
            "{}",
            response.question
        );
    }
    // The root's 4096-bit KSK makes ./DNSKEY larger than the 1232-byte UDP payload.
    assert_eq!(responses[0].question.to_string(), "./DNSKEY");
    assert_eq!(responses[0].answer.protocol, Protocol::TcpAfterTruncation);
    assert_eq!(
        responses[7].question.to_string(),
        "_veraid.example.com./TXT"
    );
    assert_eq!(responses[7].answer.protocol, Protocol::Udp);
}
