"""Calls the reference's HTTP app (singlestoredb.functions.ext.asgi) with the functions of
reference-http.test.ts, without a network: the ASGI app is awaited directly.

stdin:  {"url": "<app url>", "requests": [{"method", "path", "headers": {...}, "body_b64"}]}
stdout: {"responses": [{"status", "content_type" (or null), "body_b64"}]}
"""
import asyncio
import base64
import datetime
import json
import logging
import sys
import warnings
from typing import List

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from singlestoredb.functions import Table, udf  # noqa: E402
from singlestoredb.functions import dtypes as dt  # noqa: E402
from singlestoredb.functions.ext import asgi  # noqa: E402


@udf(args=[dt.BIGINT(nullable=False), dt.DOUBLE(), dt.TEXT(nullable=False)], returns=dt.TEXT())
def mult(x, y, s):
    return None if y is None else s * int(x * y)


@udf(args=[dt.TEXT()], returns=dt.TEXT())
def echo_text(s):
    return s


@udf
def is_pos(x: int) -> bool:
    return x > 0


@udf(args=[dt.BOOL(nullable=False)], returns=dt.BOOL(nullable=False))
def flip(b):
    return not b


@udf(args=[dt.BIGINT(nullable=False)], returns=[dt.BIGINT(nullable=False, name="a"), dt.TEXT(name="b")])
def series(n) -> Table[List[tuple]]:
    return Table([(i, "r%d" % i if i % 2 == 0 else None) for i in range(n)])


@udf(
    args=[
        dt.DOUBLE(default=3.14),
        dt.DOUBLE(default=2.0),
        dt.DOUBLE(default=1e20),
        dt.DOUBLE(default=1e-7),
        dt.FLOAT(default=1.5),
        dt.DATE(default=datetime.date(2020, 1, 2)),
        dt.TIME(default=datetime.timedelta(seconds=1000)),
        dt.TIME(6, default=datetime.timedelta(hours=100, microseconds=5)),
        dt.DATETIME(default=datetime.datetime(2020, 1, 2, 3, 4, 5)),
        dt.DATETIME(6, default=datetime.datetime(2020, 1, 2, 3, 4, 5, 600)),
    ],
    returns=dt.BIGINT(nullable=False),
)
def defaults(a, b, c, d, e, f, g, h, i, j):
    return 0


@udf(
    args=[
        dt.BOOL(nullable=False),
        dt.TINYINT(),
        dt.SMALLINT(),
        dt.MEDIUMINT(),
        dt.INT(),
        dt.BIGINT(),
        dt.TINYINT(unsigned=True),
        dt.FLOAT(),
        dt.DOUBLE(),
        dt.DECIMAL(10, 2),
        dt.TEXT(),
        dt.VARCHAR(20),
        dt.CHAR(3),
        dt.BLOB(),
        dt.VARBINARY(20),
        dt.BINARY(3),
        dt.DATE(),
        dt.TIME(),
        dt.TIME(6),
        dt.DATETIME(),
        dt.DATETIME(6),
        dt.TIMESTAMP(),
        dt.TIMESTAMP(6),
    ],
    returns=dt.TEXT(),
)
def all_types(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23):
    return None


@udf(name="größe", returns=dt.TEXT(nullable=False))
def groesse():
    return "ü"


FUNCTIONS = [mult, echo_text, is_pos, flip, series, defaults, all_types, groesse]


def call(app, req):
    messages = []
    body = base64.b64decode(req["body_b64"])

    async def go():
        sent = [False]

        async def receive():
            if not sent[0]:
                sent[0] = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)

        async def send(message):
            messages.append(message)

        scope = {
            "type": "http",
            "method": req["method"],
            "path": req["path"],
            "scheme": "http",
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in req["headers"].items()],
        }
        await app(scope, receive, send)

    asyncio.run(go())
    start = next(m for m in messages if m["type"] == "http.response.start")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
    out = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return {"status": start["status"], "content_type": headers.get("content-type"), "body_b64": base64.b64encode(out).decode("ascii")}


request = json.load(sys.stdin)
application = asgi.create_app(functions=FUNCTIONS, url=request["url"])
print(json.dumps({"responses": [call(application, r) for r in request["requests"]]}))
