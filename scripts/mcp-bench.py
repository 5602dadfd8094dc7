#!/usr/bin/env python3
"""`tern mcp` start-up: time from process start to the answer of `tools/list`, and the size of
the tool list, per spec and mode. Speaks JSON-RPC over stdio directly (no client library), so
the figure is the server's own.

    scripts/mcp-bench.py [RUNS] SPEC...      (uses target/release/tern)
"""

import json
import statistics
import subprocess
import sys
import time

TERN = "target/release/tern"


def once(spec, mode):
    start = time.perf_counter()
    p = subprocess.Popen(
        [TERN, "mcp", "--spec", spec, "--base-url", "http://127.0.0.1:9", "--mode", mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )

    def send(msg):
        p.stdin.write((json.dumps(msg) + "\n").encode())
        p.stdin.flush()

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "bench", "version": "1"}}})
    while json.loads(p.stdout.readline()).get("id") != 1:
        pass
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    while True:
        line = p.stdout.readline()
        msg = json.loads(line)
        if msg.get("id") == 2:
            break
    elapsed = time.perf_counter() - start
    p.stdin.close()
    p.wait()
    tools = json.dumps(msg["result"]["tools"], separators=(",", ":"))
    return elapsed, len(msg["result"]["tools"]), len(tools.encode())


def main():
    args = sys.argv[1:]
    runs = int(args.pop(0)) if args and args[0].isdigit() else 5
    print("| spec | mode | tools | tool list (bytes) | start → tools/list (ms, median of %d) |" % runs)
    print("|---|---|---:|---:|---:|")
    for spec in args:
        for mode in ("tools", "discover"):
            results = [once(spec, mode) for _ in range(runs)]
            ms = statistics.median(r[0] for r in results) * 1000
            print(f"| {spec.rsplit('/', 1)[-1]} | {mode} | {results[0][1]} | {results[0][2]:,} | {ms:.0f} |")


main()
