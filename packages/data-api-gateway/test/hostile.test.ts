/**
 * What a hostile or careless client can do to the gateway: args that would be bound where the
 * server sees a literal or a comment, and requests whose body never arrives.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWire, type WireConnection } from '@s2/wire';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';
import { bindArgs } from '../src/bind-args.js';
import { GatewayHttpError } from '../src/errors.js';
import { JsonNumber } from '../src/json-text.js';

let conn: WireConnection;
beforeAll(async () => {
  const info = testServer();
  conn = await connectWire({ host: info.host, port: info.port, user: info.root.user, password: info.root.password });
});
afterAll(() => conn.close());

async function rows(sql: string): Promise<unknown[][]> {
  const r = await conn.query(sql);
  const out = r.current.columns ? await r.current.read() : [];
  await r.drain();
  return out;
}

const INJECTION = ', CURRENT_USER() #';

describe('args are bound only where the server sees a placeholder', () => {
  it("under NO_BACKSLASH_ESCAPES a backslash ends no literal early: an arg cannot close the caller's string", async () => {
    await rows("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");
    try {
      // The server reads 'C:\' as a whole literal, '?' as a literal holding a question mark.
      const sql = bindArgs("SELECT 'C:\\', '?', ?", [INJECTION], true);
      expect(await rows(sql)).toEqual([['C:\\', '?', INJECTION]]);
    } finally {
      await rows('SET SESSION sql_mode = DEFAULT');
    }
  });

  it('`--` before a control character starts a comment, so a `?` after it is no placeholder', async () => {
    // The server's reading of the statement: a comment.
    expect(await rows('SELECT 1 --\u0001 ?')).toEqual([[1]]);
    for (const nbe of [false, true]) {
      // An arg bound into that comment could end it with a newline and run what follows.
      expect(() => bindArgs('SELECT 1 --\u0001 ?', ['\nUNION SELECT CURRENT_USER() #'], nbe)).toThrow(GatewayHttpError);
      expect(bindArgs('SELECT 1 --\u0001 ?', [], nbe)).toBe('SELECT 1 --\u0001 ?');
    }
  });

  it('`--` before a non-ASCII space is no comment: the literal after it is seen, and the `?` after that bound', async () => {
    // The server reads `--<NBSP>'a'` as minus, minus, an identifier, then a string.
    const sql = bindArgs("SELECT 1 --\u00a0'a', ?", [new JsonNumber('7')], false);
    expect(sql).toBe("SELECT 1 --\u00a0'a', 7");
    await expect(rows(sql)).rejects.toThrow(/Unknown column/);
    expect(bindArgs("SELECT '?' --\u00a0'', ?", ['x'], false)).toBe("SELECT '?' --\u00a0'', 'x'");
  });
});

describe('requests whose body never arrives', () => {
  let gateway: DataApiGateway;
  beforeAll(async () => {
    const info = testServer();
    gateway = await startDataApiGateway({ target: { host: info.host, port: info.port }, requestTimeoutMs: 500 });
  });
  afterAll(() => gateway.close());

  it('a client that stalls mid-body is answered 408 and its connection closed', async () => {
    const socket = connect(gateway.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => {
      received += String(d);
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('POST /api/v2/query/rows HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sql"');
    // Without a request deadline the socket stayed open for good (checked for 65 s).
    await closed;
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  }, 15_000);

  it('the request deadline does not bound the answer: a query longer than it is still answered', async () => {
    const info = testServer();
    const res = await fetch(`${gateway.url}/api/v2/query/tuples`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${info.root.user}:${info.root.password}`).toString('base64')}` },
      body: JSON.stringify({ sql: 'SELECT SLEEP(1.2) AS s' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: { rows: unknown[][] }[] }).results[0].rows).toEqual([[0]]);
  }, 15_000);
});

describe('bursts', () => {
  it('past maxQueued waiting requests, one more is a 503 at once, not after acquireTimeoutMs', async () => {
    const info = testServer();
    const auth = `Basic ${Buffer.from(`${info.root.user}:${info.root.password}`).toString('base64')}`;
    const one = await startDataApiGateway({
      target: { host: info.host, port: info.port },
      maxConnections: 1,
      maxQueued: 1,
      acquireTimeoutMs: 60_000,
      queryTimeoutMs: 30_000,
    });
    const ac = new AbortController();
    const call = (sql: string) =>
      fetch(`${one.url}/api/v2/query/tuples`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ sql }),
        signal: ac.signal,
      });
    try {
      const order: string[] = [];
      const holder = call('SELECT SLEEP(2) AS held').then((r) => {
        order.push('holder');
        return r.status;
      });
      // Wait until the holder has the only session (its query is on the server).
      for (;;) {
        const [[n]] = await rows("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(2) AS held%'");
        if (Number(n) === 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Two more: one takes the only place in the queue, the other finds it full.
      const more = ['SELECT 1', 'SELECT 2'].map((sql) =>
        call(sql).then(async (r) => {
          order.push(String(r.status));
          return { status: r.status, text: await r.text() };
        }),
      );
      const answers = await Promise.all(more);
      expect(await holder).toBe(200);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 503]);
      expect(answers.find((a) => a.status === 503)!.text).toMatch(/^Error 1040 \(08004\): .* 1 requests wait already/);
      // The refused one was answered before the holder finished; before the bound it waited its
      // turn like the queued one (60 s allowed) and both were answered 200 after the holder.
      expect(order).toEqual(['503', 'holder', '200']);
    } finally {
      ac.abort();
      await one.close();
    }
  }, 30_000);
});
