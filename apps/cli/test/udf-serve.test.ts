/** `s2 udf serve` with a functions module that builds its answers from @s2/base classes. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SqlDateTime, SqlTime } from '@s2/base';
import { pollUntil } from '@s2/testing/vitest';
import { decodeRowdat1, encodeRowdat1 } from '@s2/udf';

const cli = fileURLToPath(new URL('../src/main.ts', import.meta.url));

async function serve(file: string, extra: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', cli, 'udf', 'serve', file, '--port', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 30_000;
  while (!/ on (http:\/\/\S+)/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  const url = / on (http:\/\/\S+)/.exec(out)?.[1];
  expect(url, err).toBeDefined();
  const call = async (name: string, code: number) => {
    const res = await fetch(`${url}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
      body: Buffer.from(encodeRowdat1([], [1], [[]])),
    });
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.status, body.toString()).toBe(200);
    return decodeRowdat1([code], body).rows[0][0];
  };
  return {
    call,
    output: () => out,
    stop: () => {
      child.kill('SIGTERM');
      return new Promise((r) => child.on('exit', r));
    },
  };
}

describe('s2 udf serve: answers built with @s2/base classes', () => {
  const fixture = fileURLToPath(new URL('./fixtures/temporal-functions.ts', import.meta.url));
  it('a TIME from new SqlTime(...) is a 200 and a DATETIME(6) from new SqlDateTime(...) keeps its microseconds', async () => {
    const server = await serve(fixture);
    try {
      const time = (await server.call('clock', 11)) as SqlTime;
      expect([time.hours, time.minutes, time.seconds, time.microseconds]).toEqual([12, 34, 56, 789]);
      expect(((await server.call('stamp', 12)) as SqlDateTime).microsecond).toBe(123456);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('s2 udf serve: SINGLESTOREDB_EXT_FUNC_* variables', () => {
  const fixture = fileURLToPath(new URL('./fixtures/temporal-functions.ts', import.meta.url));
  it('NAME_PREFIX names the functions it serves, and LOG_LEVEL=debug logs each batch', async () => {
    const server = await serve(fixture, [], { SINGLESTOREDB_EXT_FUNC_NAME_PREFIX: 'p_', SINGLESTOREDB_EXT_FUNC_LOG_LEVEL: 'debug' });
    try {
      expect(server.output()).toMatch(/serving p_clock, p_stamp on http:/);
      expect(((await server.call('p_clock', 11)) as SqlTime).hours).toBe(12);
      expect(await pollUntil(() => /p_clock: 1 rows, .* status 200/.test(server.output()))).toBe(true);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('at LOG_LEVEL warning the informational lines are left out', async () => {
    const { serveUdfs } = await import('../src/udf-serve.js');
    const { parseCommand } = await import('../src/args.js');
    const before = process.env.SINGLESTOREDB_EXT_FUNC_LOG_LEVEL;
    process.env.SINGLESTOREDB_EXT_FUNC_LOG_LEVEL = 'warning';
    let cmd: ReturnType<typeof parseCommand>;
    try {
      cmd = parseCommand(['udf', 'serve', fixture, '--port', '0']);
    } finally {
      if (before === undefined) delete process.env.SINGLESTOREDB_EXT_FUNC_LOG_LEVEL;
      else process.env.SINGLESTOREDB_EXT_FUNC_LOG_LEVEL = before;
    }
    if (typeof cmd !== 'object' || cmd.command !== 'udf-serve') throw new Error('not a udf serve command');
    const lines: string[] = [];
    const stop = await serveUdfs(cmd, (line) => lines.push(line));
    await stop();
    expect(lines).toEqual([]);
  }, 60_000);
});

describe('s2 udf serve that cannot start', () => {
  it('a port already in use rejects and leaves no worker thread behind', async () => {
    const { createServer } = await import('node:net');
    const { serveUdfs } = await import('../src/udf-serve.js');
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as { port: number }).port;
    const alive = new Set<unknown>();
    let made = 0;
    const track = (w: import('node:worker_threads').Worker) => {
      made++;
      alive.add(w);
      w.once('exit', () => alive.delete(w));
    };
    process.on('worker', track);
    try {
      const file = fileURLToPath(new URL('./fixtures/temporal-functions.ts', import.meta.url));
      await expect(
        serveUdfs(
          {
            command: 'udf-serve',
            file,
            host: '127.0.0.1',
            port,
            format: 'rowdat_1',
            register: false,
            replace: false,
            logLevel: 'info',
            collocated: false,
            maxConnections: 1,
            workers: 2,
          },
          () => {},
        ),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(made).toBe(2);
      // Before, the listening failure left both loaded threads running (only the process exit ended them).
      for (let i = 0; i < 200 && alive.size > 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(alive.size).toBe(0);
    } finally {
      process.off('worker', track);
      taken.close();
    }
  }, 60_000);
});
