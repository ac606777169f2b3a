/**
 * UDF server throughput: rows/s of add_one (BIGINT) and upper (TEXT), scalar and vectorized,
 * over ROWDAT_1 and JSON, for our server with the native codec, with the pure TypeScript codec,
 * and the official Python SDK's server — the same pre-encoded payloads from one client, the
 * servers called one at a time, round-robin. Writes BENCHMARKS-UDF.md at the repository root.
 *
 *   pnpm --filter @s2/bench-udf bench [--rows 1000000] [--batch 10000] [--concurrency 3]
 *        [--reps 3] [--max-reps 9] [--min-timed 2] [--warmup 10] [--servers s2-native,s2-pure,python,echo,echo-fastify] [--out PATH]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InvokeClient, type Answer } from './client.js';
import { checkAnswer, makeBatches, type Batch, type Format, type Kind } from './payloads.js';
import { timeFunctionBodies } from './function-alone.js';
import { machineInfo, writeReport, type CaseResult, type Mode } from './report.js';
import { machineCpu, pythonEnv, startEcho, startPython, startS2, type PythonEnv, type RunningServer, type ServerId } from './servers.js';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '3' },
    reps: { type: 'string', default: '3' },
    'max-reps': { type: 'string', default: '9' },
    'min-timed': { type: 'string', default: '2' },
    warmup: { type: 'string', default: '10' },
    servers: { type: 'string', default: 's2-native,s2-pure,python,echo,echo-fastify' },
    out: { type: 'string', default: fileURLToPath(new URL('../../../BENCHMARKS-UDF.md', import.meta.url)) },
  },
});
const ROWS = Number(opts.rows);
const BATCH = Number(opts.batch);
const CONCURRENCY = Number(opts.concurrency);
const REPS = Number(opts.reps);
// Short cases (a fraction of a second per pass) get more passes, so one GC or one noisy moment
// does not decide their median: rounds continue until every server was timed for MIN_TIMED s,
// as long as the case's rounds so far took under CASE_BUDGET s (the JSON cases, where a
// Python pass takes seconds, stay at REPS).
const MAX_REPS = Math.max(REPS, Number(opts['max-reps']));
const MIN_TIMED = Number(opts['min-timed']);
const CASE_BUDGET = 5 * MIN_TIMED;
const WARMUP = Number(opts.warmup);
const SERVERS = opts.servers!.split(',').map((s) => s.trim()) as ServerId[];
/** Every SAMPLE_EVERY-th answer of a timed pass is kept and checked after the clock stops. */
const SAMPLE_EVERY = 10;

