/**
 * BENCHMARKS.md from the summarised runs: reads (ratios to the raw drain), inserts, the service
 * workloads (pool, idle footprint, cold start), the targets, and s2 before/after.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BeforeTree } from './before.js';
import type { Measurement } from './runners/measure.js';
import { SETTLE_MS } from './runners/measure.js';
import { historyTargets, issue19Targets } from './targets.js';
import { INSERT_ROWS, type Run } from './workloads.js';

/** Medians of a run's samples (peak RSS: the highest), with the spread of its whole-process wall. */
export interface Summary extends Measurement {
  processWallMs: number;
  samples: number;
  /** (max − min) / median of the whole-process wall times: how much this run moved between rounds. */
  noise: number;
  /** The same spread of the whole-process CPU times. */
  cpuNoise: number;
}

export interface Result {
  run: Run;
  side: 'now' | 'before';
  m: Summary;
}

export interface ReportInput {
  results: Result[];
  failures: string[];
  server: string;
  native: string;
  code: string;
  /** Short id of HEAD (the "after" side). */
  now: string;
  /** The before tree, or why there is none. */
  before: BeforeTree | string;
  rows: number;
  repeats: number;
  /** Raw-drain processes per round, the fastest kept. */
  drainTries: number;
  loads: number[];
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ms = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? (a / b).toFixed(2) : '–');
const rate = (m: Summary) => m.rows / (m.wallMs / 1000);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const thousands = (v: number) => Math.round(v).toLocaleString('en-US');

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The table a run belongs to: the first word of its name (`wide`, `ints`, `http100k`, `insert`, `pool`, `idle`, `cold`). */
const tableOf = (r: Run) => r.name.split(' ')[0];

/** Read runs whose in-process wall beat their table's raw drain: the drain is then not the floor it claims. */
export function fasterThanRaw(results: Result[]): string[] {
  const now = results.filter((x) => x.side === 'now');
  return now
    .filter((x) => ['wide', 'ints', 'http100k'].includes(tableOf(x.run)) && x.run.runner !== 'raw-drain')
    .filter((x) => {
      const raw = now.find((y) => y.run.name === `${tableOf(x.run)} raw drain`)?.m;
      return raw !== undefined && x.m.wallMs < raw.wallMs;
    })
    .map((x) => x.run.name);
}

function readTable(results: Result[], find: (name: string) => Summary | undefined, flagged: Set<string>): string[] {
  const lines = [
    '| run | rows | wall ms | cpu ms | peak RSS MiB | process wall ms | process cpu ms | wall / raw | cpu / raw | process wall / raw | wall / peer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { run: r, m } of results) {
    const table = tableOf(r);
    const raw = find(`${table} raw drain`);
    const rawCpu = find(`${table} raw drain epoll`) ?? raw;
    const peer = find(table === 'wide' ? 'wide mysql2 rowsAsArray' : table === 'ints' ? 'ints mysql2 stream' : 'http100k s2 over the wire pure');
    const flag = flagged.has(r.name) ? ' ⚠ faster than the raw drain' : '';
    lines.push(
      `| ${r.name}${flag} | ${m.rows} | ${ms(m.wallMs)} | ${ms(m.cpuMs)} | ${ms(m.maxRssMiB)} | ${ms(m.processWallMs)} | ${ms(m.processCpuMs)} | ${ratio(m.wallMs, raw?.wallMs)} | ${ratio(m.cpuMs, rawCpu?.cpuMs)} | ${ratio(m.processWallMs, raw?.processWallMs)} | ${ratio(m.wallMs, peer?.wallMs)} |`,
    );
  }
  return lines;
}

function insertTable(results: Result[], find: (name: string) => Summary | undefined): string[] {
  const peer = find('insert mysql2 multi-row');
  const lines = [
    '| run | rows | wall ms | rows/s | cpu ms | peak RSS MiB | process wall ms | process cpu ms | rows/s ÷ mysql2 multi-row |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { run: r, m } of results) {
    lines.push(
      `| ${r.name} | ${m.rows} | ${ms(m.wallMs)} | ${thousands(rate(m))} | ${ms(m.cpuMs)} | ${ms(m.maxRssMiB)} | ${ms(m.processWallMs)} | ${ms(m.processCpuMs)} | ${peer ? (rate(m) / rate(peer)).toFixed(2) : '–'} |`,
    );
  }
  return lines;
}

