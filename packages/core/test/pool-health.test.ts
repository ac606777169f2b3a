import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool, OperationalError, setStatementHook, type Connection } from '@s2/core';
import { WaiterQueue, type Waiter } from '../src/pool/waiter-queue.js';
import { useInsertServer } from './fake-insert-server.js';
import { open, serverUrl } from './support.js';

/** Waits for an event-driven condition; the cap only stops a hang. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

/** Counts the COM_PINGs the pool sends on each connection it hands out. */
function countPings(conn: Connection, counter: { pings: number }): void {
  const ping = conn.ping.bind(conn);
  conn.ping = () => {
    counter.pings++;
    return ping();
  };
}

afterEach(() => {
  setStatementHook(null);
  vi.useRealTimers();
});

describe('the pool health policy', () => {
  it('pings only connections idle at least healthCheckIdleMs (an injected clock, no waiting)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const pool = createPool({ url: serverUrl(), max: 1, healthCheckIdleMs: 5_000 });
    try {
      const counter = { pings: 0 };
      const first = await pool.getConnection();
      countPings(first.connection, counter);
      first.release();
      for (let i = 0; i < 20; i++) expect(await pool.query('SELECT ? + 1 AS v', [i])).toEqual([[i + 1]]);
      expect(counter.pings).toBe(0);
      vi.setSystemTime(Date.now() + 4_999);
      await pool.query('SELECT 1');
      expect(counter.pings).toBe(0);
      vi.setSystemTime(Date.now() + 5_000);
      await pool.query('SELECT 1');
      expect(counter.pings).toBe(1);
      // Just used again: no ping.
      await pool.query('SELECT 1');
      expect(counter.pings).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('healthCheckIdleMs 0 pings on every checkout, hand-overs to waiters included', async () => {
    const pool = createPool({ url: serverUrl(), max: 1, healthCheckIdleMs: 0 });
    try {
      const counter = { pings: 0 };
      const first = await pool.getConnection();
      countPings(first.connection, counter);
      first.release();
      await Promise.all(Array.from({ length: 5 }, () => pool.query('SELECT 1')));
      expect(counter.pings).toBe(5);
    } finally {
      await pool.end();
    }
  });

  it('an idle connection killed on the server is discarded without a round trip and replaced', async () => {
    const pool = createPool({ url: serverUrl(), max: 2 });
    const admin = await open();
    try {
      const counter = { pings: 0 };
      const c = await pool.getConnection();
      const victim = c.connection;
      countPings(victim, counter);
      const victimId = victim.connectionId;
      c.release();
      await admin.execute(`KILL ${victimId}`);
      // The client learns of it from the socket closing (an event, no statement sent).
      await until(() => !victim.isConnected());
      const [[id]] = await pool.query<[number | bigint]>('SELECT CONNECTION_ID()');
      expect(Number(id)).not.toBe(victimId);
      expect(counter.pings).toBe(0);
      expect(pool.toJSON()).toMatchObject({ size: 1, borrowed: 0 });
    } finally {
      await pool.end();
      await admin.close();
    }
  });

  it('an idle connection killed without the client noticing yet is caught by the idle ping', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const pool = createPool({ url: serverUrl(), max: 2, healthCheckIdleMs: 1_000 });
    const admin = await open();
    try {
      const c = await pool.getConnection();
      const victimId = c.connection.connectionId;
      c.release();
      await admin.execute(`KILL ${victimId}`);
      vi.setSystemTime(Date.now() + 1_000);
      // Whether the close event came first or the ping found the session dead, the caller
      // gets a working connection.
      const [[id]] = await pool.query<[number | bigint]>('SELECT CONNECTION_ID()');
      expect(Number(id)).not.toBe(victimId);
    } finally {
      await pool.end();
      await admin.close();
    }
  });

  it('a connection found dead before any byte of the statement was sent is replaced and the statement runs once more', async () => {
    const pool = createPool({ url: serverUrl(), max: 2 });
    try {
      await pool.query('SELECT 1');
      const seen: number[] = [];
      // Runs after checkout, right before the statement would be written: the session dies there.
      setStatementHook((_sql, session) => {
        const conn = session as Connection;
        seen.push(conn.connectionId);
        if (seen.length === 1) conn.transport().destroy();
        return null;
      });
      expect(await pool.query('SELECT 41 + 1')).toEqual([[42]]);
      expect(seen).toHaveLength(2);
      expect(seen[1]).not.toBe(seen[0]);
    } finally {
      await pool.end();
    }
  });

  it('retries at most once', async () => {
    const pool = createPool({ url: serverUrl(), max: 2 });
    try {
      let calls = 0;
      setStatementHook((_sql, session) => {
        calls++;
        (session as Connection).transport().destroy();
        return null;
      });
      const err = await pool.query('SELECT 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect((err as OperationalError).errno).toBe(2006);
      expect(calls).toBe(2);
    } finally {
      await pool.end();
    }
  });
});

describe('a statement that reached the server is never retried', () => {
  const insertServer = useInsertServer();

  it('the server received it once and closed the session: the caller gets the 2013, not a second run', async () => {
    const received: string[] = [];
    const url = await insertServer((sql) => {
      received.push(sql);
      return 'close';
    });
    const pool = createPool(url, { max: 2 });
    try {
      const err = await pool.execute('INSERT INTO t VALUES (1)').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect((err as OperationalError).errno).toBe(2013);
      expect(received).toEqual(['INSERT INTO t VALUES (1)']);
    } finally {
      await pool.end();
    }
  });
});

describe('the waiter queue', () => {
  const waiter = (deadline: number): Waiter => ({ resolve: () => {}, reject: () => {}, deadline });

  it('is first in, first out across its compaction, and puts a waiter back at the front', () => {
    const q = new WaiterQueue();
    const all = Array.from({ length: 5000 }, (_, i) => waiter(i));
    for (const w of all) q.push(w);
    const out: Waiter[] = [];
    for (let i = 0; i < 3000; i++) out.push(q.shift()!);
    q.unshift(out[2999]);
    expect(q.peek()).toBe(out[2999]);
    for (let w = q.shift(); w; w = q.shift()) out.push(w);
    expect(out.map((w) => w.deadline)).toEqual([...Array.from({ length: 3000 }, (_, i) => i), 2999, ...Array.from({ length: 2000 }, (_, i) => i + 3000)]);
    expect(q.length).toBe(0);
  });

  it('1,000 waiters all time out with a typed error while the only connection is held', async () => {
    const pool = createPool({ url: serverUrl(), max: 1, acquireTimeoutMs: 300 });
    try {
      const held = await pool.getConnection();
      const outcomes = await Promise.allSettled(Array.from({ length: 1000 }, () => pool.query('SELECT 1')));
      expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof OperationalError && /Timed out/.test(o.reason.message))).toBe(true);
      held.release();
      expect(await pool.query('SELECT 2')).toEqual([[2]]);
      expect(pool.toJSON()).toMatchObject({ waiting: 0, borrowed: 0 });
    } finally {
      await pool.end();
    }
  });
});
