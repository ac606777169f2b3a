"""Encodes and decodes ROWDAT_1 with the official Python SDK's own functions, for cross-checks.

stdin: {"types": [...], "row_ids": [...], "rows": [[...]], "payload_hex": "..."}
stdout: {"dumped_hex": "...", "loaded": {"row_ids": [...], "rows": [[...]]}, "own": {...}}
  `loaded` is its decoder's reading of payload_hex, `own` its reading of its own `dumped_hex`;
  integers beyond 2**53 as {"int": "..."} (JavaScript's JSON.parse would round them).
"""
import json
import os
import sys

sys.path.insert(0, os.environ["S2_PY_HELPERS"])

from singlestoredb.functions.ext import rowdat_1  # noqa: E402
from s2_plain import exact, revive  # noqa: E402


def load(data):
    row_ids, loaded = rowdat_1._load([("c%d" % i, t) for i, t in enumerate(types)], data)
    return {"row_ids": [exact(i) for i in row_ids], "rows": [[exact(v) for v in r] for r in loaded]}


req = json.load(sys.stdin)
types = req["types"]
rows = [[revive(v, types[i]) for i, v in enumerate(row)] for row in req["rows"]]
dumped = rowdat_1._dump(types, req["row_ids"], rows)
print(json.dumps({"dumped_hex": dumped.hex(), "loaded": load(bytes.fromhex(req["payload_hex"])), "own": load(dumped)}))
