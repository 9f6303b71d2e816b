#!/usr/bin/env bash
# Regenerates completions/ and man/ from the clap definitions, with kliento's own commands.
# tests/it/cli_contract.rs fails when the committed files differ from what this produces.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/kliento
rm -rf man completions
"$bin" -q man -o man
for shell in bash zsh fish elvish powershell; do
  "$bin" completions "$shell" -o completions
done
echo "regenerated man/ ($(ls man | wc -l) pages) and completions/ ($(ls completions | wc -l) scripts)"
