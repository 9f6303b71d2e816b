#!/usr/bin/env bash
# Coverage-guided fuzzing campaigns (cargo-fuzz, libFuzzer, nightly toolchain).
#
#   scripts/fuzz.sh                  # every target, 1 minute each
#   scripts/fuzz.sh bundle 30        # one target, 30 minutes
#   scripts/fuzz.sh all 0.17         # every target, 10 s each (what .ci/run does)
#   FUZZ_CPU=1 nice -n 19 scripts/fuzz.sh all 30
#                                    # every target until it has used 30 CPU-minutes: for
#                                    # campaigns on a shared machine, where wall time says little
#
# Each target starts from its committed seed corpus (fuzz/corpus/TARGET) and the regression
# inputs (fuzz/regressions/TARGET); what it finds new goes to fuzz/work/TARGET (not committed:
# minimise with `cargo +nightly fuzz cmin` before adding any of it to the corpus). Crashes and
# timeouts land in fuzz/artifacts/TARGET; copy each into fuzz/regressions/TARGET once fixed.
# One process fuzzing in-process (no -jobs, whose fork mode logs to fuzz-N.log): the machine is
# shared. Prints executions, coverage (edges: cov, features: ft) and findings per target; exits 1
# when anything was found.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${1:-all}"
MINUTES="${2:-1}"
SECONDS_EACH=$(awk -v m="$MINUTES" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz.sh: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 2
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

# Interrupts the fuzzer of TARGET (libFuzzer then prints its final stats) once its process has
# used SECONDS of CPU time, or returns when the runner RUNNER ends first.
stop_after_cpu_seconds() {
  local target="$1" limit="$2" runner="$3" pid="" ticks used
  ticks=$(getconf CLK_TCK)
  while kill -0 "$runner" 2>/dev/null; do
    sleep 5
    [ -z "$pid" ] && pid=$(pgrep -f "release/$target " | head -1 || true)
    [ -z "$pid" ] && continue
    used=$(awk -v t="$ticks" '{ print int(($14 + $15) / t) }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    if [ "$used" -ge "$limit" ]; then
      kill -INT "$pid" 2>/dev/null || true
      return
    fi
  done
}

cd fuzz
if [ "$TARGET" = all ]; then
  mapfile -t TARGETS < <(cargo +nightly fuzz list)
else
  TARGETS=("$TARGET")
fi
cargo +nightly fuzz build

status=0
summary=()
for target in "${TARGETS[@]}"; do
  mkdir -p "work/$target" "regressions/$target" "artifacts/$target"
  log="work/$target.log"
  # Findings are crashes, timeouts, out-of-memory and leaks; libFuzzer's slow-unit files (an
  # input over 10 s, which a starved or key-generating harness also writes) are reported apart.
  findings() { find "artifacts/$target" -type f ! -name 'slow-unit-*' | wc -l; }
  slow_units() { find "artifacts/$target" -type f -name 'slow-unit-*' | wc -l; }
  before=$(findings)
  slow_before=$(slow_units)
  wall_limit="$SECONDS_EACH"
  # libFuzzer's -timeout counts wall time: under FUZZ_CPU (a niced process on a busy machine,
  # starved for seconds at a time) 10 s would report timeouts that are only waiting.
  unit_timeout=10
  if [ -n "${FUZZ_CPU:-}" ]; then
    wall_limit=$((SECONDS_EACH * 100))
    unit_timeout=120
  fi
  set +e
  cargo +nightly fuzz run "$target" "work/$target" "corpus/$target" "regressions/$target" -- \
    -max_total_time="$wall_limit" -timeout="$unit_timeout" -rss_limit_mb=2048 \
    -max_len=24576 -print_final_stats=1 >"$log" 2>&1 &
  runner=$!
  if [ -n "${FUZZ_CPU:-}" ]; then
    stop_after_cpu_seconds "$target" "$SECONDS_EACH" "$runner"
  fi
  wait "$runner"
  rc=$?
  set -e
  # libFuzzer exits non-zero when interrupted: the CPU limit's interruption is not a finding.
  if [ -n "${FUZZ_CPU:-}" ] && grep -q 'libFuzzer: run interrupted' "$log"; then
    rc=0
  fi
  after=$(findings)
  slow=$(($(slow_units) - slow_before))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
  found=$((after - before))
  unit="${SECONDS_EACH}s"
  [ -n "${FUZZ_CPU:-}" ] && unit="${SECONDS_EACH} CPU-s"
  line="$target: ${execs:-0} executions in $unit, cov ${cov:-?} edges, ft ${ft:-?} features, $found finding(s)"
  [ "$slow" -gt 0 ] && line="$line, $slow slow unit(s) in fuzz/artifacts/$target"
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    status=1
    line="$line -- FAILED (exit $rc), see fuzz/$log and fuzz/artifacts/$target"
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -5 >&2 || true
  fi
  echo "$line"
  summary+=("$line")
done
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
exit "$status"
