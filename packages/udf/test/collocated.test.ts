import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionError } from '@s2/base';
import { pythonSdk } from '@s2/testing';
import { pollUntil, skipNow } from '@s2/testing/vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRowdat1, encodeRowdat1, startCollocatedServer, t, udf, type CollocatedServer } from '../src/index.js';
import { CLIENT, collocatedGate as gate, database } from './support/collocated.js';

const add = udf({ name: 'add_one', args: { x: t.bigint() }, returns: t.bigint() }, (x: bigint) => x + 1n);
const upper = udf({ name: 'upper', args: { s: t.text().nullable() }, returns: t.text().nullable(), vectorized: true }, (s: { values: (string | null)[] }) =>
  s.values.map((v) => v?.toUpperCase() ?? null),
);
const boom = udf({ name: 'boom', args: { x: t.bigint() }, returns: t.bigint() }, () => {
  throw new RangeError('nope ✗');
});
const spin = udf({ name: 'spin', args: { ms: t.bigint() }, returns: t.bigint(), timeoutMs: 1000 }, (ms: bigint) => {
  const end = Date.now() + Number(ms);
  while (Date.now() < end) {
    /* busy */
  }
  return ms;
});

describe('collocated server over a unix socket and shared memory', gate, () => {
  let server: CollocatedServer;
  const errors: Error[] = [];
  beforeAll(async () => {
    server = await startCollocatedServer({ functions: [add, upper, boom, spin], onError: (e) => errors.push(e), handshakeTimeoutMs: 2000 });
  });
  afterAll(() => server?.close());

  it('answers several requests on one connection through the shared files', async () => {
    const req1 = encodeRowdat1([8], [10n, 11n], [[1n], [2n ** 62n]]);
    const req3 = encodeRowdat1([8], [7n], [[-5n]]);
    // A zero length is the database's way of saying goodbye (udf spec 9.2): nothing after it is read.
    const res = await database(server.socketPath, 'add_one', [req1, req3, new Uint8Array(0), req1]);
    expect(res.map((r) => r.status)).toEqual([200, 200, 0]);
    expect(decodeRowdat1([8], Buffer.from(res[0].hex!, 'hex'))).toEqual({ rowIds: [10n, 11n], rows: [[2n], [2n ** 62n + 1n]] });
    expect(decodeRowdat1([8], Buffer.from(res[1].hex!, 'hex'))).toEqual({ rowIds: [7n], rows: [[-4n]] });
    expect(res[0].file_size).toBe(131072);
  });

  it('vectorized text function, NULLs and a response larger than 128 KiB', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [i % 7 === 0 ? null : `héllo ${i} 😜`.repeat(3)]);
    const ids = rows.map((_, i) => BigInt(i));
    const res = await database(server.socketPath, 'upper', [encodeRowdat1([254], ids, rows)]);
    expect(res[0].status).toBe(200);
    const out = decodeRowdat1([254], Buffer.from(res[0].hex!, 'hex'));
    expect(out.rows).toEqual(rows.map(([s]) => [s === null ? null : s.toUpperCase()]));
    expect(res[0].file_size).toBeGreaterThan(131072);
  });

  it('a synchronous call that overran its timeout is an error, not a late success', async () => {
    const res = await database(server.socketPath, 'spin', [encodeRowdat1([8], [1n], [[1200n]])]);
    expect(res[0].status).toBe(500);
    expect(res[0].message).toMatch(/TimeoutError: Function call timed out after 1 seconds/);
  });

  it('a failing function answers 500 with the message and ends the connection', async () => {
    const res = await database(server.socketPath, 'boom', [encodeRowdat1([8], [1n], [[1n]]), encodeRowdat1([8], [1n], [[1n]])]);
    expect(res).toHaveLength(1);
    expect(res[0]).toEqual({ status: 500, message: 'error occurred in executing function `boom`: RangeError: nope ✗\n' });
  });

  it('an unknown function name, a malformed payload and a handshake without descriptors', async () => {
    const unknown = await database(server.socketPath, 'nope', [encodeRowdat1([8], [1n], [[1n]])]);
    expect(unknown[0].status).toBe(500);
    expect(unknown[0].message).toContain('unknown function: nope');
    const bad = await database(server.socketPath, 'add_one', [Uint8Array.from([1, 2, 3])]);
    expect(bad[0].status).toBe(500);
    expect(bad[0].message).toMatch(/truncated/);
    await database(server.socketPath, 'add_one', [], { fds: 0 }).catch(() => null);
    // The server reports the bad handshake through onError; wait for it (the cap only stops a hang).
    expect(await pollUntil(() => errors.some((e) => /descriptors/.test(e.message)))).toBe(true);
    // The server still serves after all of that.
    const ok = await database(server.socketPath, 'add_one', [encodeRowdat1([8], [1n], [[41n]])]);
    expect(decodeRowdat1([8], Buffer.from(ok[0].hex!, 'hex')).rows).toEqual([[42n]]);
  });

  it('CREATE statements name the socket as a collocated service', () => {
    expect(server.createStatements()[0]).toBe(
      `CREATE EXTERNAL FUNCTION \`add_one\`(\`x\` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS COLLOCATED SERVICE "${server.socketPath}" FORMAT ROWDAT_1;`,
    );
  });
});

