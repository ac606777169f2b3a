import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InterfaceError, OperationalError } from '@s2/base';
import { createPool, setStatementHook, type Connection, type Pool, type PoolOptions } from '@s2/core';
import { uniqueDatabaseName } from '@s2/testing';
import { pollUntil, testServer } from '@s2/testing/vitest';
import { startTcpProxy, type TcpProxy } from '../../wire/test/support/tcp-proxy.js';
import { open, serverUrl } from './support.js';

/**
 * A pool whose server resets its connections, stops answering, or is still logging in when
 * the pool ends; the failures come from a TCP proxy in front of the test server.
 */
const db = uniqueDatabaseName('poollost');
let admin: Connection;
let proxy: TcpProxy;
let pool: Pool | null = null;
beforeAll(async () => {
  admin = await open();
  await admin.execute(`CREATE DATABASE ${db}`);
  await admin.execute(`CREATE TABLE ${db}.t (k INT)`);
});
afterAll(async () => {
  await admin.execute(`DROP DATABASE ${db}`);
  await admin.close();
});
afterEach(async () => {
  setStatementHook(null);
  await pool?.end();
  pool = null;
  await proxy?.close();
  await admin.execute(`TRUNCATE TABLE ${db}.t`);
});

async function proxiedPool(options: PoolOptions): Promise<Pool> {
  const info = testServer();
  proxy = await startTcpProxy({ host: info.host, port: info.port });
  const via = new URL(serverUrl(db));
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  pool = createPool(`${via.toString()}?ssl_disabled=true`, options);
  return pool;
}

async function keys(): Promise<number[]> {
  const rows = await admin.query<[number]>(`SELECT k FROM ${db}.t ORDER BY k`);
  return rows.map(([k]) => Number(k));
}

describe('a pool whose server reset every connection it holds', () => {
  it('statements issued before the pool noticed are retried once on fresh connections, and each INSERT runs exactly once', async () => {
    const p = await proxiedPool({ max: 4 });
    await Promise.all([1, 2, 3, 4].map(() => p.query('SELECT SLEEP(0.05)')));
    expect(p.idleCount).toBe(4);
    // The resets reach the client's kernel at once on loopback; the pool has not read them yet.
    proxy.resetAll();
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => p.execute(`INSERT INTO t VALUES (${i})`)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    expect(await keys()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  for (const written of ['at once', 'a moment after it was issued']) {
    it(`a statement written behind a running one (${written}), in a batch the reset kept from leaving, is retried; the running one is not`, async () => {
      const p = await proxiedPool({ max: 1 });
      await p.query('SELECT 1');
      // A hook that yields first: statements reach the wire after the pool has issued them all
      // (as with trackEnv), so the count of commands sent proves nothing for the one behind.
      if (written !== 'at once') setStatementHook(async () => null);
      // Queued first, so it runs before the pool's connection sends its write-ahead batch.
      const beforeUncork = new Promise((r) => setImmediate(r));
      const running = p.query('SELECT SLEEP(0.3)').catch((e: unknown) => e);
      const behind = p.execute('INSERT INTO t VALUES (5)');
      await beforeUncork;
      proxy.resetAll();
      expect(await running).toMatchObject({ errno: 2013 });
      expect((await behind).rowcount).toBe(1);
      expect(await keys()).toEqual([5]);
    });
  }

  it('a one-shot INSERT whose COMMIT (autocommit off) never left is not run again: the caller gets the 2006', async () => {
    const p = await proxiedPool({ max: 1, autocommit: false });
    await p.query('SELECT 1');
    let resets = 0;
    setStatementHook((sql) => {
      if (sql === 'COMMIT' && resets++ === 0) proxy.resetAll();
      return null;
    });
    const err = await p.execute('INSERT INTO t VALUES (6)').catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 2006, nothingSent: true });
    expect(resets).toBe(1);
    expect(await keys()).toEqual([]);
  });

  it('an INSERT that reached the server before its connection was reset is not run again: the caller gets 2013', async () => {
    const p = await proxiedPool({ max: 1 });
    await p.query('SELECT 1');
    proxy.onClientData = (chunk, link) => {
      if (!chunk.includes('INSERT')) return true;
      // The server runs it; its answer is replaced by a reset.
      link.server.prependOnceListener('data', () => link.client.resetAndDestroy());
      return true;
    };
    const err = await p.execute('INSERT INTO t VALUES (7)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).errno).toBe(2013);
    expect(await keys()).toEqual([7]);
  });
});

describe('acquireTimeoutMs bounds opening a connection', () => {
  it('a server that never answers the login: the borrower gets the pool timeout at its deadline, not the connect timeout, and the login joins the pool once it completes', async () => {
    const p = await proxiedPool({ max: 2, acquireTimeoutMs: 300 });
    proxy.stall();
    const err = await p.query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as Error).message).toMatch(/^Timed out after 300 ms waiting for a pooled connection/);
    expect((err as OperationalError).errno).not.toBe(2003);
    expect(p.size).toBe(1);
    proxy.flow();
    expect(await pollUntil(() => p.idleCount === 1)).toBe(true);
    expect(await p.query('SELECT 41 + 1')).toEqual([[42]]);
    expect(p.size).toBe(1);
  });
});

describe('end() while a connection is being opened for a borrower', () => {
  it('waits for the login within its grace period; the borrower gets "The pool has been closed" and its statement never runs', async () => {
    const p = await proxiedPool({ max: 2, shutdownGraceMs: 5_000 });
    proxy.stall();
    const pending = p.execute('INSERT INTO t VALUES (1)').catch((e: unknown) => e);
    expect(p.size).toBe(1);
    const ending = p.end();
    proxy.flow();
    await ending;
    expect(p.size).toBe(0);
    const err = await pending;
    expect(err).toBeInstanceOf(InterfaceError);
    expect((err as Error).message).toBe('The pool has been closed');
    expect(await keys()).toEqual([]);
  });

  it('a login that completes after the grace period closes its connection; the statement never runs', async () => {
    const p = await proxiedPool({ max: 2, shutdownGraceMs: 100 });
    proxy.stall();
    const pending = p.execute('INSERT INTO t VALUES (1)').catch((e: unknown) => e);
    await p.end();
    proxy.flow();
    const err = await pending;
    expect(err).toBeInstanceOf(InterfaceError);
    expect((err as Error).message).toBe('The pool has been closed');
    expect(await keys()).toEqual([]);
    expect(p.size).toBe(0);
    expect(await pollUntil(() => proxy.links.size === 0)).toBe(true);
  });
});
