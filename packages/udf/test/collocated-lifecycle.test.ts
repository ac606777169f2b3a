/**
 * The collocated server's connections and descriptors over its life: failed calls, clients
 * that never finish their handshake, close(), libuv's thread pool and worker threads.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OperationalError, OptionError } from '@s2/base';
import { pollUntil } from '@s2/testing/vitest';
import { decodeRowdat1, definitionsIn, encodeRowdat1, startCollocatedServer, t, udf } from '../src/index.js';
import * as threadFunctions from './fixtures/collocated-worker-functions.js';
import { collocatedGate as gate, database } from './support/collocated.js';

const add = udf({ name: 'add_one', args: { x: t.bigint() }, returns: t.bigint() }, (x: bigint) => x + 1n);
const boom = udf({ name: 'boom', args: { x: t.bigint() }, returns: t.bigint() }, () => {
  throw new RangeError('nope');
});
const one = (x: bigint) => encodeRowdat1([8], [1n], [[x]]);
const firstValue = (hex: string | undefined) => decodeRowdat1([8], Buffer.from(hex ?? '', 'hex')).rows[0][0];
const openFds = () => readdirSync('/proc/self/fd').length;
const after = (ms: number, what: string) => new Promise<string>((resolve) => setTimeout(() => resolve(what), ms));

const dir = mkdtempSync(join(tmpdir(), 's2-colloc-life-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A client that sends a handshake one byte every 50 ms (1015 bytes in all: it never finishes in a test's time). */
function trickler(path: string) {
  const socket = createConnection(path);
  const head = Buffer.alloc(16);
  head.writeBigInt64LE(1n, 0);
  head.writeBigInt64LE(999n, 8);
  const bytes = Buffer.concat([head, Buffer.alloc(999, 'x')]);
  let sent = 0;
  let ended = false;
  const timer = setInterval(() => sent < bytes.length && socket.write(bytes.subarray(sent, ++sent)), 50);
  socket.on('error', () => {});
  socket.on('close', () => {
    ended = true;
    clearInterval(timer);
  });
  return {
    /** The server closed the connection. */
    ended: () => ended,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/**
 * Opens `count` connections that never send a byte (into `opened`). A full listen backlog
 * refuses a connect (EAGAIN) rather than queueing it, so refused ones are tried again, a few
 * times, once the server has had a moment to accept.
 */
async function connectSilently(path: string, count: number, opened: Socket[]) {
  let connected = 0;
  for (let round = 0; connected < count && round < 100; round++) {
    const tried = Array.from({ length: Math.min(20, count - connected) }, () => createConnection(path));
    const outcomes = await Promise.all(
      tried.map((c) => new Promise<boolean>((resolve) => c.once('connect', () => resolve(true)).once('error', () => resolve(false)))),
    );
    for (const [i, c] of tried.entries()) {
      c.on('error', () => {});
      opened.push(c);
      if (outcomes[i]) connected++;
    }
    if (outcomes.includes(false)) await after(20, 'retry');
  }
}

describe('collocated server: descriptors of failed calls', gate, () => {
  it('a failed call closes the connection and both shared files, though the database says goodbye after the error', async () => {
    const server = await startCollocatedServer({ functions: [add, boom], bodyLimit: 64 });
    const big = encodeRowdat1([8], [1n, 2n, 3n, 4n, 5n], [[1n], [2n], [3n], [4n], [5n]]);
    try {
      // Once first, so that what the first call loads is not counted.
      await database(server.socketPath, 'boom', [one(1n)]);
      expect(await pollUntil(() => server.connections === 0)).toBe(true);
      const before = openFds();
      for (let i = 0; i < 10; i++) {
        // The Python client sends a zero length (goodbye) after the error, then closes: reading
        // was paused during the call, and a socket never read again never saw that end.
        const [failed] = await database(server.socketPath, 'boom', [one(1n)]);
        expect(failed).toEqual({ status: 500, message: 'error occurred in executing function `boom`: RangeError: nope\n' });
        const [refused] = await database(server.socketPath, 'add_one', [big]);
        expect(refused.message).toMatch(/DataError: the request of \d+ bytes is larger than 64 bytes/);
      }
      expect(await pollUntil(() => server.connections === 0)).toBe(true);
      // Each connection kept open held three descriptors (socket, input, output): 60 here.
      expect(openFds() - before).toBeLessThan(3);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('collocated server: clients that never finish their handshake', gate, () => {
  it('a silent and a trickling client hold up neither other connections nor close()', async () => {
    // Longer than the Python client's 20 s: a server waiting out these clients first fails the call.
    const server = await startCollocatedServer({ functions: [add], handshakeTimeoutMs: 60_000 });
    const silent = createConnection(server.socketPath);
    silent.on('error', () => {});
    const slow = trickler(server.socketPath);
    try {
      await once(silent, 'connect');
      const [ok] = await database(server.socketPath, 'add_one', [one(41n)]);
      expect(firstValue(ok.hex)).toBe(42n);
      expect(await Promise.race([server.close().then(() => 'closed'), after(5000, 'close() still waiting after 5 s')])).toBe('closed');
      // Handshakes in progress are dropped, not waited for.
      expect(await pollUntil(() => slow.ended())).toBe(true);
    } finally {
      silent.destroy();
      slow.stop();
      await server.close();
    }
  }, 60_000);

  it('a flood of silent clients does not stall a good one: the oldest handshakes in progress make room', async () => {
    const errors: Error[] = [];
    // Longer than the Python client's 20 s: a server waiting out these clients first fails the call.
    const server = await startCollocatedServer({ functions: [add], handshakeTimeoutMs: 60_000, onError: (e) => errors.push(e) });
    const silent: Socket[] = [];
    try {
      // More than the 256 handshakes the acceptor keeps at once.
      await connectSilently(server.socketPath, 300, silent);
      const [ok] = await database(server.socketPath, 'add_one', [one(41n)]);
      expect(firstValue(ok.hex)).toBe(42n);
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e.message).toBe('the handshake was dropped unfinished: 256 were in progress and a newer connection took its place');
    } finally {
      for (const c of silent) c.destroy();
      await server.close();
    }
  }, 60_000);

  it('handshakeTimeoutMs: Infinity, or past 2^32, is no practical limit (it was 1 ms)', async () => {
    for (const handshakeTimeoutMs of [Number.POSITIVE_INFINITY, 2 ** 32]) {
      const errors: Error[] = [];
      const server = await startCollocatedServer({ functions: [add], handshakeTimeoutMs, onError: (e) => errors.push(e) });
      const client = createConnection(server.socketPath);
      try {
        await once(client, 'connect');
        await new Promise((resolve) => setTimeout(resolve, 100));
        // A head that names no plausible name: the error says the handshake was read, not timed out.
        const head = Buffer.alloc(16);
        head.writeBigInt64LE(1n, 0);
        head.writeBigInt64LE(-1n, 8);
        client.end(head);
        expect(await pollUntil(() => errors.length > 0)).toBe(true);
        expect(errors.map((e) => e.message)).toEqual(['function name length -1 in the handshake is not plausible']);
      } finally {
        client.destroy();
        await server.close();
      }
    }
  });

  it('a handshakeTimeoutMs that is not a positive number is an OptionError, and nothing listens', async () => {
    for (const handshakeTimeoutMs of [0, -5, Number.NaN, Number.NEGATIVE_INFINITY, '100' as unknown as number]) {
      const socketPath = join(dir, 'timeout.sock');
      const started = startCollocatedServer({ functions: [add], socketPath, handshakeTimeoutMs });
      await expect(started).rejects.toThrow(OptionError);
      await expect(started).rejects.toThrow(
        `handshakeTimeoutMs must be a positive number of milliseconds (Infinity for no limit); got ${String(handshakeTimeoutMs)}`,
      );
      expect(readdirSync(dir)).not.toContain('timeout.sock');
    }
  });

  it('the handshake timeout bounds the whole handshake, not each read of it', async () => {
    const errors: Error[] = [];
    const server = await startCollocatedServer({ functions: [add], handshakeTimeoutMs: 500, onError: (e) => errors.push(e) });
    const slow = trickler(server.socketPath);
    try {
      // A byte every 50 ms: a timeout per read never expires (the whole handshake takes 50 s).
      expect(await pollUntil(() => slow.ended(), 15_000)).toBe(true);
      expect(errors.map((e) => [e.constructor, e.message])).toEqual([[OperationalError, 'the handshake did not complete within 500 ms']]);
      const [ok] = await database(server.socketPath, 'add_one', [one(1n)]);
      expect(firstValue(ok.hex)).toBe(2n);
    } finally {
      slow.stop();
      await server.close();
    }
  }, 60_000);
});

describe('collocated server: the listening socket and the process', gate, () => {
  it('close() closes the listening socket', async () => {
    const socketPath = join(dir, 'cycle.sock');
    const cycle = async () => (await startCollocatedServer({ functions: [add], socketPath })).close();
    await cycle();
    const before = openFds();
    for (let i = 0; i < 20; i++) await cycle();
    // A listener left to the garbage collector kept one descriptor per cycle: 20 here.
    expect(openFds() - before).toBeLessThan(3);
  });

  it("listening servers hold no thread of libuv's pool: fs calls go on with more servers than pool threads", async () => {
    const fixture = fileURLToPath(new URL('./fixtures/collocated-threadpool.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, UV_THREADPOOL_SIZE: '2' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ outcome: 'read', closed: 'closed' });
  }, 60_000);
});

describe('collocated server on a worker thread that ends without closing it', gate, () => {
  const fixture = fileURLToPath(new URL('./fixtures/collocated-worker-teardown.ts', import.meta.url));
  const teardown = async (mode: string) => {
    const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', fixture, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
    return JSON.parse(stdout) as Record<'before' | 'held' | 'after', { sharedFiles: number; sockets: number }>;
  };

  // Five connections, three descriptors each: their shared files were plain numbers to
  // JavaScript, and outcomes queued for a JavaScript that never took them were never dropped.
  it.each(['served-terminate', 'served-exit', 'queued-terminate'])(
    '%s: every descriptor of its connections closes, and the process lives on',
    async (mode) => {
      const { before, held, after } = await teardown(mode);
      expect(held.sharedFiles).toBe(before.sharedFiles + 10);
      expect(after).toEqual(before);
    },
    60_000,
  );
});

describe('collocated server on worker threads', gate, () => {
  const module = fileURLToPath(new URL('./fixtures/collocated-worker-functions.ts', import.meta.url));

  it('runs calls on the workers: a function that exits its thread or overruns its timeout fails its own call only', async () => {
    const server = await startCollocatedServer({ functions: definitionsIn(threadFunctions), workers: { module, count: 1 } });
    try {
      const [where] = await database(server.socketPath, 'where', [one(0n)]);
      expect(firstValue(where.hex)).toBeGreaterThan(0n);
      const [quit] = await database(server.socketPath, 'quit', [one(0n)]);
      expect(quit).toEqual({ status: 500, message: 'error occurred in executing function `quit`: Error: the UDF worker thread exited\n' });
      // Synchronous code: only terminating its thread stops it (it would spin for a minute).
      const [spin] = await database(server.socketPath, 'spin', [one(60_000n)]);
      expect(spin.message).toMatch(/TimeoutError: Function call timed out after 1 seconds/);
      const [again] = await database(server.socketPath, 'where', [one(0n)]);
      expect(firstValue(again.hex)).toBeGreaterThan(0n);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a module the workers cannot load fails the start, and nothing listens', async () => {
    const socketPath = join(dir, 'unloadable.sock');
    await expect(startCollocatedServer({ functions: [add], socketPath, workers: { module: join(dir, 'missing.mjs'), count: 1 } })).rejects.toThrow(
      /UDF worker could not load/,
    );
    expect(readdirSync(dir)).not.toContain('unloadable.sock');
  });
});
