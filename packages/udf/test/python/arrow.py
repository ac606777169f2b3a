"""Builds and reads Arrow request/response bodies with the official Python SDK's own arrow codec.

stdin: {"types": [...], "row_ids": [...], "rows": [[...]], "payload_hex": "..."}
stdout: {"dumped_hex": "...", "schema": [...], "loaded": {"row_ids": [...], "rows": [[...]]}}

`dumped_hex` is `arrow.dump` of the rows (the SDK's encoder, column types inferred from the
values, exactly as its server answers); `loaded` is `arrow.load` of `payload_hex` (the decoder
its server reads requests with), with `schema` the Arrow types it found there; `own` is
`arrow.load` of its own `dumped_hex`, for comparisons within one run.
"""
import io
import json
import os
import sys

sys.path.insert(0, os.environ["S2_PY_HELPERS"])

import pyarrow as pa  # noqa: E402
import pyarrow.feather  # noqa: E402,F401
from singlestoredb.functions.ext import arrow  # noqa: E402
from s2_plain import exact, revive  # noqa: E402


def load(data):
    row_ids, loaded = arrow.load([("c%d" % i, t) for i, t in enumerate(types)], data)
    return {"row_ids": list(row_ids), "rows": [[exact(v) for v in r] for r in loaded]}


req = json.load(sys.stdin)
types = req["types"]
out = {}
if req.get("rows") is not None and req.get("row_ids"):
    rows = [[revive(v, types[i]) for i, v in enumerate(row)] for row in req["rows"]]
    dumped = bytes(arrow.dump(types, [int(i) for i in req["row_ids"]], rows))
    out["dumped_hex"] = dumped.hex()
    out["own"] = load(dumped)
if req.get("payload_hex"):
    data = bytes.fromhex(req["payload_hex"])
    out["schema"] = [f"{f.name}:{f.type}" for f in pa.feather.read_table(io.BytesIO(data)).schema]
    out["loaded"] = load(data)
print(json.dumps(out))
