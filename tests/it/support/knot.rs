//! A real authoritative DNS server for end-to-end tests: Knot DNS (`knotd`) on 127.0.0.1 with a
//! free port in a temporary directory, serving `.`, `com.` and `example.com.`, each signed by
//! Knot itself with a different algorithm (RSASHA256 with a 4096-bit KSK for the root, so that
//! the root DNSKEY answer exceeds 1232 bytes and comes back truncated over UDP; ECDSAP256SHA256
//! for `com.`; Ed25519 for `example.com.`). Each child's DS is added to its parent with
//! `keymgr <zone> ds`, and the root's DS is written out as a trust-anchors file. Knot answers DS
//! queries from the parent zone, so the whole chain comes from one address (rust-stack §5).
//!
//! [`Knot::start`] returns `None` when Knot is not installed, after reporting the test skipped
//! (a failure under `CI=true`; see [`super::gate`]). The server stops on drop.

use hickory_proto::dnssec::rdata::DNSSECRData;
use hickory_proto::op::{Edns, Message, Query};
use hickory_proto::rr::{Name, RData, RecordType};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long Knot may take to generate keys, sign and reload.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// A running knotd; killed on drop.
pub struct Knot {
    /// Where it answers (UDP and TCP).
    pub address: SocketAddr,
    /// A trust-anchors file holding the test root's DS record (digest type 2).
    pub anchors: PathBuf,
    /// The temporary directory holding configuration, zones, keys and logs.
    pub dir: TempDir,
    /// When every zone was signed and every DS published (whole seconds): the instant the
    /// tests validate and verify at, so that no verdict reads the wall clock itself.
    pub ready_at: jiff::Timestamp,
    child: Child,
    conf: PathBuf,
}

impl Knot {
    /// Starts Knot with the three signed zones, `extra_example_com` appended to the
    /// `example.com.` zone file (e.g. the `_veraid` TXT line), and waits until every zone is
    /// signed and every DS is published.
    pub fn start(extra_example_com: &str) -> Option<Knot> {
        let [knotd, keymgr, knotc] = super::gate::knot()?;
        // The port is probed free, then given to knotd; another process may take it in
        // between, so a failed start is retried on a new port.
        let mut last_failure = String::new();
        for _ in 0..3 {
            match Self::try_start(&knotd, &keymgr, &knotc, extra_example_com) {
                Ok(knot) => return Some(knot),
                Err(failure) => last_failure = failure,
            }
        }
        panic!("Knot DNS did not start: {last_failure}");
    }

    fn try_start(
        knotd: &Path,
        keymgr: &Path,
        knotc: &Path,
        extra_example_com: &str,
    ) -> Result<Knot, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let root = dir.path();
        fs::create_dir_all(root.join("zones")).unwrap();
        fs::create_dir_all(root.join("db")).unwrap();
        let address = free_port();
        let conf = root.join("knot.conf");
        fs::write(&conf, config(root, address)).unwrap();
        let zones = root.join("zones");
        fs::write(
            zones.join(".zone"),
            "$TTL 3600\n\
             . IN SOA ns.root. hostmaster.root. 1 3600 900 604800 300\n\
             . IN NS ns.root.\n\
             ns.root. IN A 127.0.0.1\n\
             com. IN NS ns.com.\n\
             ns.com. IN A 127.0.0.1\n",
        )
        .unwrap();
        fs::write(
            zones.join("com.zone"),
            "$TTL 3600\n\
             com. IN SOA ns.com. hostmaster.com. 1 3600 900 604800 300\n\
             com. IN NS ns.com.\n\
             ns.com. IN A 127.0.0.1\n\
             example.com. IN NS ns.example.com.\n\
             ns.example.com. IN A 127.0.0.1\n",
        )
        .unwrap();
        fs::write(
            zones.join("example.com.zone"),
            format!(
                "$TTL 3600\n\
                 example.com. IN SOA ns.example.com. hostmaster.example.com. 1 3600 900 604800 300\n\
                 example.com. IN NS ns.example.com.\n\
                 ns.example.com. IN A 127.0.0.1\n\
                 {extra_example_com}\n"
            ),
        )
        .unwrap();
        let log = fs::File::create(root.join("knotd.log")).unwrap();
        let child = Command::new(knotd)
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", knotd.display()))?;
        let mut knot = Knot {
            address,
            anchors: root.join("anchors.txt"),
            dir,
            ready_at: jiff::Timestamp::UNIX_EPOCH,
            child,
            conf,
        };
        for zone in ["example.com.", "com.", "."] {
            knot.wait_for(zone, RecordType::DNSKEY)?;
        }
        knot.append_ds(keymgr, "example.com.", "com.zone")?;
        knot.append_ds(keymgr, "com.", ".zone")?;
        let reload = Command::new(knotc)
            .arg("-c")
            .arg(&knot.conf)
            .arg("zone-reload")
            .output()
            .map_err(|e| e.to_string())?;
        if !reload.status.success() {
            return Err(format!(
                "knotc zone-reload failed: {}",
                String::from_utf8_lossy(&reload.stderr)
            ));
        }
        knot.wait_for("com.", RecordType::DS)?;
        knot.wait_for("example.com.", RecordType::DS)?;
        let root_ds = ds_lines(keymgr, &knot.conf, ".")?;
        fs::write(
            &knot.anchors,
            format!("; test root of the Knot end-to-end tests\n{root_ds}"),
        )
        .unwrap();
        // Read once, here: Knot signed with the wall clock, and its signatures hold from then.
        knot.ready_at = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
        Ok(knot)
    }

    /// The knotd log so far, for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("knotd.log")).unwrap_or_default()
    }

    /// Waits until `name`/`record_type` is answered with a signed RRset.
    fn wait_for(&mut self, name: &str, record_type: RecordType) -> Result<(), String> {
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("knotd exited with {status}: {}", self.log()));
            }
            if signed_answer(self.address, name, record_type) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{name}/{record_type} was not signed within {READY_WITHIN:?}: {}",
                    self.log()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Appends `zone`'s DS (digest type 2) to its parent's zone file.
    fn append_ds(&self, keymgr: &Path, zone: &str, parent_file: &str) -> Result<(), String> {
        let lines = ds_lines(keymgr, &self.conf, zone)?;
        let path = self.dir.path().join("zones").join(parent_file);
        let mut file = fs::OpenOptions::new().append(true).open(path).unwrap();
        file.write_all(lines.as_bytes()).unwrap();
        Ok(())
    }
}

