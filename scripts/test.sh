#!/usr/bin/env bash
# The project's test command: formatting, lints, and every test of the workspace, including the
# end-to-end tests against the Prism mock server and with the official MCP client (both
# installed here, pinned, on first run).
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM_VERSION=5.16.0
prism_pkg=.tools/prism/node_modules/@stoplight/prism-cli/package.json
if ! grep -qs "\"version\": \"$PRISM_VERSION\"" "$prism_pkg"; then
  echo "installing Prism $PRISM_VERSION into .tools/prism"
  mkdir -p .tools/prism
  (cd .tools/prism && npm install --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$PRISM_VERSION")
fi

# The official MCP client (PyPI `mcp`), pinned, for the `tern mcp` end-to-end tests.
MCP_VERSION=2.3.0
venv=.tools/mcp-venv
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != '$MCP_VERSION')" 2>/dev/null; then
  echo "installing the MCP Python client $MCP_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "mcp==$MCP_VERSION"
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace
