#!/usr/bin/env bash
# Loads and models every document in ../shared/specs in release mode and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -p tern-model --test corpus -- --nocapture
