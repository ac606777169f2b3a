/**
 * How a Data API request ends: while waiting for a free slot, on close()/destroy(), and which
 * timeouts may end it at all (a statement's own, never the connect timeout).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, InterfaceError, OperationalError, type Connection } from '@s2/core';
import { connectHttp, undiciTransport } from '@s2/http';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { missingCommand, pollUntil, skipNow, statementRunning, testServer } from '@s2/testing/vitest';

/** Settles to 'still pending' if `p` has not settled after `ms`: a hang guard, far above any expected time. */
const within = (p: Promise<unknown>, ms = 10_000) =>
  Promise.race([
    p.then(
      (v) => v,
      (e: unknown) => e,
    ),
    new Promise((r) => setTimeout(() => r('still pending'), ms).unref()),
  ]);

const HANDSHAKE = JSON.stringify({
  results: [
    {
      columns: [
        { name: 'v', dataType: 'VARCHAR' },
        { name: 'n', dataType: 'BIGINT' },
      ],
      rows: [['8.0', 0]],
    },
  ],
});
const ONE = JSON.stringify({ results: [{ columns: [{ name: '1', dataType: 'BIGINT' }], rows: [[1]] }] });

/**
 * A fetch whose 'HOLD' statements answer only when `let go` (or when aborted); everything else
 * answers at once. Counts the statements that reached it.
 */
function holdingFetch() {
  const held: (() => void)[] = [];
  const sent: string[] = [];
  const fetchFn = (async (_url: string, init: RequestInit) => {
    const { sql } = JSON.parse(String(init.body)) as { sql: string };
    sent.push(sql);
    if (sql.startsWith('SELECT VERSION()')) return new Response(HANDSHAKE, { status: 200 });
    if (sql.includes('HOLD')) {
      init.signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        held.push(resolve);
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
      });
    }
    return new Response(ONE, { status: 200 });
  }) as unknown as typeof fetch;
  return { fetchFn, sent, letGo: () => held.splice(0).forEach((f) => f()) };
}

describe('a request waiting for a free slot', () => {
  it('gives up on abort and on its timeout, leaves the queue, and leaks no slot', async () => {
    const { fetchFn, sent, letGo } = holdingFetch();
    const conn = await connectHttp({ host: 'h', driver: 'http', fetch: fetchFn, maxConcurrency: 1 });
    const busy = conn.query('SELECT HOLD');
    await pollUntil(() => sent.includes('SELECT HOLD'));

    const ac = new AbortController();
    const aborted = conn.query('SELECT 1 AS aborted', { signal: ac.signal });
    const timed = conn.query('SELECT 1 AS timed', { timeoutMs: 50 });
    ac.abort();
    const [a, t] = await Promise.all([within(aborted), within(timed)]);
    expect(a).toBeInstanceOf(OperationalError);
    expect(a).toMatchObject({ errno: 1317 });
    expect(t).toBeInstanceOf(OperationalError);
    expect(t).toMatchObject({ errno: 2013 });
    // Neither was sent: they gave up in the queue, while the slot was still taken.
    expect(sent.filter((s) => s.includes('aborted') || s.includes('timed'))).toEqual([]);

    letGo();
    await busy;
    // The one slot is free again: two queries in a row both run.
    expect(await (await conn.query('SELECT 2')).current.read()).toEqual([[1]]);
    expect(await (await conn.query('SELECT 3')).current.read()).toEqual([[1]]);
    await conn.close();
  });
});

describe('close() and destroy() end the requests in flight', () => {
  it('each one rejects like over the wire, queued ones too; destroy passes its error on', async () => {
    for (const how of ['close', 'destroy', 'destroy with an error'] as const) {
      const { fetchFn, sent, letGo } = holdingFetch();
      const conn = await connectHttp({ host: 'h', driver: 'http', fetch: fetchFn, maxConcurrency: 1 });
      const running = conn.query('SELECT HOLD');
      await pollUntil(() => sent.includes('SELECT HOLD'));
      const queued = conn.query('SELECT 1');
      const boom = new Error('boom');
      if (how === 'close') await conn.close();
      else conn.destroy(how === 'destroy' ? undefined : boom);
      const outcomes = await Promise.all([within(running), within(queued)]);
      for (const outcome of outcomes) {
        if (how === 'destroy with an error') expect(outcome, how).toBe(boom);
        else {
          expect(outcome, how).toBeInstanceOf(InterfaceError);
          expect((outcome as Error).message, how).toMatch(/The connection has been closed/);
        }
      }
      expect(conn.isOpen).toBe(false);
      await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(InterfaceError);
      expect(sent).not.toContain('SELECT 1');
      letGo();
    }
  });
});

