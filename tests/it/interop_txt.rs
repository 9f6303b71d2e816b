//! TXT records agree with the reference implementation, @relaycorp/veraid 3.1.2: generation for
//! random keys of every size and encoding, and parsing of awkward RDATA.

use crate::support::oracle::oracle;
use crate::support::{kliento, temp_dir, write};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kliento::veraid::txt::TxtRdata;
use pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use pkcs8::DecodePrivateKey;
use serde_json::json;

const KEYS_PER_SIZE: usize = 20;
const SERVICES: [Option<&str>; 3] = [
    None,
    Some("1.3.6.1.4.1.58708.3.0"),
    Some("1.3.6.1.4.1.58708.1.1"),
];
const TTLS: [u64; 5] = [3600, 0, 7_776_000, 86_400, 42];

/// Every way `txt-record --key` may receive the same key.
fn encodings(pkcs8_der: &[u8], spki_der: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let private = rsa::PrivateKey::from_pkcs8_der(pkcs8_der).expect("oracle PKCS#8");
    let public = private.to_public_key();
    vec![
        ("pkcs8.der", pkcs8_der.to_vec()),
        ("spki.der", spki_der.to_vec()),
        (
            "pkcs8.pem",
            kliento::keys::private_key_pem(&private).as_bytes().to_vec(),
        ),
        (
            "spki.pem",
            kliento::keys::public_key_pem(&public).into_bytes(),
        ),
        (
            "pkcs1.pem",
            private
                .to_pkcs1_pem(LineEnding::LF)
                .unwrap()
                .as_bytes()
                .to_vec(),
        ),
        (
            "pkcs1-public.der",
            public.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        ),
    ]
}

fn our_rdata(key_file: &std::path::Path, ttl: u64, service: Option<&str>) -> String {
    let mut cmd = kliento();
    cmd.arg("txt-record").arg("--key").arg(key_file);
    cmd.arg("--ttl-override").arg(ttl.to_string());
    if let Some(service) = service {
        cmd.arg("--service").arg(service);
    }
    let output = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(output).unwrap().trim_end().to_string()
}

#[test]
fn txt_record_equals_veraid_js_for_random_keys_of_each_size() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let dir = temp_dir();
    let mut requests = Vec::new();
    for modulus in [2048, 3072, 4096] {
        requests.extend((0..KEYS_PER_SIZE).map(|_| json!({ "modulus": modulus })));
    }
    let keys = oracle("generate-key", requests);

    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let pkcs8 = STANDARD.decode(key["pkcs8"].as_str().unwrap()).unwrap();
        let spki_b64 = key["spki"].as_str().unwrap();
        let spki = STANDARD.decode(spki_b64).unwrap();
        let all = encodings(&pkcs8, &spki);
        let (name, bytes) = &all[i % all.len()];
        let file = write(dir.path(), &format!("key{i}.{name}"), bytes);
        let ttl = TTLS[i % TTLS.len()];
        let service = SERVICES[i % SERVICES.len()];
        cases.push(json!({ "spki": spki_b64, "ttlOverride": ttl, "serviceOid": service }));
        ours.push((format!("key {i} as {name}"), our_rdata(&file, ttl, service)));
    }
    let theirs = oracle("txt-rdata", cases);
    for ((label, ours), theirs) in ours.iter().zip(&theirs) {
        assert_eq!(
            Some(ours.as_str()),
            theirs["rdata"].as_str(),
            "{label}: {theirs}"
        );
    }
    assert_eq!(ours.len(), 3 * KEYS_PER_SIZE);
}

#[test]
fn keys_from_kliento_keygen_get_the_same_txt_record_in_veraid_js() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let dir = temp_dir();
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for bits in ["2048", "3072", "4096"] {
        let private = dir.path().join(format!("{bits}.pem"));
        let public = dir.path().join(format!("{bits}.pub.pem"));
        kliento()
            .args(["keygen", "--bits", bits, "-o"])
            .arg(&private)
            .arg("--public-out")
            .arg(&public)
            .assert()
            .success();
        let key = kliento::keys::RsaKey::from_bytes(&std::fs::read(&public).unwrap())
            .unwrap()
            .public_key();
        let spki = kliento::keys::canonical_spki_der(&key);
        cases.push(json!({ "spki": STANDARD.encode(spki), "ttlOverride": 3600 }));
        ours.push(our_rdata(&private, 3600, None));
    }
    let theirs = oracle("txt-rdata", cases);
    for (ours, theirs) in ours.iter().zip(&theirs) {
        assert_eq!(Some(ours.as_str()), theirs["rdata"].as_str());
    }
}

#[test]
fn txt_parser_agrees_with_veraid_js_on_awkward_rdata() {
    if !crate::support::gate::node_oracle() {
        return;
    }
    let id = "LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM=";
    let texts: Vec<String> = [
        "1 ID 3600",
        "2 ID 0 1.3.6.1.4.1.58708.3.0",
        "3 ID 7776000 1.2.3 trailing junk",
        "1 ID 7776001",
        "1 ID 123456789012345678901234567890",
        "1 ID",
        "",
        "   ",
        "0 ID 10",
        "4 ID 10",
        " 1 ID 10",
        "1 ID 10 ",
        "\t1\tID\t10\t",
        "1 ID 10\n",
        " 1 ID 10\n1.2",
        "1\nID 10 ",
        "1  ID   10",
        "1 ID -1",
        "1 ID 1.5",
        "1 ID +5",
        "1 ID 1e3",
        "1 ID ١٢",
        "1\u{a0}ID 10",
        "1\u{85}ID 10",
        "1\u{feff}ID 10",
        "1\u{2028}ID 10",
        "1 ID 10\u{3000}",
        "01 ID 10",
        "1 ID 10 \n",
        "a b",
        "ab",
    ]
    .iter()
    .map(|t| t.replace("ID", id))
    .collect();
    let cases = texts.iter().map(|t| json!({ "text": t })).collect();
    let theirs = oracle("parse-txt", cases);
    for (text, theirs) in texts.iter().zip(&theirs) {
        let ours = match TxtRdata::parse(text) {
            Ok(r) => json!({
                "keyAlgorithm": r.algorithm.id(),
                "keyId": r.key_id,
                "ttlOverride": r.ttl_override.seconds(),
                "serviceOid": r.service_oid,
            }),
            Err(e) => json!({ "error": e.to_string() }),
        };
        assert_eq!(&ours, theirs, "RDATA {text:?}");
    }
}
