#!/usr/bin/env bash
# Decoding realistic responses with generated SDK types (issue #13's bar: throughput ≥ 2× the
# session-start generator's types, beside serde_json::Value decoding of the same bytes).
#
#   ./scripts/bench-decode.sh
#
# Generates SDKs from benches/decode/github-repos.json and benches/decode/civis-workflows.json
# with the current generator (target/release/tern, built here; or $TERN_NOW_BIN) and the
# baseline generator (commit 6aa0e5a: $TERN_BASE_BIN, default /tmp/tools/tern-base, else — or
# with TERN_BASE_FROM_GIT=1 — built from git in a temporary worktree with its own target dir,
# kept as target/bench-decode/tern-base-6aa0e5a for the next run), writes two standalone
# criterion bench crates around benches/decode/decode.rs (one per generator, so each SDK builds
# with its own dependency features), runs them alternately for $TERN_DECODE_ROUNDS rounds
# (default 3) and prints the median MB/s per variant with the per-round ratios.
# Fixtures: benches/decode/ (made by benches/decode/extract.py; nothing from ../shared is read).
# Every cargo run holds /tmp/tern-build.lock, so it never builds or measures beside another build.
# Before measuring, the bench checks that the now-types round-trip both bodies exactly (decode →
# encode → decode, unknown members and null-vs-absent included) and stops if not;
# TERN_DECODE_KEEP_GOING=1 turns that into a warning and measures anyway.
# Scratch: target/bench-decode/{gen,bench-now,bench-base,target}.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
base_commit=6aa0e5a
fixtures=$root/benches/decode
work=$root/target/bench-decode
gen=$work/gen

die() { echo "bench-decode: $*" >&2; exit 1; }
free_gb() { df -P -BG / | awk 'NR == 2 { sub("G", "", $4); print $4 }'; }
(( $(free_gb) >= 10 )) || die "less than 10 GB free on /; not starting"
for f in github-repos.json civis-workflows.json repos.json workflows.json civis-example.json decode.rs; do
  [[ -f $fixtures/$f ]] || die "missing $fixtures/$f (run benches/decode/extract.py)"
done
command -v python3 >/dev/null || die "needs python3"
mkdir -p "$gen"

# --- the two generators -------------------------------------------------------------------
if [[ -n ${TERN_NOW_BIN:-} ]]; then
  now_bin=$TERN_NOW_BIN
