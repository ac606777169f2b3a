import { afterEach, describe, expect, it, vi } from 'vitest';
import { OperationalError, OptionError } from '@s2/base';
import { columnDefinitionPacket, eofPacket, okPacket, rowPacket, startFakeMysqlServer, type FakeServer } from '@s2/testing';
import { testServer } from '@s2/testing/vitest';
import { connectWire, type WireConnection, type WireOptions } from '@s2/wire';
import { open, serverOptions } from './support/server.js';
import { startTcpProxy } from './support/tcp-proxy.js';

/**
 * A deadline (timeoutMs, AbortSignal) settles the statement on time whatever the server does;
 * a session that cannot be proven clean afterwards is discarded.
 */
let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Logs in, answers SET, then never answers anything else, on every connection (KILL included). */
async function silentServer(): Promise<WireConnection> {
  server = await startFakeMysqlServer(async (s) => {
    await s.login();
    await s.serveQueries(() => {});
  });
  return connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, cancelGraceMs: 200 });
}

/** A session with the fake server started last (plain TCP, EOF packets). */
function connectToFake(extra: Partial<WireOptions>): Promise<WireConnection> {
  return connectWire({ host: server!.host, port: server!.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, deprecateEof: false, ...extra });
}

/** Settles with the outcome, or 'pending' if nothing happened within `ms` (a generous bound). */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms).unref())]);
}

describe('deadlines against a server that stops answering', () => {
  it('timeoutMs settles with OperationalError 3024 and the session is discarded', async () => {
    const conn = await silentServer();
    const outcome = await within(
      conn.query('SELECT SLEEP(100)', { timeoutMs: 300 }).catch((e: unknown) => e),
      8000,
    );
    expect(outcome).toBeInstanceOf(OperationalError);
    expect(outcome).toMatchObject({ errno: 3024 });
    // Past the grace period the session, still silent, cannot be proven clean.
    const next = await within(
      conn.query('SELECT 1').catch((e: unknown) => e),
      8000,
    );
    expect(next).toBeInstanceOf(OperationalError);
    expect(conn.isOpen).toBe(false);
  });

  it('an AbortSignal settles at once with 1317, streaming or not', async () => {
    for (const streaming of [false, true]) {
      const conn = await silentServer();
      const ac = new AbortController();
      const pending = conn.query('SELECT SLEEP(100)', { signal: ac.signal, streaming }).catch((e: unknown) => e);
      setTimeout(() => ac.abort(), 100);
      const outcome = await within(pending, 8000);
      expect(outcome).toBeInstanceOf(OperationalError);
      expect(outcome).toMatchObject({ errno: 1317 });
      await server!.close();
      server = null;
    }
  });
  it('a streaming read in progress settles at the deadline when the server stalls mid-result', async () => {
    for (const how of ['timeoutMs', 'signal'] as const) {
      // One row, then silence (KILL included); the grace period is far beyond the wait below.
      server = await startFakeMysqlServer(async (s) => {
        await s.login();
        await s.serveQueries((sql) => {
          if (sql.startsWith('KILL')) return;
          s.send(Buffer.from([1]));
          s.send(columnDefinitionPacket({ name: 'a', type: 253 }));
          s.send(eofPacket());
          s.send(rowPacket(['x']));
        });
      });
      const conn = await connectWire({
        host: server.host,
        port: server.port,
        user: 'u',
        password: 'p',
        tls: { mode: 'disabled' },
        deprecateEof: false,
        cancelGraceMs: 120_000,
      });
      const ac = new AbortController();
      const r = await conn.query('SELECT a', how === 'timeoutMs' ? { streaming: true, timeoutMs: 300 } : { streaming: true, signal: ac.signal });
      const reading = r.current.read().catch((e: unknown) => e);
      if (how === 'signal') setTimeout(() => ac.abort(), 100);
      const outcome = await within(reading, 8000);
      expect(outcome).toBeInstanceOf(OperationalError);
      expect(outcome).toMatchObject({ errno: how === 'timeoutMs' ? 3024 : 1317 });
      conn.destroy();
      await server.close();
      server = null;
    }
  });
});

describe('a discarded session keeps no deadline armed', () => {
  it('a streaming statement with timeoutMs on a destroyed session opens no side session for a KILL when the deadline passes', async () => {
    let sessions = 0;
    server = await startFakeMysqlServer(async (s) => {
      sessions++;
      await s.login();
      await s.serveQueries(() => {
        s.sendAll([Buffer.from([1]), columnDefinitionPacket({ name: 'a', type: 3 }), eofPacket(), rowPacket(['1'])]);
      });
    });
    const conn = await connectToFake({});
    const r = await conn.query('SELECT a', { streaming: true, timeoutMs: 150 });
    expect(await r.current.read(1)).toEqual([[1]]);
    conn.destroy(new Error('discarded by its owner'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The fake answers every connection's login: a KILL would have been a second session.
    expect(sessions).toBe(1);
  });
});

describe('a KILL QUERY never reaches the next statement', () => {
  it('when the cancelled statement ends before the KILL runs, the session is not handed on until the KILL is done', async () => {
    const events: string[] = [];
    let killArrived!: () => void;
    const killSeen = new Promise<void>((r) => (killArrived = r));
    let nextArrived!: () => void;
    const nextSeen = new Promise<void>((r) => (nextArrived = r));
    server = await startFakeMysqlServer(async (s) => {
      await s.login();
      await s.serveQueries(async (sql) => {
        if (sql.startsWith('KILL')) {
          // The statement ends on its own first; then, before the KILL runs, is the next statement already there?
          killArrived();
          await Promise.race([nextSeen, new Promise((r) => setTimeout(r, 500))]);
          events.push('KILL executed');
          return s.send(okPacket());
        }
        if (sql === 'SELECT 1') {
          await killSeen;
          return s.sendResultSet([{ name: '1', type: 8 }], [['1']]);
        }
        events.push(sql);
        nextArrived();
        s.sendResultSet([{ name: '2', type: 8 }], [['2']]);
      });
    });
    const conn = await connectToFake({ cancelGraceMs: 5000 });
    await expect(conn.query('SELECT 1', { timeoutMs: 100 })).rejects.toMatchObject({ errno: 3024 });
    const r = await conn.query('SELECT 2');
    expect(await r.current.read()).toEqual([[2]]);
    expect(events).toEqual(['KILL executed', 'SELECT 2']);
    await conn.close();
  });

  it('a KILL sent but not confirmed within the grace period discards the session instead of handing it on', async () => {
    const seen: string[] = [];
    server = await startFakeMysqlServer(async (s) => {
      await s.login();
      await s.serveQueries(async (sql) => {
        seen.push(sql);
        // The KILL reaches the server, whose answer takes far longer than the grace period.
        if (sql.startsWith('KILL')) return new Promise(() => {});
        if (sql === 'SELECT 1') {
          // The statement ends by itself, inside the grace period.
          await new Promise((r) => setTimeout(r, 150));
          return s.sendResultSet([{ name: '1', type: 8 }], [['1']]);
        }
        s.sendResultSet([{ name: '2', type: 8 }], [['2']]);
      });
    });
    const conn = await connectToFake({ cancelGraceMs: 600 });
    await expect(conn.query('SELECT 1', { timeoutMs: 50 })).rejects.toMatchObject({ errno: 3024 });
    // The next statement waits for the KILL's fate and never reaches this session's server.
    const err = await conn.query('UPDATE accounts SET x = 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect([2006, 2013]).toContain((err as OperationalError).errno);
    expect(conn.isOpen).toBe(false);
    expect(seen.filter((q) => q.startsWith('UPDATE'))).toEqual([]);
    conn.destroy();
  });
});

describe('connectTimeoutMs covers the whole login', () => {
  it('a server that accepts the login but never answers the session setup fails the connect on time', async () => {
    server = await startFakeMysqlServer(async (s) => {
      await s.login();
      // SET NAMES and the rest are read and never answered.
      while (await s.read());
    });
    const outcome = await within(
      connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, connectTimeoutMs: 300 }).catch(
        (e: unknown) => e,
      ),
      8000,
    );
    expect(outcome).toBeInstanceOf(OperationalError);
    expect(outcome).toMatchObject({ errno: 2003 });
  });
});

describe('connectTimeoutMs', () => {
  it('is one deadline for the TCP connect and the login together: the login gets what the connect left', async () => {
    const info = testServer();
    // The real server behind a proxy that holds its greeting: a login that never ends.
    const proxy = await startTcpProxy({ host: info.host, port: info.port });
    proxy.stall();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const connecting = connectWire(serverOptions('root', { host: '127.0.0.1', port: proxy.port, tls: { mode: 'disabled' }, connectTimeoutMs: 60_000 })).catch(
        (e: unknown) => e,
      );
      // The clock moves on while the TCP connect is under way: as if it had taken 59.9 s of the 60.
      vi.setSystemTime(Date.now() + 59_900);
      const outcome = await within(connecting, 8000);
      expect(outcome).toBeInstanceOf(OperationalError);
      expect(outcome).toMatchObject({ errno: 2003 });
      expect((outcome as Error).message).toMatch(/timed out after 60000 ms during login/);
    } finally {
      vi.useRealTimers();
      await proxy.close();
    }
  });
});

describe('queryTimeoutMs also bounds ping, selectDb and reset', () => {
  it('a ping the server never answers fails with 3024 on time and the session is discarded', async () => {
    server = await startFakeMysqlServer(async (s) => {
      await s.login();
      // SETs are answered; COM_PING (and anything else) is read and never answered.
      for (;;) {
        const p = await s.read();
        if (!p || p.payload[0] === 0x01) return;
        if (p.payload[0] === 0x03 && /^SET\s/i.test(p.payload.subarray(1).toString())) s.send(okPacket());
      }
    });
    const conn = await connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, queryTimeoutMs: 300 });
    const outcome = await within(
      conn.ping().catch((e: unknown) => e),
      8000,
    );
    expect(outcome).toBeInstanceOf(OperationalError);
    expect(outcome).toMatchObject({ errno: 3024 });
    expect(conn.isOpen).toBe(false);
  });
});

describe('session setup values cannot become SQL', () => {
  it('an sqlMode with quotes or backslashes is an OptionError, never sent', async () => {
    const seen: string[] = [];
    server = await startFakeMysqlServer(async (s) => {
      await s.login();
      await s.serveQueries((sql) => {
        seen.push(sql);
        s.send(okPacket());
      });
    });
    for (const sqlMode of ["ANSI\\', foreign_key_checks = 0 -- ", "ANSI'; DROP TABLE t; -- "]) {
      const err = await connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, sqlMode }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OptionError);
    }
    const ok = await connectWire({
      host: server.host,
      port: server.port,
      user: 'u',
      password: 'p',
      tls: { mode: 'disabled' },
      sqlMode: 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES',
    });
    await ok.close();
    expect(seen).toEqual([]);
  });
});

describe('abort stops delivery at once', () => {
  it('no row reaches the loop after an abort at row 1,000 of 1M', async () => {
    // A generous grace: on a busy machine the KILL's side session takes a while to log in.
    const conn = await open({ cancelGraceMs: 15_000 });
    const ac = new AbortController();
    const r = await conn.query('SELECT seq FROM seq_1_to_1000000', { streaming: true, signal: ac.signal });
    let n = 0;
    let afterAbort = 0;
    const err = await (async () => {
      for await (const _row of r.current) {
        if (ac.signal.aborted) afterAbort++;
        n++;
        if (n === 1000) ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 1317 });
    expect(afterAbort).toBe(0);
    expect(n).toBe(1000);
    // The rest is read and dropped in the background: the session is usable again.
    const again = await conn.query('SELECT 7');
    expect(await again.current.read()).toEqual([[7]]);
    await conn.close();
  });

  it('a read started after the abort delivers nothing', async () => {
    const conn = await open({ cancelGraceMs: 15_000 });
    const ac = new AbortController();
    const r = await conn.query('SELECT seq FROM seq_1_to_1000000', { streaming: true, signal: ac.signal });
    expect((await r.current.read(10)).length).toBe(10);
    ac.abort();
    await expect(r.current.read(10)).rejects.toMatchObject({ errno: 1317 });
    await r.drain();
    const again = await conn.query('SELECT 8');
    expect(await again.current.read()).toEqual([[8]]);
    await conn.close();
  });

  it('a result whose rest was dropped keeps failing its reads after the statement ended (nothing ends quietly cut off)', async () => {
    const conn = await open({ cancelGraceMs: 15_000 });
    for (const how of ['signal', 'timeoutMs'] as const) {
      const ac = new AbortController();
      const r = await conn.query(
        'SELECT seq FROM seq_1_to_5000',
        how === 'signal' ? { streaming: true, signal: ac.signal } : { streaming: true, timeoutMs: 300 },
      );
      expect((await r.current.read(1000)).length).toBe(1000);
      if (how === 'signal') ac.abort();
      else await new Promise((resolve) => setTimeout(resolve, 500));
      // The background drain reads the other 4,000 rows and ends the statement.
      await r.drain();
      await expect(r.current.read(1000)).rejects.toMatchObject({ errno: how === 'signal' ? 1317 : 3024 });
      const rows: unknown[] = [];
      await expect(r.current.forEachRow!((row) => rows.push(row))).rejects.toMatchObject({ errno: how === 'signal' ? 1317 : 3024 });
      expect(rows).toEqual([]);
    }
    const again = await conn.query('SELECT 9');
    expect(await again.current.read()).toEqual([[9]]);
    await conn.close();
  });
});
