import { afterEach, describe, expect, it } from 'vitest';
import { OperationalError } from '@s2/base';
import { errPacket, handshakePacket, okPacket, startFakeMysqlServer, type FakeServer } from '@s2/testing';
import { createPool } from '@s2/core';
import { pollUntil } from '@s2/testing/vitest';

/** A server that can go down (logins refused) and come back, answering SELECT n with n. */
let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function flakyServer(): Promise<{ url: string; state: { up: boolean } }> {
  const state = { up: true };
  server = await startFakeMysqlServer(async (s) => {
    if (!state.up) {
      s.send(handshakePacket());
      await s.read();
      s.send(errPacket(1040, '08004', 'Too many connections'));
      s.destroy();
      return;
    }
    await s.login();
    await s.serveQueries(async (sql) => {
      const m = /^SELECT (\d+)$/.exec(sql);
      if (!m) return s.send(okPacket());
      // A little latency, so that callers queue up behind the pool's connections.
      await new Promise((r) => setTimeout(r, 20));
      s.sendResultSet([{ name: 'n', type: 8 }], [[m[1]]]);
    });
  });
  return { url: `mysql://u:p@127.0.0.1:${server.port}`, state };
}

describe('a pool recovers when the server comes back', () => {
  it('queued callers are served once the server is back, long before the acquire timeout', async () => {
    const { url, state } = await flakyServer();
    const pool = createPool(url, { max: 2, acquireTimeoutMs: 20_000, healthCheck: 'ping' });
    try {
      expect(await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 2')])).toEqual([[[1]], [[2]]]);
      // The server goes away: its sessions die and new logins are refused for a while.
      state.up = false;
      const a = await pool.getConnection();
      const b = await pool.getConnection();
      const started = Date.now();
      const calls = Array.from({ length: 20 }, (_, i) =>
        pool.query(`SELECT ${i + 10}`).then(
          (r) => r,
          (e: unknown) => e,
        ),
      );
      a.connection.destroy();
      b.connection.destroy();
      a.release();
      b.release();
      await new Promise((r) => setTimeout(r, 300));
      state.up = true;
      const results = await Promise.all(calls);
      expect(results).toEqual(Array.from({ length: 20 }, (_, i) => [[i + 10]]));
      // Served after the restart, not at the 20 s acquire timeout (a generous bound).
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await pool.end();
    }
  });

  it('the acquire timeout carries the last connect error as its cause', async () => {
    const { url, state } = await flakyServer();
    const pool = createPool(url, { max: 1, acquireTimeoutMs: 500 });
    try {
      const held = await pool.getConnection();
      state.up = false;
      const waiting = pool.query('SELECT 1').catch((e: unknown) => e);
      held.connection.destroy();
      held.release();
      const err = await waiting;
      expect(err).toBeInstanceOf(OperationalError);
      expect((err as Error).message).toMatch(/Timed out/);
      expect((err as Error).cause).toBeInstanceOf(OperationalError);
      expect(((err as Error).cause as OperationalError).errno).toBe(1040);
    } finally {
      await pool.end();
    }
  });
});

describe('a pool never waits past its acquire timeout on a silent server', () => {
  /**
   * Answers pings and SELECT n; while `state.silent`, sessions opened before it went silent
   * read commands and answer nothing (sessions opened later answer).
   */
  async function silencingServer(): Promise<{ url: string; state: { silent: boolean } }> {
    const state = { silent: false };
    server = await startFakeMysqlServer(async (s) => {
      const early = !state.silent;
      await s.login();
      for (;;) {
        const p = await s.read();
        if (!p || p.payload[0] === 0x01) return;
        if (state.silent && early) continue;
        const m = /^SELECT (\d+)$/.exec(p.payload.subarray(1).toString('utf8'));
        if (p.payload[0] !== 0x03 || !m) s.send(okPacket());
        else s.sendResultSet([{ name: 'n', type: 8 }], [[m[1]]]);
      }
    });
    return { url: `mysql://u:p@127.0.0.1:${server.port}`, state };
  }

  /** Settles with the outcome, or 'pending' if nothing happened within `ms` (a generous bound). */
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms).unref())]);

  it('the checkout ping of an idle connection is bounded by acquireTimeoutMs (the connection is discarded)', async () => {
    const { url, state } = await silencingServer();
    const pool = createPool(url, { max: 1, acquireTimeoutMs: 300, healthCheck: 'ping', healthCheckIdleMs: 0 });
    try {
      const first = await pool.getConnection();
      const stale = first.connection;
      first.release();
      expect(await pollUntil(() => pool.idleCount === 1)).toBe(true);
      // Sessions already open stop answering; new ones work.
      state.silent = true;
      const outcome = await within(
        pool.getConnection().catch((e: unknown) => e),
        8000,
      );
      // The ping took the whole acquire timeout: the borrower gets the timeout error, the
      // silent session is discarded, and the one opened in the background serves the next.
      expect(outcome).toBeInstanceOf(OperationalError);
      expect((outcome as Error).message).toMatch(/^Timed out after 300 ms waiting for a pooled connection/);
      expect(stale.isConnected()).toBe(false);
      const next = await pool.getConnection();
      expect(next.connection).not.toBe(stale);
      next.release();
    } finally {
      await pool.end();
    }
  });

  it('a connection handed back to a waiter whose acquire timed out meanwhile returns to the pool', async () => {
    const { url, state } = await silencingServer();
    const pool = createPool(url, { max: 1, acquireTimeoutMs: 300, healthCheck: 'ping', healthCheckIdleMs: 0 });
    try {
      const held = await pool.getConnection();
      const waiting = pool.getConnection().catch((e: unknown) => e);
      // The checkout ping for the waiter stalls past its timeout, then the server answers again.
      state.silent = true;
      held.release();
      expect(await within(waiting, 8000)).toBeInstanceOf(OperationalError);
      state.silent = false;
      // Nothing is stranded as borrowed: a new caller gets a working connection.
      expect(await within(pool.query('SELECT 3'), 8000)).toEqual([[3]]);
      expect(pool.toJSON()).toMatchObject({ borrowed: 0 });
    } finally {
      await pool.end();
    }
  });
});

describe('a session whose cancelled statement the server has not ended', () => {
  it('is not handed to the next borrower until it is freed or discarded', async () => {
    // SLEEP never answers, even after its KILL QUERY (which the side session gets an OK for):
    // the wire discards the session once the cancel grace period (2 s) has passed.
    server = await startFakeMysqlServer(async (s) => {
      await s.login();
      await s.serveQueries(async (sql) => {
        if (/^SELECT SLEEP/.test(sql)) return new Promise<void>(() => {});
        const m = /^SELECT (\d+)$/.exec(sql);
        if (m) return s.sendResultSet([{ name: 'n', type: 8 }], [[m[1]]]);
        s.send(okPacket());
      });
    });
    const pool = createPool(`mysql://u:p@127.0.0.1:${server.port}`, { max: 1, acquireTimeoutMs: 10_000 });
    try {
      await expect(pool.query('SELECT SLEEP(10)', undefined, { timeoutMs: 50 })).rejects.toMatchObject({ errno: 3024 });
      // A borrower that holds its connection (as an ORM's iterator does) must get one that can run.
      const next = await pool.getConnection();
      try {
        expect(await next.connection.query('SELECT 7')).toEqual([[7]]);
      } finally {
        next.release();
      }
    } finally {
      await pool.end();
    }
  });
});
