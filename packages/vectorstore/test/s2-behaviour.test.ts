/**
 * What s2 does beyond (or unlike) the reference, observed as the statements it sends to the
 * recording fake: batching limits, binary vectors, the normalised column on update, text in
 * through an embeddings model, other input sources, safer index DDL, result decoding.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import pl from 'nodejs-polars';
import { connect, createPool, type Connection } from '@s2/core';
import { startRecordingMysqlServer, type RecordingServer, type ScriptedReply } from '@s2/testing';
import { IndexNotFoundError, vectorDb, VectorStoreError, type EmbeddingsLike, type VectorDbOptions } from '@s2/vectorstore';
import { normalizeSql, respond } from './support/fixture.js';

let server: RecordingServer;
let conn: Connection;
let override: ((sql: string) => ScriptedReply | undefined) | undefined;

beforeEach(async () => {
  override = undefined;
  server = await startRecordingMysqlServer({ respond: (sql) => override?.(sql) ?? respond(sql) });
  conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
});
afterEach(async () => {
  await conn.close();
  await server.close();
  expect(server.errors).toEqual([]);
});

/** Opens the store and an index of the fixture; returns a function giving the statements sent since. */
async function open(name: string, options: VectorDbOptions = {}) {
  const db = await vectorDb(conn, options);
  const index = await db.index(name);
  server.reset();
  return { db, index, sent: () => server.statements.map((s) => s.sql) };
}

const hexFloats = (hex: string) => Array.from(new Float32Array(new Uint8Array(Buffer.from(hex, 'hex')).buffer));

describe('batched upserts', () => {
  it('cuts statements at batchSize rows and sums the affected rows', async () => {
    const { index, sent } = await open('dp', { batchSize: 2 });
    const n = await index.upsert(Array.from({ length: 5 }, (_, i) => [`v${i}`, [i, 1, 2]] as const));
    expect(sent()).toHaveLength(3);
    expect(sent()[0]).toBe("REPLACE INTO index_dp (id,vector) VALUES ('v0','[0,1,2]'), ('v1','[1,1,2]')");
    expect(sent().map((s) => s.match(/\('v\d'/g)!.length)).toEqual([2, 2, 1]);
    expect(n).toBe(5);
  });

  it('cuts statements before they pass maxStatementBytes', async () => {
    const { index, sent } = await open('dp', { maxStatementBytes: 100 });
    await index.upsert(Array.from({ length: 6 }, (_, i) => [`v${i}`, [0.5, 0.25, i]] as const));
    expect(sent().length).toBeGreaterThan(1);
    expect(
      sent()
        .join('')
        .match(/\('v\d'/g),
    ).toHaveLength(6);
  });

  it('reads async iterables lazily and Arrow tables column by column', async () => {
    const { index, sent } = await open('dp');
    async function* gen() {
      for (let i = 0; i < 3; i++) yield { id: `g${i}`, values: new Float32Array([i, 0.5, 0.25]), metadata: { i } };
    }
    await index.upsert(gen());
    expect(normalizeSql(sent()[0]!)).toBe(
      normalizeSql(
        `REPLACE INTO index_dp (id,vector,metadata) VALUES ('g0','[0,0.5,0.25]','{\\"i\\": 0}'), ('g1','[1,0.5,0.25]','{\\"i\\": 1}'), ('g2','[2,0.5,0.25]','{\\"i\\": 2}')`,
      ),
    );
    server.reset();
    const table = tableFromArrays({ id: ['t0', 't1'], values: [new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6])] as never });
    await index.upsert(table as never);
    expect(sent()).toEqual(["REPLACE INTO index_dp (id,vector) VALUES ('t0','[1,2,3]'), ('t1','[4,5,6]')"]);
  });

  it('reads nodejs-polars DataFrames slice by slice', async () => {
    const { index, sent } = await open('dp', { batchSize: 2 });
    const df = pl.DataFrame({
      id: ['p0', 'p1', 'p2'],
      values: [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9.5],
      ],
      metadata: ['{"k": 1}', '{"k": 2}', '{}'],
    });
    expect(await index.upsert(df)).toBe(3);
    expect(sent()).toEqual([
      `REPLACE INTO index_dp (id,vector,metadata) VALUES ('p0','[1,2,3]','{\\"k\\": 1}'), ('p1','[4,5,6]','{\\"k\\": 2}')`,
      `REPLACE INTO index_dp (id,vector,metadata) VALUES ('p2','[7,8,9.5]','{}')`,
    ]);
  });

  it('decides the metadata column per batch: items without metadata get NULL (the reference looks at the first item only)', async () => {
    const { index, sent } = await open('dp');
    await index.upsert([
      ['a', [1, 2, 3]],
      ['b', [4, 5, 6], { k: 'v' }],
    ]);
    expect(sent()).toEqual([`REPLACE INTO index_dp (id,vector,metadata) VALUES ('a','[1,2,3]',NULL), ('b','[4,5,6]','{\\"k\\": \\"v\\"}')`]);
  });

  it('sends nothing for an empty input and rejects malformed vectors before sending anything', async () => {
    const { index, sent } = await open('dp');
    expect(await index.upsert([])).toBe(0);
    await expect(index.upsert([['a', [1, 2]]])).rejects.toThrow(/has 2 dimensions; the index has 3/);
    await expect(index.upsert([['a', [1, Number.NaN, 2]]])).rejects.toThrow(/non-finite value at position 1/);
    await expect(index.upsert([['a'] as never])).rejects.toThrow(/Invalid vector tuple length: 1/);
    await expect(index.upsert([{ id: 'a' } as never])).rejects.toThrow(/neither values nor text/);
    await expect(index.upsert([{ id: 'a', values: [1, 2, 3], metadata: [1] as never }])).rejects.toThrow(/metadata must be an object/);
    expect(sent()).toEqual([]);
  });
});

