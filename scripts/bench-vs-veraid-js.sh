#!/usr/bin/env bash
# Verification speed of kliento against @relaycorp/veraid 3.1.2 (the reference), on the same
# token bundles: one issued by `kliento issue token` (organisation signature for alice, RSA-2048,
# 3-zone test chain) and one issued by veraid-js over a @relaycorp/dnssec MockChain (member
# signature, RSA-2048). Each is verified in process, at the same instant with the same root
# anchor, by `cargo bench --bench verify` (criterion, then a plain loop) and by
# tests/interop/bench.mjs (node, a plain loop); prints both means and the ratio.
#
#   scripts/bench-vs-veraid-js.sh [ITERATIONS]     (default 300 per verifier and bundle)
#
# Needs cargo, node and npm; installs tests/interop's pinned packages if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-300}

if [ ! -f tests/interop/node_modules/@relaycorp/veraid/package.json ]; then
  npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
fi
cargo build --release --quiet --bin kliento
kliento=$PWD/target/release/kliento
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

audience=https://api.example.com
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%S.000Z; }
now=$(iso now)

# A bundle issued by kliento. Certificates are valid around now: veraid-js checks them against
# the wall clock whatever instant it verifies at.
mkdir "$work/kliento"
(
  cd "$work/kliento"
  "$kliento" --quiet keygen -o org.pem
  "$kliento" --quiet issue test-chain --domain example.com --key org.pem -o chain.der \
    --trust-anchors-out anchors.ds --start -1h --valid-for 2h
  "$kliento" issue token --audience "$audience" --claim role=admin --user alice --key org.pem \
    --domain example.com --chain chain.der --start -1m --valid-for 1h --encoding der -o bundle.der
)

# A bundle issued by veraid-js (tests/interop/bundles.mjs issue).
mkdir "$work/veraid-js"
cat >"$work/issue.json" <<JSON
{"cases": [{"bits": 2048, "signer": "member-user", "user": "alice",
  "token": {"audience": "$audience", "claims": {"role": "admin"}},
  "start": "$(iso '-1 minute')", "expiry": "$(iso '+1 hour')",
  "certStart": "$(iso '-1 hour')", "certExpiry": "$(iso '+1 hour')",
  "chainStart": "$(iso '-1 hour')", "chainEnd": "$(iso '+1 hour')"}]}
JSON
(cd tests/interop && node bundles.mjs issue <"$work/issue.json") >"$work/issued.json"
node -e '
  const fs = require("fs");
  const [issued, dir] = process.argv.slice(1);
  const [result] = JSON.parse(fs.readFileSync(issued, "utf8")).results;
  if (result.error) throw new Error(result.error);
  fs.writeFileSync(`${dir}/bundle.der`, Buffer.from(result.bundle, "base64"));
  fs.writeFileSync(`${dir}/anchors.ds`, result.anchors);
' "$work/issued.json" "$work/veraid-js"

# The floor: the bundle's signature verifications (DNSSEC RRSIGs by algorithm, certificates and
# the CMS signature by key size, read from `kliento inspect -v --format json`) at the speed
# `openssl speed` measures on this machine, in this run.
openssl speed -seconds 1 rsa2048 rsa3072 rsa4096 ecdsap256 ecdsap384 ed25519 \
  >"$work/openssl.txt" 2>/dev/null
