//! A real PKCS#11 device for the `pkcs11:` key tests: SoftHSM2 with a token directory and
//! configuration of the test's own (`SOFTHSM2_CONF`), tokens initialised with `softhsm2-util`
//! and keys made with OpenSC's `pkcs11-tool`, as an operator would.

use super::gate;
use super::temp_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's `softhsm2` installs the module.
pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The user PIN of every token made here.
pub const PIN: &str = "pin-4921";
/// The security officer PIN.
const SO_PIN: &str = "so-8830";

/// A SoftHSM2 installation of one test: its token directory and configuration file.
pub struct SoftHsm {
    dir: tempfile::TempDir,
    conf: PathBuf,
}

/// Whether `program` can be started (pkcs11-tool has no --version and --help exits 2).
fn starts(program: &str) -> bool {
    Command::new(program).arg("--help").output().is_ok()
}

impl SoftHsm {
    /// A fresh SoftHSM2 with one token labelled `Org` (user PIN [`PIN`]), or `None` (the test
    /// is skipped; a failure under CI) when softhsm2-util, pkcs11-tool or the module is missing.
    pub fn start() -> Option<Self> {
        let present =
            Path::new(MODULE).is_file() && starts("softhsm2-util") && starts("pkcs11-tool");
        if !gate::require(
            "SoftHSM2 (softhsm2-util, libsofthsm2.so) and pkcs11-tool",
            present,
            "apt-get install -y softhsm2 opensc",
        ) {
            return None;
        }
        let dir = temp_dir();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        let hsm = Self { dir, conf };
        hsm.init_token("Org");
        Some(hsm)
    }

    /// A file of the test's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Initialises another token labelled `label` with [`PIN`].
    pub fn init_token(&self, label: &str) {
        let output = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &self.conf)
            .args(["--init-token", "--free", "--label", label])
            .args(["--so-pin", SO_PIN, "--pin", PIN])
            .output()
            .unwrap();
        assert!(output.status.success(), "softhsm2-util: {output:?}");
    }

    /// `pkcs11-tool` on this SoftHSM2, logged in to `token`, with `args`; its stdout.
    pub fn tool(&self, token: &str, args: &[&str]) -> String {
        let output = Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", &self.conf)
            .args([
                "--module",
                MODULE,
                "--token-label",
                token,
                "--login",
                "--pin",
                PIN,
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "pkcs11-tool {args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// Generates a key pair in `token` with pkcs11-tool: `key_type` as it names them
    /// (`rsa:2048`, `EC:prime256v1`), labelled `label` with CKA_ID `id` (hex).
    pub fn keypair(&self, token: &str, label: &str, id: &str, key_type: &str) {
        self.tool(
            token,
            &[
                "--keypairgen",
                "--key-type",
                key_type,
                "--label",
                label,
                "--id",
                id,
            ],
        );
    }

    /// Exports the public key labelled `label` (SubjectPublicKeyInfo DER) to `<label>.pub.der`.
    pub fn export_public_key(&self, token: &str, label: &str) -> PathBuf {
        let path = self.path(&format!("{label}.pub.der"));
        let path_text = path.to_str().unwrap();
        self.tool(
            token,
            &[
                "--read-object",
                "--type",
                "pubkey",
                "--label",
                label,
                "-o",
                path_text,
            ],
        );
        path
    }

    /// The URI of the key labelled `object` in the `Org` token, with the PIN as pin-value.
    pub fn uri(&self, object: &str) -> String {
        format!("pkcs11:token=Org;object={object}?pin-value={PIN}")
    }

    /// `kliento` (clean environment) with this SoftHSM2's configuration and
    /// `KLIENTO_PKCS11_MODULE`, run in the test's directory.
    pub fn kliento(&self) -> assert_cmd::Command {
        let mut command = super::kliento();
        command
            .env("SOFTHSM2_CONF", &self.conf)
            .env("KLIENTO_PKCS11_MODULE", MODULE)
            .current_dir(self.dir.path());
        command
    }

    /// [`SoftHsm::kliento`] with `args`, which must succeed; its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.kliento().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "kliento {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}
