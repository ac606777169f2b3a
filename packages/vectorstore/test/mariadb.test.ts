/**
 * The plain-SQL parts against the throwaway MariaDB: the registry table, index metadata,
 * namespaces, upserts of JSON vectors, fetch/list/update/delete and stats. MariaDB has no
 * VECTOR type or vector functions, so data tables are created here with the same columns and
 * `vector` as LONGTEXT, on euclidean/dotproduct indexes (no server-side normalisation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import pl from 'nodejs-polars';
import { connect, type Connection } from '@s2/core';
import { startDataApiGateway } from '@s2/data-api-gateway';
import { uniqueDatabaseName } from '@s2/testing';
import { skipUnless, testServer } from '@s2/testing/vitest';
import { IndexNotFoundError, vectorDb, VectorStoreError, type VectorDb } from '@s2/vectorstore';

const scratch = uniqueDatabaseName('vectorstore');
// With SINGLESTOREDB_URL the run's server is that external one: these MariaDB-shaped checks
// (no VECTOR type, JSON as text) do not apply there; singlestore.test.ts covers it instead.
const external = testServer().external;
const onlyMariaDb = () =>
  skipUnless(external ? 'vectorstore MariaDB suite: the run uses an external server (SINGLESTOREDB_URL), see singlestore.test.ts' : null, 'platform');
let conn: Connection;
let db: VectorDb;

/** Registers an index and creates its table the way createIndex would, minus the VECTOR type. */
async function plainIndex(name: string, metric: 'euclidean' | 'dotproduct', protectedIndex = false) {
  await conn.execute(
    'INSERT INTO vector_indexes(name, dimension, metric, deletion_protection, use_vector_index, vector_index_options, tags) VALUES (?, 3, ?, ?, 0, ?, ?)',
    [
      name,
      metric,
      protectedIndex,
      JSON.stringify({ metric_type: metric === 'euclidean' ? 'EUCLIDEAN_DISTANCE' : 'DOT_PRODUCT' }),
      JSON.stringify({ owner: 'tests' }),
    ],
  );
  await conn.execute(
    `CREATE TABLE index_${name}(id VARCHAR(255) PRIMARY KEY, vector LONGTEXT NOT NULL, metadata JSON, namespace VARCHAR(255), ` +
      'created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)',
  );
  return db.index(name);
}

beforeAll(async () => {
  if (external) return;
  const root = await connect(testServer().url);
  await root.execute(`CREATE DATABASE ${scratch}`);
  await root.close();
  conn = await connect(`${testServer().url}/${scratch}`);
  db = await vectorDb(conn);
});
afterAll(async () => {
  await conn?.execute(`DROP DATABASE IF EXISTS ${scratch}`);
  await conn?.close();
});

