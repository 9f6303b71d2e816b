//! Peers of the `exchange` tests: the node peers of tests/peers (OIDC provider, platform token
//! endpoints, Authority; check [`super::gate::node_peers`] first), and the bundle and JWT
//! placeholders the scripted servers of [`super::http`] answer with.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// Asserts that none of `secrets` appears on `stderr`.
pub fn assert_no_secrets(stderr: impl AsRef<[u8]>, secrets: &[&str]) {
    let stderr = String::from_utf8_lossy(stderr.as_ref());
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !stderr.contains(secret),
            "a secret leaked to stderr: {stderr}"
        );
    }
}

/// The running node peers and what they printed.
pub struct Peers {
    /// Kept open: the peers exit when it closes, i.e. when the test process ends.
    _stdin: Mutex<std::process::ChildStdin>,
    /// Never waited for: the process outlives the tests by the time it takes to see EOF.
    _child: Mutex<Child>,
    /// The JSON line peers.mjs printed.
    pub info: serde_json::Value,
}

/// The peers shared by every test of the binary (started once; ~2 s for the RSA keys).
pub fn peers() -> &'static Peers {
    static PEERS: std::sync::OnceLock<Peers> = std::sync::OnceLock::new();
    PEERS.get_or_init(Peers::start)
}

impl Peers {
    /// Verifies a DER bundle with @relaycorp/veraid against the peers' mock DNSSEC chain;
    /// returns `{"token": <signed plaintext>, "member": {...}}`.
    pub fn verify_with_veraid(&self, der: &[u8]) -> serde_json::Value {
        use base64::Engine;
        let bundle = base64::engine::general_purpose::STANDARD.encode(der);
        let (status, body) = super::http::http_get(&format!(
            "{}/verify?bundle={}",
            self.get("platform"),
            super::http::url_encode(&bundle)
        ));
        assert_eq!(status, 200, "@relaycorp/veraid rejected the bundle: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Starts tests/peers/peers.mjs and waits for its JSON line.
    fn start() -> Self {
        let mut child: Child = Command::new("node")
            .arg(super::gate::root().join("tests/peers/peers.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node peers");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read peers line");
        let info =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("peers printed {line:?}: {e}"));
        Self {
            _stdin: Mutex::new(child.stdin.take().unwrap()),
            _child: Mutex::new(child),
            info,
        }
    }

    /// A string field of the JSON line.
    pub fn get(&self, key: &str) -> String {
        self.info[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key}"))
            .to_string()
    }

    /// `host:port` of the platform endpoints (for GCE_METADATA_HOST).
    pub fn platform_host(&self) -> String {
        self.get("platform")
            .trim_start_matches("http://")
            .to_string()
    }

    /// A JWT minted by the platform endpoint with the provider's key, for `audience`, issued
    /// `iat` seconds from now and expiring `exp` seconds from now.
    pub fn mint(&self, audience: &str, iat: i64, exp: i64) -> String {
        let query = format!(
            "audience={}&iat={iat}&exp={exp}",
            super::http::url_encode(audience)
        );
        let (status, body) =
            super::http::http_get(&format!("{}/mint?{query}", self.get("platform")));
        assert_eq!(status, 200, "mint failed: {body}");
        body
    }
}

/// Builds a TLV with a definite length.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(value);
    out
}

/// A structurally valid signature bundle (outer SEQUENCE with the four tagged fields) with
/// placeholder contents, for servers that only need to answer something bundle-shaped.
pub fn outer_bundle() -> Vec<u8> {
    let fields = [
        tlv(0x80, &[0]),
        tlv(0xA1, &tlv(0x04, b"dns message")),
        tlv(0xA2, &tlv(0x30, b"tbs")),
        tlv(0xA3, &tlv(0x06, &[0x2A, 0x03])),
    ]
    .concat();
    tlv(0x30, &fields)
}

/// A syntactically valid JWT (unsigned content; the scripted servers do not verify it).
pub const SAMPLE_JWT: &str =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLWJ5dGVz";

/// A file holding [`SAMPLE_JWT`].
pub fn jwt_file(dir: &Path) -> PathBuf {
    let path = dir.join("token.jwt");
    std::fs::write(&path, format!("{SAMPLE_JWT}\n")).unwrap();
    path
}
