import { describe, expect, it, vi } from 'vitest';
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
    // Kill once three connections are in use (an event, not a pause of guessed length).
    while (ids.size < 3) await new Promise((r) => setImmediate(r));
    const victims = [...ids].slice(0, 3);
    // A KILL that fails (no such thread, no privilege) fails the test: the storm must happen.
    for (const id of victims) await admin.execute(`KILL ${id}`);
    const settled = await outcome;
    const failures = settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason);
    for (const f of failures) expect(f).toBeInstanceOf(MySQLError);
    expect(settled.filter((s) => s.status === 'fulfilled').length).toBeGreaterThan(150);
    // The server lets go of the killed sessions (polled: a killed thread leaves on its own; the
    // 10 s cap only stops a hang).
    const gone = async () => (await admin.query(`SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN (${victims.join(',')})`)).length === 0;
    for (let i = 0; i < 200 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await gone()).toBe(true);
    // After the storm, the pool hands out working connections only, none of them a killed one.
    for (let i = 0; i < 20; i++) {
      const [[id]] = await pool.query<[number | bigint]>('SELECT CONNECTION_ID()');
      expect(victims).not.toContain(Number(id));
    }
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
    // The pool's sweep interval and its clock are faked, so the test steps through idle time
    // instead of sleeping through it (the sockets and their timers stay real).
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const pool = createPool({ url: serverUrl(), max: 3, min: 1, idleTimeoutMs: 5_000 });
      await Promise.all([1, 2, 3].map(() => pool.query('SELECT SLEEP(0.05)')));
      expect(pool.idleCount).toBe(3);
      // The first sweep comes at the idle timeout exactly: nobody has been idle longer yet.
      vi.advanceTimersByTime(5_000);
      expect(pool.idleCount).toBe(3);
      // One sweep later all three have; the pool keeps `min` of them.
      vi.advanceTimersByTime(5_000);
      expect(pool.idleCount).toBe(1);
      expect(await pool.query('SELECT 1')).toEqual([[1]]);
      await pool.end();
    } finally {
      vi.useRealTimers();
    }
  });
});
