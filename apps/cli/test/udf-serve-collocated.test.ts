/** `s2 udf serve --collocated` with worker threads (the Python stand-in plays the database). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNative, nativeStatus } from '@s2/native';
import { missingCommand, skipUnless } from '@s2/testing/vitest';
import { decodeRowdat1, encodeRowdat1 } from '@s2/udf';

const cli = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const client = fileURLToPath(new URL('../../../packages/udf/test/python/collocated_client.py', import.meta.url));
const noCollocated = loadNative() ? missingCommand('python3') : `the native addon is not loaded: ${nativeStatus().source}`;

/** One connection of the database to `socket`, one request calling `name` with one row. */
async function call(socket: string, name: string): Promise<{ status: number; hex?: string; message?: string }> {
  const py = spawn('python3', [client, socket, name], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  py.stdout.on('data', (d) => (out += d));
  py.stderr.on('data', (d) => (err += d));
  py.stdin.end(JSON.stringify({ requests: [Buffer.from(encodeRowdat1([8], [1n], [[0n]])).toString('hex')] }));
  expect(await new Promise((r) => py.on('exit', r)), err).toBe(0);
  return JSON.parse(out).responses[0];
}

describe('s2 udf serve --collocated --workers', skipUnless(noCollocated, 'missing-tool'), () => {
  it('runs the functions on worker threads: one that calls process.exit fails its call, not the server', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/thread-functions.ts', import.meta.url));
    const socket = `/tmp/s2-cli-workers-${process.pid}.sock`;
    const child = spawn(
      process.execPath,
      ['--conditions=s2-source', '--import', 'tsx', cli, 'udf', 'serve', fixture, '--collocated', '--workers', '1', '--socket-path', socket],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/AS COLLOCATED SERVICE/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(out, err).toContain(`serving quit, where on unix socket ${socket}`);
      const where = await call(socket, 'where');
      expect(decodeRowdat1([8], Buffer.from(where.hex ?? '', 'hex')).rows[0][0], where.message).toBeGreaterThan(0n);
      expect(await call(socket, 'quit')).toEqual({
        status: 500,
        message: 'error occurred in executing function `quit`: Error: the UDF worker thread exited\n',
      });
      expect(child.exitCode, err).toBeNull();
      expect((await call(socket, 'where')).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited, err).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
