#!/usr/bin/env bash
# Load+model benchmarks, in-process and as whole processes, side by side with peers.
# Needs ../shared/specs; the Civis peer needs `pip install civis` (skipped when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
specs=../shared/specs
cargo build --release -q -p tern-openapi
echo "## In-process (cargo bench -p tern-model --bench load)"
cargo bench -q -p tern-model --bench load 2>/dev/null | grep '^|'
echo
echo "## Whole process: tern inspect --json (5 runs each; best wall time, its peak RSS)"
best() { # best of 5: prints "seconds maxrss_kb"
  for _ in 1 2 3 4 5; do /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; done | sort -n | head -1
}
for f in "$specs/corpus/github/api.github.com.json" "$specs/seeds/civis.json"; do
  echo "tern   $(basename "$f"): $(best target/release/tern inspect "$f" --json --max-diagnostics 0) (s, KB)"
done
if python3 -c "import civis" 2>/dev/null; then
  echo "python json.load civis.json: $(best python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$specs/seeds/civis.json") (s, KB)"
  echo "civis client build civis.json: $(best python3 benches/peers/civis_client.py "$specs/seeds/civis.json") (s, KB)"
  python3 benches/peers/civis_client.py "$specs/seeds/civis.json"
fi