const log = (msg: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const started = Date.now();

const KINDS: { kind: Kind; fn: string }[] = [
  { kind: 'bigint', fn: 'add_one' },
  { kind: 'text', fn: 'upper' },
];
const FORMATS: Format[] = ['rowdat_1', 'json'];
const MODES: Mode[] = ['scalar', 'vectorized'];

log(`building payloads: ${ROWS.toLocaleString('en-US')} rows per case in batches of ${BATCH.toLocaleString('en-US')}`);
const payloads = new Map<string, Batch[]>();
for (const { kind } of KINDS)
  for (const format of FORMATS) payloads.set(`${kind}/${format}`, makeBatches(kind, format, ROWS, BATCH, kind === 'bigint' ? 1 : 2));
for (const [key, batches] of payloads)
  log(`  ${key}: ${batches.length} requests, ${(batches.reduce((n, b) => n + b.body.length, 0) / 2 ** 20).toFixed(1)} MiB`);
const functionAlone = timeFunctionBodies(ROWS, BATCH);
log(
  `alone per pass: ${Object.entries(functionAlone)
    .map(([n, a]) => `${n} body ${a.body.toFixed(3)} s, strings ${a.strings.toFixed(3)} s`)
    .join('; ')}`,
);

let python: PythonEnv | { unavailable: string } | null = null;
if (SERVERS.includes('python')) {
  log('preparing the Python SDK venv (singlestoredb, uvicorn, numpy)');
  python = await pythonEnv();
  if ('unavailable' in python) log(`Python SDK unavailable, benchmarking our server only: ${python.unavailable}`);
  else
    log(
      `Python ${python.pythonVersion}, singlestoredb ${python.singlestoredbVersion}, numpy ${python.numpyVersion}, uvicorn ${python.uvicornVersion}, accelerator ${python.accelerated}`,
    );
}

function checkAll(kind: Kind, format: Format, batches: readonly Batch[], answers: Map<number, Answer>, echo = false): string | null {
  for (const [i, answer] of answers) {
    // The echo floor answers with the request itself.
    const problem = echo
      ? answer.body.equals(batches[i].body)
        ? null
        : 'the echo differs from the request'
      : checkAnswer(kind, format, batches[i], answer.body);
    if (problem) return `batch ${i}: ${problem}`;
  }
  return null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Pass {
  seconds: number;
  serverCpu: number | null;
  clientCpu: number;
}

/** One timed pass over all batches of a case; the sampled answers are checked after the clock stops. */
async function timedPass(server: RunningServer, client: InvokeClient, kind: Kind, format: Format, name: string, rep: number): Promise<Pass> {
  const batches = payloads.get(`${kind}/${format}`)!;
  const cpu0 = server.cpuSeconds();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const kept = await client.run(name, format, batches, (i) => i % SAMPLE_EVERY === rep % SAMPLE_EVERY || i === batches.length - 1);
  const seconds = (performance.now() - t0) / 1000;
  const clientUsage = process.cpuUsage(client0);
  const cpu1 = server.cpuSeconds();
  const wrong = checkAll(kind, format, batches, kept, server.id.startsWith('echo'));
  if (wrong) throw new Error(`wrong answer: ${wrong}`);
  return { seconds, serverCpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, clientCpu: (clientUsage.user + clientUsage.system) / 1e6 };
}

// All servers are started up front and stay idle unless called; each case runs its passes
// round-robin over the servers (rotating who goes first), so a change in machine load during
// the run hits every server alike.
const servers: RunningServer[] = [];
const notes: Partial<Record<ServerId, string>> = {};
for (const id of SERVERS) {
  try {
    if (id === 'python') {
      if (!python || 'unavailable' in python) {
        notes.python = `not run: ${python && 'unavailable' in python ? python.unavailable : 'not requested'}`;
        continue;
      }
      servers.push(await startPython(python));
    } else if (id === 'echo' || id === 'echo-fastify') {
      servers.push(await startEcho(id === 'echo' ? 'node' : 'fastify'));
    } else {
      servers.push(await startS2(id === 's2-pure'));
    }
    const server = servers[servers.length - 1];
    notes[id] = server.note;
    log(`${id}: pid ${server.pid}, port ${server.port} — ${server.note}`);
  } catch (err) {
    notes[id] = `failed to start: ${(err as Error).message.split('\n')[0].slice(0, 300)}`;
    log(`${id}: ${notes[id]}`);
  }
}
/** CPU seconds of this benchmark's own processes: the client and every server. */
const ownCpu = () => {
  const client = process.cpuUsage();
  return (client.user + client.system) / 1e6 + servers.reduce((t, s) => t + (s.cpuSeconds() ?? 0), 0);
};
const timedStart = { wall: performance.now(), machine: machineCpu(), own: ownCpu() };

const results: CaseResult[] = [];
let timedEnd = timedStart;
const clients = new Map(servers.map((s) => [s.id, new InvokeClient(s.port, CONCURRENCY)]));
try {
  for (const { kind, fn } of KINDS)
    for (const format of FORMATS)
      for (const mode of MODES) {
        const name = mode === 'vectorized' ? `${fn}_vec` : fn;
        const batches = payloads.get(`${kind}/${format}`)!;
        const passes = new Map<ServerId, Pass[]>();
        const failed = new Map<ServerId, string>();
        const fail = (id: ServerId, err: unknown) => {
          const error = (err as Error).message.split('\n')[0].slice(0, 300);
          failed.set(id, error);
          log(`  ${id.padEnd(9)} ${name.padEnd(11)} ${format.padEnd(8)} FAILED: ${error}`);
        };
        // Warm-up: the first WARMUP batches, every answer checked.
        for (const server of servers) {
          try {
            const warm = batches.slice(0, WARMUP);
            const problem = checkAll(kind, format, warm, await clients.get(server.id)!.run(name, format, warm, () => true), server.id.startsWith('echo'));
            if (problem) throw new Error(`wrong answer in warm-up: ${problem}`);
            passes.set(server.id, []);
          } catch (err) {
            fail(server.id, err);
          }
        }
        const timed = (id: ServerId) => (passes.get(id) ?? []).reduce((t, p) => t + p.seconds, 0);
        const moreRounds = () =>
          !servers.every((s) => failed.has(s.id) || timed(s.id) >= MIN_TIMED) && servers.reduce((t, s) => t + timed(s.id), 0) < CASE_BUDGET;
        for (let rep = 0; rep < REPS || (rep < MAX_REPS && moreRounds()); rep++) {
          for (let k = 0; k < servers.length; k++) {
            const server = servers[(k + rep) % servers.length];
            if (failed.has(server.id)) continue;
            try {
              passes.get(server.id)!.push(await timedPass(server, clients.get(server.id)!, kind, format, name, rep));
            } catch (err) {
              fail(server.id, err);
            }
          }
        }
        for (const server of servers) {
          const base = { server: server.id, fn, format, mode, rows: ROWS };
          const error = failed.get(server.id);
          if (error) {
            results.push({ ...base, error });
            continue;
          }
          const ps = passes.get(server.id)!;
          const seconds = median(ps.map((p) => p.seconds));
          const cpus = ps.map((p) => p.serverCpu).filter((c): c is number => c !== null);
          const result: CaseResult = {
            ...base,
            rowsPerSecond: ROWS / seconds,
            seconds,
            allSeconds: ps.map((p) => p.seconds),
            serverCpuSeconds: cpus.length === ps.length ? median(cpus) : null,
            clientCpuSeconds: median(ps.map((p) => p.clientCpu)),
          };
          results.push(result);
          log(
            `  ${server.id.padEnd(9)} ${name.padEnd(11)} ${format.padEnd(8)} ${Math.round(result.rowsPerSecond!).toLocaleString('en-US').padStart(11)} rows/s  (passes ${ps.map((p) => p.seconds.toFixed(2)).join(' / ')} s, server CPU ${result.serverCpuSeconds?.toFixed(2) ?? '?'} s, client CPU ${result.clientCpuSeconds?.toFixed(2)} s)`,
          );
        }
      }
} finally {
  for (const client of clients.values()) client.close();
  timedEnd = { wall: performance.now(), machine: machineCpu(), own: ownCpu() };
  await Promise.all(servers.map((s) => s.stop()));
}
// What else ran during the cases: the machine's busy CPU minus our own processes', and steal.
const elapsed = (timedEnd.wall - timedStart.wall) / 1000;
const contention =
  timedStart.machine && timedEnd.machine
    ? {
        seconds: elapsed,
        otherCpu: Math.max(0, timedEnd.machine.busy - timedStart.machine.busy - (timedEnd.own - timedStart.own)),
        steal: timedEnd.machine.steal - timedStart.machine.steal,
      }
    : null;

const totalSeconds = (Date.now() - started) / 1000;
const machine = await machineInfo();
writeReport(opts.out!, {
  machine,
  python: python && !('unavailable' in python) ? python : null,
  pythonUnavailable: python && 'unavailable' in python ? python.unavailable : null,
  notes,
  rows: ROWS,
  batch: BATCH,
  concurrency: CONCURRENCY,
  reps: REPS,
  maxReps: MAX_REPS,
  minTimed: MIN_TIMED,
  warmup: WARMUP,
  sampleEvery: SAMPLE_EVERY,
  contention,
  functionAlone,
  totalSeconds,
  results,
});
log(`wrote ${opts.out} (${totalSeconds.toFixed(0)} s)`);
