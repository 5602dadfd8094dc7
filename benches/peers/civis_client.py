"""Peer: what Civis's Python client does at start-up with a spec file.

json.load (ordered) -> jsonref.replace_refs -> parse_api_spec (builds every resource class and
method). Prints the number of resources and the seconds it took in-process.
"""
import collections
import json
import sys
import time

from jsonref import JsonRef
from civis.resources._resources import parse_api_spec

start = time.perf_counter()
with open(sys.argv[1]) as f:
    raw = json.load(f, object_pairs_hook=collections.OrderedDict)
spec = JsonRef.replace_refs(raw)
classes = parse_api_spec(spec, "1.0")
elapsed = time.perf_counter() - start
methods = sum(len([m for m in vars(c) if not m.startswith("_")]) for c in classes.values())
print(f"{len(classes)} resources, {methods} methods, {elapsed * 1000:.0f} ms in-process")
