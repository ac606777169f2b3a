/**
 * `pnpm bench`: starts (or uses) a server, loads the standard tables, runs every client as its
 * own process several times, and reports medians and ratios to the raw drain and to mysql2.
 * Writes BENCHMARKS.md at the repository root.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { startDataApiGateway } from '@s2/data-api-gateway';
import type { Measurement, RunnerConfig } from './runners/measure.js';
import { bundleRunners } from './bundle.js';
import { prepare, serverVersion, startTarget, type Target } from './setup.js';
import { targetsReport } from './targets.js';
import { HTTP_RUNS, INSERT_ROWS, INSERT_RUNS, READ_RUNS, type Run } from './workloads.js';

const run = promisify(execFile);
const ROWS = Number(process.env.S2_BENCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.S2_BENCH_REPEATS ?? 3);
const ONLY = process.env.S2_BENCH_ONLY ? new RegExp(process.env.S2_BENCH_ONLY) : null;
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The code measured: the commit, and which packages had uncommitted changes (others may edit while a run goes). */
async function codeLine(): Promise<string> {
  try {
    const { stdout: head } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root });
    const { stdout: dirty } = await run('git', ['status', '--porcelain', '--', 'packages'], { cwd: root });
    const pkgs = [...new Set(dirty.split('\n').filter(Boolean).map((l) => l.slice(3).split('/')[1]))].sort();
    return `commit ${head.trim()}${pkgs.length ? ` with uncommitted changes in ${pkgs.map((p) => `packages/${p}`).join(', ')}` : ', packages/ clean'}`;
  } catch {
    return 'commit unknown (no git)';
  }
}

/** Whether the runners' s2 can load the addon (same environment, same loader), and its file. */
async function nativeLine(): Promise<{ line: string; file: string | null }> {
  // @s2/native is not a dependency of the bench package: load the workspace source, the module @s2/core uses.
  const nativeIndex = new URL('../../../packages/native/src/index.ts', import.meta.url);
  const { nativeStatus } = (await import(nativeIndex.href)) as typeof import('@s2/native');
  const st = nativeStatus();
  if (!st.loaded) return { line: `native addon NOT loaded: ${st.source}`, file: null };
  // A local build is a file already; a platform package is resolved the way the loader did.
  const file = st.source.endsWith('.node') ? st.source : createRequire(nativeIndex).resolve(st.source);
  return { line: `native addon loaded (${st.version ?? '?'}, ${st.triple}, from ${st.source.replace(root, '')})`, file };
}

let httpPort = 0;
let runners = new Map<string, string>();
/** The bundled runners cannot find the addon from their own path: name the file the loader found here. */
let runnerEnv: NodeJS.ProcessEnv = process.env;
/** 1-minute load average before each run: other work on the machine skews wall and CPU times. */
const loads: number[] = [];

