import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNative, nativeStatus } from '@s2/native';
import { missingCommand, skipUnless, testServer } from '@s2/testing/vitest';
import { decodeRowdat1, encodeRowdat1 } from '@s2/udf';

const cli = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function start(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, exited, output: () => out, errors: () => err };
}

describe('s2 data-api-gateway', () => {
  it('serves the Data API in front of the server and stops cleanly on SIGTERM', async () => {
    const info = testServer();
    const run = start(['data-api-gateway', '--target', `mysql://${info.host}:${info.port}`, '--port', '0']);
    const deadline = Date.now() + 20_000;
    while (!/on (http:\/\/\S+)/.test(run.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /on (http:\/\/\S+)/.exec(run.output())?.[1];
    expect(url, run.errors()).toBeDefined();
    expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    const res = await fetch(`${url}/api/v2/query/tuples`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${info.root.user}:${info.root.password}`).toString('base64')}` },
      body: JSON.stringify({ sql: 'SELECT COUNT(*) FROM data', database: 's2_test' }),
    });
    expect((await res.json()).results[0].rows).toEqual([[5]]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('stopped');
  });

  it('explains bad arguments with exit code 2', async () => {
    const run = start(['data-api-gateway', '--target', 'https://h']);
    expect(await run.exited).toBe(2);
    expect(run.errors()).toMatch(/--target must be a mysql:\/\/ URL/);
    const none = start(['frobnicate']);
    expect(await none.exited).toBe(2);
    expect(none.errors()).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('s2 udf serve', () => {
  it('serves the functions a TypeScript module exports, logs batches at debug level, stops on SIGTERM', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/functions.ts', import.meta.url));
    const run = start(['udf', 'serve', fixture, '--port', '0', '--log-level', 'debug']);
    const deadline = Date.now() + 20_000;
    while (!/on (http:\/\/\S+)/.test(run.output()) && Date.now() < deadline && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const address = /serving (.*) on (http:\/\/\S+)/.exec(run.output());
    expect(address?.[1], run.errors()).toBe('mult, upper');
    const res = await fetch(`${address![2]}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'upper', 's2-ef-version': '1.0' },
      body: Buffer.from(encodeRowdat1([254], [1, 2], [['abc'], [null]])),
    });
    expect(decodeRowdat1([254], Buffer.from(await res.arrayBuffer()))).toEqual({ rowIds: [1n, 2n], rows: [['ABC'], [null]] });
    const created = await (await fetch(`${address![2]}/show/create_function`, { headers: { 's2-ef-name': 'upper' } })).text();
    expect(created).toMatch(/^CREATE EXTERNAL FUNCTION `upper`\(`s` TEXT NULL\) RETURNS TEXT NULL AS REMOTE SERVICE "http:/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/upper: 2 rows, [\d.]+ ms, status 200/);
  });

  // The collocated mode needs the native addon (shared memory); the database's side is played by a Python script.
  const noCollocated = loadNative() ? missingCommand('python3') : `the native addon is not loaded: ${nativeStatus().source}`;
  it(
    '--collocated serves over a unix socket with shared memory (the Python stand-in plays the database)',
    skipUnless(noCollocated, 'missing-tool'),
    async () => {
      const fixture = fileURLToPath(new URL('./fixtures/functions.ts', import.meta.url));
      const socket = `/tmp/s2-cli-${process.pid}.sock`;
      const run = start(['udf', 'serve', fixture, '--collocated', '--socket-path', socket, '--log-level', 'debug']);
      const deadline = Date.now() + 20_000;
      // The CREATE statements are printed after the 'serving' line, in writes of their own.
      while (!/AS COLLOCATED SERVICE/.test(run.output()) && Date.now() < deadline && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(run.output(), run.errors()).toContain(`serving mult, upper on unix socket ${socket}`);
      expect(run.output()).toMatch(/AS COLLOCATED SERVICE "\/tmp\/s2-cli-\d+\.sock" FORMAT ROWDAT_1/);
      const client = fileURLToPath(new URL('../../../packages/udf/test/python/collocated_client.py', import.meta.url));
      const py = spawn('python3', [client, socket, 'upper'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      py.stdout.on('data', (d) => (out += d));
      let pyErr = '';
      py.stderr.on('data', (d) => (pyErr += d));
      py.stdin.end(JSON.stringify({ requests: [Buffer.from(encodeRowdat1([254], [5], [['collocated']])).toString('hex')] }));
      expect(await new Promise((r) => py.on('exit', r)), pyErr).toBe(0);
      const [res] = JSON.parse(out).responses;
      expect(decodeRowdat1([254], Buffer.from(res.hex, 'hex'))).toEqual({ rowIds: [5n], rows: [['COLLOCATED']] });
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).toMatch(/upper: 1 rows, [\d.]+ ms, status 200/);
    },
  );

  it('refuses --register without a database and a module without functions', async () => {
    // Without --db the URL would come from SINGLESTOREDB_URL: the child runs without it.
    const { SINGLESTOREDB_URL: _url, ...withoutUrl } = process.env;
    const noDb = start(['udf', 'serve', 'x.ts', '--register'], withoutUrl);
    expect(await noDb.exited).toBe(2);
    expect(noDb.errors()).toMatch(/--register needs --db/);
    const empty = start(['udf', 'serve', fileURLToPath(new URL('../src/args.ts', import.meta.url)), '--port', '0']);
    expect(await empty.exited).toBe(1);
    expect(empty.errors()).toMatch(/exports no udf\(\.\.\.\) definitions/);
  });
});