else
  echo "== building the current generator (cargo build --release -p tern-openapi)"
  flock /tmp/tern-build.lock cargo build --release -q -p tern-openapi
  now_bin=${CARGO_TARGET_DIR:-target}/release/tern
  [[ $now_bin = /* ]] || now_bin=$root/$now_bin
fi
[[ -x $now_bin ]] || die "current generator $now_bin is missing"

build_base() { # build_base OUT: the generator at $base_commit, built in a temporary worktree
  local out=$1 tmp
  tmp=$(mktemp -d /tmp/tern-base-build.XXXXXX)
  # shellcheck disable=SC2064  # expand now: the trap must remove this worktree
  trap "git -C '$root' worktree remove --force '$tmp/src' 2>/dev/null || true; rm -rf '$tmp'" EXIT
  echo "== building the baseline generator from git ($base_commit) in $tmp"
  git -C "$root" worktree add --detach -q "$tmp/src" "$base_commit"
  (cd "$tmp/src" && CARGO_TARGET_DIR=$tmp/target \
    flock /tmp/tern-build.lock cargo build --release -q -p tern-openapi)
  cp "$tmp/target/release/tern" "$out.tmp" && mv "$out.tmp" "$out"
  git -C "$root" worktree remove --force "$tmp/src"
  rm -rf "$tmp"
  trap - EXIT
}
if [[ -n ${TERN_BASE_BIN:-} ]]; then
  base_bin=$TERN_BASE_BIN
  [[ -x $base_bin ]] || die "TERN_BASE_BIN=$base_bin is not an executable"
elif [[ -z ${TERN_BASE_FROM_GIT:-} && -x /tmp/tools/tern-base ]]; then
  base_bin=/tmp/tools/tern-base
else
  base_bin=$work/tern-base-$base_commit
  [[ -x $base_bin ]] || build_base "$base_bin"
fi

# --- the four SDK crates ------------------------------------------------------------------
generate() { # generate BIN SPEC NAME: into $gen/NAME, left untouched when nothing changed
  local bin=$1 spec=$2 name=$3 new=$gen/.new-$3
  rm -rf "$new"
  if ! "$bin" generate "$spec" -o "$new" --name "$name" >"$gen/$name.log" 2>&1; then
    cat "$gen/$name.log" >&2
    die "$bin generate $spec failed"
  fi
  if [[ -d $gen/$name ]] && diff -rq "$new" "$gen/$name" >/dev/null; then
    rm -rf "$new"
  else
    rm -rf "${gen:?}/$name" && mv "$new" "$gen/$name"
  fi
}
echo "== generating: now = $now_bin, base = $base_bin"
generate "$now_bin" "$fixtures/github-repos.json" decode-github-now
generate "$base_bin" "$fixtures/github-repos.json" decode-github-base
generate "$now_bin" "$fixtures/civis-workflows.json" decode-civis-now
generate "$base_bin" "$fixtures/civis-workflows.json" decode-civis-base

item_type() { # item_type CRATE_DIR: T of the list method (returning Vec<types::T>, or a page of T)
  python3 - "$1" <<'PY'
import re, sys
from pathlib import Path
crate = Path(sys.argv[1])
# Any public method whose return type holds `Vec<types::T>` or `Page<types::T`: `-> Result<Vec<T>,
# Error>` (6aa0e5a), `-> Call<'c, Vec<T>>`, `-> Result<Page<T, Vec<T>>, Error>`, ...
sig = re.compile(r"pub (?:async )?fn (\w+)\s*(?:<[^>]*>)?\([^{;]*?\)\s*->\s*([^{;]+?)\s*\{", re.S)
item = re.compile(r"\b(?:Vec|Page)<\s*types::(\w+)")
found = {}
for f in sorted((crate / "src/resources").glob("*.rs")):
    for method, ret in sig.findall(f.read_text()):
        for ty in item.findall(ret):
            found.setdefault(ty, set()).add(f"{f.stem}::{method}")
if len(found) != 1:
    sys.exit(f"bench-decode: {crate.name}: expected one list item type (a method returning "
             f"Vec<types::T> or a Page of T), found {found or 'none'} "
             f"(has the generated method signature changed?)")
(ty,) = found
# One `types.rs` (the baseline) or a `types/` directory of modules (now).
sources = [crate / "src/types.rs"] if (crate / "src/types.rs").exists() else sorted((crate / "src/types").glob("*.rs"))
if not any(re.search(rf"^pub struct {ty}\b", p.read_text(), re.M) for p in sources):
    sys.exit(f"bench-decode: {crate.name}: `pub struct {ty}` not in its types")
print(ty)
PY
}
gh_now=$(item_type "$gen/decode-github-now")
gh_base=$(item_type "$gen/decode-github-base")
cv_now=$(item_type "$gen/decode-civis-now")
cv_base=$(item_type "$gen/decode-civis-base")
echo "   item types: github now $gh_now, base $gh_base; civis now $cv_now, base $cv_base"

# --- the two bench crates -----------------------------------------------------------------
# One per generator, each a workspace of its own: the SDKs build with their own dependency
# features, as their users get them (the baseline's enabled serde_json's `preserve_order`; in
# one crate that feature would be unified into both).
put() { # put FILE: stdin into FILE, only if it changes (keeps cargo's fingerprints)
  local tmp; tmp=$(mktemp)
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}
bench_crate() { # bench_crate VARIANT GITHUB_TYPE CIVIS_TYPE DECODE STRICT
  local variant=$1 dir=$work/bench-$1
  mkdir -p "$dir/src" "$dir/benches" "$dir/data"
  put "$dir/Cargo.toml" <<EOF
[package]
name = "tern-bench-decode"
version = "0.0.0"
edition = "2021"
publish = false

# Standalone: not a member of the Tern workspace it sits inside.
[workspace]

[dependencies]
decode-github-$variant = { path = "../gen/decode-github-$variant" }
decode-civis-$variant = { path = "../gen/decode-civis-$variant" }
serde = "1"
serde_json = "1"

[dev-dependencies]
criterion = { version = "0.8", default-features = false, features = ["cargo_bench_support"] }

[[bench]]
name = "decode"
harness = false
EOF
  put "$dir/src/lib.rs" <<EOF
//! The item types of the generated list methods (written by scripts/bench-decode.sh).
pub use decode_civis_$variant::types::$3 as Civis;
pub use decode_github_$variant::types::$2 as Github;
/// Which generator's types these are.
pub const VARIANT: &str = "$variant";
/// Whether the types must round-trip the fixtures before they are measured.
pub const STRICT: bool = $5;
/// How this generator's runtime decodes a JSON body.
pub fn decode_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    $4(body)
}
EOF
  put "$dir/benches/decode.rs" <"$fixtures/decode.rs"
  for f in repos.json workflows.json civis-example.json; do
    put "$dir/data/$f" <"$fixtures/$f"
  done
}
bench_crate now "$gh_now" "$cv_now" decode_github_now::runtime::model::from_json true
bench_crate base "$gh_base" "$cv_base" serde_json::from_slice false
rm -rf "$work/bench" # the single bench crate of earlier versions of this script

# --- build, run, summarise ----------------------------------------------------------------
export CARGO_TARGET_DIR=$work/target
for v in now base; do
  echo "== building the $v bench crate (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  flock /tmp/tern-build.lock cargo bench -q --manifest-path "$work/bench-$v/Cargo.toml" --bench decode --no-run
done
# This machine's speed drifts between runs: the variants alternate, round after round (now,
# base, now, base, ...), and each round's estimates are kept; the summary gives the median of
# each figure and of the per-round ratios.
rounds=${TERN_DECODE_ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "TERN_DECODE_ROUNDS must be a positive number"
results=$work/rounds.jsonl
: >"$work/bench.log"
: >"$results"
echo "== running $rounds rounds (criterion: 1 s warm-up, 3 s measurement, 30 samples per variant; now, then base)"
for ((round = 1; round <= rounds; round++)); do
  for v in now base; do
    rm -rf "$CARGO_TARGET_DIR/criterion/github-repos" "$CARGO_TARGET_DIR/criterion/civis-workflows"
    set +e
    flock /tmp/tern-build.lock cargo bench -q --manifest-path "$work/bench-$v/Cargo.toml" --bench decode \
      2>&1 | tee -a "$work/bench.log"
    status=${PIPESTATUS[0]}
    set -e
    (( status == 0 )) || die "the $v bench failed (exit $status; log: $work/bench.log)"
    python3 - "$CARGO_TARGET_DIR/criterion" "$round" "$v" >>"$results" <<'PY'
import json, sys
from pathlib import Path
crit, round_, variant = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for group in ("github-repos", "civis-workflows"):
    for name in (variant, f"value-{variant}", f"parse-{variant}"):
        est = crit / group / name / "new" / "estimates.json"
        if not est.exists():
            sys.exit(f"bench-decode: no estimates at {est}")
        ns = json.loads(est.read_text())["median"]["point_estimate"]
        print(json.dumps({"round": round_, "group": group, "name": name, "ns": ns}))
PY
  done
done
rm -rf "$CARGO_TARGET_DIR/release/incremental"

echo
echo "== summary ($rounds rounds; the median of criterion's median estimates; MB = 10^6 bytes)"
if [[ -n ${TERN_NOW_BIN:-} ]]; then
  echo "now: $now_bin (TERN_NOW_BIN)"
else
  echo "now: $now_bin (built from $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- crates || echo ' + uncommitted changes in crates/'))"
fi
echo "base: $base_bin (commit $base_commit)"
if grep -q "^ERROR: round trip" "$work/bench.log"; then
  echo "WARNING: the now-types failed the round-trip check (TERN_DECODE_KEEP_GOING was set; see above)"
fi
python3 - "$results" "$fixtures" <<'PY'
import json, statistics, sys
from pathlib import Path
rows = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines()]
fixtures = Path(sys.argv[2])
print()
print("| fixture | bytes | now MB/s | base MB/s | Value MB/s (now's build) | Value MB/s (base's build) "
      "| parse only MB/s | **now/base** (per round) | now/Value | now/parse only |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for group, body in (("github-repos", "repos.json"), ("civis-workflows", "workflows.json")):
    size = (fixtures / body).stat().st_size
    mbs = {}  # name -> [MB/s per round]
    for r in sorted(rows, key=lambda r: r["round"]):
        if r["group"] == group:
            mbs.setdefault(r["name"], []).append(size / r["ns"] * 1e3)
    med = {k: statistics.median(v) for k, v in mbs.items()}
    ratios = [n / b for n, b in zip(mbs["now"], mbs["base"])]
    per_round = ", ".join(f"{x:.2f}" for x in ratios)
    print(f"| {body} (100 items) | {size:,} | {med['now']:.0f} | {med['base']:.0f} | "
          f"{med['value-now']:.0f} | {med['value-base']:.0f} | {med['parse-now']:.0f} | "
          f"**{statistics.median(ratios):.2f}×** ({per_round}) | {med['now'] / med['value-now']:.2f}× | "
          f"{med['now'] / med['parse-now']:.2f}× |")
PY
(( $(free_gb) >= 10 )) || echo "bench-decode: warning: under 10 GB free on / (scratch: $work)" >&2
