#!/usr/bin/env bash
# Step of action.yml: the exchange. kliento masks the credential (`::add-mask::`) before it
# appends it to $GITHUB_OUTPUT, and never prints it.
set -euo pipefail
if [ -z "${KLIENTO_EXCHANGE_URL:-}" ]; then
  echo "::error title=kliento::the exchange-url input is required (exchange-endpoint is accepted too)"
  exit 2
fi
args=(exchange "$KLIENTO_EXCHANGE_URL" --jwt-source github --encoding base64 --github-output credential)
if [ -n "${KLIENTO_JWT_AUDIENCE:-}" ]; then
  args+=(--jwt-audience "$KLIENTO_JWT_AUDIENCE")
fi
kliento "${args[@]}"
echo "type=application/vnd.veraid.signature-bundle" >>"$GITHUB_OUTPUT"
echo "kliento: a credential of type application/vnd.veraid.signature-bundle is in output credential"
