"""Runs Fusion statements through the official Python SDK; prints columns, rows and errors as JSON.

stdin: {"url": mysql URL, "env": {...}, "statements": [...]}
"""
import base64
import datetime
import decimal
import json
import os
import sys

request = json.load(sys.stdin)
os.environ.update(request['env'])

import singlestoredb as s2  # noqa: E402  (after the environment is set)


def spell(v):
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (bytes, bytearray)):
        return {'hex': bytes(v).hex()}
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        return {'epoch_ms': round(v.timestamp() * 1000)}
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (list, dict)):
        return json.loads(json.dumps(v, default=str))
    return {'repr': repr(v)}


out = []
with s2.connect(request['url']) as conn:
    for sql in request['statements']:
        cur = conn.cursor()
        try:
            cur.execute(sql)
            desc = cur.description or []
            rows = cur.fetchall() if desc else []
            out.append({
                'columns': [[d[0], d[1]] for d in desc],
                'rows': [[spell(v) for v in row] for row in rows],
            })
        except Exception as exc:  # the class name is what is compared
            out.append({'error': type(exc).__name__, 'message': str(exc)})
        finally:
            cur.close()
print(json.dumps(out))
