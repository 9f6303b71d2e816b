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

for name in kliento veraid-js; do
  dir=$work/$name
  echo "$audience" >"$dir/audience"
  echo "$now" >"$dir/at"
  # Both sides must accept the bundle before they are timed.
  "$kliento" verify --audience "$audience" --trust-anchors "$dir/anchors.ds" --at "$now" \
    "$dir/bundle.der" >/dev/null
  echo "== bundle issued by $name ($(wc -c <"$dir/bundle.der") bytes)"
  KLIENTO_BENCH_DIR=$dir KLIENTO_BENCH_ITERATIONS=$iterations \
    cargo bench --quiet --bench verify >"$work/$name.rust.log" 2>&1 \
    || { cat "$work/$name.rust.log"; exit 1; }
  grep -E '^verify: |time:' "$work/$name.rust.log" | sed 's/^/  kliento   /'
  (cd tests/interop && node bench.mjs "$dir" "$iterations") >"$work/$name.node.log"
  sed -n 1p "$work/$name.node.log" | sed 's/^/  /'
  rust_ns=$(sed -n 's/^KLIENTO_NS_PER_VERIFICATION=//p' "$work/$name.rust.log")
  warm_ns=$(sed -n 's/^KLIENTO_NS_PER_WARM_VERIFICATION=//p' "$work/$name.rust.log")
  node_ns=$(sed -n 's/^VERAID_JS_NS_PER_VERIFICATION=//p' "$work/$name.node.log")
  awk -v r="$rust_ns" -v w="$warm_ns" -v n="$node_ns" 'BEGIN {
    printf "  kliento %.1f µs cold, veraid-js %.1f µs per verification: kliento is %.1fx faster\n",
      r / 1000, n / 1000, n / r
    printf "  kliento warm (a Verifier that knows the chain and certificate): %.1f µs, %.1fx cold, %.1fx veraid-js\n",
      w / 1000, r / w, n / w }'
done
