//! Fixtures made with the CLI itself: an organisation on a test DNSSEC chain, and its members.

use super::{kliento, temp_dir};
use std::path::{Path, PathBuf};

/// An organisation key (`org.pem`), a test chain for its domain (`chain.der`, Ed25519 zones)
/// and the chain's trust anchors (`root.ds`), in a temporary directory.
pub struct Org {
    pub dir: tempfile::TempDir,
}

impl Org {
    /// The organisation of example.com.
    pub fn new() -> Self {
        Self::for_domain("example.com", &[])
    }

    /// The organisation of `domain`, with `extra` arguments to `issue test-chain`.
    pub fn for_domain(domain: &str, extra: &[&str]) -> Self {
        let dir = temp_dir();
        kliento()
            .args(["-q", "keygen", "-o"])
            .arg(dir.path().join("org.pem"))
            .assert()
            .success();
        kliento()
            .args(["-q", "issue", "test-chain", "--domain", domain, "--key"])
            .arg(dir.path().join("org.pem"))
            .arg("-o")
            .arg(dir.path().join("chain.der"))
            .arg("--trust-anchors-out")
            .arg(dir.path().join("root.ds"))
            .args(["--zone-algorithms", "ed25519"])
            .args(extra)
            .assert()
            .success();
        Self { dir }
    }

    /// A file of the fixture.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// An organisation certificate for example.com (`org.crt`); its path.
    pub fn org_cert(&self) -> PathBuf {
        let path = self.path("org.crt");
        kliento()
            .args([
                "-q",
                "issue",
                "org-cert",
                "--domain",
                "example.com",
                "--key",
            ])
            .arg(self.path("org.pem"))
            .arg("-o")
            .arg(&path)
            .assert()
            .success();
        path
    }

    /// An organisation certificate for example.com (`org.crt`), a member key (`member_key`)
    /// and the member certificate of `user` (`<user>.crt`).
    pub fn member(&self, user: &str, member_key: &str) {
        kliento()
            .args(["-q", "keygen", "-o"])
            .arg(self.path(member_key))
            .assert()
            .success();
        self.org_cert();
        kliento()
            .args(["-q", "issue", "member-cert", "--user", user, "--org-key"])
            .arg(self.path("org.pem"))
            .arg("--org-cert")
            .arg(self.path("org.crt"))
            .arg("--member-key")
            .arg(self.path(member_key))
            .arg("-o")
            .arg(self.path(&format!("{user}.crt")))
            .assert()
            .success();
    }

    /// A token bundle for https://api.example.com signed by `user` with the member key and
    /// certificate of [`Org::member`], plus `extra` arguments to `issue token`: its stdout.
    pub fn member_token(&self, user: &str, member_key: &str, extra: &[&str]) -> Vec<u8> {
        kliento()
            .args(["issue", "token", "--audience", "https://api.example.com"])
            .args(["--domain", "example.com", "--chain"])
            .arg(self.path("chain.der"))
            .args(extra)
            .arg("--org-cert")
            .arg(self.path("org.crt"))
            .arg("--member-cert")
            .arg(self.path(&format!("{user}.crt")))
            .arg("--member-key")
            .arg(self.path(member_key))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    }
}

/// A token bundle for `audience` bound to `service`, valid from `start` to `end`, signed by the
/// organisation for alice with the CLI-made `org.pem`, `org.crt` and `chain.der` of `dir`: the
/// library signs it, as the CLI only issues bundles bound to Kliento's service.
pub fn bundle_for_service(
    dir: &Path,
    service: &str,
    start: jiff::Timestamp,
    end: jiff::Timestamp,
    audience: &str,
) -> Vec<u8> {
    use kliento::dnssec::DnssecChain;
    use kliento::keys::RsaKey;
    use kliento::veraid::bundle::SignatureBundle;
    use kliento::veraid::certificate::Certificate;
    use kliento::veraid::member::Member;
    use kliento::veraid::signature::{self, SignOptions, SignatureMetadata};

    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let key = RsaKey::from_bytes(&read("org.pem"))
        .and_then(RsaKey::into_private)
        .unwrap();
    let certificate = Certificate::from_bytes(&read("org.crt")).unwrap();
    let chain: Vec<Vec<u8>> = DnssecChain::from_der(&read("chain.der"))
        .unwrap()
        .messages()
        .map(<[u8]>::to_vec)
        .collect();
    let member = Member::from_name("alice").unwrap();
    let metadata = SignatureMetadata {
        service: service.parse().unwrap(),
        start,
        end,
    };
    let options = SignOptions {
        encapsulate: true,
        ..SignOptions::default()
    };
    let token = format!(r#"{{"audience":"{audience}"}}"#);
    let signer = signature::Signer::Organisation {
        certificate: &certificate,
        attribution: &member,
    };
    let signed = signature::sign(token.as_bytes(), &metadata, signer, &key, &options).unwrap();
    SignatureBundle::encode(&chain, certificate.to_der(), &signed).unwrap()
}
