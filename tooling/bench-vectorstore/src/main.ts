/**
 * Upserting vectors through the recording fake MySQL server (which answers OK and counts what
 * it receives): seconds, vectors/s, statements/s and bytes sent, for @s2/vectorstore batched
 * (JSON text and binary vectors) and one statement per vector, and for the reference
 * singlestore-vectorstore 0.1.5 (one statement per vector, its only mode). The same F32
 * vectors for all. Writes BENCHMARKS-VECTORSTORE.md at the repository root.
 *
 *   pnpm --filter @s2/bench-vectorstore bench [--vectors 100000] [--dim 768]
 *        [--reference-vectors N] [--metric dotproduct|cosine|euclidean] [--out PATH]
 */
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { connect } from '@s2/core';
import { runPythonJson, type PythonSdk } from '@s2/testing';
import { vectorDb, VECTORSTORE_VERSION, type VectorDbOptions } from '@s2/vectorstore';
import { referenceSdk, REFERENCE_SPEC } from '../../../packages/vectorstore/test/support/reference.js';

const run = promisify(execFile);
const { values: opts } = parseArgs({
  options: {
    vectors: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '768' },
    'reference-vectors': { type: 'string' },
    metric: { type: 'string', default: 'dotproduct' },
    out: { type: 'string', default: fileURLToPath(new URL('../../../BENCHMARKS-VECTORSTORE.md', import.meta.url)) },
  },
});
const N = Number(opts.vectors);
const DIM = Number(opts.dim);
const REF_N = Number(opts['reference-vectors'] ?? N);
const METRIC = opts.metric as 'dotproduct' | 'cosine' | 'euclidean';
const log = (msg: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** Deterministic F32 values in [-0.5, 0.5) (xorshift32; 24-bit fractions are exact in F32). */
function makeVectors(n: number, dim: number): Float32Array {
  const out = new Float32Array(n * dim);
  let x = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x >>> 8) / 16777216 - 0.5;
  }
  return out;
}

/** The fake in a child process; `next()` resolves with its next output line as JSON. */
async function startFake(dim: number, metric: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=s2-source', '--import', 'tsx', fileURLToPath(new URL('./fake-server.ts', import.meta.url)), String(dim), metric],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the fake server exited');
    return JSON.parse(value as string) as T;
  };
  const { port } = await next<{ port: number }>();
  return { port, next, stop: () => child.stdin!.end() };
}

interface Result {
  name: string;
  vectors: number;
  seconds: number;
  /** CPU time of the client process (user + system) during the upserts. */
  cpuSeconds: number;
  statements: number;
  bytes: number;
  note?: string;
}

const loadBefore = loadavg()[0]!;
const runStarted = Date.now();
log(`generating ${N.toLocaleString('en-US')} vectors of ${DIM} dimensions (${METRIC})`);
const data = makeVectors(Math.max(N, REF_N), DIM);
const server = await startFake(DIM, METRIC);
type Window = { statements: number; bytes: number };

async function s2Case(name: string, options: VectorDbOptions): Promise<Result> {
  const conn = await connect({ host: '127.0.0.1', port: server.port, user: 'u', password: 'p', database: 'db' });
  const index = await (await vectorDb(conn, options)).index('bench');
  const records = Array.from({ length: N }, (_, i) => ({ id: `v${String(i).padStart(6, '0')}`, values: data.subarray(i * DIM, (i + 1) * DIM) }));
  await conn.execute("SELECT 'start'");
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await index.upsert(records);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await conn.execute("SELECT 'end'");
  const window = await server.next<Window>();
  await conn.close();
  const r = { name, vectors: N, seconds, cpuSeconds, ...window };
  log(`${name}: ${seconds.toFixed(2)} s (client CPU ${cpuSeconds.toFixed(2)} s), ${r.statements} statements, ${(r.bytes / 2 ** 20).toFixed(1)} MiB`);
  return r;
}

const results: Result[] = [];
results.push(await s2Case('s2 batched, JSON vectors (default on MariaDB/MySQL)', { vectorFormat: 'json' }));
results.push(await s2Case('s2 batched, binary vectors (default on SingleStore 8.5+)', { vectorFormat: 'binary' }));
results.push(await s2Case('s2 one statement per vector (batchSize 1, JSON)', { batchSize: 1, vectorFormat: 'json' }));