floor_us() { # DIR
  "$kliento" inspect -v --format json --audience "$audience" --trust-anchors "$1/anchors.ds" \
    --at "$now" "$1/bundle.der" >"$1/inspect.json"
  node -e '
    const fs = require("fs");
    const [inspectFile, speedFile] = process.argv.slice(1);
    const report = JSON.parse(fs.readFileSync(inspectFile, "utf8"));
    const speed = {};
    for (const line of fs.readFileSync(speedFile, "utf8").split("\n")) {
      let m = line.match(/^rsa (\d+) bits\s+[\d.]+s\s+([\d.]+)s/);
      if (m) speed[`rsa${m[1]}`] = Number(m[2]) * 1e6;
      m = line.match(/^\s*\d+ bits ecdsa \(nistp(256|384)\)\s+[\d.]+s\s+([\d.]+)s/);
      if (m) speed[`p${m[1]}`] = Number(m[2]) * 1e6;
      m = line.match(/^\s*\d+ bits EdDSA \(Ed25519\)\s+[\d.]+s\s+([\d.]+)s/);
      if (m) speed.ed25519 = Number(m[1]) * 1e6;
    }
    // DNSSEC: the zone keys of the test chains and MockChain are RSA-2048 for algorithms 8/10.
    const byAlgorithm = { 8: "rsa2048", 10: "rsa2048", 13: "p256", 14: "p384", 15: "ed25519" };
    const uses = [];
    const walk = report.dnssec.walk;
    for (const zone of walk.zones) {
      for (const s of [zone.dsSignature, zone.dnskeySignature]) if (s) uses.push(byAlgorithm[s.algorithm]);
    }
    if (walk.answerSignature) uses.push(byAlgorithm[walk.answerSignature.algorithm]);
    const orgKey = `rsa${report.organisation.certificate.keyBits}`;
    uses.push(orgKey); // the organisation certificate, self-issued
    if (report.memberCertificate) {
      uses.push(orgKey); // the member certificate, issued by the organisation
      uses.push(`rsa${report.memberCertificate.keyBits}`); // the CMS signature, by the member
    } else {
      uses.push(orgKey); // the CMS signature, by the organisation
    }
    const counts = {};
    for (const use of uses) counts[use] = (counts[use] ?? 0) + 1;
    const total = uses.reduce((sum, use) => sum + speed[use], 0);
    const detail = Object.entries(counts).map(([k, n]) => `${n} ${k} at ${speed[k].toFixed(1)} µs`).join(", ");
    console.log(`${total.toFixed(1)} ${detail}`);
  ' "$1/inspect.json" "$work/openssl.txt"
}

median_min() { # values... -> "min median"
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s", v[1], v[int((NR + 1) / 2)] }'
}

rounds=${ROUNDS:-5}
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); $(nproc) cores"
declare -A cold warm node
for name in kliento veraid-js; do
  dir=$work/$name
  echo "$audience" >"$dir/audience"
  echo "$now" >"$dir/at"
  # Both sides must accept the bundle before they are timed.
  "$kliento" verify --audience "$audience" --trust-anchors "$dir/anchors.ds" --at "$now" \
    "$dir/bundle.der" >/dev/null
done
# Rounds interleave the sides and the bundles, so that a change of load slows all alike.
for round in $(seq "$rounds"); do
  for name in kliento veraid-js; do
    dir=$work/$name
    KLIENTO_BENCH_DIR=$dir KLIENTO_BENCH_ITERATIONS=$iterations KLIENTO_BENCH_LOOP_ONLY=1 \
      cargo bench --quiet --bench verify >"$work/$name.rust.log" 2>&1 \
      || { cat "$work/$name.rust.log"; exit 1; }
    (cd tests/interop && node bench.mjs "$dir" "$iterations") >"$work/$name.node.log"
    cold[$name]+=" $(sed -n 's/^KLIENTO_NS_PER_VERIFICATION=//p' "$work/$name.rust.log")"
    warm[$name]+=" $(sed -n 's/^KLIENTO_NS_PER_WARM_VERIFICATION=//p' "$work/$name.rust.log")"
    node[$name]+=" $(sed -n 's/^VERAID_JS_NS_PER_VERIFICATION=//p' "$work/$name.node.log")"
  done
  echo "   round $round of $rounds done"
done
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

for name in kliento veraid-js; do
  dir=$work/$name
  read -r floor detail <<<"$(floor_us "$dir")"
  # shellcheck disable=SC2086
  read -r cold_min cold_med <<<"$(median_min ${cold[$name]})"
  # shellcheck disable=SC2086
  read -r warm_min warm_med <<<"$(median_min ${warm[$name]})"
  # shellcheck disable=SC2086
  read -r node_min node_med <<<"$(median_min ${node[$name]})"
  echo "== bundle issued by $name ($(wc -c <"$dir/bundle.der") bytes), $rounds rounds of $iterations, min / median µs per verification"
  awk -v f="$floor" -v d="$detail" -v c1="$cold_min" -v c2="$cold_med" -v w1="$warm_min" \
    -v w2="$warm_med" -v n1="$node_min" -v n2="$node_med" 'BEGIN {
    printf "  floor      %7.1f          (%s)\n", f, d
    printf "  cold       %7.1f / %7.1f  %.2fx the floor\n", c1 / 1000, c2 / 1000, c2 / 1000 / f
    printf "  warm       %7.1f / %7.1f  %.1fx faster than cold\n", w1 / 1000, w2 / 1000, c2 / w2
    printf "  veraid-js  %7.1f / %7.1f  %.1fx kliento cold, %.1fx kliento warm\n", n1 / 1000, n2 / 1000, n2 / c2, n2 / w2 }'
done
