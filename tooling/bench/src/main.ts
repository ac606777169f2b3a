/**
 * `pnpm bench`: starts (or uses) a server, loads the standard tables, warms the server's cache,
 * and runs every client as its own process, round-robin (round 1 runs every client once, then
 * round 2 …), so slow drifts of the machine spread over all clients alike. Reports medians,
 * in-process and whole-process figures, ratios to the raw drain, and (S2_BENCH_BEFORE) s2 at an
 * older commit next to s2 now. Writes BENCHMARKS.md at the repository root.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { startDataApiGateway } from '@s2/data-api-gateway';
import type { Measurement, RunnerConfig } from './runners/measure.js';
import { prepareBefore, type BeforeTree } from './before.js';
import { bundleRunners, S2_RUNNERS } from './bundle.js';
import { nativeLine } from './native-addon.js';
import { median, writeReport, type Result, type Summary } from './report.js';
import { prepare, serverVersion, startTarget, type Target } from './setup.js';
import { HTTP_RUNS, INSERT_RUNS, READ_RUNS, SERVICE_RUNS, type Run } from './workloads.js';

const run = promisify(execFile);
const ROWS = Number(process.env.S2_BENCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.S2_BENCH_REPEATS ?? 3);
const ONLY = process.env.S2_BENCH_ONLY ? new RegExp(process.env.S2_BENCH_ONLY) : null;
/** The commit s2 is compared with; `off` (or empty) for no before/after section. */
const BEFORE_REF = process.env.S2_BENCH_BEFORE ?? '7ffb10f';
/**
 * Drain processes per round, the fastest kept. The drain's wall is the server's time to produce
 * the rows, and clients that keep up with the server tie it within the server's own noise; a
 * floor is the best the server did, so each round keeps its best drain rather than one draw.
 */
const DRAIN_TRIES = Number(process.env.S2_BENCH_DRAIN_TRIES ?? 3);
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The code measured: the commit, and which packages had uncommitted changes (others may edit while a run goes). */
async function codeLine(): Promise<{ line: string; short: string }> {
  try {
    const { stdout: head } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root });
    const { stdout: dirty } = await run('git', ['status', '--porcelain', '--', 'packages'], { cwd: root });
    const pkgs = [
      ...new Set(
        dirty
          .split('\n')
          .filter(Boolean)
          .map((l) => l.slice(3).split('/')[1]),
      ),
    ].sort();
    return {
      short: head.trim(),
      line: `commit ${head.trim()}${pkgs.length ? ` with uncommitted changes in ${pkgs.map((p) => `packages/${p}`).join(', ')}` : ', packages/ clean'}`,
    };
  } catch {
    return { short: 'HEAD', line: 'commit unknown (no git)' };
  }
}

/** A run of the schedule: which bundle runs it (now or before) and with which environment. */
interface Slot {
  run: Run;
  side: 'now' | 'before';
  script: string;
  env: NodeJS.ProcessEnv;
  samples: Measurement[];
  error?: string;
}

let httpPort = 0;
/** 1-minute load average before each run: other work on the machine skews wall and CPU times. */
const loads: number[] = [];

/** One process of one run; the harness times it from spawn to exit. */
async function once(slot: Pick<Slot, 'run' | 'script' | 'env'>, target: Target): Promise<Measurement> {
  const r = slot.run;
  if (r.insertRows) {
    const conn = await mysql.createConnection(target);
    await conn.query(`TRUNCATE ${r.sql}`);
    await conn.end();
  }
  const config: RunnerConfig = { ...target, sql: r.sql, mode: r.mode, rows: r.insertRows ?? r.statements, httpPort, pureJs: r.pureJs };
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, [slot.script, JSON.stringify(config)], { cwd: root, maxBuffer: 1 << 20, env: slot.env });
  const processWallMs = performance.now() - t0;
  return { ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement), processWallMs };
}

