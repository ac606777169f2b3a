import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '@s2/testing/vitest';
import type { WireConnection } from '@s2/wire';
import { open } from './support/server.js';

/** One comparable spelling per value, whichever client produced it. */
function canonical(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `hex:${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'bigint' || typeof v === 'number') return `num:${String(v)}`;
  if (v instanceof Date) return `date:${v.getTime()}`;
  if (typeof v === 'object' && v !== null && 'toSqlString' in v) return `str:${String((v as { toSqlString(): string }).toSqlString())}`;
  return `str:${String(v)}`;
}

let peer: mysql.Connection;
let s2: WireConnection;
let s2Dates: WireConnection;

beforeAll(async () => {
  const info = testServer();
  peer = await mysql.createConnection({
    host: info.host,
    port: info.port,
    user: info.root.user,
    password: info.root.password,
    database: info.database,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
  });
  s2 = await open({ decodeOptions: { int64: 'string', dateStrings: true } });
  s2Dates = await open();
});
afterAll(async () => {
  await peer.end();
  await s2.close();
  await s2Dates.close();
});

const TABLES = ['alltypes', 'data_with_nulls', 'badutf8', 'longer_data'];

describe('s2 and mysql2 decode the same bytes to the same values', () => {
  for (const table of TABLES) {
    it(`${table}: every column of every row`, async () => {
      const [expected] = await peer.query({ sql: `SELECT * FROM ${table} ORDER BY 1`, rowsAsArray: true });
      const got = await (await s2.query(`SELECT * FROM ${table} ORDER BY 1`)).current.read();
      expect((expected as unknown[][]).length).toBeGreaterThan(0);
      expect(got.map((r) => r.map(canonical))).toEqual((expected as unknown[][]).map((r) => r.map(canonical)));
    });
  }

  it('alltypes: default decoding keeps exact integers and decimals and the same instants as mysql2 Dates', async () => {
    const info = testServer();
    const peerDates = await mysql.createConnection({
      host: info.host,
      port: info.port,
      user: info.root.user,
      password: info.root.password,
      database: info.database,
      supportBigNumbers: true,
      bigNumberStrings: true,
      jsonStrings: true,
    });
    try {
      const [expected] = await peerDates.query({ sql: 'SELECT * FROM alltypes ORDER BY id', rowsAsArray: true });
      const got = await (await s2Dates.query('SELECT * FROM alltypes ORDER BY id')).current.read();
      const columns = (await (await s2Dates.query('SELECT * FROM alltypes LIMIT 0')).current.columns)!;
      // The loop below walks our rows: the counts must match first, or missing rows and columns go unseen.
      expect((expected as unknown[][]).length).toBeGreaterThan(0);
      expect(got.length).toBe((expected as unknown[][]).length);
      expect(got.map((row) => row.length)).toEqual((expected as unknown[][]).map((row) => row.length));
      expect(columns.length).toBe(got[0].length);
      got.forEach((row, r) =>
        row.forEach((value, c) => {
          const theirs = (expected as unknown[][])[r][c];
          const where = `row ${r} column ${columns[c].name}`;
          if (value instanceof Date) expect(value.getTime(), where).toBe((theirs as Date).getTime());
          else if (typeof value === 'bigint' || typeof value === 'number') expect(String(value), where).toBe(String(theirs));
          else if (value && typeof value === 'object' && 'totalMicroseconds' in value)
            expect(String(value), where).toBe(String(theirs).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m)));
          else expect(canonical(value), where).toEqual(canonical(theirs));
        }),
      );
    } finally {
      await peerDates.end();
    }
  });
});
