import { describe, expect, it } from 'vitest';
import { pollUntil } from '@s2/testing/vitest';
import { OperationalError } from '@s2/base';
import { createPool } from '@s2/core';
import { open, serverUrl } from './support.js';

describe('abort, deadlines and server-closed sessions through @s2/core', () => {
  it('a streaming cursor delivers no row after an abort in the loop body', async () => {
    const conn = await open({ buffered: false });
    const ac = new AbortController();
    const cur = conn.cursor();
    await cur.execute('SELECT seq FROM seq_1_to_1000000', undefined, { signal: ac.signal });
    let n = 0;
    let afterAbort = 0;
    const err = await (async () => {
      for await (const _row of cur) {
        if (ac.signal.aborted) afterAbort++;
        n++;
        if (n === 1000) ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 1317 });
    expect(afterAbort).toBe(0);
    await cur.close();
    expect(await conn.query('SELECT 5')).toEqual([[5]]);
    await conn.close();
  });

  it("queryTimeoutMs from connect() is every statement's deadline (3024), a per-call timeoutMs wins", async () => {
    const conn = await open({ queryTimeoutMs: 200 });
    await expect(conn.query('SELECT SLEEP(5)')).rejects.toMatchObject({ errno: 3024 });
    expect(await conn.query('SELECT SLEEP(0.3) AS s', undefined, { timeoutMs: 5000 })).toEqual([[0]]);
    await conn.close();
  });

  it('a session killed by the server is OperationalError 2006, and a pool discards it', async () => {
    const admin = await open();
    const conn = await open();
    await admin.execute(`KILL ${conn.connectionId}`);
    for (let i = 0; i < 100 && conn.isConnected(); i++) await new Promise((r) => setTimeout(r, 20));
    const err = await conn.query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(err).toMatchObject({ errno: 2006 });

    const pool = createPool(serverUrl(), { max: 1, healthCheck: 'none' });
    try {
      const pooled = await pool.getConnection();
      const id = pooled.connection.connectionId;
      pooled.release();
      await admin.execute(`KILL ${id}`);
      // Wait for the close the server caused to reach the idle session (the cap only stops a hang).
      expect(await pollUntil(() => !pooled.connection.isConnected())).toBe(true);
      // The dead session is not handed out again, even without a health check: the next call gets a fresh one.
      const c2 = await pool.getConnection();
      expect(c2.connection.isConnected()).toBe(true);
      expect(c2.connection.connectionId).not.toBe(id);
      c2.release();
      expect(await pool.query('SELECT 7')).toEqual([[7]]);
    } finally {
      await pool.end();
      await admin.close();
    }
  });
});