async function once(r: Run, target: Target): Promise<Measurement> {
  if (r.insertRows) {
    const conn = await mysql.createConnection(target);
    await conn.query(`TRUNCATE ${r.sql}`);
    await conn.end();
  }
  const config: RunnerConfig = { ...target, sql: r.sql, mode: r.mode, rows: r.insertRows, httpPort, pureJs: r.pureJs };
  const script = runners.get(r.runner);
  if (!script) throw new Error(`no runner named ${r.runner}`);
  const { stdout } = await run(process.execPath, [script, JSON.stringify(config)], {
    cwd: root, maxBuffer: 1 << 20, env: runnerEnv,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { line: native, file: nativeFile } = await nativeLine();
  if (nativeFile) runnerEnv = { ...process.env, SINGLESTOREDB_NATIVE_PATH: nativeFile };
  runners = await bundleRunners();
  const code = await codeLine();
  console.log(native);
  console.log(code);
  const { target, stop } = await startTarget();
  try {
    console.log(`loading ${ROWS} rows into wide and ints…`);
    await prepare(target, ROWS);
    const gateway = await startDataApiGateway({ target: { host: target.host, port: target.port } });
    httpPort = gateway.port;
    const results: { run: Run; m: Measurement }[] = [];
    for (const r of [...READ_RUNS, ...INSERT_RUNS, ...HTTP_RUNS]) {
      if (ONLY && !ONLY.test(r.name)) continue;
      const samples: Measurement[] = [];
      try {
        for (let i = 0; i < REPEATS; i++) {
          loads.push(loadavg()[0]);
          samples.push(await once(r, target));
        }
      } catch (err) {
        // The error's own line (not the stack's tail), e.g. "RangeError: …" or "FATAL ERROR: … heap out of memory".
        const lines = String((err as { stderr?: string }).stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
        const stderr = lines.find((l) => /^(\w*Error\b|FATAL|Error:)/.test(l)) ?? lines.at(-1) ?? '';
        console.log(`${r.name.padEnd(38)} failed: ${stderr || (err as Error).message.split('\n')[0]}`);
        continue;
      }
      const m: Measurement = {
        rows: samples[0].rows,
        wallMs: median(samples.map((s) => s.wallMs)),
        cpuMs: median(samples.map((s) => s.cpuMs)),
        maxRssMiB: Math.max(...samples.map((s) => s.maxRssMiB)),
      };
      results.push({ run: r, m });
      console.log(`${r.name.padEnd(38)} ${m.wallMs.toFixed(0).padStart(7)} ms wall ${m.cpuMs.toFixed(0).padStart(7)} ms cpu ${m.maxRssMiB.toFixed(0).padStart(5)} MiB  rows ${m.rows}`);
    }
    await gateway.close();
    writeReport(results, await serverVersion(target), native, code);
  } finally {
    await stop();
  }
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

function writeReport(results: { run: Run; m: Measurement }[], server: string, native: string, code: string): void {
  const find = (name: string) => results.find((x) => x.run.name === name)?.m;
  const lines: string[] = [];
  const { stdout: version } = { stdout: process.version };
  lines.push('# Benchmarks', '', `Generated by \`pnpm bench\` on ${new Date().toISOString()}.`, '');
  lines.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${version}; server ${server} on the same machine. Code: ${code}.`, '');
  if (loads.length) {
    const l = [...loads].sort((a, b) => a - b);
    lines.push(`1-minute load average before the runs: median ${median(l).toFixed(1)}, max ${l.at(-1)!.toFixed(1)} on ${cpus().length} cores (the harness alone — one client and the server — keeps it at about 1–2; more means other work shared the machine and inflated the times).`, '');
  }
  lines.push(`s2: ${native}. Every s2 label ends in the decoder it forces: \`native\` (\`pureJs: false\`, the Rust addon: frame formats and buffered row formats) or \`pure\` (\`pureJs: true\`, TypeScript). Streaming rows (\`stream\`, fetchmany) and inserts are TypeScript on every path.`, '');
  lines.push(`Clients: s2, mysql2 ${packageVersion('mysql2')}, mariadb ${packageVersion('mariadb')}, and a raw socket drain that walks packet headers without decoding.`, '');
  lines.push(`${ROWS} rows per table (\`wide\`: BIGINT, INT, DOUBLE, DECIMAL(12,2), VARCHAR(32), nullable TEXT, DATETIME(6), JSON; \`ints\`: two BIGINTs); inserts of ${INSERT_ROWS.toLocaleString('en-US')} \`wide\` rows (s2 \`load()\` and mysql2 \`LOAD DATA LOCAL INFILE\` stream TSV; mysql2 sends multi-row INSERTs of 5,000 rows, mariadb \`batch()\`, s2 \`executemany\`). Median of ${REPEATS} whole-process runs each; wall and CPU cover the workload only (connect + query + decode), peak RSS the whole process.`, '');
  lines.push('| run | rows | wall ms | cpu ms | peak RSS MiB | wall / raw | cpu / raw | wall / mysql2 |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { run: r, m } of results) {
    const table = r.name.split(' ')[0];
    const raw = find(`${table} raw drain`);
    const peer = find(table === 'wide' ? 'wide mysql2 rowsAsArray' : table === 'ints' ? 'ints mysql2 stream' : table === 'http100k' ? 'http100k s2 over the wire pure' : 'insert mysql2 multi-row');
    const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(2) : '–');
    const rate = r.insertRows ? ` (${Math.round(m.rows / (m.wallMs / 1000))} rows/s)` : '';
    lines.push(`| ${r.name}${rate} | ${m.rows} | ${m.wallMs.toFixed(0)} | ${m.cpuMs.toFixed(0)} | ${m.maxRssMiB.toFixed(0)} | ${r.insertRows ? '–' : ratio(m.wallMs, raw?.wallMs)} | ${r.insertRows ? '–' : ratio(m.cpuMs, raw?.cpuMs)} | ${ratio(m.wallMs, peer?.wallMs)} |`);
  }
  lines.push('', 'CPU is the client process only (user + system); the server runs on the same two cores.');
  lines.push('For the `http100k` rows the last column compares with s2 over the wire (not mysql2); the Data API gateway runs in the harness process, in front of the same server.', '');
  lines.push(...targetsReport(results));
  writeFileSync(`${root}/BENCHMARKS.md`, lines.join('\n'));
  console.log('wrote BENCHMARKS.md');
}

await main();
