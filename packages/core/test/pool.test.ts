import { describe, expect, it } from 'vitest';
import { createPool, InterfaceError, MySQLError, OperationalError } from '@s2/core';
import { open, serverUrl } from './support.js';

describe('pools', () => {
  it('200 concurrent callers on 10 connections all complete', async () => {
    const pool = createPool({ url: serverUrl(), max: 10 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.query<[number]>('SELECT ?, SLEEP(0.005)', [i])));
    expect(results.map((r) => r[0][0])).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(pool.size).toBeLessThanOrEqual(10);
    await pool.end();
  });

  it('survives connections killed mid-run: every call completes or fails typed, and broken ones are not reused', async () => {
    const pool = createPool({ url: serverUrl(), max: 10, acquireTimeoutMs: 20_000 });
    const admin = await open();
    const ids = new Set<number>();
    const calls = Array.from({ length: 200 }, async (_, i) => {
      const c = await pool.getConnection();
      try {
        ids.add(c.connection.connectionId);
        return await c.query('SELECT ?, SLEEP(0.02)', [i]);
      } finally {
        c.release();
      }
    });
    // Observe the outcomes right away: some calls fail while the kills below are still running.
    const outcome = Promise.allSettled(calls);
    await new Promise((r) => setTimeout(r, 60));
    for (const id of [...ids].slice(0, 3)) await admin.execute(`KILL ${id}`).catch(() => {});
    const settled = await outcome;
    const failures = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason);
    for (const f of failures) expect(f).toBeInstanceOf(MySQLError);
    expect(settled.filter((s) => s.status === 'fulfilled').length).toBeGreaterThan(150);
    // After the storm, the pool hands out working connections only.
    for (let i = 0; i < 20; i++) expect(await pool.query('SELECT 1')).toEqual([[1]]);
    await pool.end();
    await admin.close();
  });

  it('acquire timeout is an OperationalError; end() refuses new work', async () => {
    const pool = createPool({ url: serverUrl(), max: 1, acquireTimeoutMs: 200 });
    const held = await pool.getConnection();
    const err = await pool.query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    held.release();
    expect(await pool.query('SELECT 2')).toEqual([[2]]);
    await pool.end();
    await expect(pool.query('SELECT 3')).rejects.toBeInstanceOf(InterfaceError);
  });

  it('rolls back an open transaction on release and resets with healthCheck reset', async () => {
    const pool = createPool({ url: serverUrl(), max: 1, healthCheck: 'reset' });
    {
      await using c = await pool.getConnection();
      await c.execute('SET @marker = 1');
      await c.execute('BEGIN');
    }
    const [[marker, inTrans]] = await pool.query<[unknown, unknown]>('SELECT @marker, @@in_transaction');
    expect(marker).toBeNull();
    expect(inTrans).toBe(0);
    await pool.end();
  });

  it('idle connections above min are closed after idleTimeoutMs', async () => {
    const pool = createPool({ url: serverUrl(), max: 3, min: 1, idleTimeoutMs: 100 });
    await Promise.all([1, 2, 3].map(() => pool.query('SELECT SLEEP(0.05)')));
    expect(pool.idleCount).toBe(3);
    await new Promise((r) => setTimeout(r, 1300));
    expect(pool.idleCount).toBe(1);
    await pool.end();
  });
});
