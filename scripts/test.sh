#!/usr/bin/env bash
# The project's test command: formatting, lints, and every test of the workspace, including the
# end-to-end tests against the Prism mock server (installed here, pinned, on first run).
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM_VERSION=5.16.0
prism_pkg=.tools/prism/node_modules/@stoplight/prism-cli/package.json
if ! grep -qs "\"version\": \"$PRISM_VERSION\"" "$prism_pkg"; then
  echo "installing Prism $PRISM_VERSION into .tools/prism"
  mkdir -p .tools/prism
  (cd .tools/prism && npm install --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$PRISM_VERSION")
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace
