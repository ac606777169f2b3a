/**
 * The whole API end to end on a real SingleStore, gated on SINGLESTOREDB_URL (a URL whose user
 * may create databases). Mirrors the reference package's integration tests: scores and order
 * per metric, filters, namespaces, stats, vector indexes with search options, and s2's own
 * additions (normalised column on update, binary vectors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';
import { vectorDb, type VectorDb } from '@s2/vectorstore';

const url = process.env.SINGLESTOREDB_URL;
/** The server's @@memsql_version, or why the suite cannot run. */
async function probe(): Promise<{ version: string } | { reason: string }> {
  if (!url) return { reason: 'SINGLESTOREDB_URL is not set' };
  let c: Connection;
  try {
    c = await connect(url);
  } catch (err) {
    return { reason: `cannot connect to SINGLESTOREDB_URL: ${(err as Error).message}` };
  }
  try {
    const [row] = await c.query<unknown[]>('SELECT @@memsql_version');
    return { version: String(row![0]) };
  } catch {
    return { reason: 'SINGLESTOREDB_URL does not point at a SingleStore server (no @@memsql_version)' };
  } finally {
    await c.close();
  }
}
const probed = await probe();
const version = 'version' in probed ? probed.version : null;
const reason = 'reason' in probed ? probed.reason : '';
describe(`vectorstore on a real SingleStore ${version ?? ''}`, skipUnless(reason ? `SingleStore vectorstore suite: ${reason}` : null, 'opt-in'), () => {
  const scratch = uniqueDatabaseName('vs');
  let conn: Connection;
  let db: VectorDb;
  const data = (id2: number[]) => [
    { id: 'id1', values: [0.1, 0.2, 0.3], metadata: { genre: 'drama', year: 2021, tags: ['a', 'b'] } },
    { id: 'id2', values: id2, metadata: { genre: 'comedy', year: 2019, author: { name: 'Ann' } } },
    { id: 'id3', values: [0.7, 0.8, 0.9], metadata: { genre: 'drama', year: 2018, draft: true } },
  ];

  beforeAll(async () => {
    const root = await connect(url!);
    await root.execute(`CREATE DATABASE ${scratch}`);
    await root.close();
    conn = await connect(url!, { database: scratch });
    db = await vectorDb(conn);
  }, 120_000);
  afterAll(async () => {
    await conn?.execute(`DROP DATABASE IF EXISTS ${scratch}`);
    await conn?.close();
  });

  it('dot product: scores and order', async () => {
    await db.createIndex('dot', { dimension: 3, metric: 'dotproduct', tags: { name: 'test_tag' } });
    const index = await db.index('dot');
    expect(await index.upsert(data([1, 2, 3]))).toBe(3);
    const m = await index.query({ vector: [0.1, 0.2, 0.3], topK: 2 });
    expect(m.map((x) => x.id)).toEqual(['id2', 'id3']);
    expect(m[0]!.score).toBeCloseTo(1.4, 5);
    expect(m[1]!.score).toBeCloseTo(0.5, 5);
  });

  it('euclidean: distances, lower first', async () => {
    await db.createIndex('euc', { dimension: 3, metric: 'euclidean' });
    const index = await db.index('euc');
    await index.upsert(data([1, 2, 3]));
    const m = await index.query({ vector: [0.1, 0.2, 0.3], topK: 2 });
    expect(m.map((x) => x.id)).toEqual(['id1', 'id3']);
    expect(m[0]!.score).toBeCloseTo(0, 5);
    expect(m[1]!.score).toBeCloseTo(1.039, 3);
  });

  it('cosine: normalised column, similarity scores, query by id with values', async () => {
    await db.createIndex('cos', { dimension: 3 });
    const index = await db.index('cos');
    expect(await index.upsert(data([1, 2, 3.3]), { namespace: 'ns' })).toBe(3);
    expect((await conn.query<unknown[]>('SELECT * FROM index_cos LIMIT 1'))[0]).toHaveLength(7);
    const m = await index.query({ vector: [0.1, 0.2, 0.3], topK: 2 });
    expect(m.map((x) => x.id)).toEqual(['id1', 'id2']);
    expect(m[0]!.score).toBeCloseTo(1, 5);
    expect(m[1]!.score).toBeCloseTo(0.998, 3);
    const byId = await index.query({ id: 'id3', topK: 1, includeValues: true, includeMetadata: true });
    expect(byId[0]!.id).toBe('id3');
    expect(byId[0]!.values![0]).toBeCloseTo(0.7, 6);
    expect(byId[0]!.metadata).toEqual({ genre: 'drama', year: 2018, draft: true });
  });

  it('filters end to end, including nested key paths and array membership', async () => {
    const index = await db.index('cos');
    const ids = async (filter: object) => (await index.query({ vector: [0.1, 0.2, 0.3], topK: 10, filter: filter as never })).map((x) => x.id).sort();
    expect(await ids({ genre: 'drama' })).toEqual(['id1', 'id3']);
    expect(await ids({ genre: { $ne: 'drama' } })).toEqual(['id2']);
    expect(await ids({ year: { $gte: 2019 } })).toEqual(['id1', 'id2']);
    expect(await ids({ year: { $lt: 2019 } })).toEqual(['id3']);
    expect(await ids({ genre: { $in: ['comedy', 'x'] } })).toEqual(['id2']);
    expect(await ids({ genre: { $nin: ['comedy'] } })).toEqual(['id1', 'id3']);
    expect(await ids({ draft: { $exists: true } })).toEqual(['id3']);
    expect(await ids({ draft: { $exists: false } })).toEqual(['id1', 'id2']);
    expect(await ids({ tags: 'b' })).toEqual(['id1']);
    expect(await ids({ 'author.name': 'Ann' })).toEqual(['id2']);
    expect(await ids({ $or: [{ draft: true }, { year: 2019 }] })).toEqual(['id2', 'id3']);
    expect(await ids({ $and: [{ genre: 'drama' }, { year: { $gt: 2020 } }] })).toEqual(['id1']);
  });

  it('update refreshes vector_normalized, so cosine queries see the new vector', async () => {
    const index = await db.index('cos');
    await index.update('id1', { values: [-0.1, -0.2, -0.3] });
    const m = await index.query({ vector: [0.1, 0.2, 0.3], topK: 3 });
    expect(m.at(-1)!.id).toBe('id1');
    expect(m.at(-1)!.score).toBeCloseTo(-1, 5);
  });

  it('stats, list, fetch, delete with namespaces and filters', async () => {
    const index = await db.index('cos');
    await index.upsert([['x1', [1, 0, 0]]]);
    expect(await index.describeIndexStats()).toEqual({ dimension: 3, totalVectorCount: 4, namespaces: { ns: { vectorCount: 3 }, '': { vectorCount: 1 } } });
    expect((await index.describeIndexStats({ filter: { genre: 'drama' } })).totalVectorCount).toBe(2);
    expect(await index.list({ prefix: 'id', namespace: 'ns' })).toEqual(['id1', 'id2', 'id3']);
    expect(Object.keys(await index.fetch(['id1', 'x1'], { namespace: 'ns' }))).toEqual(['id1']);
    await index.delete({ filter: { genre: 'comedy' } });
    await index.delete({ deleteAll: true, namespace: 'ns' });
    expect(await index.list()).toEqual(['x1']);
  });

  it('binary vectors round-trip', async () => {
    const bin = await vectorDb(conn, { vectorFormat: 'binary' });
    await bin.createIndex('bin', { dimension: 3 });
    const index = await bin.index('bin');
    await index.upsert([{ id: 'b', values: new Float32Array([3, 4, 0]), metadata: {} }]);
    await index.update('b', { values: [0, 3, 4] });
    const m = await index.query({ vector: [0, 0.6, 0.8], topK: 1, includeValues: true });
    expect(m[0]!.values).toEqual([0, 3, 4]);
    expect(m[0]!.score).toBeCloseTo(1, 5);
  });

  it("vectorFormat 'auto' picks binary on 8.5+, and JSON- and binary-written rows read back alike", async () => {
    const [major, minor] = String(version).split('.').map(Number) as [number, number];
    expect(db.vectorFormat).toBe(major > 8 || (major === 8 && minor >= 5) ? 'binary' : 'json');
    const json = await vectorDb(conn, { vectorFormat: 'json' });
    await json.createIndex('fmt', { dimension: 3 });
    await (await json.index('fmt')).upsert([['j', [0.25, 0.5, 1]]]);
    await (await db.index('fmt')).upsert([['b', [0.25, 0.5, 1]]]);
    const got = await (await db.index('fmt')).fetch(['j', 'b']);
    expect(got.j!.values).toEqual(got.b!.values);
    const m = await (await json.index('fmt')).query({ vector: [0.25, 0.5, 1], topK: 2 });
    expect(m.map((x) => x.score)).toEqual([expect.closeTo(1, 5), expect.closeTo(1, 5)]);
    await db.deleteIndex('fmt');
  });

  it('text in, vectors out; async iterable and Arrow sources; a store that owns its pool tags its connections', async () => {
    const { tableFromArrays } = await import('apache-arrow');
    const embeddings = {
      embedDocuments: async (texts: string[]) => texts.map((t) => [t.length, 1, 0]),
      embedQuery: async (t: string) => [t.length, 1, 0],
    };
    const owned = await vectorDb({ url: url!, database: scratch }, { embeddings });
    try {
      await owned.createIndex('txt', { dimension: 3, metric: 'euclidean' });
      const index = await owned.index('txt');
      await index.upsert([
        { id: 't1', text: 'abc' },
        { id: 't2', text: 'abcdef' },
      ]);
      async function* more() {
        yield { id: 'g1', values: [9, 1, 0] };
      }
      await index.upsert(more());
      await index.upsert(tableFromArrays({ id: ['a1'], values: [new Float32Array([20, 1, 0])] as never }) as never);
      expect((await index.query({ text: 'abcdefg', topK: 1 }))[0]!.id).toBe('t2');
      expect(await index.list()).toEqual(['a1', 'g1', 't1', 't2']);
      const attrs = await conn.query<unknown[]>(
        "SELECT ATTRIBUTE_VALUE FROM INFORMATION_SCHEMA.LMV_CONNECTION_ATTRIBUTES WHERE ATTRIBUTE_NAME = '_connector_name' AND ATTRIBUTE_VALUE = 's2 vectorstore'",
      );
      expect(attrs.length).toBeGreaterThan(0);
      await owned.deleteIndex('txt');
    } finally {
      await owned.close();
    }
  });

  it('vector indexes: search options, disabling, reconfiguring, protection', async () => {
    await db.createIndex('vi', { dimension: 3, useVectorIndex: true, vectorIndexOptions: { index_type: 'HNSW_FLAT', M: 16 }, deletionProtection: 'enabled' });
    const index = await db.index('vi');
    await index.upsert(data([1, 2, 3.3]));
    expect((await index.query({ vector: [0.1, 0.2, 0.3], topK: 1, searchOptions: { ef: 40 } }))[0]!.id).toBe('id1');
    expect((await index.query({ vector: [0.1, 0.2, 0.3], topK: 1, disableVectorIndexUse: true }))[0]!.id).toBe('id1');
    await expect(db.deleteIndex('vi')).rejects.toThrow(/deletion protection/);
    const off = await db.configureIndex('vi', { useVectorIndex: false, deletionProtection: 'disabled' });
    expect(off.vectorIndexOptions).toEqual({ metric_type: 'DOT_PRODUCT' });
    const on = await db.configureIndex('vi', { useVectorIndex: true, vectorIndexOptions: { index_type: 'IVF_FLAT', nlist: 1 } });
    expect(on).toMatchObject({ useVectorIndex: true, vectorIndexOptions: { index_type: 'IVF_FLAT', nlist: 1, metric_type: 'DOT_PRODUCT' } });
    await db.deleteIndex('vi');
    expect(await db.hasIndex('vi')).toBe(false);
  });

  it('listIndexes sees every index, ordered by name', async () => {
    expect((await db.listIndexes()).map((m) => m.name)).toEqual(['bin', 'cos', 'dot', 'euc']);
    expect((await db.describeIndex('dot')).tags).toEqual({ name: 'test_tag' });
  });
});
