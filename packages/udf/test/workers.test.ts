import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createUdfServer, decodeRowdat1, encodeRowdat1 } from '@s2/udf';
import * as functions from './fixtures/worker-functions.js';

const module = fileURLToPath(new URL('./fixtures/worker-functions.ts', import.meta.url));
let app: FastifyInstance;

beforeAll(async () => {
  app = await createUdfServer({ functions: [functions.spin, functions.triple, functions.where], workers: { module, count: 2 } });
}, 60_000);
afterAll(() => app.close());

const call = (name: string, types: number[], rows: unknown[][]) =>
  app.inject({
    method: 'POST',
    url: '/invoke',
    payload: Buffer.from(
      encodeRowdat1(
        types,
        rows.map((_, i) => i + 1),
        rows,
      ),
    ),
    headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
  });

describe('functions on worker threads', () => {
  it('run off the server thread', async () => {
    const res = await call('where', [], [[]]);
    expect(res.statusCode, res.body).toBe(200);
    expect(decodeRowdat1([8], res.rawPayload).rows[0][0]).not.toBe(0n);
  });

  it('a synchronous loop past its timeout is answered 504 while /status stays responsive, and the pool recovers', async () => {
    const order: string[] = [];
    // 25 s of spinning with a 1 s timeout: in-process, this request would take the full 25 s.
    const spinning = call('spin', [8], [[25_000n]]).then((r) => {
      order.push('spin');
      return r;
    });
    const status = await app.inject({ method: 'GET', url: '/status' });
    order.push('status');
    expect(status.body).toBe('{"status": "ok"}');
    const res = await spinning;
    expect(order).toEqual(['status', 'spin']);
    expect(res.statusCode).toBe(504);
    expect(res.body).toMatch(/^TimeoutError: Function call timed out after 1 seconds/);
    // The spinning thread was terminated and replaced: both workers answer again.
    const after = await Promise.all([call('triple', [8], [[5n]]), call('triple', [8], [[7n]])]);
    expect(after.map((r) => decodeRowdat1([8], r.rawPayload).rows[0][0])).toEqual([15n, 21n]);
  }, 20_000);

  it('a module that cannot be loaded fails the server start with the reason', async () => {
    await expect(
      createUdfServer({ functions: [], workers: { module: fileURLToPath(new URL('./fixtures/no-such-module.ts', import.meta.url)), count: 1 } }),
    ).rejects.toThrow(/could not load/);
  }, 30_000);

  it('a failed start leaves no thread behind (no respawn loop of a module that cannot load)', async () => {
    const alive = new Set<Worker>();
    const exited: Promise<void>[] = [];
    const track = (w: Worker) => {
      alive.add(w);
      exited.push(
        new Promise((r) =>
          w.once('exit', () => {
            alive.delete(w);
            r();
          }),
        ),
      );
    };
    process.on('worker', track);
    try {
      await expect(
        createUdfServer({ functions: [], workers: { module: fileURLToPath(new URL('./fixtures/no-such-module.ts', import.meta.url)), count: 2 } }),
      ).rejects.toThrow(/could not load/);
      expect(exited.length).toBeGreaterThanOrEqual(2);
      // Every thread the attempt made ends; before the fix each one's exit spawned a successor, forever.
      await Promise.all(exited.slice());
      const made = exited.length;
      // Longer than the pool's first respawn delays: nothing may start a thread for this server now.
      await new Promise((r) => setTimeout(r, 1500));
      expect(exited.length - made).toBe(0);
      expect([...alive].length).toBe(0);
    } finally {
      process.off('worker', track);
    }
  }, 30_000);
});

describe('functions on the server thread', () => {
  it('a synchronous call that overran its timeout is answered 504, not 200, even though it could not be stopped', async () => {
    const inProcess = await createUdfServer({ functions: [functions.spin, functions.triple] });
    try {
      const res = await inProcess.inject({
        method: 'POST',
        url: '/invoke',
        payload: Buffer.from(encodeRowdat1([8], [1], [[1200n]])),
        headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'spin', 's2-ef-version': '1.0' },
      });
      expect(res.statusCode).toBe(504);
      expect(res.body).toMatch(/^TimeoutError/);
    } finally {
      await inProcess.close();
    }
  });
});
