/**
 * A quick A/B of one benchmark run across several trees (not part of `pnpm bench`):
 *
 *   node --conditions=s2-source --import tsx tooling/bench/src/ab-trees.ts 'pool s2' . 72ecc92 df8836a mysql2
 *
 * `.` is the working tree, a commit is checked out and built once like `S2_BENCH_BEFORE`, and a
 * peer client's name runs that client's runner in the same mode. One process of each per round,
 * the order reversed every other round, S2_AB_ROUNDS rounds (10); prints medians of in-process
 * wall and CPU. The tables hold S2_BENCH_ROWS rows (1,000: enough for the service workloads).
 * Each tree runs with its own native addon, as the harness does: a run without it would
 * measure the TypeScript decoder instead.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { prepareBefore } from './before.js';
import { bundleRunners } from './bundle.js';
import { nativeLine } from './native-addon.js';
import type { Measurement, RunnerConfig } from './runners/measure.js';
import { prepare, startTarget } from './setup.js';
import { INSERT_RUNS, READ_RUNS, SERVICE_RUNS } from './workloads.js';

const [name, ...refs] = process.argv.slice(2);
const run = [...READ_RUNS, ...INSERT_RUNS, ...SERVICE_RUNS].find((r) => r.name === name);
if (!run || refs.length === 0) throw new Error(`usage: ab-trees.ts '<run name>' <. | commit | peer client>...; no run named '${name}'`);
const ROUNDS = Number(process.env.S2_AB_ROUNDS ?? 10);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const PEERS = new Set(['mysql2', 'mariadb', 'raw-drain', 'fetch-json']);

interface Side {
  label: string;
  script: string;
  env: NodeJS.ProcessEnv;
  wall: number[];
  cpu: number[];
}

async function side(ref: string): Promise<Side> {
  const samples = { wall: [] as number[], cpu: [] as number[] };
  if (PEERS.has(ref)) return { label: ref, script: (await bundleRunners([ref])).get(ref)!, env: process.env, ...samples };
  if (ref === '.') {
    const script = (await bundleRunners([run!.runner])).get(run!.runner)!;
    const { file } = await nativeLine();
    return { label: 'working tree', script, env: file ? { ...process.env, SINGLESTOREDB_NATIVE_PATH: file } : process.env, ...samples };
  }
  const tree = await prepareBefore(root, ref, console.log);
  const script = (await bundleRunners([run!.runner], tree.dir)).get(run!.runner)!;
  const env = tree.nativeFile ? { ...process.env, SINGLESTOREDB_NATIVE_PATH: tree.nativeFile } : process.env;
  return { label: tree.short, script, env, ...samples };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const sides: Side[] = [];
for (const ref of refs) sides.push(await side(ref));
const { target, stop } = await startTarget();
try {
  await prepare(target, Number(process.env.S2_BENCH_ROWS ?? 1000));
  const config: RunnerConfig = { ...target, sql: run.sql, mode: run.mode, rows: run.insertRows ?? run.statements, pureJs: run.pureJs };
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of round % 2 ? [...sides].reverse() : sides) {
      if (run.insertRows) {
        const conn = await mysql.createConnection(target);
        await conn.query(`TRUNCATE ${run.sql}`);
        await conn.end();
      }
      const { stdout } = await promisify(execFile)(process.execPath, [s.script, JSON.stringify(config)], { env: s.env, maxBuffer: 1 << 20 });
      const m = JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement;
      s.wall.push(m.wallMs);
      s.cpu.push(m.cpuMs);
    }
  }
  for (const s of sides) {
    console.log(
      `${s.label.padEnd(14)} wall ${median(s.wall).toFixed(0).padStart(6)} ms  cpu ${median(s.cpu).toFixed(0).padStart(6)} ms  (cpu per round: ${s.cpu.map((x) => x.toFixed(0)).join(' ')})`,
    );
  }
} finally {
  await stop();
}
