/**
 * `vectorFormat: 'auto'` (the default): the store asks the server once which vector format to
 * send. The recording fake plays SingleStore (answers `@@memsql_version`) or MariaDB (refuses
 * the variable with 1193); the statements it records show which format went out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, createPool, type Connection } from '@s2/core';
import { startRecordingMysqlServer, type RecordingServer } from '@s2/testing';
import { vectorDb, type VectorDbOptions } from '@s2/vectorstore';
import { parseMemsqlVersion, versionTakesBinaryVectors } from '../src/server-format.js';
import { respond } from './support/fixture.js';

const DETECT = 'SELECT @@memsql_version';
let server: RecordingServer | undefined;
let conn: Connection | undefined;

afterEach(async () => {
  await conn?.close();
  await server?.close();
  expect(server?.errors ?? []).toEqual([]);
  conn = server = undefined;
});

async function store(memsqlVersion: string | null | undefined, options: VectorDbOptions = {}) {
  server = await startRecordingMysqlServer({ respond, memsqlVersion });
  conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
  const db = await vectorDb(conn, options);
  const opened = server.statements.map((s) => s.sql);
  const index = await db.index('docs');
  server.reset();
  return { db, index, opened, sent: () => server!.statements.map((s) => s.sql) };
}

const cosineRow = /^REPLACE INTO index_docs \(id,vector,vector_normalized\) VALUES \('a',(X'[0-9a-f]*'),(X'[0-9a-f]*')\)$/;

describe("vectorFormat 'auto' (default)", () => {
  it('SingleStore 8.5 and later: binary vectors, detected once when the store opens', async () => {
    const { db, index, opened, sent } = await store('8.9.3');
    expect(db.vectorFormat).toBe('binary');
    expect(opened.filter((s) => s === DETECT)).toHaveLength(1);
    await index.upsert([['a', [3, 4, 0]]]);
    await index.update('a', { values: [0, 0, 2] });
    const m = cosineRow.exec(sent()[0]!);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(`X'${Buffer.from(Float32Array.from([3, 4, 0]).buffer).toString('hex')}'`);
    expect(m![2]).toBe(`X'${Buffer.from(Float32Array.from([0.6, 0.8, 0]).buffer).toString('hex')}'`);
    expect(sent()[1]).toMatch(/^UPDATE index_docs SET vector = X'[0-9a-f]{24}', vector_normalized = X'[0-9a-f]{24}' WHERE id = 'a'$/);
    expect(sent()).not.toContain(DETECT);
  });

  it('MariaDB / MySQL (the variable is unknown, error 1193): JSON text, as the reference sends', async () => {
    const { db, index, sent } = await store(null);
    expect(db.vectorFormat).toBe('json');
    await index.upsert([['a', [3, 4, 0]]]);
    const v = "'[3,4,0]'";
    expect(sent()).toEqual([
      `REPLACE INTO index_docs (id,vector,vector_normalized) VALUES ('a',${v},scalar_vector_mul(1.0 / sqrt(vector_elements_sum(vector_mul(JSON_ARRAY_PACK(${v}), JSON_ARRAY_PACK(${v})))), JSON_ARRAY_PACK(${v})))`,
    ]);
  });

  it('SingleStore before 8.5 (no VECTOR type) and a server that answers no row: JSON', async () => {
    expect((await store('8.1.30')).db.vectorFormat).toBe('json');
    await conn!.close();
    await server!.close();
    expect((await store(undefined)).db.vectorFormat).toBe('json');
  });

  it("an explicit 'json' or 'binary' wins and sends no detection query", async () => {
    const json = await store('9.0.1', { vectorFormat: 'json' });
    expect(json.db.vectorFormat).toBe('json');
    expect(json.opened).not.toContain(DETECT);
    await conn!.close();
    await server!.close();
    const binary = await store(null, { vectorFormat: 'binary' });
    expect(binary.db.vectorFormat).toBe('binary');
    expect(binary.opened).not.toContain(DETECT);
    await binary.index.upsert([['a', [1, 2, 3]]]);
    expect(binary.sent()[0]).toMatch(/VALUES \('a',X'[0-9a-f]{24}',X'[0-9a-f]{24}'\)$/);
  });

  it('works through a pool (the detection borrows a connection like any statement)', async () => {
    server = await startRecordingMysqlServer({ respond, memsqlVersion: '8.5.0' });
    const pool = createPool({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
    try {
      expect((await vectorDb(pool)).vectorFormat).toBe('binary');
    } finally {
      await pool.end();
    }
  });

  it('refuses an unknown vectorFormat before sending anything', async () => {
    server = await startRecordingMysqlServer({ respond });
    conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
    server.reset();
    await expect(vectorDb(conn, { vectorFormat: 'hex' as never })).rejects.toThrow(/vectorFormat must be 'auto', 'json' or 'binary', got hex/);
    expect(server.statements).toEqual([]);
  });
});

describe('the version rule', () => {
  it('reads major.minor from @@memsql_version and needs 8.5 or later', () => {
    expect(parseMemsqlVersion('8.9.3')).toEqual([8, 9]);
    expect(parseMemsqlVersion('9.0.1-3c2a1b')).toEqual([9, 0]);
    expect(parseMemsqlVersion('')).toBeUndefined();
    expect(parseMemsqlVersion(null)).toBeUndefined();
    expect(['8.1.30', '8.5.0', '8.10.2', '9.0.1', '7.8.19', 'x'].map((v) => versionTakesBinaryVectors(parseMemsqlVersion(v)))).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
