//! Token bundles agree with the reference implementation, @relaycorp/veraid 3.1.2, in both
//! directions (issue 4 item 6): bundles issued by `kliento issue token` verify in veraid-js, and
//! bundles issued by veraid-js over a `MockChain` verify in `kliento verify`, with the same
//! subject and claims; bundles that break one rule are rejected by both, for the same reason
//! where both name it. tests/interop/bundles.mjs runs the JS side, as kliento-js's
//! `TokenBundle.verify` would (VeraId verification, then token JSON, then audience).
//!
//! veraid-js checks certificates against the wall clock (digest §9.1 Q1), so every certificate
//! here is valid now; both sides verify at the same whole-second instant (`--at` for kliento).

use crate::support::oracle::oracle_script;
use crate::support::{kliento, temp_dir, write};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const AUDIENCE: &str = "https://api.example.com";

/// Whole-second "now", so both sides print and compare the same instants.
fn now() -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second()).unwrap()
}

/// ISO 8601 as JavaScript's `Date.toISOString` writes it.
fn iso(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Who signs a bundle of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Signer {
    /// Organisation signature attributed to the user `alice`.
    User,
    /// Organisation signature attributed to a bot.
    Bot,
    /// Member signature by `alice` with her member certificate.
    MemberUser,
    /// Member signature by a bot with its member certificate.
    MemberBot,
}

const SIGNERS: [Signer; 4] = [
    Signer::User,
    Signer::Bot,
    Signer::MemberUser,
    Signer::MemberBot,
];

impl Signer {
    fn js_name(self) -> &'static str {
        match self {
            Signer::User => "user",
            Signer::Bot => "bot",
            Signer::MemberUser => "member-user",
            Signer::MemberBot => "member-bot",
        }
    }

    fn subject(self) -> &'static str {
        match self {
            Signer::User | Signer::MemberUser => "alice@example.com",
            Signer::Bot | Signer::MemberBot => "example.com",
        }
    }

    fn by_member(self) -> bool {
        matches!(self, Signer::MemberUser | Signer::MemberBot)
    }
}

/// One bundle of the matrix: key size, signer, and the claims (possibly none).
#[derive(Clone, Debug)]
struct Case {
    bits: u32,
    signer: Signer,
    claims: Vec<(&'static str, &'static str)>,
}

impl Case {
    fn claims_json(&self) -> Value {
        Value::Object(
            self.claims
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect(),
        )
    }

    fn token_json(&self) -> Value {
        if self.claims.is_empty() {
            json!({ "audience": AUDIENCE })
        } else {
            json!({ "audience": AUDIENCE, "claims": self.claims_json() })
        }
    }

    fn label(&self) -> String {
        format!(
            "{}-bit org key, {:?}, {} claim(s)",
            self.bits,
            self.signer,
            self.claims.len()
        )
    }
}

/// RSA 2048/3072/4096 × user, bot, member user, member bot; claims on every other bundle, so
/// each signer and each key size has bundles with and without claims.
fn matrix() -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, bits) in [2048, 3072, 4096].into_iter().enumerate() {
        for (j, signer) in SIGNERS.into_iter().enumerate() {
            let claims = if (i + j) % 2 == 0 {
                vec![("role", "admin"), ("scope", "read write/é \"q\"")]
            } else {
                Vec::new()
            };
            cases.push(Case {
                bits,
                signer,
                claims,
            });
        }
    }
    cases
}

/// `kliento verify --format json` at `at`; the exit code must match the status.
fn kliento_verify(bundle: &Path, audience: &str, anchors: &Path, at: Timestamp) -> Value {
    let output = kliento()
        .args(["--format", "json", "verify", "--audience", audience])
        .arg("--trust-anchors")
        .arg(anchors)
        .args(["--at", &at.to_string()])
        .arg(bundle)
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "kliento verify printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let expected_code = match answer["status"].as_str() {
        Some("valid") => 0,
        Some("invalid") => 1,
        Some("malformed") => 3,
        other => panic!("unknown status {other:?}"),
    };
    assert_eq!(output.status.code(), Some(expected_code), "{answer}");
    answer
}

