//! End to end against a real authoritative server: Knot DNS on 127.0.0.1 signs `.`, `com.` and
//! `example.com.` (RSA, ECDSA, Ed25519) with a `_veraid.example.com.` TXT record made by
//! `kliento txt-record`. Skips loudly without Knot, except under CI=true (see support/knot.rs).

use crate::support::http::{HttpServer, Reply};
use crate::support::kliento;
use crate::support::knot::{Knot, tcp_exchange};
use base64::Engine;
use kliento::dnssec::retrieve::{self, Limits, PlainDns, Protocol};
use kliento::dnssec::{DnssecChain, parse_trust_anchors, validate_veraid_txt};
use kliento::domain::Domain;
use kliento::time::Period;
use predicates::prelude::*;
use std::path::Path;

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
        assert_eq!(
            response.answer.response_code_name(),
            "NOERROR",
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

/// Validates a chain file against an anchors file, as a verifier would, at the instant Knot
/// was ready.
fn validate_file(chain: &Path, knot: &Knot) -> Result<usize, String> {
    let anchors = &knot.anchors;
    let chain = DnssecChain::from_der(&std::fs::read(chain).unwrap()).map_err(|e| e.to_string())?;
    let anchors = parse_trust_anchors(&std::fs::read_to_string(anchors).unwrap()).unwrap();
    let domain: Domain = "example.com".parse().unwrap();
    validate_veraid_txt(&chain, &domain, &Period::instant(knot.ready_at), &anchors)
        .into_result()
        .map_err(|e| e.to_string())?;
    Ok(chain.len())
}

#[test]
fn issue_chain_writes_a_chain_that_validates_against_the_test_root() {
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let chain = work.path().join("chain.der");
    let resolver = knot.address.to_string();
    kliento()
        .args([
            "-v",
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--resolver",
            &resolver,
        ])
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .arg("-o")
        .arg(&chain)
        .assert()
        .success()
        .stdout("")
        .stderr(
            predicate::str::is_match(
                r"debug: \./DNSKEY: NOERROR, \d+ bytes over TCP \(the UDP answer was truncated\)\n",
            )
            .unwrap(),
        )
        .stderr(predicate::str::contains(
            "_veraid.example.com./TXT: NOERROR",
        ))
        .stderr(
            predicate::str::is_match(r"debug: \.: trust anchor \d+/8/2 matches DNSKEY \d+\n")
                .unwrap(),
        )
        .stderr(predicate::str::contains(
            "DNSSEC chain for _veraid.example.com is SECURE",
        ));
    assert_eq!(validate_file(&chain, &knot), Ok(8));
}

#[test]
fn issue_chain_stores_messages_in_veraid_js_order() {
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let chain = work.path().join("chain.der");
    kliento()
        .args(["issue", "chain", "--domain", "example.com", "--resolver"])
        .arg(knot.address.to_string())
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .arg("-o")
        .arg(&chain)
        .assert()
        .success();
    let chain = DnssecChain::from_der(&std::fs::read(&chain).unwrap()).unwrap();
    let questions: Vec<String> = chain
        .summaries()
        .iter()
        .map(|s| s.questions.join(","))
        .collect();
    let domain: Domain = "example.com".parse().unwrap();
    let expected: Vec<String> = retrieve::chain_questions(&domain)
        .unwrap()
        .iter()
        .map(|q| q.to_string())
        .collect();
    assert_eq!(questions, expected);
}

#[test]
fn issue_chain_refuses_a_chain_that_does_not_lead_to_the_trust_anchor() {
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let chain = work.path().join("chain.der");
    // The built-in IANA anchors do not cover the test root's key.
    kliento()
        .args(["issue", "chain", "--domain", "example.com", "--resolver"])
        .arg(knot.address.to_string())
        .arg("-o")
        .arg(&chain)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: the DNSSEC chain for _veraid.example.com is unusable: DNSSEC chain is BOGUS",
        ));
    assert!(!chain.exists(), "a refused chain is not written");
}

