import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldType, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { open } from './support.js';

const scratch = uniqueDatabaseName('fields');
let conn: Connection;

beforeAll(async () => {
  conn = await open();
  await conn.execute(`CREATE DATABASE ${scratch}`);
});
afterAll(async () => {
  await conn.execute(`DROP DATABASE ${scratch}`);
  await conn.close();
});

describe('cursor.lastrowid after executemany', () => {
  it('is the insert id of the last statement, on the pipelined and the binary path', async () => {
    const c = await open({ database: scratch });
    try {
      await c.execute('CREATE TABLE k (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
      const cur = c.cursor();
      await cur.executemany('INSERT INTO k (v) VALUES (%s)', [[1], [2], [3]]);
      // One multi-row statement: its insert id is the first id it generated, as in the Python SDK.
      expect([cur.rowcount, cur.lastrowid]).toEqual([3, 1]);
      await cur.executemany('INSERT INTO k (v) VALUES (?)', [[4], [5]], { binary: true });
      expect([cur.rowcount, cur.lastrowid]).toEqual([2, 4]);
      // Enough rows for several pipelined statements: the session's LAST_INSERT_ID() is the last one's first id.
      await c.execute('CREATE TABLE w (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(40))');
      await cur.executemany(
        'INSERT INTO w (s) VALUES (%s)',
        Array.from({ length: 20_000 }, (_, i) => [`${i}`.padStart(30, 'x')]),
      );
      const [[last]] = await c.query<[number]>('SELECT LAST_INSERT_ID()');
      expect(last).toBeGreaterThan(1);
      expect([cur.rowcount, cur.lastrowid]).toEqual([20_000, last]);
      await cur.close();
    } finally {
      await c.close();
    }
  });
});

describe('description on a utf8 (3-byte) session', () => {
  it('VARCHAR size and precision count characters; DECIMAL precision leaves out sign and point', async () => {
    const c = await open({ database: scratch, charset: 'utf8' });
    try {
      await c.execute('CREATE TABLE d (vc VARCHAR(20), vb VARBINARY(8), dc DECIMAL(10,3), dc0 DECIMAL(5))');
      const cur = c.cursor();
      await cur.execute('SELECT vc, vb, dc, dc0 FROM d');
      const got = cur.description?.map((d) => [d.name, d.typeCode, d.internalSize, d.precision, d.scale]);
      expect(got).toEqual([
        ['vc', FieldType.VAR_STRING, 20, 20, 0],
        ['vb', FieldType.VAR_STRING, 8, 8, 0],
        ['dc', FieldType.NEWDECIMAL, 12, 10, 3],
        ['dc0', FieldType.NEWDECIMAL, 6, 5, 0],
      ]);
      await cur.close();
    } finally {
      await c.close();
    }
  });
});
