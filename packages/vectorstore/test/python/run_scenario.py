"""Runs a vector-store scenario (JSON on stdin) with the reference package singlestore-vectorstore
against a server (the recording fake). Before each operation it sends a marker statement so the
recording can be split per operation. Prints one JSON line per operation: the error, if any."""
import json
import sys

import singlestoredb as s2
from vectorstore import DeletionProtection, VectorDB

spec = json.load(sys.stdin)
conn = s2.connect(host=spec['host'], port=spec['port'], user='u', password='p', database='db')
results = []
db = None
handles = {}


def index(name):
    if name not in handles:
        handles[name] = db.Index(name)
    return handles[name]


def tuples(items):
    return [tuple(i) if isinstance(i, list) else i for i in items]


INDEX_OPTIONS = [('deletionProtection', 'deletion_protection'), ('tags', 'tags'),
                 ('useVectorIndex', 'use_vector_index'), ('vectorIndexOptions', 'vector_index_options')]


def index_options(a):
    """The index options a step gives, under the reference's keyword names."""
    return {py: a[js] for js, py in INDEX_OPTIONS if js in a}


for n, step in enumerate(spec['steps']):
    conn.cursor().execute(f"SELECT 'op {n}'")
    op, a = step['op'], step.get('args', {})
    try:
        if op == 'init':
            db = VectorDB(connection=conn)
        elif op == 'createIndex':
            kw = dict(dimension=a['dimension'], metric=a.get('metric', 'cosine'), **index_options(a))
            db.create_index(a['name'], **kw)
        elif op == 'deleteIndex':
            db.delete_index(a['name'])
        elif op == 'listIndexes':
            db.list_indexes()
        elif op == 'describeIndex':
            db.describe_index(a['name'])
        elif op == 'hasIndex':
            db.has_index(a['name'])
        elif op == 'configureIndex':
            kw = index_options(a)
            if 'deletion_protection' in kw:
                kw['deletion_protection'] = DeletionProtection(kw['deletion_protection'])
            db.configure_index(a['name'], **kw)
        elif op == 'index':
            handles[a['name']] = db.Index(a['name'])
        elif op == 'upsert':
            index(a['index']).upsert(tuples(a['vectors']), namespace=a.get('namespace'))
        elif op == 'fetch':
            index(a['index']).fetch(a['ids'], namespace=a.get('namespace'))
        elif op == 'query':
            kw = {k2: a[k1] for k1, k2 in [('vector', 'vector'), ('id', 'id'), ('namespace', 'namespace'),
                                           ('namespaces', 'namespaces'), ('filter', 'filter'),
                                           ('includeValues', 'include_values'), ('includeMetadata', 'include_metadata'),
                                           ('disableVectorIndexUse', 'disable_vector_index_use'),
                                           ('searchOptions', 'search_options')] if k1 in a}
            index(a['index']).query(top_k=a['topK'], **kw)
        elif op == 'delete':
            kw = {k2: a[k1] for k1, k2 in [('ids', 'ids'), ('deleteAll', 'delete_all'), ('namespace', 'namespace'), ('filter', 'filter')] if k1 in a}
            index(a['index']).delete(**kw)
        elif op == 'update':
            kw = {k2: a[k1] for k1, k2 in [('values', 'values'), ('setMetadata', 'set_metadata'), ('namespace', 'namespace')] if k1 in a}
            index(a['index']).update(a['id'], **kw)
        elif op == 'describeIndexStats':
            index(a['index']).describe_index_stats(filter=a.get('filter'))
        elif op == 'list':
            index(a['index']).list(prefix=a.get('prefix'), namespace=a.get('namespace'))
        else:
            raise ValueError('unknown op ' + op)
        results.append(None)
    except Exception as e:  # the error is part of the comparison
        results.append(f'{type(e).__name__}: {e}')

conn.close()
print(json.dumps(results))
