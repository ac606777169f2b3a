import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterfaceError, ProgrammingError } from '@s2/base';
import { createPool, type Connection } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { open, serverUrl } from './support.js';

/** What one borrower leaves behind never reaches the next one, and nothing reported done is undone. */
const db = uniqueDatabaseName('pool_cleanup');
let admin: Connection;

beforeAll(async () => {
  admin = await open();
  await admin.execute(`CREATE DATABASE ${db}`);
  await admin.execute(`CREATE TABLE ${db}.t (id INT PRIMARY KEY)`);
});

afterAll(async () => {
  await admin.execute(`DROP DATABASE IF EXISTS ${db}`);
  await admin.close();
});

const count = async () => Number((await admin.query<[number | bigint]>(`SELECT COUNT(*) FROM ${db}.t`))[0][0]);

describe('a connection given back to the pool', () => {
  it('with autocommit turned off by its borrower gets it back on: the next one-shot INSERT stays', async () => {
    const pool = createPool(serverUrl(db), { max: 1 });
    try {
      const borrowed = await pool.getConnection();
      await borrowed.query('SET autocommit = 0');
      borrowed.release();
      const before = await count();
      await pool.execute('INSERT INTO t VALUES (1)');
      expect(await count()).toBe(before + 1);
      expect(await pool.query('SELECT @@autocommit')).toEqual([[1]]);
    } finally {
      await pool.end();
    }
  });

  it('in a pool opened with autocommit off, a one-shot statement is committed (not rolled back after success)', async () => {
    const pool = createPool(serverUrl(db), { max: 1, autocommit: false });
    try {
      const before = await count();
      await pool.execute('INSERT INTO t VALUES (2)');
      expect(await count()).toBe(before + 1);
      // The pool's own mode is kept: an explicit transaction still needs its commit.
      const tx = await pool.getConnection();
      await tx.query('INSERT INTO t VALUES (3)');
      tx.release();
      expect(await count()).toBe(before + 1);
      expect(await pool.query('SELECT @@autocommit')).toEqual([[0]]);
    } finally {
      await pool.end();
    }
  });

  it('with a streaming result half read is drained, so the next borrower is not out of sync', async () => {
    const pool = createPool(serverUrl(db), { max: 1 });
    try {
      const borrowed = await pool.getConnection();
      const cur = borrowed.cursor({ buffered: false });
      await cur.execute('SELECT seq FROM seq_1_to_100000');
      expect(await cur.fetchmany(10)).toHaveLength(10);
      borrowed.release();
      expect(await pool.query('SELECT 2')).toEqual([[2]]);
      expect(await pool.query('SELECT 3')).toEqual([[3]]);
    } finally {
      await pool.end();
    }
  });

  it('after release() the handle refuses to run anything on what is now another borrower’s session', async () => {
    const pool = createPool(serverUrl(db), { max: 1 });
    try {
      const first = await pool.getConnection();
      first.release();
      const second = await pool.getConnection();
      await second.query('BEGIN');
      expect(() => first.query('SELECT 1')).toThrow(InterfaceError);
      expect(() => first.cursor()).toThrow(InterfaceError);
      await second.query('ROLLBACK');
      second.release();
    } finally {
      await pool.end();
    }
  });
});

describe('a cursor whose statement fails', () => {
  it('no longer shows the previous statement’s description, rowcount or lastrowid', async () => {
    const conn = await open({ database: db });
    try {
      const cur = conn.cursor();
      await cur.execute('SELECT 1 AS a, 2 AS b');
      await expect(cur.execute('SELECT nope')).rejects.toMatchObject({ errno: 1054 });
      expect(cur.description).toBeNull();
      expect(cur.rowcount).toBe(-1);
      await cur.execute('INSERT INTO t VALUES (100)');
      expect(cur.lastrowid).not.toBeNull();
      await expect(cur.execute('INSERT INTO t VALUES (100)')).rejects.toMatchObject({ errno: 1062 });
      expect(cur.lastrowid).toBeNull();
      await expect(cur.fetchone()).rejects.toBeInstanceOf(ProgrammingError);
    } finally {
      await conn.close();
    }
  });
});
