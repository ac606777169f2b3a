import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgrammingError } from '@s2/base';
import { uniqueDatabaseName } from '@s2/testing';
import type { WireConnection, WireQueryResponse } from '@s2/wire';
import { open, rows } from './support/server.js';

/**
 * A multi-statement text whose later statement fails: the results before it stay readable and
 * its error comes from the nextResult() that reaches it, buffered or streaming (as in the
 * reference, whose execute() returns the first result and whose nextset() raises).
 */
const db = uniqueDatabaseName('multierr');
let admin: WireConnection;

beforeAll(async () => {
  admin = await open();
  await rows(admin, `CREATE DATABASE ${db}`);
  await rows(admin, `CREATE TABLE ${db}.t (id INT PRIMARY KEY)`);
});
afterAll(async () => {
  await rows(admin, `DROP DATABASE ${db}`);
  await admin.close();
});

const FAILS_SECOND = 'SELECT 1 AS a; SELECT * FROM nosuch; SELECT 3';

describe('a multi-statement text whose later statement fails', () => {
  it('streaming: nextResult() after the failed statement resolves null instead of waiting for ever', async () => {
    const conn = await open({ database: db, multiStatements: true });
    const r = await conn.query(FAILS_SECOND, { streaming: true });
    expect(await r.current.read()).toEqual([[1]]);
    await expect(r.nextResult()).rejects.toMatchObject({ errno: 1146 });
    // Nothing follows the failed statement: the server sends no more (SELECT 3 never ran).
    expect(await r.nextResult()).toBeNull();
    await r.drain();
    expect(await rows(conn, 'SELECT 4')).toEqual([[4]]);
    await conn.close();
  });

  it('buffered: query() returns the results before it, and nextResult() throws its error when it gets there, once', async () => {
    const conn = await open({ database: db, multiStatements: true });
    await rows(conn, 'DELETE FROM t');
    const r = (await conn.query('SELECT 1 AS a; INSERT INTO t VALUES (99); SELECT * FROM nosuch; SELECT 3')) as WireQueryResponse;
    expect(await r.current.read()).toEqual([[1]]);
    expect(r.finished).toBe(false);
    const insert = await r.nextResult();
    expect(insert!.status).toMatchObject({ affectedRows: 1 });
    const err = await r.nextResult().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect(err).toMatchObject({ errno: 1146 });
    expect(r.finished).toBe(true);
    expect(await r.nextResult()).toBeNull();
    // The statements before the failure ran; the one after it did not.
    expect(await rows(conn, 'SELECT id FROM t')).toEqual([[99]]);
    await conn.close();
  });

  it('buffered: drain() throws the held error, as draining a streaming response does', async () => {
    const conn = await open({ database: db, multiStatements: true });
    for (const streaming of [false, true]) {
      const r = await conn.query(FAILS_SECOND, { streaming });
      await expect(r.drain()).rejects.toMatchObject({ errno: 1146 });
      await r.drain();
    }
    expect(await rows(conn, 'SELECT 5')).toEqual([[5]]);
    await conn.close();
  });

  it('buffered: a failing first statement still fails query() itself', async () => {
    const conn = await open({ database: db, multiStatements: true });
    await expect(conn.query('SELECT * FROM nosuch; SELECT 1')).rejects.toMatchObject({ errno: 1146 });
    expect(await rows(conn, 'SELECT 6')).toEqual([[6]]);
    await conn.close();
  });
});