function serviceTables(results: Result[], find: (name: string) => Summary | undefined): string[] {
  const of = (t: string) => results.filter((x) => tableOf(x.run) === t);
  const lines: string[] = [];
  const pool = of('pool');
  if (pool.length) {
    const peer = find('pool mysql2');
    lines.push(
      `**Pool** (\`pool\`): ${thousands(pool[0].m.rows)} \`SELECT ? + 1\` with 1,000 in flight on a pool of 8 connections (s2 \`createPool({ max: 8 })\`, mysql2 and mariadb \`createPool({ connectionLimit: 8 })\`, \`pool.query\` with \`?\`), each answer checked.`,
      '',
    );
    lines.push(
      '| run | queries | wall ms | queries/s | cpu ms | peak RSS MiB | process wall ms | process cpu ms | queries/s ÷ mysql2 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const { run: r, m } of pool)
      lines.push(
        `| ${r.name} | ${m.rows} | ${ms(m.wallMs)} | ${thousands(rate(m))} | ${ms(m.cpuMs)} | ${ms(m.maxRssMiB)} | ${ms(m.processWallMs)} | ${ms(m.processCpuMs)} | ${peer ? (rate(m) / rate(peer)).toFixed(2) : '–'} |`,
      );
    lines.push('');
  }
  const idle = of('idle');
  if (idle.length) {
    const peer = find('idle mysql2');
    lines.push(
      `**Idle footprint** (\`idle\`): one connection, ${thousands(idle[0].m.rows)} sequential \`SELECT ? + 1\`, then ${SETTLE_MS / 1000} s with the connection open and nothing to do (no forced GC); then \`process.memoryUsage()\`: RSS, V8 heap used and reserved, memory outside the heap (external, of which array buffers). The wall time includes the ${SETTLE_MS / 1000} s.`,
      '',
    );
    lines.push(
      '| run | queries | settled RSS MiB | heap used MiB | heap total MiB | external MiB | array buffers MiB | peak RSS MiB | wall ms | cpu ms | cpu µs / query | settled RSS ÷ mysql2 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const mib = (v: number | undefined) => v?.toFixed(1) ?? '–';
    for (const { run: r, m } of idle) {
      const x = m.extra ?? {};
      lines.push(
        `| ${r.name} | ${m.rows} | ${ms(x.settledRssMiB)} | ${mib(x.settledHeapMiB)} | ${mib(x.settledHeapTotalMiB)} | ${mib(x.settledExternalMiB)} | ${mib(x.settledArrayBuffersMiB)} | ${ms(m.maxRssMiB)} | ${ms(m.wallMs)} | ${ms(m.cpuMs)} | ${((m.cpuMs * 1000) / m.rows).toFixed(0)} | ${ratio(x.settledRssMiB, peer?.extra?.settledRssMiB)} |`,
      );
    }
    lines.push('');
  }
  const cold = of('cold');
  if (cold.length) {
    const peer = find('cold start mysql2');
    lines.push(
      '**Cold start** (`cold start`): a fresh process imports the client, connects, runs `SELECT 1`, closes and exits. The process columns are the measure; the in-process wall covers import + connect + `SELECT 1` + close. s2 is loaded as the harness bundles it (its packages in a few esbuild chunks, close to what an npm install of the tsup builds loads: one file per package); mysql2 and mariadb load their published files from node_modules.',
      '',
    );
    lines.push('| run | process wall ms | process cpu ms | peak RSS MiB | in-process wall ms | process wall ÷ mysql2 |', '|---|---:|---:|---:|---:|---:|');
    for (const { run: r, m } of cold)
      lines.push(
        `| ${r.name} | ${ms(m.processWallMs)} | ${ms(m.processCpuMs)} | ${ms(m.maxRssMiB)} | ${ms(m.wallMs)} | ${ratio(m.processWallMs, peer?.processWallMs)} |`,
      );
    lines.push('');
  }
  return lines;
}

/** s2 at the older commit next to s2 now, for every s2 run, with each run's noise as the yardstick. */
function beforeAfter(input: ReportInput): string[] {
  const lines = ['## s2 before and after', ''];
  if (typeof input.before === 'string') return [...lines, `Before/after: ${input.before}.`, ''];
  const b = input.before;
  const pairs = input.results
    .filter((x) => x.side === 'before')
    .map((x) => ({ run: x.run, before: x.m, after: input.results.find((y) => y.side === 'now' && y.run.name === x.run.name)?.m }))
    .filter((p): p is { run: Run; before: Summary; after: Summary } => p.after !== undefined);
  lines.push(
    `The same s2 runner bundled twice: against commit ${b.short} (\`${b.commit}\`, checked out in a git worktree, installed with \`pnpm install --frozen-lockfile --offline\`, addon ${b.nativeFile ? "built by that commit's own build script" : 'NOT built: its native runs fail'}) and against the working tree (${input.code}). Both sides run in the same rounds, next to each other, their order swapped every round; ${plural(input.repeats, 'sample')} each.`,
    '',
    '"Noise" is the larger of the two runs\' spreads, (max − min) / median over the rounds, of the whole-process wall and of the whole-process CPU. A change beyond it is called out; within it, the two are the same as far as this run can tell. On a shared machine CPU is the steadier of the two (wall time also counts waiting for the cores).',
    '',
    '| run | wall ms before | wall ms after | process wall ms before | process wall ms after | process wall after ÷ before | process cpu ms before | process cpu ms after | process cpu after ÷ before | peak RSS MiB before | peak RSS MiB after | verdict |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  const judge = (change: number, noise: number) =>
    `${change > 1 + noise ? '**slower**' : change < 1 - noise ? 'faster' : 'same'} (±${(noise * 100).toFixed(0)}%)`;
  const settled: string[] = [];
  for (const { run: r, before, after } of pairs) {
    const wall = after.processWallMs / before.processWallMs;
    const cpu = after.processCpuMs / before.processCpuMs;
    const verdict =
      Math.min(before.samples, after.samples) < 2
        ? 'one sample: no noise to judge by'
        : `wall ${judge(wall, Math.max(before.noise, after.noise))}, cpu ${judge(cpu, Math.max(before.cpuNoise, after.cpuNoise))}`;
    if (before.extra?.settledRssMiB !== undefined && after.extra?.settledRssMiB !== undefined) {
      settled.push(
        `- \`${r.name}\`: settled RSS ${ms(before.extra.settledRssMiB)} → ${ms(after.extra.settledRssMiB)} MiB, settled heap ${before.extra.settledHeapMiB?.toFixed(1)} → ${after.extra.settledHeapMiB?.toFixed(1)} MiB (before → after).`,
      );
    }
    lines.push(
      `| ${r.name} | ${ms(before.wallMs)} | ${ms(after.wallMs)} | ${ms(before.processWallMs)} | ${ms(after.processWallMs)} | ${wall.toFixed(2)} | ${ms(before.processCpuMs)} | ${ms(after.processCpuMs)} | ${cpu.toFixed(2)} | ${ms(before.maxRssMiB)} | ${ms(after.maxRssMiB)} | ${verdict} |`,
    );
  }
  lines.push('', ...settled, ...(settled.length ? [''] : []));
  return lines;
}

export function writeReport(path: string, input: ReportInput): void {
  const now = input.results.filter((x) => x.side === 'now');
  const find = (name: string) => now.find((x) => x.run.name === name)?.m;
  const flagged = fasterThanRaw(input.results);
  const lines: string[] = [];
  lines.push('# Benchmarks', '', `Generated by \`pnpm bench\` on ${new Date().toISOString()}.`, '');
  lines.push(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; server ${input.server} on the same machine. Code: ${input.code}.`,
    '',
  );
  if (input.loads.length) {
    const l = [...input.loads].sort((a, b) => a - b);
    lines.push(
      `1-minute load average before the runs: median ${median(l).toFixed(1)}, max ${l.at(-1)!.toFixed(1)} on ${cpus().length} cores (the harness alone — one client and the server — keeps it at about 1–2; more means other work shared the machine and inflated the times).`,
      '',
    );
  }
  lines.push(
    `s2: ${input.native}. Every s2 label of a read or insert ends in the decoder it forces: \`native\` (\`pureJs: false\`, the Rust addon: frame formats and buffered row formats) or \`pure\` (\`pureJs: true\`, TypeScript). Inserts are TypeScript on every path. The service workloads (pool, idle, cold start) use each client's defaults.`,
    '',
  );
  lines.push(
    `Clients: s2, mysql2 ${packageVersion('mysql2')}, mariadb ${packageVersion('mariadb')}, and a raw socket drain that walks packet headers without decoding (one preallocated read buffer, no allocation or await per packet): the floor of every read table. It runs twice per table: \`raw drain\` busy-polls the socket with non-blocking reads and never sleeps, so the server never has to wake it and sends the rows faster than to any client that waits in epoll between reads (the floor of wall times); \`raw drain epoll\` reads from the event loop like the clients, and its CPU is the floor of the client's own work (the busy drain's CPU is its wall).`,
    '',
  );
  lines.push(
    `${input.rows} rows per table (\`wide\`: BIGINT, INT, DOUBLE, DECIMAL(12,2), VARCHAR(32), nullable TEXT, DATETIME(6), JSON; \`ints\`: two BIGINTs); inserts of ${INSERT_ROWS.toLocaleString('en-US')} \`wide\` rows (s2 \`load()\` and mysql2 \`LOAD DATA LOCAL INFILE\` stream TSV; mysql2 sends multi-row INSERTs of 5,000 rows, mariadb \`batch()\`, s2 \`executemany\`).`,
    '',
    `Method: every table read once, untimed, before the first run (a warm server cache for every client); then ${plural(input.repeats, 'round')}, each running every run once as its own process (round-robin, so a slow spell of the machine hits all clients alike). Figures are medians over the rounds; peak RSS is the highest.${input.drainTries > 1 ? ` Each raw drain runs ${input.drainTries} times in each round and the round keeps its fastest process: a floor is the best the server did, not one draw.` : ''}`,
    '',
    '- **wall ms / cpu ms**: the workload only (connect + query + decode, or the inserts), timed inside the process (in an `arrow` run it also holds any wait for apache-arrow, which @s2/arrow loads in the background). CPU is the client process (user + system); the server shares the same cores.',
    '- **process wall ms**: the whole process, spawn to exit, timed by the harness: Node start-up, module loading, the workload and shutdown — what a user running a script waits for.',
    "- **process cpu ms**: the whole process's CPU from its start to its `exit` event (start-up and module loading included).",
    "- **peak RSS MiB**: the process's peak resident memory (the whole process).",
    "- **… / raw**: the ratio to the same table's raw drain in the same run (**cpu / raw**: to `raw drain epoll`'s CPU); **wall / peer**: to mysql2 (`wide`: `rowsAsArray`; `ints`: its stream; `http100k`: s2 over the wire).",
    '',
  );
  const reads = now.filter((x) => ['wide', 'ints', 'http100k'].includes(tableOf(x.run)));
  if (reads.length) {
    lines.push('## Reads', '', ...readTable(reads, find, new Set(flagged)), '');
    lines.push(
      flagged.length
        ? `**The raw drain was not the fastest client** of this run: ${flagged.map((n) => `\`${n}\``).join(', ')} (marked ⚠) took less in-process wall time than its table's drain, so the ratios to it are not against a floor.`
        : "No client was faster than its table's raw drain (in-process wall): the drain is the floor of every ratio above.",
      '',
    );
    lines.push(
      "`http100k`: one request for 100,000 `wide` rows through the Data API gateway, which runs in the harness process (its CPU is not in the client's columns) in front of the same server, with TLS to the server off like every other client. The gateway opens a fresh server session per request (a login: ~4–7 ms per `SELECT 1` on this machine); `fetch`/undici send one request, s2 over HTTP two (its connect handshake, `SELECT VERSION()` and the escaping mode, then the query), so s2 pays one login more, small next to a 100,000-row answer. What the rows compare is the client's cost of reading one large JSON answer against reading the same rows over the wire (`http100k raw drain` is that query over the wire, undecoded).",
      '',
    );
  }
  const inserts = now.filter((x) => tableOf(x.run) === 'insert');
  if (inserts.length) lines.push('## Inserts', '', ...insertTable(inserts, find), '');
  const service = now.filter((x) => ['pool', 'idle', 'cold'].includes(tableOf(x.run)));
  if (service.length) lines.push('## Service workloads', '', ...serviceTables(service, find));
  if (input.failures.length) lines.push('## Failed runs', '', ...input.failures.map((f) => `- ${f}`), '');
  lines.push(...issue19Targets(now, flagged), ...historyTargets(now));
  lines.push(...beforeAfter(input));
  lines.push(...findings());
  writeFileSync(path, lines.join('\n'));
}

/**
 * The hand-written record of what was changed for the targets and the profile behind each change
 * (FINDINGS.md beside this package): kept in the report, since a rerun regenerates everything else.
 */
function findings(): string[] {
  const file = fileURLToPath(new URL('../FINDINGS.md', import.meta.url));
  try {
    return ['', readFileSync(file, 'utf8').trimEnd(), ''];
  } catch {
    return [];
  }
}