/// Runs `kliento ARGS...` and asserts success.
fn run(args: &[&str], dir: &Path) {
    let output = kliento().current_dir(dir).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "kliento {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An organisation made with the CLI: key, test chain and root anchor, certificate, and a
/// member key with a user and a bot certificate, all valid from an hour ago for two hours.
struct KlientoOrg {
    dir: PathBuf,
}

impl KlientoOrg {
    fn new(dir: &Path, bits: u32, domain: &str) -> Self {
        let dir = dir.join(format!("{domain}-{bits}"));
        std::fs::create_dir_all(&dir).unwrap();
        let bits = bits.to_string();
        run(&["keygen", "--bits", &bits, "-o", "org.pem"], &dir);
        run(&["keygen", "-o", "member.pem"], &dir);
        let validity = ["--start", "-1h", "--valid-for", "2h"];
        run(
            &[
                &[
                    "issue",
                    "test-chain",
                    "--domain",
                    domain,
                    "--key",
                    "org.pem",
                ][..],
                &["-o", "chain.der", "--trust-anchors-out", "anchors.ds"],
                &validity,
            ]
            .concat(),
            &dir,
        );
        run(
            &[
                &[
                    "issue",
                    "org-cert",
                    "--key",
                    "org.pem",
                    "--domain",
                    "example.com",
                ][..],
                &["-o", "org.crt"],
                &validity,
            ]
            .concat(),
            &dir,
        );
        for (member, file) in [
            (&["--user", "alice"][..], "alice.crt"),
            (&["--bot"], "bot.crt"),
        ] {
            run(
                &[
                    &[
                        "issue",
                        "member-cert",
                        "--org-key",
                        "org.pem",
                        "--org-cert",
                        "org.crt",
                    ][..],
                    &["--member-key", "member.pem", "-o", file],
                    member,
                    &validity,
                ]
                .concat(),
                &dir,
            );
        }
        Self { dir }
    }

    fn anchors(&self) -> PathBuf {
        self.dir.join("anchors.ds")
    }

    /// `kliento issue token` for `case` with `extra` flags; returns the base64 bundle's path.
    fn issue(&self, case: &Case, name: &str, extra: &[&str]) -> PathBuf {
        let mut args = vec![
            "issue",
            "token",
            "--audience",
            AUDIENCE,
            "--domain",
            "example.com",
            "--chain",
            "chain.der",
            "-o",
            name,
        ];
        match case.signer {
            Signer::User => args.extend(["--key", "org.pem", "--user", "alice"]),
            Signer::Bot => args.extend(["--key", "org.pem", "--bot"]),
            Signer::MemberUser | Signer::MemberBot => {
                let cert = if case.signer == Signer::MemberUser {
                    "alice.crt"
                } else {
                    "bot.crt"
                };
                args.extend(["--org-cert", "org.crt", "--member-cert", cert]);
                args.extend(["--member-key", "member.pem"]);
            }
        }
        let claims: Vec<String> = case
            .claims
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for claim in &claims {
            args.extend(["--claim", claim]);
        }
        if extra.is_empty() {
            args.extend(["--start", "-1m"]);
        }
        args.extend(extra);
        run(&args, &self.dir);
        self.dir.join(name)
    }
}

/// The DER bundle in a base64 file, as base64 for the node script.
fn bundle_b64(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let der = STANDARD.decode(text.trim()).unwrap();
    STANDARD.encode(der)
}

fn js_verify(bundle: String, audience: &str, at: Timestamp, anchors: &Path) -> Value {
    json!({
        "bundle": bundle,
        "audience": audience,
        "at": iso(at),
        "anchors": std::fs::read_to_string(anchors).unwrap(),
    })
}

#[test]
fn kliento_bundles_verify_in_veraid_js_with_the_same_subject_and_claims() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let dir = temp_dir();
    let cases = matrix();
    let orgs: Vec<(u32, KlientoOrg)> = [2048, 3072, 4096]
        .into_iter()
        .map(|bits| (bits, KlientoOrg::new(dir.path(), bits, "example.com")))
        .collect();
    let mut issued = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let org = &orgs.iter().find(|(bits, _)| *bits == case.bits).unwrap().1;
        issued.push((org, org.issue(case, &format!("token{n}.b64"), &[])));
    }
    let at = now();
    let js_cases = issued
        .iter()
        .map(|(org, path)| js_verify(bundle_b64(path), AUDIENCE, at, &org.anchors()))
        .collect();
    let js = oracle_script("bundles.mjs", "verify", js_cases);
    for ((case, (org, path)), js) in cases.iter().zip(&issued).zip(&js) {
        let label = case.label();
        assert!(
            js.get("error").is_none(),
            "{label}: veraid-js rejects: {js}"
        );
        let ours = kliento_verify(path, AUDIENCE, &org.anchors(), at);
        assert_eq!(ours["status"], "valid", "{label}: {ours}");
        assert_eq!(js["subjectId"], case.signer.subject(), "{label}");
        assert_eq!(js["subjectId"], ours["subjectId"], "{label}");
        assert_eq!(js["claims"], case.claims_json(), "{label}");
        assert_eq!(js["claims"], ours["claims"], "{label}");
        assert_eq!(js["audience"], AUDIENCE, "{label}");
        assert_eq!(js["member"]["organisation"], "example.com", "{label}");
        assert_eq!(js["wasSignedByMember"], case.signer.by_member(), "{label}");
    }
    eprintln!(
        "{} kliento bundles verified in veraid-js and kliento",
        cases.len()
    );
}