describe('binary vectors (vectorFormat: binary)', () => {
  it.each(['binary', 'json'] as const)('refuses values outside the F32 range before sending anything (%s)', async (vectorFormat) => {
    const { index, sent } = await open('dp', { vectorFormat });
    const F32_MAX = 3.4028234663852886e38;
    await expect(index.upsert([{ id: 'big', values: [1, 1e39, 1] }])).rejects.toThrow(/Vector big has a value at position 1 outside the F32 range/);
    await expect(index.upsert([['neg', [1, 2, -1e39]]])).rejects.toBeInstanceOf(VectorStoreError);
    await expect(index.update('a', { values: [Number.MAX_VALUE, 0, 0] })).rejects.toThrow(/position 0 outside the F32 range/);
    await expect(index.query({ vector: [0, 0, 4e38], topK: 1 })).rejects.toThrow(/position 2 outside the F32 range/);
    expect(sent()).toEqual([]);
    // The largest F32, and a double that rounds to it, are still taken.
    await index.upsert([['edge', [F32_MAX, -F32_MAX, 3.4028235e38]]]);
    expect(sent()).toHaveLength(1);
  });

  it('sends packed F32 hex literals and the client-side normalised vector for cosine', async () => {
    const { index, sent } = await open('docs', { vectorFormat: 'binary' });
    await index.upsert([{ id: 'a', values: [3, 4, 0], metadata: { x: 1 } }]);
    const m = /^REPLACE INTO index_docs \(id,vector,metadata,vector_normalized\) VALUES \('a',X'([0-9a-f]+)','\{\\"x\\": 1\}',X'([0-9a-f]+)'\)$/.exec(
      sent()[0]!,
    );
    expect(m).not.toBeNull();
    expect(hexFloats(m![1]!)).toEqual([3, 4, 0]);
    expect(hexFloats(m![2]!)).toEqual([Math.fround(0.6), Math.fround(0.8), 0]);
  });

  it('is about half the bytes of JSON text for random F32 vectors', async () => {
    const values = Array.from({ length: 3 }, () => Math.fround(Math.random()));
    const json = await open('dp');
    await json.index.upsert([['a', values]]);
    const jsonLength = json.sent()[0]!.length;
    const bin = await open('dp', { vectorFormat: 'binary' });
    await bin.index.upsert([['a', values]]);
    expect(bin.sent()[0]!.length).toBeLessThan(jsonLength);
  });
});

