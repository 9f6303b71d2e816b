//! The loopback AWS KMS of the `awskms://` key tests: moto's KMS server (`moto[server]`, pinned,
//! installed by `.ci/run` under target/moto) started from tests/peers/kms_peer.py, which makes
//! it sign as AWS KMS does and checks SigV4. Check [`moto`] first.
//!
//! What the wrapper fixes in moto 5.2 (measured): RSASSA-PSS with the maximum salt length (AWS
//! KMS and VeraId use a salt as long as the digest), and `MessageType=DIGEST` ignored (moto
//! hashed the digest again). kliento always sends `MessageType=DIGEST`, as cosign does (the
//! message never leaves the host; no 4096-byte limit), so every signature of these tests goes
//! through the wrapper's DIGEST fix, and a salt of the wrong length would fail verification
//! in @relaycorp/veraid.
//!
//! Denial: moto enforces no IAM policy by default, so the wrapper answers AccessDeniedException
//! to the actions a key of its configuration is denied ([`DENIED`] may not `kms:Sign` nor
//! `kms:CreateKey`), rather than moto's IAM emulation (users, policies,
//! INITIAL_NO_AUTH_ACTION_COUNT).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The region of every key the peer holds.
pub const REGION: &str = "eu-west-1";

/// AWS credentials the peer knows.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// The access key id.
    pub id: &'static str,
    /// The secret access key.
    pub secret: &'static str,
    /// The session token of temporary credentials.
    pub token: Option<&'static str>,
}

/// Temporary credentials allowed everything (the session token is signed too).
pub const ALLOWED: Key = Key {
    id: "ASIAKMSALLOWEDEXAMPLE",
    secret: "kms/allowed+SECRET/EXAMPLEwJalrXUtnFEMIK7MDENG",
    token: Some("IQoJkms/allowed+session=="),
};
/// Long-term keys that may read public keys but not sign nor create keys.
pub const DENIED: Key = Key {
    id: "AKIAKMSDENIEDEXAMPLE",
    secret: "kms/denied+SECRET/EXAMPLEbPxRfiCYEXAMPLEKEY",
    token: None,
};

/// The RSA-2048 organisation key the peer creates at start.
pub const ORG: &str = "alias/org";
/// An ECC_NIST_P256 signing key.
pub const EC: &str = "alias/ec";
/// An RSA key for encryption, not signing.
pub const ENCRYPTION: &str = "alias/encryption";

/// A key the peer created at start.
#[derive(Clone, Debug)]
pub struct Created {
    /// Its key id.
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// Its public key, SubjectPublicKeyInfo DER.
    pub public_key: Vec<u8>,
}

/// The running peer.
pub struct KmsPeer {
    /// Kept open: the peer exits when it closes, i.e. when the test process ends.
    _stdin: Mutex<std::process::ChildStdin>,
    _child: Mutex<Child>,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The keys created at start, by alias.
    pub created: std::collections::HashMap<String, Created>,
}

/// `python3` with the pinned moto on its path.
pub fn python() -> Command {
    let mut paths = vec![super::gate::root().join("target/moto")];
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    let mut command = Command::new("python3");
    command.env("PYTHONPATH", std::env::join_paths(paths).unwrap());
    command
}

/// python3 with moto's server (`.ci/run` installs it under target/moto).
pub fn moto() -> bool {
    let imports = python()
        .args([
            "-c",
            "import moto.moto_server.werkzeug_app, boto3, botocore.auth",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    super::gate::require(
        "python3 with moto[server]",
        imports,
        "run `python3 -m pip install --target target/moto 'moto[server]==5.2.5'` or .ci/run",
    )
}

/// The peer shared by every test of the binary (started once).
pub fn kms_peer() -> &'static KmsPeer {
    static PEER: std::sync::OnceLock<KmsPeer> = std::sync::OnceLock::new();
    PEER.get_or_init(KmsPeer::start)
}

impl KmsPeer {
    fn start() -> Self {
        let keys: serde_json::Map<String, serde_json::Value> = [
            (ALLOWED, vec![]),
            (DENIED, vec!["Sign", "CreateKey"]),
        ]
        .iter()
        .map(|(key, denied)| {
            (
                key.id.to_string(),
                serde_json::json!({"secret": key.secret, "token": key.token, "denied": denied}),
            )
        })
        .collect();
        let config = serde_json::json!({
            "keys": keys,
            "region": REGION,
            "create": [
                {"alias": ORG, "spec": "RSA_2048", "usage": "SIGN_VERIFY"},
                {"alias": EC, "spec": "ECC_NIST_P256", "usage": "SIGN_VERIFY"},
                {"alias": ENCRYPTION, "spec": "RSA_2048", "usage": "ENCRYPT_DECRYPT"},
            ],
        });
        let mut child = python()
            .arg(super::gate::root().join("tests/peers/kms_peer.py"))
            .arg(config.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the KMS peer");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the KMS peer's line");
        let info: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the KMS peer printed {line:?}: {e}"));
        use base64::Engine;
        let created = info["created"]
            .as_object()
            .expect("created")
            .iter()
            .map(|(alias, key)| {
                let text = |name: &str| key[name].as_str().expect("a string").to_string();
                let public_key = base64::engine::general_purpose::STANDARD
                    .decode(text("public_key"))
                    .expect("base64");
                (
                    alias.clone(),
                    Created {
                        id: text("id"),
                        arn: text("arn"),
                        public_key,
                    },
                )
            })
            .collect();
        Self {
            _stdin: Mutex::new(child.stdin.take().unwrap()),
            _child: Mutex::new(child),
            url: info["url"].as_str().expect("url").to_string(),
            created,
        }
    }

    /// The `host:port` of the peer, for `awskms://HOST:PORT/KEY`.
    pub fn host_port(&self) -> &str {
        self.url.strip_prefix("http://").expect("an http URL")
    }

    /// `kliento` with `key`'s credentials, the region and `AWS_ENDPOINT_URL_KMS` set to the
    /// peer, instance metadata turned off.
    pub fn kliento(&self, key: Key) -> assert_cmd::Command {
        let mut command = super::kliento();
        command
            .env("AWS_ACCESS_KEY_ID", key.id)
            .env("AWS_SECRET_ACCESS_KEY", key.secret)
            .env("AWS_REGION", REGION)
            .env("AWS_ENDPOINT_URL_KMS", &self.url)
            .env("AWS_EC2_METADATA_DISABLED", "true");
        if let Some(token) = key.token {
            command.env("AWS_SESSION_TOKEN", token);
        }
        command
    }
}