describe('collocated server: a call running when its connection goes away', gate, () => {
  /** A function that ignores its signal and finishes only when the test says so. */
  function held() {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const state = { started: false, aborted: false, finished: false };
    const def = udf({ name: 'held', args: { x: t.bigint() }, returns: t.bigint() }, async (x: bigint, signal: AbortSignal) => {
      state.started = true;
      signal.addEventListener('abort', () => (state.aborted = true));
      await gate;
      state.finished = true;
      return x * 1000n;
    });
    return { def, state, finish };
  }

  it('close() aborts the call and its late answer is written nowhere, not into files opened since', async () => {
    const { def, state, finish } = held();
    const batches: number[] = [];
    const server = await startCollocatedServer({ functions: [def], onBatch: (b) => batches.push(b.status) });
    const dir = mkdtempSync(join(tmpdir(), 's2-victims-'));
    const victims: { path: string; fd: number }[] = [];
    try {
      const client = database(server.socketPath, 'held', [encodeRowdat1([8], [1n], [[5n]])]);
      expect(await pollUntil(() => state.started)).toBe(true);
      await server.close();
      expect(server.connections).toBe(0);
      // New files get the lowest free descriptor numbers: those the connection's files had.
      for (let i = 0; i < 16; i++) {
        const path = join(dir, `victim${i}.txt`);
        writeFileSync(path, `important ${i}\n`);
        victims.push({ path, fd: openSync(path, 'r+') });
      }
      finish();
      expect(await pollUntil(() => state.finished && batches.length > 0)).toBe(true);
      // Let anything that would follow the function's answer run.
      await new Promise((r) => setTimeout(r, 50));
      for (const [i, v] of victims.entries()) expect(readFileSync(v.path, 'utf8'), v.path).toBe(`important ${i}\n`);
      expect(state.aborted).toBe(true);
      expect(batches).toEqual([500]);
      expect((await client)[0].status).toBe(0);
    } finally {
      finish();
      for (const v of victims) closeSync(v.fd);
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    }
  }, 60_000);

  it('a database that hangs up mid-call aborts the call', async () => {
    const { def, state, finish } = held();
    const server = await startCollocatedServer({ functions: [def] });
    try {
      const child = execFile('python3', [CLIENT, server.socketPath, 'held'], { timeout: 20_000 });
      child.stdin!.end(JSON.stringify({ requests: [Buffer.from(encodeRowdat1([8], [1n], [[5n]])).toString('hex')] }));
      expect(await pollUntil(() => state.started)).toBe(true);
      child.kill('SIGKILL');
      expect(await pollUntil(() => state.aborted)).toBe(true);
      expect(await pollUntil(() => server.connections === 0)).toBe(true);
    } finally {
      finish();
      await server.close();
    }
  }, 60_000);
});