describe('update keeps vector_normalized in step (the reference leaves it stale)', () => {
  it('JSON: the normalising expression joins the SET list', async () => {
    const { index, sent } = await open('docs');
    await index.update('a', { values: [1, 2, 3] });
    const v = "'[1,2,3]'";
    expect(sent()).toEqual([
      `UPDATE index_docs SET vector = ${v}, vector_normalized = scalar_vector_mul(1.0 / sqrt(vector_elements_sum(vector_mul(JSON_ARRAY_PACK(${v}), JSON_ARRAY_PACK(${v})))), JSON_ARRAY_PACK(${v})) WHERE id = 'a'`,
    ]);
  });
  it('binary: the client sends the unit vector', async () => {
    const { index, sent } = await open('docs', { vectorFormat: 'binary' });
    await index.update('a', { values: [0, 0, 2], setMetadata: { k: 1 }, namespace: 'n' });
    const m =
      /^UPDATE index_docs SET vector = X'([0-9a-f]+)', metadata = '\{\\"k\\": 1\}', vector_normalized = X'([0-9a-f]+)' WHERE id = 'a' AND namespace = 'n'$/.exec(
        sent()[0]!,
      );
    expect(m).not.toBeNull();
    expect(hexFloats(m![2]!)).toEqual([0, 0, 1]);
  });
  it('a non-cosine index updates only what was given', async () => {
    const { index, sent } = await open('dp');
    await index.update('a', { values: [1, 2, 3] });
    expect(sent()).toEqual(["UPDATE index_dp SET vector = '[1,2,3]' WHERE id = 'a'"]);
    await expect(index.update('a', {})).rejects.toThrow(/No valid fields provided for update/);
  });
});

describe('text in, vectors out', () => {
  const embeddings: EmbeddingsLike & { calls: string[][] } = {
    calls: [],
    async embedDocuments(texts) {
      this.calls.push(texts);
      return texts.map((t) => [t.length, 1, 0.5]);
    },
    async embedQuery(text) {
      this.calls.push([text]);
      return [text.length, 2, 0.5];
    },
  };
  it('embeds text records in one call per batch and text queries with embedQuery', async () => {
    embeddings.calls.length = 0;
    const { index, sent } = await open('dp', { embeddings });
    await index.upsert([
      { id: 'a', text: 'hello' },
      { id: 'b', values: [9, 9, 9] },
      { id: 'c', text: 'hi' },
    ]);
    expect(embeddings.calls).toEqual([['hello', 'hi']]);
    expect(sent()[0]).toBe("REPLACE INTO index_dp (id,vector) VALUES ('a','[5,1,0.5]'), ('b','[9,9,9]'), ('c','[2,1,0.5]')");
    server.reset();
    const matches = await index.query({ text: 'abc', topK: 2 });
    expect(embeddings.calls[1]).toEqual(['abc']);
    expect(sent()[0]).toBe("SELECT id, vector, metadata, -DOT_PRODUCT(vector, '[3,2,0.5]') AS __score FROM index_dp ORDER BY __score LIMIT 2");
    expect(matches.map((m) => m.id)).toEqual(['a', 'b']);
  });
  it('without a model, text is a clear error', async () => {
    const { index } = await open('dp');
    await expect(index.upsert([{ id: 'a', text: 'x' }])).rejects.toThrow(VectorStoreError);
    await expect(index.query({ text: 'x', topK: 1 })).rejects.toThrow(/needs an embeddings model/);
  });
});