describe('against the gateway', () => {
  const info = testServer();
  let gateway: DataApiGateway;
  let wire: Connection;
  const options = () => ({
    host: '127.0.0.1',
    port: gateway.port,
    driver: 'http' as const,
    user: info.root.user,
    password: info.root.password,
    database: info.database,
  });

  beforeAll(async () => {
    gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
    wire = await connect(`${info.url}/${info.database}`);
  });
  afterAll(async () => {
    await wire?.close();
    await gateway?.close();
  });

  it('close() during a statement rejects it with InterfaceError and the server stops running it', async () => {
    const tag = `h4close${Math.random().toString(36).slice(2, 8)}`;
    const http = await connect(
      `http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${info.database}`,
    );
    const pending = http.query(`SELECT SLEEP(30) AS ${tag}`).catch((e: unknown) => e);
    const running = statementRunning((sql) => wire.query(sql), `SELECT SLEEP(30) AS ${tag}`);
    expect(await pollUntil(running)).toBe(true);
    await http.close();
    const outcome = await within(pending);
    expect(outcome).toBeInstanceOf(InterfaceError);
    expect(await pollUntil(async () => !(await running()))).toBe(true);
  });

  it('executemany sends one request per parameter set, as the README says', async () => {
    // A proxy in front of the gateway that counts the statements it forwards.
    const sent: string[] = [];
    const proxy = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', async () => {
        if (req.url?.startsWith('/api/v2/')) sent.push((JSON.parse(body) as { sql: string }).sql);
        const answer = await fetch(`http://127.0.0.1:${gateway.port}${req.url}`, {
          method: req.method,
          headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization ?? '') },
          body: req.method === 'POST' ? body : undefined,
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(await answer.text());
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const table = `em_${Math.random().toString(36).slice(2, 8)}`;
    const http = await connect(
      `http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${(proxy.address() as { port: number }).port}/${info.database}`,
    );
    try {
      await http.execute(`CREATE TABLE ${table} (id INT)`);
      const cur = http.cursor();
      await cur.executemany(`INSERT INTO ${table} VALUES (%s)`, [[1], [2], [3], [4], [5]]);
      expect(sent.filter((s) => s.startsWith(`INSERT INTO ${table}`))).toHaveLength(5);
      expect(await wire.query(`SELECT COUNT(*) FROM ${table}`)).toEqual([[5]]);
    } finally {
      await http.execute(`DROP TABLE IF EXISTS ${table}`);
      await http.close();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('a statement may run longer than the connect timeout, on either transport', async () => {
    await Promise.all(
      (['auto', 'fetch'] as const).map(async (transport) => {
        // Room for a slow login on a busy machine; the statement outlasts it by far.
        const conn = await connectHttp({ ...options(), transport, connectTimeoutMs: 1500 });
        const res = await conn.query('SELECT SLEEP(4) AS s');
        expect(await res.current.read(), transport).toEqual([[0]]);
        await conn.close();
      }),
    );
  });
});

describe('the connect timeout', () => {
  let mute: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never says a word: a login that cannot finish.
    mute = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', () => r()));
    port = (mute.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => mute.close(r));
  });

  for (const transport of ['auto', 'fetch'] as const) {
    it(`bounds the login check: a server that never answers fails connect() as the wire connector does (${transport})`, async () => {
      const err = await within(connectHttp({ host: '127.0.0.1', port, driver: 'http', user: 'u', transport, connectTimeoutMs: 200 }));
      expect(err).toBeInstanceOf(OperationalError);
      expect(err).toMatchObject({ errno: 2003 });
      expect((err as Error).message).toMatch(/login check within 200 ms/);
    });
  }

  it('bounds the TCP connect of every undici request', async (ctx) => {
    const missing = missingCommand('python3');
    if (missing) skipNow(ctx, missing);
    // A listener that never accepts, its backlog filled: further connects are never completed.
    const py = spawn('python3', [
      '-c',
      "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)",
    ]);
    const fillers: Socket[] = [];
    try {
      const stuck = Number(await new Promise<string>((r) => py.stdout.once('data', (d: Buffer) => r(String(d)))));
      for (let i = 0; i < 4; i++) fillers.push(tcpConnect(stuck, '127.0.0.1').on('error', () => {}));
      const transport = await undiciTransport({ connectTimeoutMs: 250 });
      expect(transport).not.toBeNull();
      const err = await transport!(`http://127.0.0.1:${stuck}/api/v2/query/tuples`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(60_000) }).catch(
        (e: unknown) => e,
      );
      // undici's own error names the limit it applied: ours, not its 10 s default.
      expect(err).toMatchObject({ code: 'UND_ERR_CONNECT_TIMEOUT' });
      expect((err as Error).message).toMatch(/timeout: 250ms/);
    } finally {
      for (const s of fillers) s.destroy();
      py.kill();
    }
  });
});

describe('the README', () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

  it('says what executemany does over the Data API: one request per parameter set', () => {
    expect(readme).toMatch(/executemany\*\* sends one bound request per parameter set/);
    expect(readme).not.toMatch(/few requests|goes through `@s2\/core`'s multi-row rewrite/);
  });

  it('documents the connect timeout as bounding the connect, not the statement', () => {
    expect(readme).not.toMatch(/until response headers arrive/);
    expect(readme).toMatch(/never limits how long a statement runs/);
  });
});
