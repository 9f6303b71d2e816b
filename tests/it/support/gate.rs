//! The one availability gate for the external tools some tests run (node and the pinned node
//! packages, python3 with botocore, Knot DNS, `script`, `curl`). When a tool is missing, outside CI the test reports
//! itself skipped, on a line of its own straight on the process's stderr (which libtest does
//! not capture), and the skips are counted in a last line when the binary exits; under
//! `CI=true` a missing tool fails the test. A test never passes silently for want of a tool.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

static SKIPPED: AtomicUsize = AtomicUsize::new(0);
static SUMMARY: Once = Once::new();

/// Whether the tests run under CI, where a missing tool is a failure rather than a skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `true` when `present`; otherwise fails under `CI=true`, or reports the calling test skipped
/// (`what` not found; `how` says how to get it) and returns `false`.
pub fn require(what: &str, present: bool, how: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        !under_ci(),
        "{what} is required under CI=true but not found ({how})"
    );
    skip(&format!("{what} not found ({how})"));
    false
}

/// Reports the calling test skipped for `reason`: `SKIPPED <test>: <reason>` on stderr, and
/// one more in the count printed when the test binary exits.
pub fn skip(reason: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("<unnamed test>");
    SKIPPED.fetch_add(1, Ordering::SeqCst);
    SUMMARY.call_once(|| {
        // SAFETY: `summary` is a plain function that only writes to stderr.
        unsafe { libc::atexit(summary) };
    });
    let _ = std::io::stderr().write_all(format!("SKIPPED {test}: {reason}\n").as_bytes());
}

extern "C" fn summary() {
    let count = SKIPPED.load(Ordering::SeqCst);
    let _ = std::io::stderr().write_all(
        format!("SKIPPED {count} test(s) in all (see the SKIPPED lines above)\n").as_bytes(),
    );
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `program --version` runs.
fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn installed(dir: &str, package: &str) -> bool {
    root()
        .join(dir)
        .join("node_modules")
        .join(package)
        .join("package.json")
        .exists()
}

/// node and the reference implementation (`npm ci --prefix tests/interop`).
pub fn node_oracle() -> bool {
    require("node", runs("node"), "install node")
        && require(
            "tests/interop/node_modules (@relaycorp/veraid)",
            installed("tests/interop", "@relaycorp/veraid"),
            "run `npm ci --prefix tests/interop` or ./test.sh",
        )
}

/// node, the loopback peers (`npm ci --prefix tests/peers`) and the reference implementation.
pub fn node_peers() -> bool {
    node_oracle()
        && require(
            "tests/peers/node_modules (oidc-provider)",
            installed("tests/peers", "oidc-provider"),
            "run `npm ci --prefix tests/peers` or ./test.sh",
        )
}

/// python3 with botocore (the STS peer's signature check): `.ci/run` installs the pinned
/// version into target/pydeps.
pub fn botocore() -> bool {
    let imports = super::sts::python()
        .args(["-c", "import botocore.auth"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    require(
        "python3 with botocore",
        imports,
        "run `python3 -m pip install --target target/pydeps botocore==1.43.11` or .ci/run",
    )
}

/// `script` (util-linux), which gives kliento a terminal.
pub fn script() -> bool {
    require("script", runs("script"), "apt-get install util-linux")
}

/// `curl`.
pub fn curl() -> bool {
    require("curl", runs("curl"), "apt-get install curl")
}

/// A Knot DNS tool on PATH or in the sbin directories Debian installs it to.
fn knot_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Knot DNS's `knotd`, `keymgr` and `knotc`, or a skip (a failure under CI).
pub fn knot() -> Option<[PathBuf; 3]> {
    let tools = ["knotd", "keymgr", "knotc"].map(knot_tool);
    let present = tools.iter().all(Option::is_some);
    if !require(
        "knotd, keymgr and knotc (Knot DNS)",
        present,
        "apt-get install -y knot knot-dnsutils",
    ) {
        return None;
    }
    Some(tools.map(|t| t.unwrap()))
}
