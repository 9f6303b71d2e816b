#!/usr/bin/env bash
# Differential fuzzing against @relaycorp/veraid 3.1.2: N structurally mutated token bundles
# (default 5000) verified by kliento and by the reference; prints the agreement counts and the
# deliberate differences met, and fails on any other disagreement (tests/it/differential.rs).
#
#   scripts/differential.sh [CASES] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d tests/interop/node_modules/@relaycorp/veraid ] || npm ci --prefix tests/interop --silent
KLIENTO_DIFFERENTIAL_CASES="${1:-5000}" KLIENTO_DIFFERENTIAL_SEED="${2:-$RANDOM}" \
  cargo test --release --test it differential -- --nocapture 2>&1 | grep -E '^differential:|disagreement|panicked|test result'
