//! `kliento issue chain` failures that need no real DNS: usage errors, malformed anchors, and
//! network failures (exit 4) against dead ports and scripted loopback servers.

use crate::support::dns::{StubDns, reply};
use crate::support::http::{HttpServer, Reply};
use crate::support::kliento;
use hickory_proto::op::ResponseCode;
use predicates::prelude::*;
use std::net::UdpSocket;

/// A loopback UDP port with nothing behind it (bound, read, released).
fn dead_port() -> String {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string()
}

#[test]
fn exits_4_naming_the_server_and_query_when_the_resolver_port_is_dead() {
    let dead = dead_port();
    let out = tempfile::tempdir().unwrap();
    let chain = out.path().join("chain.der");
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--resolver",
            &dead,
            "-o",
        ])
        .arg(&chain)
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::starts_with(format!(
            "error: cannot retrieve the DNSSEC chain for _veraid.example.com: {dead} did not \
             answer ./DNSKEY over UDP: connection refused\nhint: "
        )));
    assert!(!chain.exists(), "no output on failure");
}

#[test]
fn exits_4_with_the_http_status_when_the_doh_server_fails() {
    let server = HttpServer::doh(|_| Reply {
        status: 500,
        content_type: "text/plain",
        body: b"internal error".to_vec(),
    });
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--doh",
            &server.url,
        ])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "{} did not answer ./DNSKEY over DNS-over-HTTPS: HTTP status 500",
            server.url
        )));
}

#[test]
fn rejects_resolver_and_doh_together() {
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--resolver",
            "127.0.0.1:53",
            "--doh",
            "https://dns.example/dns-query",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn rejects_a_malformed_trust_anchors_file_before_any_query() {
    let dir = tempfile::tempdir().unwrap();
    let anchors = dir.path().join("anchors.txt");
    std::fs::write(&anchors, ". IN DS 20326 8 2 NOTHEX\n").unwrap();
    // A dead resolver: exit 3, not 4, shows the anchors are read before the network is used.
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--resolver",
            &dead_port(),
        ])
        .arg("--trust-anchors")
        .arg(&anchors)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "error: cannot read trust anchors from {}",
            anchors.display()
        )));
}

#[test]
fn reads_the_trust_anchors_file_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let anchors = dir.path().join("missing.txt");
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--resolver",
            &dead_port(),
        ])
        .env("KLIENTO_TRUST_ANCHORS", &anchors)
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "cannot read {}: no such file or directory",
            anchors.display()
        )));
}

#[test]
fn rejects_a_zero_timeout() {
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--timeout",
            "0",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the timeout must be at least 1 second",
        ));
}

#[test]
fn refuses_an_existing_output_file_without_force_before_any_query() {
    let dir = tempfile::tempdir().unwrap();
    let chain = dir.path().join("chain.der");
    std::fs::write(&chain, b"keep me").unwrap();
    // A dead resolver: exit 2, not 4, shows the check happens before the network is used.
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--resolver",
            &dead_port(),
            "-o",
        ])
        .arg(&chain)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already exists; refusing to overwrite it",
        ));
    assert_eq!(std::fs::read(&chain).unwrap(), b"keep me");
}

#[test]
fn refuses_the_chain_of_a_server_that_refuses_queries_and_names_it() {
    let server = StubDns::start(|_, query| {
        let mut refused = reply(query, vec![]);
        refused.metadata.response_code = ResponseCode::Refused;
        vec![refused.to_vec().unwrap()]
    });
    let dir = tempfile::tempdir().unwrap();
    let chain = dir.path().join("chain.der");
    kliento()
        .args(["issue", "chain", "--domain", "example.com", "--resolver"])
        .arg(server.address.to_string())
        .arg("-o")
        .arg(&chain)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: the DNSSEC chain for _veraid.example.com is unusable: DNSSEC chain is ",
        ))
        .stderr(predicate::str::ends_with(
            "hint: the server answered REFUSED to ./DNSKEY; it may not be a resolver for this name\n",
        ));
    assert!(!chain.exists());
}

#[test]
fn rejects_a_domain_too_long_for_its_veraid_query_name() {
    // 249 characters pass as a domain, but `_veraid.` makes the name longer than 255 octets.
    let domain = vec!["abcdefghi"; 25].join(".");
    kliento()
        .args([
            "issue",
            "chain",
            "--domain",
            &domain,
            "--resolver",
            &dead_port(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "_veraid.{domain}. is not a usable DNS query name"
        )));
}

/// 18.2: credentials in `--doh` are refused (usage error) and never printed, in text or JSON.
#[test]
fn refuses_credentials_in_the_doh_url_without_printing_them() {
    let out = tempfile::tempdir().unwrap();
    for json in [false, true] {
        let mut command = kliento();
        if json {
            command.args(["--format", "json"]);
        }
        let output = command
            .args(["-v", "issue", "chain", "--domain", "example.com"])
            .args(["--doh", "http://alice:s3cr3tpw@127.0.0.1:1/dns-query", "-o"])
            .arg(out.path().join("chain.der"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("credentials"), "{stderr}");
        assert!(!stderr.contains("s3cr3tpw"), "{stderr}");
        assert!(!String::from_utf8_lossy(&output.stdout).contains("s3cr3tpw"));
    }
}

/// 18.1: a silent resolver ends within the overall deadline that `-v` states
/// (`4 × 2 attempts × --timeout`).
#[test]
fn a_silent_resolver_ends_within_the_stated_overall_deadline() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let out = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let output = kliento()
        .args([
            "-v",
            "issue",
            "chain",
            "--domain",
            "example.com",
            "--timeout",
            "1",
        ])
        .args([
            "--resolver",
            &silent.local_addr().unwrap().to_string(),
            "-o",
        ])
        .arg(out.path().join("chain.der"))
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("deadlines: 1 s per attempt (connect, send and the complete answer), 8 s for all queries"),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(9), "took {took:?}");
}

// Data cases: cases/issue_chain_cli.toml.
cases!(
    refuses_plain_http_doh_urls_off_loopback,
    rejects_a_malformed_resolver_address,
);