describe('collocated server: the request length the database announces', gate, () => {
  const answer = (text: string) => ({ status: 500, message: `error occurred in executing function \`add_one\`: ${text}\n` });

  it('a request longer than bodyLimit is answered with a DataError; the server serves on', async () => {
    const server = await startCollocatedServer({ functions: [add], bodyLimit: 64 });
    try {
      const big = encodeRowdat1([8], [1n, 2n, 3n, 4n, 5n], [[1n], [2n], [3n], [4n], [5n]]);
      expect(await database(server.socketPath, 'add_one', [big])).toEqual([
        answer(`DataError: the request of ${big.length} bytes is larger than 64 bytes (the bodyLimit option)`),
      ]);
      // Longer than the file that should hold it: the native read refuses it, typed.
      expect(await database(server.socketPath, 'add_one', [{ length: 40, fileSize: 8 }])).toEqual([
        answer('DataError: request of 40 bytes but the shared input file holds 8'),
      ]);
      const ok = await database(server.socketPath, 'add_one', [encodeRowdat1([8], [1n], [[41n]])]);
      expect(decodeRowdat1([8], Buffer.from(ok[0].hex!, 'hex')).rows).toEqual([[42n]]);
    } finally {
      await server.close();
    }
  });

  it('bodyLimit must be a whole number of bytes a Buffer can hold', async () => {
    for (const bodyLimit of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      await expect(startCollocatedServer({ functions: [add], bodyLimit }), String(bodyLimit)).rejects.toThrow(OptionError);
    }
  });

  it('a length of 1 TiB over a sparse input file is refused by default, and the server process lives on', async () => {
    // In a process of its own: before the limit, this read aborted the process that served it.
    const child = spawn(
      process.execPath,
      ['--conditions=s2-source', '--import', 'tsx', fileURLToPath(new URL('./fixtures/collocated-server.ts', import.meta.url))],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const socketPath = (await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next()).value as string;
      // The child prints its socket's absolute path first; anything else means it failed to start.
      expect(socketPath, stderr).toMatch(/^\/\S+$/);
      expect(await database(socketPath, 'add_one', [{ length: 2 ** 40, fileSize: 2 ** 40 }])).toEqual([
        answer(`DataError: the request of ${2 ** 40} bytes is larger than ${256 * 2 ** 20} bytes (the bodyLimit option)`),
      ]);
      const ok = await database(socketPath, 'add_one', [encodeRowdat1([8], [1n], [[1n]])]);
      expect(decodeRowdat1([8], Buffer.from(ok[0].hex!, 'hex')).rows).toEqual([[2n]]);
      child.stdin!.end();
      expect(await exited, stderr).toEqual({ code: 0, signal: null });
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

describe("the same requests against the reference's own collocated server", gate, () => {
  it('answers byte for byte what singlestoredb.functions.ext.mmap answers', async (ctx) => {
    const sdk = await pythonSdk();
    if ('unavailable' in sdk) return skipNow(ctx, `reference collocated server comparison: ${sdk.unavailable}`);
    const dir = mkdtempSync(join(tmpdir(), 's2-refmmap-'));
    const refSocket = join(dir, 'ref.sock');
    const python = fileURLToPath(new URL('./python/', import.meta.url));
    const ref = spawn(
      sdk.python,
      ['-m', 'singlestoredb.functions.ext.mmap', '--socket-path', refSocket, '--process-mode', 'thread', '--log-level', 'warning', 'collocated_functions'],
      { cwd: python, env: { ...process.env, PYTHONPATH: python }, stdio: 'ignore' },
    );
    const ours = await startCollocatedServer({
      functions: [add, udf({ name: 'upper', args: { s: t.text() }, returns: t.text() }, (s: string) => s.toUpperCase())],
    });
    try {
      const { existsSync } = await import('node:fs');
      for (let i = 0; i < 200 && !existsSync(refSocket); i++) await new Promise((r) => setTimeout(r, 100));
      const requests: [string, Uint8Array][] = [
        ['add_one', encodeRowdat1([8], [10n, 11n, 12n], [[1n], [2n ** 62n], [-(2n ** 63n) + 1n]])],
        ['upper', encodeRowdat1([254], [1n, 2n], [['héllo 😜'], ['']])],
      ];
      for (const [name, body] of requests) {
        const theirs = await database(refSocket, name, [body]);
        const mine = await database(ours.socketPath, name, [body]);
        expect(theirs[0].status, name).toBe(200);
        expect(mine, name).toEqual(theirs);
      }
    } finally {
      ref.kill('SIGKILL');
      await ours.close();
    }
  }, 120_000);
});

describe('collocated server: SINGLESTOREDB_EXT_FUNC_* defaults (udf spec 5.1, 9.4)', gate, () => {
  it('SOCKET_PATH and NAME_PREFIX/NAME_SUFFIX are read when the server starts; arguments win', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-colloc-env-'));
    const socketPath = join(dir, 'env.sock');
    const vars = {
      SINGLESTOREDB_EXT_FUNC_SOCKET_PATH: socketPath,
      SINGLESTOREDB_EXT_FUNC_NAME_PREFIX: 'p_',
      SINGLESTOREDB_EXT_FUNC_NAME_SUFFIX: '_s',
      SINGLESTOREDB_EXT_FUNC_MAX_CONNECTIONS: '4',
    };
    const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, vars);
    let server: CollocatedServer;
    let explicit: CollocatedServer;
    try {
      server = await startCollocatedServer({ functions: [add] });
      explicit = await startCollocatedServer({ functions: [add], socketPath: join(dir, 'arg.sock'), namePrefix: '', nameSuffix: '' });
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    try {
      expect(server.socketPath).toBe(socketPath);
      expect(server.createStatements()).toEqual([
        `CREATE EXTERNAL FUNCTION \`p_add_one_s\`(\`x\` BIGINT NOT NULL) RETURNS BIGINT NOT NULL AS COLLOCATED SERVICE "${socketPath}" FORMAT ROWDAT_1;`,
      ]);
      // The database connects with the name it created the function under.
      const ok = await database(socketPath, 'p_add_one_s', [encodeRowdat1([8], [1n], [[41n]])]);
      expect(decodeRowdat1([8], Buffer.from(ok[0].hex!, 'hex')).rows).toEqual([[42n]]);
      expect((await database(socketPath, 'add_one', [encodeRowdat1([8], [1n], [[1n]])]))[0].message).toContain('unknown function: add_one');
      expect(explicit.socketPath).toBe(join(dir, 'arg.sock'));
      expect(explicit.createStatements()[0]).toContain('`add_one`(');
    } finally {
      await server.close();
      await explicit.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
