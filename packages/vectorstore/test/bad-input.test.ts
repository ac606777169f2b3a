/**
 * Wrong types, missing arguments and oversized inputs at every public entry point: a typed
 * VectorStoreError before anything is sent, never a TypeError, a statement the caller did not
 * mean, or a statement far past the size it was promised to stay under. Observed through the
 * recording fake (every statement it receives is recorded).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Connection } from '@s2/core';
import { startRecordingMysqlServer, type RecordingServer } from '@s2/testing';
import { compileFilter, vectorDb, VectorStoreError, type Filter, type IndexHandle } from '@s2/vectorstore';
import { respond } from './support/fixture.js';

let server: RecordingServer;
let conn: Connection;
let index: IndexHandle;
const sent = () => server.statements.map((s) => s.sql);

beforeEach(async () => {
  server = await startRecordingMysqlServer({ respond });
  conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
  index = await (await vectorDb(conn)).index('dp');
  server.reset();
});
afterEach(async () => {
  await conn.close();
  await server.close();
  expect(server.errors).toEqual([]);
});

/** Calls `fn` (any argument types) and returns what it rejected with. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return 'resolved';
}

describe('vectorDb() sources', () => {
  it.each([
    ['a promise of a connection (a missing await)', () => Promise.resolve(conn)],
    ['null', () => null],
    ['a number', () => 42],
    ['a class instance that is no client', () => new Map()],
  ])('refuses %s instead of opening a pool from the environment', async (_label, source) => {
    const err = await rejection(() => vectorDb(source() as never));
    expect(err).toBeInstanceOf(VectorStoreError);
    expect((err as Error).message).toMatch(/connection, a pool, a URL or pool options/);
  });
});

describe('ids must be lists of ids', () => {
  it('delete({ ids: "abc" }) is refused, not run as DELETE … WHERE id IN (a, b, c)', async () => {
    const err = await rejection(() => index.delete({ ids: 'abc' as never }));
    expect(err).toBeInstanceOf(VectorStoreError);
    expect(sent()).toEqual([]);
  });

  it('fetch("abc") and fetch([1, null]) are refused', async () => {
    expect(await rejection(() => index.fetch('abc' as never))).toBeInstanceOf(VectorStoreError);
    expect(await rejection(() => index.fetch([1, null] as never))).toBeInstanceOf(VectorStoreError);
    expect(sent()).toEqual([]);
  });

  it.each([
    ['a null tuple id', [[null, [1, 2, 3]]]],
    ['an undefined tuple id', [[undefined, [1, 2, 3]]]],
    ['an object tuple id', [[{}, [1, 2, 3]]]],
  ])('upsert refuses %s instead of storing the id "null"/"undefined"/"[object Object]"', async (_label, items) => {
    const err = await rejection(() => index.upsert(items as never));
    expect(err).toBeInstanceOf(VectorStoreError);
    expect(sent()).toEqual([]);
  });

  it('number ids in tuples are sent as their text (the server would coerce them alike)', async () => {
    await index.upsert([[7, [1, 2, 3]]] as never);
    expect(sent()).toEqual(["REPLACE INTO index_dp (id,vector) VALUES ('7','[1,2,3]')"]);
  });
});

describe('missing option objects', () => {
  it.each([
    ['query()', () => index.query(undefined as never)],
    ['delete()', () => index.delete(undefined as never)],
    ['update(id)', () => index.update('a', undefined as never)],
    ['query(null)', () => index.query(null as never)],
    ['upsert(null)', () => index.upsert(null as never)],
    ['upsert(undefined)', () => index.upsert(undefined as never)],
    ['upsert(vectors, null)', () => index.upsert([['a', [1, 2, 3]]], null as never)],
    ['fetch(ids, null)', () => index.fetch(['a'], null as never)],
    ['describeIndexStats(null)', () => index.describeIndexStats(null as never)],
    ['list(null)', () => index.list(null as never)],
    ['createIndex(name, null)', async () => (await vectorDb(conn)).createIndex('x', null as never)],
    ['configureIndex(name, null)', async () => (await vectorDb(conn)).configureIndex('dp', null as never)],
    ['createIndex with a bigint tag', async () => (await vectorDb(conn)).createIndex('x', { tags: { a: 5n } as never })],
    ['createIndex with tags in an array', async () => (await vectorDb(conn)).createIndex('x', { tags: ['a'] as never })],
    ['configureIndex with a numeric tag', async () => (await vectorDb(conn)).configureIndex('dp', { tags: { a: 1 } as never })],
  ])('%s is a VectorStoreError, not a TypeError', async (_label, call) => {
    const err = await rejection(call);
    expect(err).toBeInstanceOf(VectorStoreError);
    // vectorDb() makes sure the registry table exists and reads the server version; nothing else.
    expect(sent().filter((s) => !/^CREATE TABLE IF NOT EXISTS vector_indexes|^SELECT @@memsql_version/.test(s))).toEqual([]);
  });
});

describe('statement size', () => {
  it('counts the metadata when cutting statements at maxStatementBytes', async () => {
    const db = await vectorDb(conn, { maxStatementBytes: 100_000 });
    const dp = await db.index('dp');
    server.reset();
    const text = 'x'.repeat(20_000);
    await dp.upsert(Array.from({ length: 20 }, (_, i) => ({ id: `v${i}`, values: [1, 2, 3], metadata: { text } })));
    const sizes = sent().map((s) => Buffer.byteLength(s));
    expect(sizes.length).toBeGreaterThanOrEqual(4);
    // A statement may pass the limit by its fixed parts only, never by whole rows.
    for (const size of sizes) expect(size).toBeLessThan(100_000 + 1_000);
    expect(
      sent()
        .join('')
        .match(/\('v\d+'/g),
    ).toHaveLength(20);
  });

  it('counts multi-byte characters as the bytes they take', async () => {
    const db = await vectorDb(conn, { maxStatementBytes: 50_000 });
    const dp = await db.index('dp');
    server.reset();
    const text = '€'.repeat(5_000); // 15,000 bytes of UTF-8, 5,000 UTF-16 units
    await dp.upsert(Array.from({ length: 10 }, (_, i) => ({ id: `v${i}`, values: [1, 2, 3], metadata: { text } })));
    for (const size of sent().map((s) => Buffer.byteLength(s))) expect(size).toBeLessThan(50_000 + 1_000);
  });
});

describe('values JSON cannot hold, and filters nested without end', () => {
  it('a filter nested deeper than 100 levels is a VectorStoreError, not a stack overflow', () => {
    let filter: Filter = { a: 1 };
    for (let i = 0; i < 20_000; i++) filter = { $and: [filter] };
    expect(() => compileFilter(filter)).toThrow(VectorStoreError);
    let fine: Filter = { a: 1 };
    for (let i = 0; i < 50; i++) fine = { $or: [fine] };
    expect(compileFilter(fine).params).toEqual([1, 'a']);
  });

  it.each([
    [
      'a cycle',
      () => {
        const m: Record<string, unknown> = { a: 1 };
        m.self = m;
        return m;
      },
    ],
    ['NaN (JSON would say null)', () => ({ score: Number.NaN })],
    ['Infinity', () => ({ nested: { score: Number.POSITIVE_INFINITY } })],
    ['a Map (JSON would say {})', () => ({ m: new Map([[1, 2]]) })],
    ['a Set', () => ({ s: new Set([1]) })],
  ])('metadata with %s is refused before anything is sent', async (_label, metadata) => {
    const err = await rejection(() => index.upsert([{ id: 'a', values: [1, 2, 3], metadata: metadata() }]));
    expect(err).toBeInstanceOf(VectorStoreError);
    expect(sent()).toEqual([]);
  });

  it('bigint metadata is sent with all its digits (no rounding through a double)', async () => {
    await index.upsert([{ id: 'a', values: [1, 2, 3], metadata: { n: 2n ** 63n - 1n, m: -5n, s: 'text "quoted" 12n' } }]);
    expect(sent()).toEqual([
      `REPLACE INTO index_dp (id,vector,metadata) VALUES ('a','[1,2,3]','{\\"n\\": 9223372036854775807, \\"m\\": -5, \\"s\\": \\"text \\\\\\"quoted\\\\\\" 12n\\"}')`,
    ]);
  });
});

describe('metadata given as text', () => {
  it.each([
    ['text that is not JSON', 'not json'],
    ['JSON that is not an object', '[1, 2]'],
    ['a number', 5],
  ])('%s is a VectorStoreError before anything is sent', async (_label, metadata) => {
    const err = await rejection(() => index.upsert([['a', [1, 2, 3], metadata]] as never));
    expect(err).toBeInstanceOf(VectorStoreError);
    expect((err as Error).message).toMatch(/metadata/i);
    expect(sent()).toEqual([]);
  });

  it('JSON object text is parsed (Arrow and Polars hand JSON columns over as text)', async () => {
    await index.upsert([['a', [1, 2, 3], '{"k": "v"}']] as never);
    expect(sent()).toEqual([`REPLACE INTO index_dp (id,vector,metadata) VALUES ('a','[1,2,3]','{\\"k\\": \\"v\\"}')`]);
  });
});

describe('index names', () => {
  it('a name longer than the registry column (255) is refused before anything is sent (a non-strict server would truncate it)', async () => {
    const db = await vectorDb(conn);
    server.reset();
    const err = await rejection(() => db.createIndex('n'.repeat(256), { dimension: 3 }));
    expect(err).toBeInstanceOf(VectorStoreError);
    expect((err as Error).message).toMatch(/255/);
    expect(sent()).toEqual([]);
  });
});