let versions = { python: 'n/a', singlestoredb: 'n/a', vectorstore: 'n/a' };
const sdk = await referenceSdk();
if ('unavailable' in sdk) {
  log(`reference skipped: ${sdk.unavailable}`);
  results.push({ name: `reference ${REFERENCE_SPEC}`, vectors: 0, seconds: 0, cpuSeconds: 0, statements: 0, bytes: 0, note: `not run: ${sdk.unavailable}` });
} else {
  const file = join(tmpdir(), `s2-bench-vectors-${process.pid}.f32`);
  writeFileSync(file, data.subarray(0, REF_N * DIM));
  try {
    log(`reference: ${REF_N.toLocaleString('en-US')} vectors`);
    const script = fileURLToPath(new URL('../python/upsert.py', import.meta.url));
    const out = await runPythonJson<{ seconds: number; cpu_seconds: number }>(sdk as PythonSdk, script, {
      host: '127.0.0.1',
      port: server.port,
      file,
      dim: DIM,
      vectors: REF_N,
      index: 'bench',
    });
    const window = await server.next<Window>();
    results.push({
      name: `reference ${REFERENCE_SPEC} (one statement per vector)`,
      vectors: REF_N,
      seconds: out.seconds,
      cpuSeconds: out.cpu_seconds,
      ...window,
    });
    log(`reference: ${out.seconds.toFixed(2)} s, ${window.statements} statements, ${(window.bytes / 2 ** 20).toFixed(1)} MiB`);
    const { stdout } = await run((sdk as PythonSdk).python, [
      '-c',
      'import sys, singlestoredb; from importlib import metadata; print(sys.version.split()[0], singlestoredb.__version__, metadata.version("singlestore-vectorstore"))',
    ]);
    const [python, singlestoredb, vectorstore] = stdout.trim().split(' ');
    versions = { python: python!, singlestoredb: singlestoredb!, vectorstore: vectorstore! };
  } finally {
    rmSync(file, { force: true });
  }
}
server.stop();

let commit = 'unknown';
try {
  commit = (await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim();
} catch {
  /* not a checkout */
}
const mib = (b: number) => (b / 2 ** 20).toFixed(1);
const rows = results.map((r) =>
  r.note
    ? `| ${r.name} | — | — | — | — | — | — | — | — | ${r.note} |`
    : `| ${r.name} | ${r.vectors.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${Math.round(r.vectors / r.seconds).toLocaleString('en-US')} | ${r.statements.toLocaleString('en-US')} | ${Math.round(r.statements / r.seconds).toLocaleString('en-US')} | ${mib(r.bytes)} | ${Math.round(r.bytes / r.vectors).toLocaleString('en-US')} | |`,
);
const report = `# Vector store upsert benchmark

Upserting ${N.toLocaleString('en-US')} vectors of ${DIM} dimensions (metric \`${METRIC}\`, no metadata) into one index,
through the recording fake MySQL server of \`@s2/testing\` (it answers every statement with an OK
packet and counts statements and bytes received), on loopback. The same F32 values for every
client. Timed: the \`upsert\` calls only. Bytes: every byte the client sent between two marker
statements (packet headers included). Run: \`pnpm bench\` (or \`pnpm --filter @s2/bench-vectorstore bench\`).

| client | vectors | seconds | client CPU s | vectors/s | statements | statements/s | MiB sent | bytes/vector | note |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
${rows.join('\n')}

Seconds are wall time (vectors/s and statements/s derive from them); client CPU is the user +
system time of the client process in the same window, which a busy machine inflates much less
than wall time. What this measures: client-side cost of building and sending the statements; a real server's
parse and write time is not included (with a server, the per-statement round trips of the
one-by-one mode weigh even more). The reference sends one \`REPLACE\` per vector; s2 batches rows
into multi-row \`REPLACE\` statements of at most ${'1 MiB'} (default \`batchSize\` 1000), and sends
packed F32 bytes (as hex literals) instead of JSON text where the server takes them: the default
\`vectorFormat: 'auto'\` picks binary on SingleStore 8.5 and later (asked once with
\`SELECT @@memsql_version\`) and JSON elsewhere; the rows above fix the format explicitly.

Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()};
Node ${process.version}; @s2/vectorstore ${VECTORSTORE_VERSION} (commit ${commit}); Python ${versions.python},
singlestoredb ${versions.singlestoredb}, singlestore-vectorstore ${versions.vectorstore}. Date: ${new Date().toISOString().slice(0, 10)}.
Whole run: ${Math.round((Date.now() - runStarted) / 1000)} s; 1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end
(statement and byte counts are exact). On a busy machine wall time is inflated most for the
large batched statements: the fake runs in its own process, and every megabyte-sized statement
needs many wake-ups of both processes, each of which waits for a core; client CPU is the
steadier measure of the work each client does.
`;
writeFileSync(opts.out!, report);
log(`wrote ${opts.out}`);
