/**
 * A scratch CPU profile of one benchmark run (not part of `pnpm bench`):
 *
 *   node --conditions=s2-source --import tsx tooling/bench/src/profile.ts ['wide s2 arrow native']
 *
 * Starts the server like `pnpm bench` (S2_BENCH_ROWS rows), runs the named run's runner once
 * under `node --cpu-prof`, and prints the top self-time functions and the split by package.
 * The .cpuprofile is kept (path printed) for Chrome DevTools / speedscope.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunnerConfig } from './runners/measure.js';
import { prepare, startTarget } from './setup.js';
import { INSERT_RUNS, READ_RUNS, SERVICE_RUNS } from './workloads.js';

const name = process.argv[2] ?? 'wide s2 arrow native';
const ROWS = Number(process.env.S2_BENCH_ROWS ?? 1_000_000);
const TOP = Number(process.env.S2_PROFILE_TOP ?? 25);
const root = fileURLToPath(new URL('../../../', import.meta.url));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame comes from: a workspace package, a dependency, node internals, or a VM category. */
function origin(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native / napi)';
  const pkg = /\/packages\/([^/]+)\//.exec(url);
  if (pkg && !url.includes('node_modules')) return `@s2/${pkg[1]}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/tooling/bench/')) return 'bench runner';
  return url;
}

/** Sampled time outside `(idle)`, in µs. */
function busy(profile: CpuProfile): number {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let us = 0;
  for (let i = 0; i < profile.samples.length; i++) if (!idle.has(profile.samples[i])) us += profile.timeDeltas[i] ?? 0;
  return us;
}

export function summarise(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  let total = 0;
  const fns = new Map<string, number>();
  const origins = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const file = url ? `${url.replace(/^file:\/\//, '').replace(root, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${file ? `  ${file}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const o = origin(url, functionName);
    origins.set(o, (origins.get(o) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
  const out = [`busy (non-idle) sampled time ${(total / 1000).toFixed(0)} ms, including process start-up and tsx transpiling`, '', 'self time by origin:'];
  for (const [o, us] of [...origins].sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`  ${pct(us)}  ${o}`);
  out.push('', `top ${top} functions by self time:`);
  for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${pct(us)}  ${f}`);
  return out;
}

/** Prints the summary of the busiest profile in `dir`. */
function report(dir: string): void {
  // tsx runs its loader hooks on a worker thread, which writes its own (mostly idle) profile:
  // summarise the one with the most busy time, the runner's main thread.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
  const profiles = files.map((f) => ({ f, p: JSON.parse(readFileSync(f, 'utf8')) as CpuProfile })).sort((a, b) => busy(b.p) - busy(a.p));
  console.log(`profile: ${profiles[0].f}`);
  console.log(summarise(profiles[0].p, TOP).join('\n'));
}

async function main(): Promise<void> {
  // S2_PROFILE_DIR=<dir>: only summarise the profiles of an earlier run.
  if (process.env.S2_PROFILE_DIR) return report(process.env.S2_PROFILE_DIR);
  const r = [...READ_RUNS, ...INSERT_RUNS, ...SERVICE_RUNS].find((x) => x.name === name);
  if (!r) throw new Error(`no run named '${name}'`);
  const { target, stop } = await startTarget();
  try {
    await prepare(target, ROWS);
    const dir = mkdtempSync(join(tmpdir(), 's2-cpuprof-'));
    const config: RunnerConfig = { ...target, sql: r.sql, mode: r.mode, rows: r.insertRows ?? r.statements, pureJs: r.pureJs };
    const script = fileURLToPath(new URL(`./runners/${r.runner}.ts`, import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--conditions=s2-source', '--import', 'tsx', script, JSON.stringify(config)],
      { cwd: root, maxBuffer: 1 << 20 },
    );
    console.log(`${name}: ${stdout.trim().split('\n').at(-1)}`);
    report(dir);
  } finally {
    await stop();
  }
}

await main();
