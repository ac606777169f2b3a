"""The official Python SDK reads the same statements twice: with its MySQL client straight from
the server, and with its HTTP client through the Data API gateway. Prints every difference in
description (name, type code) or value (type and repr) as JSON."""
import json
import sys

import singlestoredb as s2

QUERIES = [
    ("SELECT * FROM alltypes ORDER BY id", None),
    ("SELECT * FROM data ORDER BY id", None),
    (
        "SELECT CAST(18446744073709551615 AS UNSIGNED) AS u64, CAST(-5 AS SIGNED) AS neg, "
        "1e0 AS whole_double, 0.5e0 AS half, CAST(1.5 AS DECIMAL(65,30)) AS dec65, "
        "CAST('2020-01-02 03:04:05.123456' AS DATETIME(6)) AS dt6, CAST('01:02:03.5' AS TIME(1)) AS t1, "
        "CONCAT(CHAR(0 USING utf8mb4), '0', CHAR(0 USING utf8mb4)) AS nul, X'00ff' AS bin, "
        "CAST(2.25 AS DECIMAL(10,2)) AS dec10, CAST(-7 AS DECIMAL(5,0)) AS dec5, "
        "DATE('2020-02-29') AS leap, NULL AS nothing, 'caf\u00e9 \U0001f977' AS text, POINT(1, 2.5) AS geo",
        None,
    ),
    (
        "SELECT %s AS big, %s AS hostile, %s AS f, %s AS b, %s AS n, %s AS s",
        [9007199254740993, "x' UNION SELECT CURRENT_USER() -- \\", 1.5, True, None, "a\\b"],
    ),
]


INTEGERS = {1, 2, 3, 8, 9}


def describe(cur):
    """What both clients can know: name, type code, nullability; precision and scale for DECIMAL
    (elsewhere the HTTP client has only the dataType suffix, by design); unsignedness of integers."""
    out = []
    for d in cur.description:
        item = [d[0], d[1], bool(d[6])]
        if d[1] == 246:
            item += [d[4], d[5]]
        if d[1] in INTEGERS:
            item.append(bool((d[7] or 0) & 32))
        out.append(item)
    return out


def spell(v):
    return [type(v).__name__, repr(v)]


def compare(mysql_url, http_url, pure_python):
    diffs = []
    with s2.connect(mysql_url, pure_python=pure_python) as my, s2.connect(http_url) as http:
        for sql, args in QUERIES:
            seen = {}
            for name, conn in (("mysql", my), ("http", http)):
                with conn.cursor() as cur:
                    cur.execute(sql, args)
                    seen[name] = (describe(cur), [list(r) for r in cur.fetchall()])
            (mdesc, mrows), (hdesc, hrows) = seen["mysql"], seen["http"]
            if mdesc != hdesc:
                diffs.append({"sql": sql[:40], "mysql": mdesc, "http": hdesc, "what": "description"})
            if len(mrows) != len(hrows):
                diffs.append({"sql": sql[:40], "what": "row count", "mysql": len(mrows), "http": len(hrows)})
                continue
            for r, (mrow, hrow) in enumerate(zip(mrows, hrows)):
                for c, (mv, hv) in enumerate(zip(mrow, hrow)):
                    if spell(mv) != spell(hv):
                        diffs.append({"sql": sql[:40], "what": "value", "row": r, "column": mdesc[c][0],
                                      "mysql": spell(mv), "http": spell(hv)})
    return diffs


def main():
    mysql_url, http_url = sys.argv[1], sys.argv[2]
    # The MySQL client has two decoders: its C accelerator (the default) and pure Python.
    print(json.dumps({"pure": compare(mysql_url, http_url, True), "accelerated": compare(mysql_url, http_url, False)}))


if __name__ == "__main__":
    main()
