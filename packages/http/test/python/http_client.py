"""Runs the official Python SDK's HTTP connector against a Data API and prints JSON results."""
import json
import os
import sys

sys.path.insert(0, os.environ["S2_PY_HELPERS"])

import singlestoredb as s2  # noqa: E402
from s2_plain import plain  # noqa: E402


def main():
    url, scratch = sys.argv[1], sys.argv[2]
    out = {}
    with s2.connect(url) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT * FROM data ORDER BY id")
            out["data"] = [[plain(x) for x in row] for row in cur.fetchall()]
            out["description"] = [[d[0], d[1]] for d in cur.description]
            cur.execute("SELECT * FROM alltypes WHERE id IN (0, 2, 3) ORDER BY id")
            out["alltypes"] = [[plain(x) for x in row] for row in cur.fetchall()]
            cur.execute("SELECT id FROM data WHERE id < %s ORDER BY id", ["c"])
            out["params"] = [list(r) for r in cur.fetchall()]
            try:
                cur.execute("garbage syntax")
                out["error"] = None
            except Exception as exc:  # noqa: BLE001 - the class name is what is compared
                out["error"] = [type(exc).__name__, getattr(exc, "errno", None)]
    with s2.connect(url.rsplit("/", 1)[0] + "/" + scratch) as conn:
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE py_em (a INT, b VARCHAR(10))")
            cur.executemany("INSERT INTO py_em VALUES (%s, %s)", [(i, "r%d" % i) for i in range(50)])
            cur.execute("SELECT COUNT(*), SUM(a) FROM py_em")
            out["executemany"] = [plain(x) for x in cur.fetchone()]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
