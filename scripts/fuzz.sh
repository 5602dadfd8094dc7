#!/usr/bin/env bash
# A brief fuzzing run for CI: every target of fuzz/ (tern-runtime's readers of server input —
# sse, link, retry_after, token, page — and the spec loader, load), each for
# ${TERN_FUZZ_SECONDS:-20} s from its seeds in fuzz/seeds/<target>/ and whatever corpus earlier
# runs left in fuzz/corpus/<target>/ (not checked in). Fails on any crash, panic, hang or
# out-of-memory, leaving the input in fuzz/artifacts/<target>/ (replay it with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run -a --sanitizer none <target> <file>` in fuzz/).
#
# Stable Rust is enough: cargo-fuzz's nightly flags are let through by RUSTC_BOOTSTRAP=1. The
# targets are built without a sanitizer (the code under test forbids `unsafe`; no sanitizer
# builds and runs faster) and with overflow checks and debug assertions on.
#
# TERN_FUZZ_TARGETS="sse link" runs only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
seconds=${TERN_FUZZ_SECONDS:-20}
read -r -a targets <<<"${TERN_FUZZ_TARGETS:-sse link retry_after token page load}"

# Cargo builds wait for each other on a shared machine.
lock() {
  if command -v flock >/dev/null; then
    flock "${TERN_BUILD_LOCK:-/tmp/tern-build.lock}" "$@"
  else
    "$@"
  fi
}

start=$SECONDS
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  lock cargo install --quiet --locked "cargo-fuzz@$CARGO_FUZZ_VERSION"
fi
installed=$SECONDS

export RUSTC_BOOTSTRAP=1
export CARGO_INCREMENTAL=0
lock cargo fuzz build --fuzz-dir fuzz --debug-assertions --sanitizer none
built=$SECONDS

host=$(rustc -vV | sed -n 's/^host: //p')
bin=fuzz/target/$host/release
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  log=fuzz/artifacts/$t.log
  # -timeout: one input running 10 s is a hang; the fuzzer runs on without the lock.
  if "$bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="fuzz/artifacts/$t/" "fuzz/corpus/$t" "fuzz/seeds/$t" >"$log" 2>&1; then
    echo "fuzz $t: ok, $(grep -o 'Done [0-9]* runs' "$log" | tail -1 | cut -d' ' -f2) runs in ${seconds}s"
  else
    echo "fuzz $t: FAILED (log: $log)"
    grep -v -E '^#[0-9]+' "$log" | tail -40
    failed+=("$t")
  fi
done
finished=$SECONDS

echo "fuzz: install $((installed - start))s, build $((built - installed))s, run $((finished - built))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} of ${#targets[@]} targets crashed (${failed[*]}); inputs in fuzz/artifacts/"
  exit 1
fi
echo "fuzz: no crash in ${#targets[@]} targets"