#[test]
fn issue_chain_over_doh_through_a_loopback_proxy_to_knot_validates() {
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let upstream = knot.address;
    let proxy = HttpServer::doh(move |request| match tcp_exchange(upstream, &request.body) {
        Ok(body) => Reply {
            status: 200,
            content_type: "application/dns-message",
            body,
        },
        Err(_) => Reply {
            status: 502,
            content_type: "text/plain",
            body: Vec::new(),
        },
    });
    let chain = work.path().join("chain.der");
    kliento()
        .args([
            "-v",
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--doh",
            &proxy.url,
        ])
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .arg("-o")
        .arg(&chain)
        .assert()
        .success()
        .stderr(
            predicate::str::is_match(
                r"_veraid\.example\.com\./TXT: NOERROR, \d+ bytes over DNS-over-HTTPS\n",
            )
            .unwrap(),
        );
    assert_eq!(validate_file(&chain, &knot), Ok(8));
    let requests = proxy.requests();
    assert!(requests.iter().all(|r| r.method == "POST"));
    let mut asked: Vec<String> = requests
        .iter()
        .map(|r| {
            let query = hickory_proto::op::Message::from_vec(&r.body).unwrap();
            format!(
                "{}/{}",
                query.queries[0].name(),
                query.queries[0].query_type()
            )
        })
        .collect();
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), 8, "{asked:?}");
}

#[test]
fn issue_chain_json_output_carries_the_chain_and_each_message() {
    let Some((knot, _work)) = knot_with_veraid_record() else {
        return;
    };
    let output = kliento()
        .args([
            "--format",
            "json",
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--resolver",
        ])
        .arg(knot.address.to_string())
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(report["status"], "secure");
    assert_eq!(report["messages"].as_array().unwrap().len(), 8);
    assert_eq!(
        report["messages"][7]["question"],
        "_veraid.example.com./TXT"
    );
    let der = base64::engine::general_purpose::STANDARD
        .decode(report["chain"].as_str().unwrap())
        .unwrap();
    assert_eq!(DnssecChain::from_der(&der).unwrap().len(), 8);
}

/// Asserts that @relaycorp/veraid finds the chain file SECURE and its `_veraid` record OK, at
/// the instant Knot was ready.
fn assert_veraid_js_validates(chain: &Path, knot: &Knot) {
    let now = knot.ready_at.to_string();
    let results = crate::support::oracle::oracle_script(
        "dnssec.mjs",
        "verify",
        vec![serde_json::json!({
            "der": chain,
            "anchors": knot.anchors,
            "domain": "example.com",
            "start": now,
            "end": now,
            "window": { "start": now, "end": now },
        })],
    );
    assert_eq!(results[0]["lookup"]["status"], "SECURE", "{:?}", results[0]);
    assert_eq!(results[0]["veraid"], "OK", "{:?}", results[0]);
}

#[test]
fn issue_chain_output_from_knot_verifies_in_veraid_js() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let chain = work.path().join("chain.der");
    kliento()
        .args(["issue", "chain", "--domain", "example.com", "--resolver"])
        .arg(knot.address.to_string())
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .arg("-o")
        .arg(&chain)
        .assert()
        .success();
    assert_veraid_js_validates(&chain, &knot);
}

#[test]
fn issue_token_retrieves_the_chain_live_and_the_bundle_verifies() {
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let bundle = work.path().join("token.b64");
    kliento()
        .args([
            "issue",
            "token",
            "--audience",
            "https://api.example.com",
            "--user",
            "alice",
        ])
        .args(["--claim", "role=admin", "--domain", "example.com", "--key"])
        .arg(work.path().join("org.pem"))
        .args(["--resolver", &knot.address.to_string(), "--trust-anchors"])
        .arg(&knot.anchors)
        .args(["--start", &knot.ready_at.to_string()])
        .arg("-o")
        .arg(&bundle)
        .assert()
        .success();
    // Verified a minute after the token's start, not at the wall clock.
    let at = (knot.ready_at + jiff::SignedDuration::from_secs(60)).to_string();
    kliento()
        .args([
            "verify",
            "--audience",
            "https://api.example.com",
            "--at",
            &at,
            "--trust-anchors",
        ])
        .arg(&knot.anchors)
        .arg(&bundle)
        .assert()
        .success()
        .stdout("valid: alice@example.com\nrole=admin\n");
    // Knot signed with RSA, ECDSA and Ed25519: inspect shows each zone's algorithm.
    kliento()
        .arg("inspect")
        .arg(&bundle)
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .assert()
        .success()
        .stdout(predicate::str::contains("RRSIG alg 8"))
        .stdout(predicate::str::contains("RRSIG alg 13"))
        .stdout(predicate::str::contains("RRSIG alg 15"));
}