impl Drop for Knot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `keymgr <zone> ds` prints `com. DS 52486 13 2 596b...`; returns the digest-type-2 lines as
/// `com. 3600 IN DS 52486 13 2 596B...`, the presentation form zone files and anchors use.
fn ds_lines(keymgr: &Path, conf: &Path, zone: &str) -> Result<String, String> {
    let output = Command::new(keymgr)
        .arg("-c")
        .arg(conf)
        .arg(zone)
        .arg("ds")
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "keymgr {zone} ds failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: String = text
        .lines()
        .filter_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                [owner, "DS", tag, algorithm, "2", digest] => Some(format!(
                    "{owner} 3600 IN DS {tag} {algorithm} 2 {}\n",
                    digest.to_uppercase()
                )),
                _ => None,
            },
        )
        .collect();
    if lines.is_empty() {
        return Err(format!("keymgr {zone} ds printed no SHA-256 DS: {text}"));
    }
    Ok(lines)
}

/// A loopback port free for both UDP and TCP right now.
fn free_port() -> SocketAddr {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let address = udp.local_addr().unwrap();
        if TcpListener::bind(address).is_ok() {
            return address;
        }
    }
}

/// Asks over TCP (no truncation to worry about) whether the RRset exists and is signed.
fn signed_answer(server: SocketAddr, name: &str, record_type: RecordType) -> bool {
    let ask = || -> std::io::Result<Message> {
        let mut query = Message::query();
        query.add_query(Query::query(Name::from_ascii(name).unwrap(), record_type));
        let mut edns = Edns::new();
        edns.set_dnssec_ok(true);
        query.set_edns(edns);
        let body = tcp_exchange(server, &query.to_vec().unwrap())?;
        Message::from_vec(&body).map_err(std::io::Error::other)
    };
    let Ok(response) = ask() else {
        return false;
    };
    let covers = |data: &RData| matches!(data, RData::DNSSEC(DNSSECRData::RRSIG(sig)) if sig.input().type_covered == record_type);
    response
        .answers
        .iter()
        .any(|r| r.record_type() == record_type)
        && response.answers.iter().any(|r| covers(&r.data))
}

/// Sends one wire query over TCP (RFC 1035 §4.2.2 framing) and returns the raw response.
pub fn tcp_exchange(server: SocketAddr, query: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect_timeout(&server, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut framed = (query.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(query);
    stream.write_all(&framed)?;
    let mut prefix = [0u8; 2];
    stream.read_exact(&mut prefix)?;
    let mut body = vec![0u8; usize::from(u16::from_be_bytes(prefix))];
    stream.read_exact(&mut body)?;
    Ok(body)
}

/// knot.conf as measured in rust-stack §5, on `address`, with a control socket for reloads.
fn config(root: &Path, address: SocketAddr) -> String {
    let root = root.display();
    let (ip, port) = (address.ip(), address.port());
    format!(
        "server:
    listen: {ip}@{port}
    rundir: {root}
database:
    storage: {root}/db
control:
    listen: {root}/knot.sock
log:
  - target: stderr
    any: info
policy:
  - id: rsa
    algorithm: rsasha256
    ksk-size: 4096
    zsk-size: 2048
  - id: ec
    algorithm: ecdsap256sha256
  - id: ed
    algorithm: ed25519
template:
  - id: default
    storage: {root}/zones
    dnssec-signing: on
    zonefile-sync: -1
    zonefile-load: difference-no-serial
    journal-content: all
zone:
  - domain: .
    dnssec-policy: rsa
  - domain: com.
    dnssec-policy: ec
  - domain: example.com.
    dnssec-policy: ed
"
    )
}
