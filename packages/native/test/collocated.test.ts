import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pollUntil, skipNow } from '@s2/testing/vitest';
import type { CollocatedEvent } from '../src/binding.js';
import { loadNative } from '../src/loader.js';
import { needsAddon } from './support.js';

const CHILD = fileURLToPath(new URL('./fixtures/collocated-read.ts', import.meta.url));

/** Runs the fixture in its own process: a native crash there must not take the test runner down. */
function child(...args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A handshake head announcing a function name of length -1: refused as soon as it is read. */
function implausibleHead(): Buffer {
  const head = Buffer.alloc(16);
  head.writeBigInt64LE(1n, 0);
  head.writeBigInt64LE(-1n, 8);
  return head;
}

describe('collocatedRead on input the database controls', needsAddon(), () => {
  it('a request larger than memory is an OperationalError, not an abort of the process', async (ctx) => {
    // With overcommit always on, the allocation may succeed and the read would fill a TiB of
    // memory: only the collocated server's bodyLimit guards that (tested in @s2/udf).
    const overcommit = (() => {
      try {
        return readFileSync('/proc/sys/vm/overcommit_memory', 'utf8').trim();
      } catch {
        return null;
      }
    })();
    if (overcommit !== '0' && overcommit !== '2')
      return skipNow(ctx, `vm.overcommit_memory is ${overcommit ?? 'unknown'} (this check needs 0 or 2)`, 'platform');
    const r = await child('huge', String(2 ** 40));
    expect({ code: r.code, signal: r.signal }, r.stderr).toEqual({ code: 0, signal: null });
    expect(JSON.parse(r.stdout).outcome).toMatch(/^OperationalError: could not allocate 1099511627776 bytes for the request/);
  }, 60_000);

  it('an input file that shrinks during the read gives typed errors or whole requests, never SIGBUS', async () => {
    const r = await child('shrink', '2000');
    expect({ code: r.code, signal: r.signal }, r.stderr).toEqual({ code: 0, signal: null });
    const out = JSON.parse(r.stdout) as { ok: number; short: number; errors: string[] };
    expect(out.short).toBe(0);
    // Seen before the read (fstat) or during it (pread came back short).
    for (const e of out.errors) expect(e).toMatch(/^DataError: (request of N bytes but )?the shared input file (holds|ended after)/);
  }, 60_000);
});

describe('CollocatedListener', needsAddon(), () => {
  it('reports a failed handshake as a tagged event; close() ends accepting and closes the listening socket', async () => {
    const binding = loadNative()!;
    const path = binding.defaultSocketPath();
    const listener = new binding.CollocatedListener(path, 4);
    const events: CollocatedEvent[] = [];
    try {
      listener.start(5000, () => events.push(...listener.take()));
      expect(() => listener.start(5000, () => {})).toThrow(/already accepting/);
      const client = createConnection(path);
      client.end(implausibleHead());
      expect(await pollUntil(() => events.length > 0)).toBe(true);
      expect(events).toEqual([{ error: 'S2_MALFORMED: function name length -1 in the handshake is not plausible' }]);
      listener.close();
      listener.close();
      // The socket file stays (the server removes it), but nothing listens behind it any more.
      const late = createConnection(path);
      const [err] = (await once(late, 'error')) as [NodeJS.ErrnoException];
      expect(err.code).toBe('ECONNREFUSED');
    } finally {
      listener.close();
      rmSync(path, { force: true });
    }
  });

  it('takes a handshake timeout of Infinity as the longest there is, and refuses one that is not positive', async () => {
    const binding = loadNative()!;
    const path = binding.defaultSocketPath();
    for (const bad of [0, -1, Number.NaN, Number.NEGATIVE_INFINITY]) {
      const refusing = new binding.CollocatedListener(path, 4);
      try {
        expect(() => refusing.start(bad, () => {})).toThrow(/^S2_DATA: the handshake timeout must be a positive number of milliseconds; got /);
      } finally {
        refusing.close();
      }
    }
    const listener = new binding.CollocatedListener(path, 4);
    const events: CollocatedEvent[] = [];
    try {
      listener.start(Number.POSITIVE_INFINITY, () => events.push(...listener.take()));
      const client = createConnection(path);
      await once(client, 'connect');
      // Taken as 1 ms, as it once was, the handshake would have timed out by now.
      await new Promise((resolve) => setTimeout(resolve, 100));
      client.end(implausibleHead());
      expect(await pollUntil(() => events.length > 0)).toBe(true);
      expect(events).toEqual([{ error: 'S2_MALFORMED: function name length -1 in the handshake is not plausible' }]);
    } finally {
      listener.close();
      rmSync(path, { force: true });
    }
  });
});