/** The fastest (in-process wall) of `tries` processes of one run, each whole figure from that one process. */
async function bestOf(tries: number, measureOnce: () => Promise<Measurement>): Promise<Measurement> {
  let best = await measureOnce();
  for (let i = 1; i < tries; i++) {
    const m = await measureOnce();
    if (m.wallMs < best.wallMs) best = m;
  }
  return best;
}

/** The error's own line (not the stack's tail), e.g. "RangeError: …" or "FATAL ERROR: … heap out of memory". */
function errorLine(err: unknown): string {
  const lines = String((err as { stderr?: string }).stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const stderr = lines.find((l) => /^(\w*Error\b|FATAL|Error:)/.test(l)) ?? lines.at(-1) ?? '';
  return stderr || (err as Error).message.split('\n')[0];
}

/** Medians of every figure (peak RSS: the highest), plus the wall spread (max − min) / median as the run's noise. */
function summarise(samples: Measurement[]): Summary {
  const med = (f: (m: Measurement) => number | undefined) => median(samples.map((s) => f(s) ?? 0));
  const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
  const extraKeys = Object.keys(samples[0].extra ?? {});
  return {
    rows: samples[0].rows,
    wallMs: med((s) => s.wallMs),
    cpuMs: med((s) => s.cpuMs),
    maxRssMiB: Math.max(...samples.map((s) => s.maxRssMiB)),
    processCpuMs: med((s) => s.processCpuMs),
    processWallMs: med((s) => s.processWallMs),
    samples: samples.length,
    extra: extraKeys.length ? Object.fromEntries(extraKeys.map((k) => [k, med((s) => s.extra?.[k])])) : undefined,
    noise: spread(samples.map((s) => s.processWallMs ?? s.wallMs)),
    cpuNoise: spread(samples.map((s) => s.processCpuMs)),
  };
}

async function setUpBefore(log: (l: string) => void): Promise<{ tree: BeforeTree; scripts: Map<string, string> } | string> {
  if (!BEFORE_REF || BEFORE_REF === 'off') return 'off (S2_BENCH_BEFORE=off)';
  try {
    const tree = await prepareBefore(root, BEFORE_REF, log);
    const scripts = await bundleRunners(S2_RUNNERS, tree.dir);
    return { tree, scripts };
  } catch (err) {
    return `not run: ${errorLine(err)}`;
  }
}

async function main(): Promise<void> {
  const { line: native, file: nativeFile } = await nativeLine();
  // The bundled runners cannot find the addon from their own path: name the file the loader found here.
  const envNow: NodeJS.ProcessEnv = nativeFile ? { ...process.env, SINGLESTOREDB_NATIVE_PATH: nativeFile } : process.env;
  const runners = await bundleRunners();
  const code = await codeLine();
  console.log(native);
  console.log(code.line);
  const before = await setUpBefore(console.log);
  if (typeof before === 'string') console.log(`before/after: ${before}`);
  else console.log(`before/after: s2 at ${before.tree.short} (addon ${before.tree.nativeFile ?? 'not built'})`);

  const all = [...READ_RUNS, ...INSERT_RUNS, ...HTTP_RUNS, ...SERVICE_RUNS].filter((r) => !ONLY || ONLY.test(r.name));
  const slots: Slot[] = [];
  for (const r of all) {
    slots.push({ run: r, side: 'now', script: runners.get(r.runner)!, env: envNow, samples: [] });
    // cursor.forEachRow and binary executemany are newer than the before commit: nothing to compare them with there.
    if (typeof before !== 'string' && before.scripts.has(r.runner) && r.mode !== 'row-stream' && r.mode !== 'insert-binary') {
      const env = before.tree.nativeFile ? { ...process.env, SINGLESTOREDB_NATIVE_PATH: before.tree.nativeFile } : process.env;
      slots.push({ run: r, side: 'before', script: before.scripts.get(r.runner)!, env, samples: [] });
    }
  }

  const { target, stop } = await startTarget();
  try {
    console.log(`loading ${ROWS} rows into wide and ints…`);
    await prepare(target, ROWS);
    // One untimed full read of every table a run reads, so no client pays for a cold buffer pool.
    for (const sql of new Set(all.filter((r) => r.sql.startsWith('SELECT')).map((r) => r.sql))) {
      await once({ run: { name: 'warm-up', runner: 'raw-drain', mode: '', sql }, script: runners.get('raw-drain')!, env: envNow }, target);
    }
    // Plaintext to the server, as every client in the run: the gateway's TLS would be measured otherwise.
    const gateway = await startDataApiGateway({ target: { host: target.host, port: target.port, tls: { mode: 'disabled' } } });
    httpPort = gateway.port;
    for (let round = 0; round < REPEATS; round++) {
      console.log(`round ${round + 1} of ${REPEATS}`);
      for (let i = 0; i < slots.length; i++) {
        // A before/after pair swaps its order every round, so neither side always runs second.
        const j = round % 2 === 1 && slots[i + 1]?.side === 'before' ? i + 1 : round % 2 === 1 && slots[i].side === 'before' ? i - 1 : i;
        const slot = slots[j];
        if (slot.error) continue;
        try {
          loads.push(loadavg()[0]);
          const m = await bestOf(slot.run.runner === 'raw-drain' ? DRAIN_TRIES : 1, () => once(slot, target));
          slot.samples.push(m);
          console.log(`  ${label(slot).padEnd(44)} ${m.wallMs.toFixed(0).padStart(7)} ms wall, process ${m.processWallMs!.toFixed(0).padStart(7)} ms`);
        } catch (err) {
          slot.error = errorLine(err);
          console.log(`${label(slot).padEnd(44)} failed: ${slot.error}`);
        }
      }
    }
    await gateway.close();
    const results: Result[] = [];
    for (const slot of slots) {
      const expected = expectedRows(slot.run);
      const wrong = slot.samples.find((s) => s.rows !== expected);
      if (!slot.error && wrong) slot.error = `returned ${wrong.rows} rows, expected ${expected}`;
      if (slot.error || slot.samples.length === 0) continue;
      const m = summarise(slot.samples);
      results.push({ run: slot.run, side: slot.side, m });
      console.log(
        `${label(slot).padEnd(44)} ${m.wallMs.toFixed(0).padStart(7)} ms wall ${m.cpuMs.toFixed(0).padStart(7)} ms cpu ${m.maxRssMiB.toFixed(0).padStart(5)} MiB | process ${m.processWallMs!.toFixed(0).padStart(7)} ms wall ${m.processCpuMs.toFixed(0).padStart(7)} ms cpu  rows ${m.rows}`,
      );
    }
    writeReport(`${root}/BENCHMARKS.md`, {
      results,
      failures: slots.filter((s) => s.error).map((s) => `${label(s)}: ${s.error}`),
      server: await serverVersion(target),
      native,
      code: code.line,
      now: code.short,
      before: typeof before === 'string' ? before : before.tree,
      rows: ROWS,
      repeats: REPEATS,
      drainTries: DRAIN_TRIES,
      loads,
    });
    console.log('wrote BENCHMARKS.md');
  } finally {
    await stop();
  }
}

/** What every client must report for a run: a run that reads or writes a different count measured something else. */
function expectedRows(r: Run): number {
  if (r.insertRows !== undefined) return r.insertRows;
  if (r.statements !== undefined) return r.statements;
  if (r.name.startsWith('cold start')) return 1;
  const limit = /LIMIT (\d+)/.exec(r.sql);
  return limit ? Math.min(ROWS, Number(limit[1])) : ROWS;
}

const label = (slot: Slot) => `${slot.run.name}${slot.side === 'before' ? ' (before)' : ''}`;

await main();