/// The `issue` case for bundles.mjs: certificates and DNSSEC signatures valid an hour either
/// side of `at`, the signature from a minute ago for ten minutes unless `fault` moves it.
fn js_issue(case: &Case, at: Timestamp, fault: Option<&str>) -> Value {
    let (start, expiry) = match fault {
        Some("expired") => (at - 2.hours(), at - 1.hour()),
        Some("not-yet-valid") => (at + 1.hour(), at + 2.hours()),
        // Milliseconds, as veraid-js's default start (`new Date()`) has them: kliento must read
        // fractional GeneralizedTime.
        _ => (at - 1.minute() + 123.milliseconds(), at + 10.minutes()),
    };
    json!({
        "bits": case.bits,
        "signer": case.signer.js_name(),
        "user": "alice",
        "token": case.token_json(),
        "start": iso(start),
        "expiry": iso(expiry),
        "certStart": iso(at - 1.hour()),
        "certExpiry": iso(at + 1.hour()),
        "chainStart": iso(at - 1.hour()),
        "chainEnd": iso(at + 1.hour()),
        "fault": fault,
    })
}

/// Writes a bundles.mjs `issue` result as `NAME.b64` and `NAME.ds`; returns both paths.
fn save_js_bundle(dir: &Path, name: &str, issued: &Value) -> (PathBuf, PathBuf) {
    assert!(
        issued.get("error").is_none(),
        "veraid-js cannot issue: {issued}"
    );
    let bundle = write(
        dir,
        &format!("{name}.b64"),
        issued["bundle"].as_str().unwrap(),
    );
    let anchors = write(
        dir,
        &format!("{name}.ds"),
        issued["anchors"].as_str().unwrap(),
    );
    (bundle, anchors)
}

#[test]
fn veraid_js_bundles_verify_in_kliento_with_the_same_subject_and_claims() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let dir = temp_dir();
    let cases = matrix();
    let at = now();
    let issued = oracle_script(
        "bundles.mjs",
        "issue",
        cases.iter().map(|c| js_issue(c, at, None)).collect(),
    );
    let files: Vec<(PathBuf, PathBuf)> = issued
        .iter()
        .enumerate()
        .map(|(n, issued)| save_js_bundle(dir.path(), &format!("js{n}"), issued))
        .collect();
    // The reference accepts its own bundles: the matrix is meaningful.
    let js = oracle_script(
        "bundles.mjs",
        "verify",
        files
            .iter()
            .map(|(bundle, anchors)| js_verify(bundle_b64(bundle), AUDIENCE, at, anchors))
            .collect(),
    );
    for ((case, (bundle, anchors)), js) in cases.iter().zip(&files).zip(&js) {
        let label = case.label();
        assert!(
            js.get("error").is_none(),
            "{label}: veraid-js rejects: {js}"
        );
        let ours = kliento_verify(bundle, AUDIENCE, anchors, at);
        assert_eq!(ours["status"], "valid", "{label}: {ours}");
        assert_eq!(ours["subjectId"], case.signer.subject(), "{label}");
        assert_eq!(ours["subjectId"], js["subjectId"], "{label}");
        assert_eq!(ours["claims"], case.claims_json(), "{label}");
        assert_eq!(ours["claims"], js["claims"], "{label}");
    }
    eprintln!(
        "{} veraid-js bundles verified in kliento and veraid-js",
        cases.len()
    );
}

