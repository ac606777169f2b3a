/**
 * The HTTP server's limits and shutdown: JSON bodies are bounded by size and by value count
 * (parsed JSON costs many times its size), and close() neither waits for a running function nor
 * for keep-alive connections.
 */
import { request, Agent, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createUdfServer, encodeRowdat1, t, udf } from '../src/index.js';
import { jsonValuesExceed } from '../src/codecs/json.js';

const headers = (name: string, type = 'application/json') => ({ 'content-type': type, 's2-ef-name': name, 's2-ef-version': '1.0' });
const one = udf({ name: 'one', returns: t.bigint() }, () => 1n);
const echo = udf({ name: 'echo', args: { s: t.text() }, returns: t.text() }, (s: string) => s);

describe('JSON request limits', () => {
  it('counts values outside strings only', () => {
    const count = (text: string) => {
      for (let n = 0; ; n++) if (!jsonValuesExceed(Buffer.from(text), n)) return n;
    };
    expect(count('{"data": [[1, "a"], [2, "b"]]}')).toBe(7);
    expect(count('{"data": [[1, "[,{\\"]],[x"]]}')).toBe(4);
    expect(count('{"data": [[1, "\\\\"], [2, "\\\\\\""]]}')).toBe(7);
    expect(count('{"data": [[1, "é,ü"]]}')).toBe(4);
    // Up to an unterminated string, which the parser will reject.
    expect(count('{"data": [[1, "open, [')).toBe(4);
  });

  it('a JSON body over jsonBodyLimit or jsonValueLimit is a 413; ROWDAT_1 keeps the general limit', async () => {
    const app = await createUdfServer({ functions: [one, echo], jsonBodyLimit: 1000, jsonValueLimit: 50 });
    try {
      const post = (name: string, payload: string | Buffer, type?: string) =>
        app.inject({ method: 'POST', url: '/invoke', payload, headers: headers(name, type) });
      const long = await post('echo', `{"data": [[1, "${'x'.repeat(1000)}"]]}`);
      expect(long.statusCode).toBe(413);
      const rowdat = await post('echo', Buffer.from(encodeRowdat1([254], [1n], [['x'.repeat(1000)]])), 'application/octet-stream');
      expect(rowdat.statusCode).toBe(200);
      const rows = (n: number) => `{"data": [${Array.from({ length: n }, (_, i) => `[${i}]`).join(', ')}]}`;
      expect((await post('one', rows(20))).statusCode).toBe(200);
      const many = await post('one', rows(30));
      expect([many.statusCode, many.body]).toEqual([413, 'DataError: the JSON request holds more than 50 values (the jsonValueLimit option)']);
    } finally {
      await app.close();
    }
  });

  it('by default JSON gets far less than the 256 MiB of ROWDAT_1', async () => {
    const app = await createUdfServer({ functions: [one, echo] });
    try {
      const post = (name: string, payload: string) => app.inject({ method: 'POST', url: '/invoke', payload, headers: headers(name) });
      // 1,048,576 values allowed: 600,000 rows of [id] are 1,200,002 of them, in 4 MB.
      expect((await post('one', `{"data": [${'[1],'.repeat(599_999)}[1]]}`)).statusCode).toBe(413);
      expect((await post('echo', `{"data": [[1, "${'x'.repeat(33 << 20)}"]]}`)).statusCode).toBe(413);
      expect((await post('echo', `{"data": [[1, "${'x'.repeat(1 << 20)}"]]}`)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

/** Settles with 'hung' if `p` takes longer than a bound far beyond what it should need. */
const within = <T>(p: Promise<T>, ms = 30_000) => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)))]).finally(() => clearTimeout(timer));
};

function post(port: number, agent: Agent, name: string, body: Uint8Array): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/invoke', method: 'POST', agent, headers: headers(name, 'application/octet-stream') }, resolve);
    req.on('error', reject);
    req.end(Buffer.from(body));
  });
}

const text = (res: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let out = '';
    res.setEncoding('utf8');
    res.on('data', (d) => (out += d));
    res.on('end', () => resolve(out));
    res.on('error', reject);
  });

describe('close()', () => {
  it('aborts a running call (503 on a closed connection) and does not wait for keep-alive connections', async () => {
    const state = { started: false, aborted: false };
    // Ignores its signal and never settles: only close() aborting the call can end it.
    const stuck = udf({ name: 'stuck', args: { x: t.bigint() }, returns: t.bigint(), timeoutMs: 3_600_000 }, (_x: bigint, signal: AbortSignal) => {
      state.started = true;
      signal.addEventListener('abort', () => (state.aborted = true));
      return new Promise(() => {});
    });
    const app = await createUdfServer({ functions: [one, stuck] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const agent = new Agent({ keepAlive: true });
    try {
      // One connection left idle in the agent's pool, one with a call running.
      const idle = await post(port, agent, 'one', encodeRowdat1([], [1n], [[]]));
      expect(idle.statusCode).toBe(200);
      await text(idle);
      const running = post(port, agent, 'stuck', encodeRowdat1([8], [1n], [[1n]]));
      running.catch(() => {}); // awaited below, unless close() hangs
      while (!state.started) await new Promise((r) => setTimeout(r, 10));
      expect(await within(app.close().then(() => 'closed'))).toBe('closed');
      expect(state.aborted).toBe(true);
      const res = await running;
      expect([res.statusCode, res.headers.connection, await text(res)]).toEqual([503, 'close', 'CancelledError: the server is shutting down']);
    } finally {
      agent.destroy();
      await within(app.close());
    }
  }, 90_000);

  it('a function that closes the server before its first await does not hold close() up', async () => {
    const holder: { close?: () => Promise<void> } = {};
    const closing: Promise<void>[] = [];
    // The abort happens while the function runs synchronously, before the race with it starts.
    const closer = udf({ name: 'closer', args: { x: t.bigint() }, returns: t.bigint(), timeoutMs: 3_600_000 }, async () => {
      closing.push(holder.close!());
      await new Promise(() => {});
      return 1n;
    });
    const app = await createUdfServer({ functions: [closer] });
    holder.close = () => app.close();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const agent = new Agent({ keepAlive: true });
    try {
      const res = await within(post(port, agent, 'closer', encodeRowdat1([8], [1n], [[1n]])));
      expect(res).not.toBe('hung');
      expect((res as IncomingMessage).statusCode).toBe(503);
      expect(await within(Promise.all(closing).then(() => 'closed'))).toBe('closed');
    } finally {
      agent.destroy();
      await within(app.close());
    }
  }, 90_000);

  it('an answer already being sent is sent whole, then its connection closes', async () => {
    const big = udf({ name: 'big', args: { x: t.bigint() }, returns: t.text() }, () => 'x'.repeat(32 << 20));
    const app = await createUdfServer({ functions: [big], closeGraceMs: 120_000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const agent = new Agent({ keepAlive: true });
    try {
      // Headers are in, the body is not read yet: the server is still writing it.
      const res = await post(port, agent, 'big', encodeRowdat1([8], [1n], [[1n]]));
      expect(res.statusCode).toBe(200);
      const closed = app.close().then(() => 'closed');
      let length = 0;
      res.on('data', (d: Buffer) => (length += d.length));
      res.on('error', () => {}); // a cut answer: its length says so below
      await new Promise((resolve) => res.on('close', resolve));
      expect(length).toBe(8 + 1 + 8 + (32 << 20));
      expect(await within(closed)).toBe('closed');
    } finally {
      agent.destroy();
      await within(app.close());
    }
  }, 90_000);
});
