import { afterEach, describe, expect, it } from 'vitest';
import { OperationalError } from '@s2/base';
import { errPacket, handshakePacket, okPacket, startFakeMysqlServer, type FakeServer } from '@s2/testing';
import { createPool } from '@s2/core';

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
      const calls = Array.from({ length: 20 }, (_, i) => pool.query(`SELECT ${i + 10}`).then((r) => r, (e: unknown) => e));
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