/// How the two verifiers' reasons for a rejection compare.
#[derive(Clone, Copy, Debug)]
enum Reason {
    /// Identical messages (JS's `.000Z` millisecond suffixes aside).
    Same,
    /// Both messages contain this text.
    BothSay(&'static str),
    /// Each side says its own thing: (kliento's text, veraid-js's text).
    Each(&'static str, &'static str),
}

/// One rejected bundle: who built it, what is wrong, how both sides must explain it.
struct Negative {
    name: String,
    bundle: PathBuf,
    anchors: PathBuf,
    audience: &'static str,
    reason: Reason,
}

/// The JS message with `Date.toISOString`'s `.000Z` written as kliento writes whole seconds.
fn normalise(message: &str) -> String {
    message.replace(".000Z", "Z")
}

/// Rejections common to both directions, with the reason both sides must give.
fn reason_for(fault: &str) -> Reason {
    match fault {
        "audience" | "service" | "expired" | "not-yet-valid" => Reason::Same,
        "tampered-plaintext" => Reason::Each(
            "the plaintext's SHA-256 digest is",
            "Message digest doesn't match",
        ),
        "other-key" => {
            Reason::BothSay("Could not find VeraId record for specified key and/or service")
        }
        "pkcs1-org-cert" => {
            Reason::BothSay("Only RSA-PSS keys are supported (got RSASSA-PKCS1-v1_5)")
        }
        "other-domain" => Reason::Each(
            "chain is missing the VeraId TXT response for _veraid.example.com.",
            "Chain is missing VeraId TXT response",
        ),
        other => panic!("no reason for {other}"),
    }
}

/// The bundles veraid-js builds with `fault` (the PKCS#1 v1.5 certificate under both an
/// organisation and a member signature).
fn js_negatives(dir: &Path, at: Timestamp, fault: &'static str) -> Vec<Negative> {
    let user = Case {
        bits: 2048,
        signer: Signer::User,
        claims: vec![("role", "admin")],
    };
    let member = Case {
        signer: Signer::MemberUser,
        ..user.clone()
    };
    let mut specs: Vec<(&str, &Case)> = vec![(fault, &user)];
    if fault == "pkcs1-org-cert" {
        specs.push((fault, &member));
    }
    let issued = oracle_script(
        "bundles.mjs",
        "issue",
        specs
            .iter()
            .map(|(fault, case)| {
                let fault = (*fault != "audience").then_some(*fault);
                js_issue(case, at, fault)
            })
            .collect(),
    );
    specs
        .iter()
        .zip(&issued)
        .map(|((fault, case), issued)| {
            let name = format!("js-{fault}-{:?}", case.signer);
            let (bundle, anchors) = save_js_bundle(dir, &name, issued);
            Negative {
                name,
                bundle,
                anchors,
                audience: if *fault == "audience" {
                    "https://api.example.net"
                } else {
                    AUDIENCE
                },
                reason: reason_for(fault),
            }
        })
        .collect()
}

/// Replaces the first occurrence of `from` in the DER bundle of a base64 file by `to`.
fn tamper(path: &Path, from: &[u8], to: &[u8]) -> PathBuf {
    let text = std::fs::read_to_string(path).unwrap();
    let mut der = STANDARD.decode(text.trim()).unwrap();
    let at = der
        .windows(from.len())
        .position(|w| w == from)
        .expect("the plaintext is encapsulated");
    der[at..at + to.len()].copy_from_slice(to);
    let tampered = path.with_extension("tampered.der");
    std::fs::write(&tampered, der).unwrap();
    tampered
}

/// A kliento bundle bound to another service: the library signs it (the CLI only issues
/// Kliento-bound bundles) with the CLI-made key, certificate and chain.
fn kliento_bundle_for_service(org: &KlientoOrg, at: Timestamp, service: &str) -> PathBuf {
    let bundle = crate::support::fixture::bundle_for_service(
        &org.dir,
        service,
        at - 1.minute(),
        at + 10.minutes(),
        AUDIENCE,
    );
    write(&org.dir, "service.der", bundle)
}

/// The bundle kliento builds with `fault`, if it can (it cannot sign a certificate with
/// PKCS#1 v1.5: veraid-js builds that one).
fn kliento_negative(dir: &Path, at: Timestamp, fault: &'static str) -> Option<Negative> {
    let org = KlientoOrg::new(dir, 2048, "example.com");
    let case = Case {
        bits: 2048,
        signer: Signer::User,
        claims: vec![("role", "admin")],
    };
    let moved = |hours: [i64; 2]| hours.map(|h| (at + h.hours()).to_string());
    let (bundle, anchors) = match fault {
        "audience" => (org.issue(&case, "valid.b64", &[]), org.anchors()),
        "expired" | "not-yet-valid" => {
            let [start, expiry] = moved(if fault == "expired" { [-2, -1] } else { [1, 2] });
            // Minted to fail: `issue token` refuses such bundles without --allow-invalid.
            let flags = ["--start", &start, "--expiry", &expiry, "--allow-invalid"];
            (org.issue(&case, "moved.b64", &flags), org.anchors())
        }
        "service" => (
            kliento_bundle_for_service(&org, at, "1.3.6.1.4.1.58708.1.1"),
            org.anchors(),
        ),
        "tampered-plaintext" => {
            let valid = org.issue(&case, "valid.b64", &[]);
            (
                tamper(&valid, b"api.example.com", b"api.example.net"),
                org.anchors(),
            )
        }
        "other-key" => {
            // Signed with another key over `org`'s chain, whose TXT record names `org`'s key.
            let other = KlientoOrg::new(dir, 2048, "example.net");
            std::fs::copy(org.dir.join("chain.der"), other.dir.join("chain.der")).unwrap();
            let flags = ["--start", "-1m", "--allow-invalid"];
            (other.issue(&case, "other-key.b64", &flags), org.anchors())
        }
        "other-domain" => {
            // For example.com, over the example.org chain (whose TXT record names the key).
            let other = KlientoOrg::new(dir, 2048, "example.org");
            let flags = ["--start", "-1m", "--allow-invalid"];
            (
                other.issue(&case, "other-domain.b64", &flags),
                other.anchors(),
            )
        }
        _ => return None,
    };
    Some(Negative {
        name: format!("kliento-{fault}"),
        bundle,
        anchors,
        audience: if fault == "audience" {
            "https://api.example.net"
        } else {
            AUDIENCE
        },
        reason: reason_for(fault),
    })
}

fn der_b64(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    match STANDARD.decode(String::from_utf8_lossy(&bytes).trim()) {
        Ok(der) => STANDARD.encode(der),
        Err(_) => STANDARD.encode(bytes),
    }
}

/// Both verifiers reject the bundles veraid-js and kliento build with `fault`, for the reason
/// `reason_for(fault)` states.
fn both_reject(fault: &'static str) {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let dir = temp_dir();
    let at = now();
    let mut negatives = js_negatives(dir.path(), at, fault);
    negatives.extend(kliento_negative(dir.path(), at, fault));
    let js = oracle_script(
        "bundles.mjs",
        "verify",
        negatives
            .iter()
            .map(|n| js_verify(der_b64(&n.bundle), n.audience, at, &n.anchors))
            .collect(),
    );
    for (negative, js) in negatives.iter().zip(&js) {
        let name = &negative.name;
        let js_error = normalise(
            js["error"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: veraid-js accepts it: {js}")),
        );
        let ours = kliento_verify(&negative.bundle, negative.audience, &negative.anchors, at);
        assert_eq!(ours["status"], "invalid", "{name}: {ours}");
        let our_error = ours["error"].as_str().unwrap();
        eprintln!("{name}\n  kliento:   {our_error}\n  veraid-js: {js_error}");
        match negative.reason {
            Reason::Same => assert_eq!(our_error, js_error, "{name}"),
            Reason::BothSay(text) => {
                assert!(our_error.contains(text), "{name}: kliento says {our_error}");
                assert!(js_error.contains(text), "{name}: veraid-js says {js_error}");
            }
            Reason::Each(ours_says, js_says) => {
                assert!(
                    our_error.contains(ours_says),
                    "{name}: kliento says {our_error}"
                );
                assert!(
                    js_error.contains(js_says),
                    "{name}: veraid-js says {js_error}"
                );
            }
        }
    }
    eprintln!(
        "{fault}: {} bundle(s) rejected by both sides",
        negatives.len()
    );
}

#[test]
fn both_reject_a_token_for_another_audience() {
    both_reject("audience");
}

#[test]
fn both_reject_an_expired_signature() {
    both_reject("expired");
}

#[test]
fn both_reject_a_signature_not_yet_valid() {
    both_reject("not-yet-valid");
}

#[test]
fn both_reject_a_signature_bound_to_another_service() {
    both_reject("service");
}

#[test]
fn both_reject_a_tampered_plaintext() {
    both_reject("tampered-plaintext");
}

#[test]
fn both_reject_a_signature_by_a_key_not_in_the_txt_record() {
    both_reject("other-key");
}

#[test]
fn both_reject_an_organisation_certificate_signed_with_pkcs1_v1_5() {
    both_reject("pkcs1-org-cert");
}

#[test]
fn both_reject_a_chain_from_another_domain() {
    both_reject("other-domain");
}