describe('reads', () => {
  it('query decodes VECTOR columns, JSON metadata and turns DOT_PRODUCT distances into similarities', async () => {
    const { index } = await open('docs');
    const matches = await index.query({ vector: [1, 2, 3], topK: 2, includeValues: true, includeMetadata: true });
    expect(matches).toEqual([
      { id: 'a', score: 0.5, values: [Math.fround(0.1), Math.fround(0.2), Math.fround(0.3)], metadata: { genre: 'drama' } },
      { id: 'b', score: 0.25, values: [1, 2, 3], metadata: null },
    ]);
    const bare = await index.query({ vector: [1, 2, 3], topK: 2 });
    expect(bare[0]).toEqual({ id: 'a', score: 0.5, values: null, metadata: null });
  });
  it('euclidean scores are distances as returned', async () => {
    const { index } = await open('eu');
    expect((await index.query({ vector: [1, 2, 3], topK: 1 })).map((m) => m.score)).toEqual([-0.5, -0.25]);
  });
  it('fetch of no ids sends nothing (the reference sends a broken WHERE)', async () => {
    const { index, sent } = await open('docs');
    expect(Object.keys(await index.fetch([]))).toEqual([]);
    expect(sent()).toEqual([]);
    const got = await index.fetch(['a']);
    expect(got.a).toEqual({ id: 'a', values: [Math.fround(0.1), Math.fround(0.2), Math.fround(0.3)], metadata: { genre: 'drama' } });
  });
  it('stats key the null namespace as "" and add up', async () => {
    const { index } = await open('docs');
    expect(await index.describeIndexStats()).toEqual({ dimension: 3, totalVectorCount: 3, namespaces: { ns1: { vectorCount: 2 }, '': { vectorCount: 1 } } });
  });
  it('list matches a prefix literally: % and _ are escaped', async () => {
    const { index, sent } = await open('docs');
    expect(await index.list({ prefix: 'a_1%' })).toEqual(['a', 'ab']);
    expect(sent()).toEqual(["SELECT id FROM index_docs WHERE id LIKE 'a\\\\_1\\\\%%' ORDER BY id"]);
  });
  it('query validation follows the reference order', async () => {
    const { index, sent } = await open('docs');
    await expect(index.query({ topK: 1 })).rejects.toThrow(/Must provide either a vector or an id/);
    await expect(index.query({ topK: 1, vector: [1, 2, 3], id: 'a' })).rejects.toThrow(/Cannot provide both/);
    await expect(index.query({ topK: 1, vector: [1, 2, 3], disableVectorIndexUse: true })).rejects.toThrow(/Vector index is not enabled/);
    await expect(index.query({ topK: 1, vector: [1, 2, 3], searchOptions: { k: 5 } })).rejects.toThrow(/only be used with vector index enabled/);
    await expect(index.query({ topK: 1, vector: [1, 2, 3], namespace: 'a', namespaces: ['b'] })).rejects.toThrow(/both namespace and namespaces/);
    await expect(index.query({ topK: 0, vector: [1, 2, 3] })).rejects.toThrow(/topK must be a positive integer/);
    await expect(index.query({ topK: 1, vector: [1, 2] })).rejects.toThrow(/2 dimensions/);
    expect(sent()).toEqual([]);
  });
});

