"""Reference side of the vectorstore benchmark: singlestore-vectorstore 0.1.5 upserts the vectors
of a raw little-endian F32 file (rows x dim) into the recording fake, one statement per vector
(its only mode). Only the upsert calls are timed; turning numpy rows into Python lists is not."""
import json
import sys
import time

import numpy as np
import singlestoredb as s2
from vectorstore import VectorDB

spec = json.load(sys.stdin)
data = np.fromfile(spec['file'], dtype='<f4').reshape(-1, spec['dim'])[: spec['vectors']]
conn = s2.connect(host=spec['host'], port=spec['port'], user='u', password='p', database='db')
db = VectorDB(connection=conn)
index = db.Index(spec['index'])
conn.cursor().execute("SELECT 'start'")
timed = 0.0
cpu = 0.0
total = 0
chunk = 1000
for start in range(0, len(data), chunk):
    rows = [(f'v{start + i:06d}', v.tolist()) for i, v in enumerate(data[start:start + chunk])]
    t = time.perf_counter()
    c = time.process_time()
    total += index.upsert(rows)
    timed += time.perf_counter() - t
    cpu += time.process_time() - c
conn.cursor().execute("SELECT 'end'")
conn.close()
print(json.dumps({'seconds': timed, 'cpu_seconds': cpu, 'affected': total}))
