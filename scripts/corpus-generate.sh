#!/usr/bin/env bash
# Generates an SDK crate for every API description under ../shared/specs and runs
# `cargo check --all-targets --all-features` on each (one shared target dir), printing a
# table — generate ok, check ok, errors, warnings, generation and check times — and a summary.
#
#   scripts/corpus-generate.sh                  # every document
#   scripts/corpus-generate.sh github           # documents whose path contains "github"
#   scripts/corpus-generate.sh petstore oxide/  # documents whose path contains either
#
# Crates depend on this checkout's tern-runtime by path (built once for all); with
# TERN_CORPUS_RUNTIME=carried each carries its runtime, as `tern generate` does by default;
# with TERN_CORPUS_NO_DEFAULT=1 each is also checked with `--no-default-features` (no resource)
# and, where the crate has sub-resource features, with the first of them alone.
# Exits non-zero unless every document generates and checks with 0 errors and 0 warnings.
#
# Generated crates land in target/corpus-sdks/, their build output in target/corpus-check/.
set -uo pipefail
cd "$(dirname "$0")/.."
filters=("$@")
specs_dir=../shared/specs
[ -d "$specs_dir" ] || { echo "no $specs_dir" >&2; exit 1; }

# TERN_CORPUS_PROFILE=debug uses the debug build (CI, where the tests built it already).
if [ "${TERN_CORPUS_PROFILE:-release}" = debug ]; then
  cargo build --quiet -p tern-openapi || exit 1
  tern=target/debug/tern
else
  cargo build --release --quiet -p tern-openapi || exit 1
  tern=target/release/tern
fi
out=target/corpus-sdks
mkdir -p "$out"
export CARGO_TARGET_DIR="$PWD/target/corpus-check"
# 126 crates' incremental caches would fill the disk (~20 GB); a plain check needs none.
export CARGO_INCREMENTAL=0
runtime_args=(--runtime-path "$PWD/crates/tern-runtime")
[ "${TERN_CORPUS_RUNTIME:-path}" = carried ] && runtime_args=()

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

total=0 generated=0 checked=0 clean=0 split=0
printf '| spec | generate | check | errors | warnings | generate (s) | check (s) |\n'
printf '|---|---|---|---:|---:|---:|---:|\n'
while IFS= read -r spec; do
  rel="${spec#"$specs_dir"/}"
  if [ ${#filters[@]} -gt 0 ]; then
    keep=no
    for f in "${filters[@]}"; do case "$rel" in *"$f"*) keep=yes ;; esac; done
    [ "$keep" = yes ] || continue
  fi
  total=$((total + 1))
  name="c-$(printf '%s' "$rel" | tr 'A-Z' 'a-z' | sed 's/\.[a-z]*$//; s/[^a-z0-9]/-/g')"
  dir="$out/$name"
  rm -rf "$dir"
  t0=$(now)
  if "$tern" generate "$spec" -o "$dir" --name "$name" "${runtime_args[@]}" \
      >/dev/null 2>"$dir.generate.log"; then
    gen=ok; generated=$((generated + 1))
  else
    gen=FAIL
  fi
  t1=$(now)
  check=- errors=- warnings=- check_time=-
  if [ "$gen" = ok ]; then
    cp Cargo.lock "$dir/"
    t2=$(now)
    # TERN_CORPUS_NO_DEFAULT=1 also checks each crate with no resource feature on, and with
    # its first sub-resource feature alone (the first a resource's feature enables).
    sub=$(sed -n '/^\[features\]/,/^\[/p' "$dir/Cargo.toml" | grep -v '^default\|^blocking' \
      | sed -n 's/^[a-z0-9_-]* = \["\([^"/]*\)".*/\1/p' | head -1)
    [ -n "$sub" ] && [ "${TERN_CORPUS_NO_DEFAULT:-0}" = 1 ] && split=$((split + 1))
    if (cd "$dir" && cargo check --quiet --all-targets --all-features --message-format short \
        && if [ "${TERN_CORPUS_NO_DEFAULT:-0}" = 1 ]; then
             cargo check --quiet --all-targets --no-default-features --message-format short \
             && if [ -n "$sub" ]; then
                  cargo check --quiet --all-targets --no-default-features --features "$sub" \
                    --message-format short
                fi
           fi) >"$dir.check.log" 2>&1; then
      check=ok; checked=$((checked + 1))
    else
      check=FAIL
    fi
    check_time=$(secs "$t2" "$(now)")
    errors=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: error' "$dir.check.log")
    warnings=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: warning' "$dir.check.log")
    if [ "$check" = ok ] && [ "$warnings" = 0 ]; then clean=$((clean + 1)); fi
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$rel" "$gen" "$check" "$errors" "$warnings" \
    "$(secs "$t0" "$t1")" "$check_time"
done < <(find "$specs_dir" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) | sort)

echo
echo "documents: $total, generated: $generated, checked: $checked, clean (0 errors, 0 warnings): $clean"
[ "${TERN_CORPUS_NO_DEFAULT:-0}" = 1 ] && echo "also checked with no resource feature: $checked; with a sub-resource feature alone: $split"
[ "$total" -gt 0 ] && awk -v c="$clean" -v t="$total" 'BEGIN { printf "clean: %.1f%%\n", 100 * c / t }'
[ "$total" -gt 0 ] && [ "$clean" = "$total" ]
