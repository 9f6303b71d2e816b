//! The loopback AWS STS of the `aws` source tests (tests/peers/sts_peer.py, which checks each
//! SigV4 signature with botocore; check [`super::gate::botocore`] first), and the credentials
//! it knows.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// Credentials the peer knows: access key id, secret access key, session token.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// The access key id.
    pub id: &'static str,
    /// The secret access key.
    pub secret: &'static str,
    /// The session token of temporary credentials.
    pub token: Option<&'static str>,
}

/// Long-term keys, as in the environment or a profile (`/` and `+` as real keys have).
pub const STATIC: Key = Key {
    id: "AKIASTATICEXAMPLE",
    secret: "static/secret+KEY/EXAMPLEwJalrXUtnFEMIK7MDENG",
    token: None,
};
/// Temporary keys with a session token.
pub const SESSION: Key = Key {
    id: "ASIASESSIONEXAMPLE",
    secret: "session/secret+KEY/EXAMPLEbPxRfiCYEXAMPLEKEY",
    token: Some("IQoJb3JpZ2luX2VjEXAMPLE/session+token=="),
};
/// What the container credentials endpoint hands out.
pub const CONTAINER: Key = Key {
    id: "ASIACONTAINEREXAMPLE",
    secret: "container/secret+KEY/EXAMPLE0123456789abcdef",
    token: Some("IQoJcontainer/token+EXAMPLE=="),
};
/// What the instance metadata service hands out.
pub const INSTANCE: Key = Key {
    id: "ASIAINSTANCEEXAMPLE",
    secret: "instance/secret+KEY/EXAMPLE0123456789abcdef",
    token: Some("IQoJinstance/token+EXAMPLE=="),
};
/// What AssumeRoleWithWebIdentity hands out for [`WEB_IDENTITY_TOKEN`].
pub const ASSUMED: Key = Key {
    id: "ASIAASSUMEDEXAMPLE",
    secret: "assumed/secret+KEY/EXAMPLE0123456789abcdef",
    token: Some("IQoJassumed/token+EXAMPLE=="),
};
/// What AssumeRole hands out.
pub const ROLE: Key = Key {
    id: "ASIAROLEEXAMPLE",
    secret: "role/secret+KEY/EXAMPLE0123456789abcdef",
    token: Some("IQoJrole/token+EXAMPLE=="),
};
/// The web identity token (e.g. an EKS service-account token) the peer accepts.
pub const WEB_IDENTITY_TOKEN: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.d2ViLWlkZW50aXR5";

/// The running peer.
pub struct StsPeer {
    /// Kept open: the peer exits when it closes, i.e. when the test process ends.
    _stdin: Mutex<std::process::ChildStdin>,
    _child: Mutex<Child>,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

/// Where `.ci/run` installs the pinned botocore (`pip install --target`), first on PYTHONPATH.
fn python_path() -> std::ffi::OsString {
    let mut paths = vec![super::gate::root().join("target/pydeps")];
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(paths).unwrap()
}

/// `python3` with the pinned botocore on its path.
pub fn python() -> Command {
    let mut command = Command::new("python3");
    command.env("PYTHONPATH", python_path());
    command
}

/// The peer shared by every test of the binary (started once).
pub fn sts_peer() -> &'static StsPeer {
    static PEER: std::sync::OnceLock<StsPeer> = std::sync::OnceLock::new();
    PEER.get_or_init(StsPeer::start)
}

impl StsPeer {
    fn start() -> Self {
        let keys: serde_json::Map<String, serde_json::Value> =
            [STATIC, SESSION, CONTAINER, INSTANCE, ASSUMED, ROLE]
                .iter()
                .map(|key| {
                    (
                        key.id.to_string(),
                        serde_json::json!({"secret": key.secret, "token": key.token}),
                    )
                })
                .collect();
        let config = serde_json::json!({
            "keys": keys,
            "web_identity": {"token": WEB_IDENTITY_TOKEN, "issued": ASSUMED.id},
            "assume_role": {"issued": ROLE.id},
        });
        let mut child = python()
            .arg(super::gate::root().join("tests/peers/sts_peer.py"))
            .arg(config.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the STS peer");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the STS peer's line");
        let info: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the STS peer printed {line:?}: {e}"));
        Self {
            _stdin: Mutex::new(child.stdin.take().unwrap()),
            _child: Mutex::new(child),
            url: info["url"].as_str().expect("url").to_string(),
        }
    }
}
