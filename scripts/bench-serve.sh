#!/usr/bin/env bash
# Load benchmark of `kliento serve` against the node Kliento Verifier peer (tests/peers/verifier.mjs
# on @relaycorp/veraid 3.1.2), both on loopback, same workload, same load generator (wrk),
# interleaved runs. A benchmark, not a test: it prints figures and asserts nothing.
#
#   scripts/bench-serve.sh                 # DURATION=10s CONNECTIONS=64 RUNS=1 BUNDLES=40
#
# Workload: 80% valid bundles, 15% invalid (half tampered, half for another audience), 5%
# malformed, DER bodies. Scenarios: "cold" (kliento with --cache-entries 0: every request
# verified), "reuse" (the cache on: clients resend the same bundles, as they do for a bundle's
# lifetime). Then kliento alone under 256 connections for its peak RSS.
# Prints for each server and scenario req/s, p50, p99 and peak RSS (VmHWM), and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
RUNS=${RUNS:-1}
BUNDLES=${BUNDLES:-40}
THREADS=${THREADS:-2}

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk (Debian package)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
command -v node >/dev/null || { echo "node is required for the peer" >&2; exit 1; }
[ -d tests/interop/node_modules/@relaycorp/veraid ] || npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error

echo "== building kliento (release)"
cargo build --release --quiet
K=$PWD/target/release/kliento
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== making $BUNDLES bundles on a test chain"
(
  cd "$work"
  "$K" -q keygen -o org.pem
  "$K" -q issue test-chain --domain example.com --key org.pem -o chain.der --trust-anchors-out root.ds
  for i in $(seq 1 "$BUNDLES"); do
    "$K" -q issue token --audience https://api.example.com --user "user$i" --claim role=admin \
      --key org.pem --domain example.com --chain chain.der --valid-for 1h --encoding der -o "valid$i.der"
  done
  # Tampered: one byte of the token changed (the signature no longer verifies).
  python3 - <<'PY'
import glob
for i, name in enumerate(sorted(glob.glob("valid*.der"))[:8]):
    data = bytearray(open(name, "rb").read())
    at = data.find(b"api.example.com")
    data[at:at + 15] = b"api.example.net"
    open(f"tampered{i}.der", "wb").write(data)
open("garbage.der", "wb").write(b"\x30\x82\x01\x00" + b"not a bundle" * 20)
PY
)

# wrk script: a fixed cycle of 100 requests in the workload's proportions.
cat > "$work/workload.lua" <<LUA
local dir = "$work/"
local function read(name)
  local f = assert(io.open(dir .. name, "rb")); local data = f:read("*a"); f:close(); return data
end
local good = "/?audience=https%3A%2F%2Fapi.example.com"
local other = "/?audience=https%3A%2F%2Fother.example.com"
-- Host too: node refuses HTTP/1.1 requests without one (wrk.format adds none).
local headers = { ["Content-Type"] = "application/vnd.kliento.token-bundle", ["Host"] = "127.0.0.1" }
local requests = {}
local bundles = $BUNDLES
for i = 0, 99 do
  local path, body
  if i % 20 == 0 then path, body = good, read("garbage.der")                      -- 5% malformed
  elseif i % 20 < 2 or i % 20 == 10 then path, body = good, read("tampered" .. (i % 8) .. ".der") -- 15% invalid
  else path, body = good, read("valid" .. (1 + i % bundles) .. ".der") end
  if i % 20 == 2 then path = other end
  requests[#requests + 1] = wrk.format("POST", path, headers, body)
end
local n = 0
function setup(thread) thread:set("n", math.random(0, 99)) end
function request() n = n + 1; return requests[(n % #requests) + 1] end
LUA

start_kliento() { # $1: extra args
  rm -f "$work/k.out"
  "$K" serve --listen 127.0.0.1:0 --trust-anchors "$work/root.ds" -q $1 >"$work/k.out" 2>"$work/k.err" &
  pids+=($!); SERVER_PID=$!
  for _ in $(seq 100); do [ -s "$work/k.out" ] && break; sleep 0.05; done
  URL=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/k.out")
}
start_node() {
  rm -f "$work/n.out"
  node tests/peers/verifier.mjs --trust-anchors "$work/root.ds" >"$work/n.out" 2>"$work/n.err" &
  pids+=($!); SERVER_PID=$!
  for _ in $(seq 200); do [ -s "$work/n.out" ] && break; sleep 0.05; done
  URL=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/n.out")
}
to_ms() { # wrk latency (e.g. 1.23ms, 850.00us, 1.02s) to milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
run() { # $1 label, $2 connections; uses URL and SERVER_PID; prints one row
  curl -s -o /dev/null "$URL/healthz" || true
  wrk -t"$THREADS" -c"$2" -d"$DURATION" --latency -s "$work/workload.lua" "$URL" >"$work/wrk.txt"
  local rps p50 p99 rss
  rps=$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk.txt")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")")
  rss=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
  local errors
  errors=$(awk '/Non-2xx|Socket errors/' "$work/wrk.txt" | tr -s ' ' | tr '\n' ';')
  printf '%-28s %10s %9s %9s %9s  %s\n' "$1" "$rps" "$p50" "$p99" "$rss" "$errors"
  echo "$(echo "$1" | tr ' ' '_') $rps $p50 $p99 $rss" >>"$work/results"
}
stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $BUNDLES valid bundles, $(nproc) cores"
printf '%-28s %10s %9s %9s %9s\n' "server / scenario" "req/s" "p50 ms" "p99 ms" "RSS MiB"
for r in $(seq 1 "$RUNS"); do
  start_kliento "--cache-entries 0"; run "kliento cold #$r" "$CONNECTIONS"; stop
  start_node; run "node cold #$r" "$CONNECTIONS"; stop
  start_kliento ""; run "kliento reuse #$r" "$CONNECTIONS"; stop
  start_node; run "node reuse #$r" "$CONNECTIONS"; stop
done
start_kliento "--cache-entries 0"; run "kliento cold, 256 conns" 256; stop
start_kliento ""; run "kliento reuse, 256 conns" 256; stop

echo "== ratios (kliento / node; best run of each)"
awk '
  { split($1, label, "_"); server = label[1]; scenario = label[2]; rps = $2 + 0; p99 = $4 + 0 }
  server == "kliento" && scenario == "cold" { if (rps > kc) { kc = rps; kcp = p99 } }
  server == "node" && scenario == "cold" { if (rps > nc) { nc = rps; ncp = p99 } }
  server == "kliento" && scenario == "reuse" { if (rps > kr) { kr = rps; krp = p99 } }
  server == "node" && scenario == "reuse" { if (rps > nr) { nr = rps; nrp = p99 } }
  END {
    if (nc > 0) printf "cold:  %.1fx the requests/s, p99 %.2f ms vs %.2f ms (%.2fx)\n", kc / nc, kcp, ncp, (ncp > 0 ? kcp / ncp : 0)
    if (nr > 0) printf "reuse: %.1fx the requests/s, p99 %.2f ms vs %.2f ms (%.2fx)\n", kr / nr, krp, nrp, (nrp > 0 ? krp / nrp : 0)
  }' "$work/results"