describe('registry table and index metadata on MariaDB', onlyMariaDb(), () => {
  it("creates vector_indexes with the reference's columns, once", async () => {
    await vectorDb(conn);
    const cols = (await conn.query<unknown[]>('SHOW COLUMNS FROM vector_indexes')).map((r) => r[0]);
    expect(cols).toEqual([
      'name',
      'created_at',
      'updated_at',
      'dimension',
      'metric',
      'deletion_protection',
      'use_vector_index',
      'vector_index_options',
      'tags',
    ]);
    expect(await db.listIndexes()).toEqual([]);
  });

  it("vectorFormat 'auto' settles on JSON text: MariaDB does not know @@memsql_version", async () => {
    expect(db.vectorFormat).toBe('json');
    expect((await vectorDb(conn, { vectorFormat: 'binary' })).vectorFormat).toBe('binary');
  });

  it('a failed CREATE TABLE (no VECTOR type here) leaves no orphan registry row', async () => {
    await expect(db.createIndex('orphan', { dimension: 3 })).rejects.toThrow();
    expect(await db.hasIndex('orphan')).toBe(false);
    expect(await conn.query('SELECT * FROM vector_indexes')).toEqual([]);
  });

  it('createIndex says SingleStore 8.5+ is needed when the server has no VECTOR type, the server error as cause', async () => {
    const err = await db.createIndex('novector', { dimension: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VectorStoreError);
    expect((err as Error).message).toMatch(/createIndex\(\) needs SingleStore 8\.5 or later \(the VECTOR type/);
    expect((err as VectorStoreError).errno).toBe(1064);
    expect(((err as Error).cause as Error).message).toMatch(/F32\) NOT NULL/);
    expect(await db.hasIndex('novector')).toBe(false);
  });

  it('describe, list, configure and delete indexes', async () => {
    await plainIndex('meta_b', 'dotproduct');
    await plainIndex('meta_a', 'euclidean', true);
    expect((await db.listIndexes()).map((m) => m.name)).toEqual(['meta_a', 'meta_b']);
    expect(await db.describeIndex('meta_a')).toEqual({
      name: 'meta_a',
      dimension: 3,
      metric: 'euclidean',
      deletionProtection: 'enabled',
      useVectorIndex: false,
      vectorIndexOptions: { metric_type: 'EUCLIDEAN_DISTANCE' },
      tags: { owner: 'tests' },
    });
    expect(await db.hasIndex('meta_b')).toBe(true);
    await expect(db.describeIndex('missing')).rejects.toBeInstanceOf(IndexNotFoundError);

    const changed = await db.configureIndex('meta_a', { deletionProtection: 'disabled', tags: { team: 'x' }, useVectorIndex: false });
    expect(changed).toMatchObject({
      deletionProtection: 'disabled',
      tags: { team: 'x' },
      useVectorIndex: false,
      vectorIndexOptions: { metric_type: 'EUCLIDEAN_DISTANCE' },
    });
    expect(await db.configureIndex('meta_a')).toEqual(changed);

    await db.configureIndex('meta_b', { deletionProtection: 'enabled' });
    await expect(db.deleteIndex('meta_b')).rejects.toThrow(/deletion protection enabled/);
    expect(await db.hasIndex('meta_b')).toBe(true);
    await db.deleteIndex('meta_a');
    expect(await db.hasIndex('meta_a')).toBe(false);
    expect(await conn.query(`SHOW TABLES LIKE 'index_meta_a'`)).toEqual([]);
  });
});

describe('data operations on MariaDB (JSON vectors, no vector functions)', onlyMariaDb(), () => {
  it('upsert counts like the reference: a replaced id counts 2; namespaces and NULL metadata as given', async () => {
    const index = await plainIndex('docs', 'dotproduct');
    expect(
      await index.upsert(
        [
          { id: 'a1', values: [0.1, 0.2, 0.3], metadata: { genre: 'drama' } },
          { id: 'a2', values: [1, 2, 3], metadata: { n: 1 } },
        ],
        { namespace: 'ns1' },
      ),
    ).toBe(2);
    expect(
      await index.upsert([
        ['b1', [0.5, 0.5, 0.5]],
        ['a_x', [1, 1, 1]],
      ]),
    ).toBe(2);
    expect(await index.upsert([['a2', [9, 9, 9], { n: 2 }]], { namespace: 'ns1' })).toBe(2);
    const rows = await conn.query<unknown[]>('SELECT id, vector, metadata, namespace FROM index_docs ORDER BY id');
    expect(rows).toEqual([
      ['a1', '[0.1,0.2,0.3]', '{"genre": "drama"}', 'ns1'],
      ['a2', '[9,9,9]', '{"n": 2}', 'ns1'],
      ['a_x', '[1,1,1]', null, null],
      ['b1', '[0.5,0.5,0.5]', null, null],
    ]);
  });

  it('batches of many rows land completely', async () => {
    const index = await plainIndex('bulk', 'euclidean');
    const db2 = await vectorDb(conn, { batchSize: 7 });
    const bulk = await db2.index('bulk');
    expect(
      await bulk.upsert(
        Array.from({ length: 100 }, (_, i) => [`id${String(i).padStart(3, '0')}`, [i, i / 2, i / 4]] as const),
        { namespace: 'n' },
      ),
    ).toBe(100);
    expect((await index.list()).length).toBe(100);
    expect((await index.fetch(['id042'])).id042!.values).toEqual([42, 21, 10.5]);
  });

  it('list: sorted ids, prefix matched literally, namespace restriction', async () => {
    const index = await db.index('docs');
    expect(await index.list()).toEqual(['a1', 'a2', 'a_x', 'b1']);
    expect(await index.list({ prefix: 'a' })).toEqual(['a1', 'a2', 'a_x']);
    expect(await index.list({ prefix: 'a_' })).toEqual(['a_x']);
    expect(await index.list({ prefix: 'a', namespace: 'ns1' })).toEqual(['a1', 'a2']);
  });

  it('list pages: limit and after (keyset), listPages walks every page; bad paging options are refused', async () => {
    const index = await db.index('docs');
    expect(await index.list({ limit: 2 })).toEqual(['a1', 'a2']);
    expect(await index.list({ limit: 2, after: 'a2' })).toEqual(['a_x', 'b1']);
    expect(await index.list({ prefix: 'a', after: 'a1' })).toEqual(['a2', 'a_x']);
    const pages: string[][] = [];
    for await (const page of index.listPages({ pageSize: 3 })) pages.push(page);
    expect(pages).toEqual([['a1', 'a2', 'a_x'], ['b1']]);
    await expect(index.list({ limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    await expect(index.list({ after: 5 as never })).rejects.toThrow(/after must be an id/);
  });

  it('fetch decodes vectors and metadata; missing ids are absent; namespace restricts', async () => {
    const index = await db.index('docs');
    const got = await index.fetch(['a1', 'b1', 'zz']);
    expect(Object.keys(got).sort()).toEqual(['a1', 'b1']);
    expect(got.a1).toEqual({ id: 'a1', values: [0.1, 0.2, 0.3], metadata: { genre: 'drama' } });
    expect(got.b1!.metadata).toBeNull();
    expect(Object.keys(await index.fetch(['a1', 'b1'], { namespace: 'ns1' }))).toEqual(['a1']);
  });

  it('update replaces values and metadata, honours the namespace, ignores missing ids', async () => {
    const index = await db.index('docs');
    await index.update('a1', { setMetadata: { genre: 'comedy' }, namespace: 'other' });
    expect((await index.fetch(['a1'])).a1!.metadata).toEqual({ genre: 'drama' });
    await index.update('a1', { values: [3, 2, 1], setMetadata: { genre: 'comedy' }, namespace: 'ns1' });
    expect((await index.fetch(['a1'])).a1).toEqual({ id: 'a1', values: [3, 2, 1], metadata: { genre: 'comedy' } });
    await index.update('nope', { setMetadata: { x: 1 } });
    expect(await index.list()).toEqual(['a1', 'a2', 'a_x', 'b1']);
  });

  it('stats per namespace, the null namespace under ""', async () => {
    const index = await db.index('docs');
    expect(await index.describeIndexStats()).toEqual({ dimension: 3, totalVectorCount: 4, namespaces: { '': { vectorCount: 2 }, ns1: { vectorCount: 2 } } });
  });

  it('delete by ids, by namespace with deleteAll, then everything', async () => {
    const index = await db.index('docs');
    await expect(index.delete({ namespace: 'ns1' })).rejects.toThrow(/Must specify ids, delete_all, or filter/);
    await expect(index.delete({ ids: ['a1'], deleteAll: true })).rejects.toThrow(/Cannot delete all vectors/);
    await index.delete({ ids: ['b1', 'zz'] });
    expect(await index.list()).toEqual(['a1', 'a2', 'a_x']);
    await index.delete({ deleteAll: true, namespace: 'ns1' });
    expect(await index.list()).toEqual(['a_x']);
    await index.delete({ deleteAll: true });
    expect(await index.list()).toEqual([]);
  });

  it('conn.vectorDb: one store per connection, opened on first access', async () => {
    const first = await conn.vectorDb;
    expect(await conn.vectorDb).toBe(first);
    expect(await first.hasIndex('docs')).toBe(true);
    const other = await connect(`${testServer().url}/${scratch}`);
    expect(await other.vectorDb).not.toBe(first);
    await other.close();
  });

  it('a store over a pool made from a URL works the same and closes its pool', async () => {
    const pooled = await vectorDb(`${testServer().url}/${scratch}`);
    expect(await pooled.hasIndex('docs')).toBe(true);
    const index = await pooled.index('docs');
    await Promise.all([index.upsert([['p1', [1, 2, 3]]]), index.upsert([['p2', [4, 5, 6]]], { namespace: 'p' })]);
    expect(await index.list({ prefix: 'p' })).toEqual(['p1', 'p2']);
    await pooled.close();
  });

  it('the same store works over HTTP (the Data API, through the gateway in front of MariaDB)', async () => {
    const info = testServer();
    const gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
    const http = await connect(`http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${scratch}`);
    try {
      const store = await vectorDb(http);
      expect((await store.listIndexes()).map((m) => m.name)).toContain('docs');
      const index = await store.index('docs');
      expect(await index.upsert([{ id: 'h1', values: [1, 2, 3], metadata: { via: 'http' } }], { namespace: 'h' })).toBe(1);
      expect(await index.fetch(['h1'])).toEqual({ h1: { id: 'h1', values: [1, 2, 3], metadata: { via: 'http' } } });
      expect((await index.describeIndexStats()).namespaces.h).toEqual({ vectorCount: 1 });
      await index.delete({ ids: ['h1'] });
      expect(await index.list({ prefix: 'h' })).toEqual([]);
    } finally {
      await http.close();
      await gateway.close();
    }
  });
});

describe('MariaDB without vector functions, and invalid items', onlyMariaDb(), () => {
  it('query says SingleStore 8.5+ is needed, the unknown-function error as cause', async () => {
    const index = await plainIndex('nofunctions', 'euclidean');
    await index.upsert([['a', [1, 2, 3]]]);
    const err = await index.query({ vector: [1, 2, 3], topK: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VectorStoreError);
    expect((err as Error).message).toMatch(/query\(\) needs SingleStore 8\.5 or later/);
    expect((err as VectorStoreError).errno).toBe(1305);
    expect(((err as Error).cause as Error).message).toMatch(/EUCLIDEAN_DISTANCE does not exist/);
  });

  /** 20 rows, the one at position 15 (past the first two batches of 7) with a NaN. */
  const rows = () => Array.from({ length: 20 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, values: [i, i === 15 ? Number.NaN : 1, 2] }));

  it.each([
    ['an array', () => rows(), /Vector r15 has a non-finite value at position 1/],
    [
      'an Arrow table',
      () => tableFromArrays({ id: rows().map((r) => r.id), values: rows().map((r) => new Float32Array(r.values)) as never }),
      /Vector r15 has a non-finite value at position 1/,
    ],
    [
      'a polars frame',
      () => pl.DataFrame({ id: rows().map((r) => r.id), values: rows().map((r) => r.values) }),
      /Vector r15 has a non-finite value at position 1/,
    ],
    [
      'an array (metadata JSON cannot hold)',
      () => rows().map((r, i) => ({ id: r.id, values: [i, 1, 2], metadata: { n: i === 15 ? Number.NaN : i } })),
      /JSON cannot hold NaN/,
    ],
  ])('an invalid item anywhere in %s writes nothing: the whole source is checked before the first statement', async (label, source, message) => {
    const name = `whole_${label.replace(/\W+/g, '_')}`;
    await plainIndex(name, 'euclidean');
    const index = await (await vectorDb(conn, { batchSize: 7 })).index(name);
    await expect(index.upsert(source() as never)).rejects.toThrow(message);
    expect(await index.list()).toEqual([]);
  });

  it('an iterable is read a batch at a time: an invalid item fails after the batches before it were written', async () => {
    await plainIndex('lazy', 'euclidean');
    const index = await (await vectorDb(conn, { batchSize: 7 })).index('lazy');
    async function* source() {
      yield* rows();
    }
    await expect(index.upsert(source())).rejects.toThrow(/Vector r15 has a non-finite value/);
    expect((await index.list()).length).toBe(14);
  });
});