/// A DoH proxy to Knot that rewrites each answer with `tamper` (question, message).
fn tampering_proxy(
    upstream: std::net::SocketAddr,
    tamper: impl Fn(&mut hickory_proto::op::Message) + Send + Sync + 'static,
) -> HttpServer {
    HttpServer::doh(move |request| {
        let body = tcp_exchange(upstream, &request.body).unwrap();
        let mut message = hickory_proto::op::Message::from_vec(&body).unwrap();
        tamper(&mut message);
        Reply {
            status: 200,
            content_type: "application/dns-message",
            body: message.to_vec().unwrap(),
        }
    })
}

fn is_veraid_txt(message: &hickory_proto::op::Message) -> bool {
    message.queries[0].query_type() == hickory_proto::rr::RecordType::TXT
}

/// Runs `issue chain` for `domain` through `doh` with the test root's anchors; returns the exit
/// code and stderr.
fn chain_failure(knot: &Knot, domain: &str, doh: &str, json: bool) -> (Option<i32>, String) {
    let out = tempfile::tempdir().unwrap();
    let mut command = kliento();
    if json {
        command.args(["--format", "json"]);
    }
    let output = command
        .args([
            "issue",
            "chain",
            "--domain",
            domain,
            "--doh",
            doh,
            "--trust-anchors",
        ])
        .arg(&knot.anchors)
        .arg("-o")
        .arg(out.path().join("chain.der"))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// 18.4: a replaced TXT value and a stripped TXT RRSIG each get the hint of their reason, not
/// "check --trust-anchors".
#[test]
fn issue_chain_hints_fit_an_altered_or_unsigned_answer() {
    let Some((knot, _work)) = knot_with_veraid_record() else {
        return;
    };
    let altered = tampering_proxy(knot.address, |message| {
        if is_veraid_txt(message) {
            for record in &mut message.answers {
                if let hickory_proto::rr::RData::TXT(_) = record.data {
                    record.data =
                        hickory_proto::rr::RData::TXT(hickory_proto::rr::rdata::TXT::new(vec![
                            "0 forged".into(),
                        ]));
                }
            }
        }
    });
    let (code, stderr) = chain_failure(&knot, "example.com", &altered.url, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("hint: a signature does not verify"),
        "{stderr}"
    );
    assert!(!stderr.contains("--trust-anchors holds"), "{stderr}");
    // 18.6: -v shows the zones authenticated before the BOGUS point.
    let out = tempfile::tempdir().unwrap();
    let verbose = kliento()
        .args([
            "-v",
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--doh",
            &altered.url,
        ])
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .arg("-o")
        .arg(out.path().join("chain.der"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        stderr.contains("debug: example.com.: DS ") && stderr.contains("matches DNSKEY"),
        "{stderr}"
    );

    let stripped = tampering_proxy(knot.address, |message| {
        if is_veraid_txt(message) {
            message
                .answers
                .retain(|r| r.record_type() != hickory_proto::rr::RecordType::RRSIG);
        }
    });
    let (code, stderr) = chain_failure(&knot, "example.com", &stripped.url, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("hint: the answer carries no signature"),
        "{stderr}"
    );
}

/// 18.4 and 18.5: an NXDOMAIN and a CNAME at `_veraid` are named as such, with a hint that
/// fits; in JSON mode the failure is one JSON object on stderr with status and reason.
#[test]
fn issue_chain_names_nxdomain_and_cname_and_fails_in_json() {
    let work = tempfile::tempdir().unwrap();
    let line = veraid_txt_line(work.path());
    let Some(knot) = Knot::start(&format!(
        "{line}\n_veraid.alias.example.com. 3600 IN CNAME _veraid.example.com."
    )) else {
        return;
    };
    let upstream = knot.address;
    let proxy = tampering_proxy(upstream, |_| {});
    let (code, stderr) = chain_failure(&knot, "nothere.example.com", &proxy.url, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("NXDOMAIN"), "{stderr}");
    assert!(stderr.contains("hint: publish the TXT record"), "{stderr}");

    let (code, stderr) = chain_failure(&knot, "alias.example.com", &proxy.url, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("the name is a CNAME to _veraid.example.com."),
        "{stderr}"
    );
    assert!(
        stderr.contains("an alias (CNAME) is not followed"),
        "{stderr}"
    );

    let (code, stderr) = chain_failure(&knot, "nothere.example.com", &proxy.url, true);
    assert_eq!(code, Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let failure: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(failure["exitCode"], 1);
    assert!(failure["status"].is_string(), "{failure}");
    assert!(
        failure["reason"]
            .as_str()
            .unwrap()
            .contains("_veraid.nothere.example.com")
    );
    assert!(failure["error"].as_str().unwrap().contains("NXDOMAIN"));
    assert!(
        failure["hint"]
            .as_str()
            .unwrap()
            .contains("publish the TXT record")
    );
}

/// 18.3: a proxy that stuffs every answer with unsigned junk (additional records, trailing
/// bytes): the chain stored keeps only the question, the answer RRsets and their RRSIGs, is
/// smaller than what was received, still validates here and in @relaycorp/veraid.
#[test]
fn issue_chain_stores_minimised_messages_that_verify_here_and_in_veraid_js() {
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let upstream = knot.address;
    let received = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = received.clone();
    let proxy = HttpServer::doh(move |request| {
        let body = tcp_exchange(upstream, &request.body).unwrap();
        let mut message = hickory_proto::op::Message::from_vec(&body).unwrap();
        let junk = hickory_proto::rr::Name::from_ascii("junk.example.com.").unwrap();
        message.add_additionals((0..40).map(|i| {
            hickory_proto::rr::Record::from_rdata(
                junk.clone(),
                300,
                hickory_proto::rr::RData::TXT(hickory_proto::rr::rdata::TXT::new(vec![format!(
                    "unsigned junk {i:02} {}",
                    "x".repeat(100)
                )])),
            )
        }));
        let mut body = message.to_vec().unwrap();
        body.extend_from_slice(&[0u8; 64]);
        counted.fetch_add(body.len(), std::sync::atomic::Ordering::SeqCst);
        Reply {
            status: 200,
            content_type: "application/dns-message",
            body,
        }
    });
    let chain = work.path().join("chain.der");
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--doh",
            &proxy.url,
        ])
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .arg("-o")
        .arg(&chain)
        .assert()
        .success();
    assert_eq!(validate_file(&chain, &knot), Ok(8));
    let der = std::fs::read(&chain).unwrap();
    let stored = DnssecChain::from_der(&der).unwrap();
    let mut kept = 0;
    for raw in stored.messages() {
        kept += raw.len();
        let message = hickory_proto::op::Message::from_vec(raw).unwrap();
        assert!(message.additionals.is_empty() && message.authorities.is_empty());
        let question = message.queries[0].name().clone();
        assert!(message.answers.iter().all(|r| r.name == question));
    }
    let received = received.load(std::sync::atomic::Ordering::SeqCst);
    assert!(kept * 3 < received, "kept {kept} of {received} bytes");
    if !crate::support::gate::node_oracle() {
        return;
    }
    assert_veraid_js_validates(&chain, &knot);
}

/// 18.4: domains are case-insensitive: `--domain Example.COM` gets the SECURE chain.
#[test]
fn issue_chain_accepts_a_domain_in_any_case() {
    let Some((knot, work)) = knot_with_veraid_record() else {
        return;
    };
    let chain = work.path().join("chain.der");
    kliento()
        .args(["issue", "chain", "--domain", "Example.COM", "--resolver"])
        .arg(knot.address.to_string())
        .arg("--trust-anchors")
        .arg(&knot.anchors)
        .arg("-o")
        .arg(&chain)
        .assert()
        .success();
    assert_eq!(validate_file(&chain, &knot), Ok(8));
}
