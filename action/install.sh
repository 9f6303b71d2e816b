#!/usr/bin/env bash
# Step of action.yml: puts kliento on PATH. `source` builds the action's own checkout into the
# runner's tool cache (restored by actions/cache between runs, so a warm run does not compile);
# `path` uses the kliento already on PATH (a self-hosted runner, or a test).
set -euo pipefail
case "${KLIENTO_VERSION:-source}" in
  path)
    if ! command -v kliento >/dev/null; then
      echo "::error title=kliento::version: path, but there is no kliento on PATH"
      exit 1
    fi
    ;;
  source)
    root="${RUNNER_TOOL_CACHE:?RUNNER_TOOL_CACHE is not set}/kliento"
    if [ ! -x "$root/bin/kliento" ]; then
      cargo install --locked --quiet --path "$GITHUB_ACTION_PATH" --root "$root"
    fi
    echo "$root/bin" >>"$GITHUB_PATH"
    export PATH="$root/bin:$PATH"
    ;;
  *)
    echo "::error title=kliento::unknown version '${KLIENTO_VERSION}': use source or path"
    exit 1
    ;;
esac
echo "kliento: $(kliento --version)"
