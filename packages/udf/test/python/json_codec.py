"""Encodes and decodes UDF JSON payloads with the official Python SDK's own functions.

stdin: {"types": [...], "row_ids": [...], "rows": [[...]], "payload": "<JSON text or empty>"}
  values: big integers as {"int": "..."}, bytes as hex, temporals as ISO text / microseconds
stdout: {"dumped": "<JSON text>", "loaded": {"row_ids": [...], "rows": [[...]]}}
  (or {"jobs": [request, ...]} in, {"results": [answer, ...]} out)
"""
import json
import os
import sys

sys.path.insert(0, os.environ["S2_PY_HELPERS"])

from singlestoredb.functions.ext import json as udf_json  # noqa: E402
from s2_plain import exact, revive  # noqa: E402


def run(req):
    types = req["types"]
    rows = [[revive(v, types[i]) for i, v in enumerate(row)] for row in req["rows"]]
    # Row ids beyond 2**53 arrive as {"int": "..."} (JSON numbers would round them in JavaScript).
    row_ids = [int(i["int"]) if isinstance(i, dict) else i for i in req["row_ids"]]
    dumped = udf_json.dump(types, row_ids, rows).decode("utf-8") if rows else ""
    loaded = {"row_ids": [], "rows": []}
    if req.get("payload"):
        row_ids, data = udf_json.load([("c%d" % i, t) for i, t in enumerate(types)], req["payload"].encode("utf-8"))
        loaded = {"row_ids": [exact(i) for i in row_ids], "rows": [[exact(v) for v in r] for r in data]}
    return {"dumped": dumped, "loaded": loaded}


# One request, or {"jobs": [request, ...]}: importing the SDK costs seconds, so tests batch.
req = json.load(sys.stdin)
print(json.dumps({"results": [run(j) for j in req["jobs"]]} if "jobs" in req else run(req)))