describe('index management', () => {
  it('createIndex removes the registry row again when CREATE TABLE fails', async () => {
    const db = await vectorDb(conn);
    override = (sql) => (sql.startsWith('CREATE TABLE index_') ? { kind: 'error', errno: 1064, sqlstate: '42000', message: 'no VECTOR here' } : undefined);
    server.reset();
    await expect(db.createIndex('x', { dimension: 3 })).rejects.toThrow(/no VECTOR here/);
    expect(server.statements.map((s) => s.sql.split(' (')[0]!.split('(')[0])).toEqual([
      'INSERT INTO vector_indexes',
      'CREATE TABLE index_x',
      "DELETE FROM vector_indexes WHERE name='x'",
    ]);
  });
  it('createIndex validates before sending', async () => {
    const db = await vectorDb(conn);
    server.reset();
    await expect(db.createIndex('x', { metric: 'manhattan' as never })).rejects.toThrow(/Invalid metric/);
    await expect(db.createIndex('x', { dimension: 0 })).rejects.toThrow(/dimension must be a positive integer/);
    await expect(db.createIndex('x', { deletionProtection: 'yes' as never })).rejects.toThrow(/Invalid deletion_protection/);
    expect(server.statements).toEqual([]);
  });
  it('configureIndex: no DROP INDEX for an index without one, metric_type always kept', async () => {
    const db = await vectorDb(conn);
    server.reset();
    await db.configureIndex('dp', { useVectorIndex: false });
    await db.configureIndex('dp', { vectorIndexOptions: { index_type: 'IVF_FLAT' } });
    const sent = server.statements.map((s) => s.sql).filter((s) => !s.startsWith('SELECT'));
    expect(sent).toEqual([
      'SHOW INDEX FROM index_dp',
      `UPDATE vector_indexes SET use_vector_index=0, vector_index_options='{\\"metric_type\\": \\"DOT_PRODUCT\\"}' WHERE name='dp'`,
      `UPDATE vector_indexes SET vector_index_options='{\\"index_type\\": \\"IVF_FLAT\\", \\"metric_type\\": \\"DOT_PRODUCT\\"}' WHERE name='dp'`,
    ]);
  });
  const OLD_EU_OPTIONS = `vector_index_options='{\\"index_type\\": \\"HNSW_FLAT\\", \\"M\\": 16, \\"metric_type\\": \\"EUCLIDEAN_DISTANCE\\"}'`;
  it('configureIndex: a failed rebuild re-creates the old index and restores the registry row', async () => {
    const db = await vectorDb(conn);
    override = (sql) => (sql.startsWith('ALTER TABLE') && sql.includes('HNSW_PQ') ? { kind: 'error', errno: 1105, message: 'bad option' } : undefined);
    server.reset();
    await expect(db.configureIndex('eu', { vectorIndexOptions: { index_type: 'HNSW_PQ', nbits: 12 } })).rejects.toThrow(/bad option/);
    const sent = server.statements.map((s) => s.sql).filter((s) => !s.startsWith('SELECT'));
    expect(sent).toEqual([
      'SHOW INDEX FROM index_eu',
      expect.stringMatching(/^UPDATE vector_indexes SET vector_index_options=.*HNSW_PQ/),
      'DROP INDEX vector_index ON index_eu',
      expect.stringMatching(/^ALTER TABLE index_eu ADD VECTOR INDEX vector_index \(vector\) INDEX_OPTIONS .*HNSW_PQ/),
      `ALTER TABLE index_eu ADD VECTOR INDEX vector_index (vector) INDEX_OPTIONS '{"index_type": "HNSW_FLAT", "M": 16, "metric_type": "EUCLIDEAN_DISTANCE"}'`,
      `UPDATE vector_indexes SET deletion_protection=1, tags='{}', use_vector_index=1, ${OLD_EU_OPTIONS} WHERE name='eu'`,
    ]);
  });
  it('configureIndex: when the old index cannot be re-created either, the registry row says there is none', async () => {
    const db = await vectorDb(conn);
    override = (sql) => (sql.startsWith('ALTER TABLE') ? { kind: 'error', errno: 1105, message: 'bad option' } : undefined);
    server.reset();
    await expect(db.configureIndex('eu', { vectorIndexOptions: { index_type: 'HNSW_PQ', nbits: 12 } })).rejects.toThrow(/bad option/);
    const sent = server.statements.map((s) => s.sql).filter((s) => !s.startsWith('SELECT'));
    expect(sent.map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual([
      'SHOW INDEX FROM',
      'UPDATE vector_indexes SET',
      'DROP INDEX vector_index',
      'ALTER TABLE index_eu',
      'ALTER TABLE index_eu',
      'UPDATE vector_indexes SET',
    ]);
    expect(sent[5]).toBe(`UPDATE vector_indexes SET deletion_protection=1, tags='{}', use_vector_index=0, ${OLD_EU_OPTIONS} WHERE name='eu'`);
  });
  it('configureIndex: a failed flush after the new index was added keeps the new registry row', async () => {
    const db = await vectorDb(conn);
    override = (sql) => (sql.startsWith('OPTIMIZE') ? { kind: 'error', errno: 1105, message: 'flush failed' } : undefined);
    server.reset();
    await expect(db.configureIndex('eu', { vectorIndexOptions: { index_type: 'IVF_FLAT' } })).rejects.toThrow(/flush failed/);
    const sent = server.statements.map((s) => s.sql).filter((s) => !s.startsWith('SELECT'));
    expect(sent.map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['SHOW INDEX', 'UPDATE vector_indexes', 'DROP INDEX', 'ALTER TABLE', 'OPTIMIZE TABLE']);
  });
  it('configureIndex: the table decides whether to DROP, so a lost index can be added back or turned off', async () => {
    // The registry says 'eu' has a vector index; the table tracks whether it really does.
    let physical = true;
    override = (sql) => {
      if (sql === 'SHOW INDEX FROM index_eu' && !physical)
        return {
          kind: 'rows',
          columns: [
            { name: 'Table', type: 253 },
            { name: 'Non_unique', type: 253 },
            { name: 'Key_name', type: 253 },
          ],
          rows: [['index_eu', '0', 'PRIMARY']],
        };
      if (sql.startsWith('DROP INDEX')) {
        if (!physical) return { kind: 'error', errno: 1091, sqlstate: '42000', message: "Can't DROP 'vector_index'; check that column/key exists" };
        physical = false;
        return { kind: 'ok' };
      }
      if (sql.startsWith('ALTER TABLE')) {
        if (physical) return { kind: 'error', errno: 1061, message: "Duplicate key name 'vector_index'" };
        physical = true;
        return { kind: 'ok' };
      }
      return undefined;
    };
    const db = await vectorDb(conn);
    physical = false;
    server.reset();
    await db.configureIndex('eu', { vectorIndexOptions: { index_type: 'HNSW_FLAT' } });
    expect(physical).toBe(true);
    expect(server.statements.map((s) => s.sql).some((s) => s.startsWith('DROP'))).toBe(false);
    physical = false;
    await db.configureIndex('eu', { useVectorIndex: false });
    expect(server.statements.map((s) => s.sql).some((s) => s.startsWith('DROP'))).toBe(false);
  });
  it('deleteIndex refuses protected indexes; missing ones are IndexNotFoundError', async () => {
    const db = await vectorDb(conn);
    server.reset();
    await expect(db.deleteIndex('eu')).rejects.toThrow(/deletion protection enabled/);
    await expect(db.describeIndex('nope')).rejects.toBeInstanceOf(IndexNotFoundError);
    expect(server.statements.every((s) => s.sql.startsWith('SELECT'))).toBe(true);
  });
  it('listIndexes reads models with parsed JSON and enums', async () => {
    const db = await vectorDb(conn);
    const list = await db.listIndexes();
    expect(list.map((m) => m.name)).toEqual(['docs', 'eu', 'dp']);
    expect(list[1]).toEqual({
      name: 'eu',
      dimension: 3,
      metric: 'euclidean',
      deletionProtection: 'enabled',
      useVectorIndex: true,
      vectorIndexOptions: { index_type: 'HNSW_FLAT', M: 16, metric_type: 'EUCLIDEAN_DISTANCE' },
      tags: {},
    });
  });
});

describe('connection sources', () => {
  it('a pool: statements borrow connections; the store leaves a pool it was given open', async () => {
    const pool = createPool({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db', max: 2 });
    const db = await vectorDb(pool);
    expect(await db.hasIndex('docs')).toBe(true);
    await db.close();
    expect(await pool.query('SELECT 1')).toBeDefined();
    await pool.end();
  });
  it('a URL: the store owns its pool and names itself in the connection attributes', async () => {
    const db = await vectorDb(`mysql://u:p@${server.host}:${server.port}/db`);
    expect(await db.hasIndex('nope')).toBe(false);
    await db.close();
    const attrs = server.logins.at(-1)!.attributes;
    expect(attrs._connector_name).toBe('s2 vectorstore');
    expect(attrs._connector_version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
