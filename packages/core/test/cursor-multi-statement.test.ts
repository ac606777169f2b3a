import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ProgrammingError, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { open, serverUrl } from './support.js';

/**
 * Cursors over a multi-statement text whose later statement fails, and a streaming cursor left
 * unread, as the SingleStoreDB Python SDK behaves (execute() returns the first result, the
 * nextset() that reaches the failed statement raises, the next one returns nothing).
 */
const db = uniqueDatabaseName('curmulti');
let admin: Connection;

beforeAll(async () => {
  admin = await open();
  await admin.execute(`CREATE DATABASE ${db}`);
  await admin.execute(`CREATE TABLE ${db}.other (id INT PRIMARY KEY, v VARCHAR(20))`);
  await admin.execute(`INSERT INTO ${db}.other VALUES (1, 'a'), (2, 'b')`);
});
afterAll(async () => {
  await admin.execute(`DROP DATABASE ${db}`);
  await admin.close();
});

const TEXT = "SELECT id FROM other ORDER BY id; INSERT INTO other VALUES (99, 'new'); SELECT * FROM nosuch";

describe('a multi-statement text whose last statement fails', () => {
  for (const buffered of [true, false]) {
    it(`${buffered ? 'buffered' : 'unbuffered'}: execute() gives the first result, nextset() raises on reaching the failure, then returns false`, async () => {
      const conn = await connect(serverUrl(db), { multiStatements: true, buffered });
      try {
        await conn.execute('DELETE FROM other WHERE id = 99');
        const cur = conn.cursor();
        await cur.execute(TEXT);
        expect(await cur.fetchall()).toEqual([[1], [2]]);
        expect(await cur.nextset()).toBe(true);
        expect(cur.rowcount).toBe(1);
        const err = await cur.nextset().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ProgrammingError);
        expect(err).toMatchObject({ errno: 1146 });
        // Settles (it used to wait for ever when unbuffered): nothing follows the failure.
        expect(await cur.nextset()).toBe(false);
        await cur.close();
        expect(await conn.query('SELECT id FROM other WHERE id = 99')).toEqual([[99]]);
      } finally {
        await conn.close();
      }
    });
  }

  it('Connection.query() still fails with the later error (the cursor it closes reports it)', async () => {
    const conn = await connect(serverUrl(db), { multiStatements: true });
    try {
      await expect(conn.query('SELECT 1; SELECT * FROM nosuch')).rejects.toMatchObject({ errno: 1146 });
      await expect(conn.query('SELECT * FROM nosuch; SELECT 1')).rejects.toMatchObject({ errno: 1146 });
      expect(await conn.query('SELECT 2')).toEqual([[2]]);
    } finally {
      await conn.close();
    }
  });
});

describe('an unbuffered cursor not read to the end', () => {
  it('blocks other statements with ProgrammingError 2014 whose advice is to read it or close it; breaking out of for await leaves it open', async () => {
    const conn = await connect(serverUrl(db), { buffered: false });
    try {
      const cur = conn.cursor();
      await cur.execute('SELECT seq FROM seq_1_to_1000');
      for await (const row of cur) if (row) break;
      const err = await conn.query('SELECT 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProgrammingError);
      expect(err).toMatchObject({ errno: 2014 });
      expect((err as Error).message).toMatch(/read it to the end or close its cursor/);
      await cur.close();
      expect(await conn.query('SELECT 1')).toEqual([[1]]);
    } finally {
      await conn.close();
    }
  });
});

describe('a buffered multi-statement error nobody read', () => {
  it("is the connection's next command's error, as the reference reads every result before a new command", async () => {
    const conn = await connect(serverUrl(db), { multiStatements: true });
    try {
      await conn.execute('DELETE FROM other WHERE id >= 100');
      const cur = conn.cursor();
      expect(await cur.execute('INSERT INTO other VALUES (100, "x"); INSERT INTO other VALUES (100, "y")')).toBe(1);
      // The cursor is left as it is: neither advanced to the failure nor closed.
      await expect(conn.query('SELECT 1')).rejects.toMatchObject({ errno: 1062 });
      // Thrown once: the session goes on.
      expect(await conn.query('SELECT 2')).toEqual([[2]]);
      expect(await cur.nextset()).toBe(false);
    } finally {
      await conn.close();
    }
  });

  it('is not handed to the next borrower of a pool', async () => {
    const { createPool } = await import('@s2/core');
    const pool = createPool(serverUrl(db), { multiStatements: true, max: 1 });
    try {
      const held = await pool.getConnection();
      const cur = held.connection.cursor();
      await cur.execute('SELECT 1; SELECT * FROM nosuch');
      held.release();
      expect(await pool.query('SELECT 3')).toEqual([[3]]);
    } finally {
      await pool.end();
    }
  });
});
