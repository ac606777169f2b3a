import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import type { FunctionAlone } from './function-alone.js';
import type { Format } from './payloads.js';
import type { PythonEnv, ServerId } from './servers.js';

const run = promisify(execFile);

export type Mode = 'scalar' | 'vectorized';

export interface CaseResult {
  server: ServerId;
  fn: string;
  format: Format;
  mode: Mode;
  rows: number;
  /** Median over the timed passes. */
  rowsPerSecond?: number;
  seconds?: number;
  allSeconds?: number[];
  /** Server process CPU (user + system) during the median pass, seconds. */
  serverCpuSeconds?: number | null;
  clientCpuSeconds?: number;
  error?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  node: string;
  date: string;
  commit: string;
}

export async function machineInfo(): Promise<Machine> {
  let commit = 'unknown';
  try {
    const head = (await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim();
    const dirty = (await run('git', ['status', '--porcelain', '--', 'packages/udf', 'packages/native'])).stdout.trim();
    commit = dirty ? `${head} + uncommitted changes in packages/udf or packages/native` : head;
  } catch {
    /* not a checkout */
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: totalmem() / 2 ** 30,
    kernel: `Linux ${release()}`,
    node: process.version,
    date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    commit,
  };
}

export interface Report {
  machine: Machine;
  python: PythonEnv | null;
  pythonUnavailable: string | null;
  notes: Partial<Record<ServerId, string>>;
  rows: number;
  batch: number;
  concurrency: number;
  reps: number;
  maxReps: number;
  minTimed: number;
  warmup: number;
  sampleEvery: number;
  /** CPU seconds other processes used (`otherCpu`) and the hypervisor stole over the `seconds` of the cases. */
  contention: { seconds: number; otherCpu: number; steal: number } | null;
  /** Per vectorized function: seconds per pass of its body alone, and of the UTF-8 ↔ string work it implies. */
  functionAlone: Record<string, FunctionAlone>;
  totalSeconds: number;
  results: CaseResult[];
}

const SERVERS: { id: ServerId; title: string }[] = [
  { id: 's2-native', title: 's2 native' },
  { id: 's2-pure', title: 's2 pure' },
  { id: 'python', title: 'Python SDK' },
  { id: 'echo', title: 'HTTP echo (floor)' },
  { id: 'echo-fastify', title: 'fastify echo (floor)' },
];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const FUNCS = [
  { fn: 'add_one', label: 'add_one (BIGINT)' },
  { fn: 'upper', label: 'upper (TEXT)' },
];
const FORMATS: Format[] = ['rowdat_1', 'json'];
const MODES: Mode[] = ['scalar', 'vectorized'];
const FORMAT_LABEL: Record<Format, string> = { rowdat_1: 'ROWDAT_1', json: 'JSON' };

/** How much of the machine something other than the benchmark took while the cases ran. */
function contentionLine(c: Report['contention'], cores: number): string {
  if (!c) return 'Other work on the machine: unknown (/proc/stat unreadable).';
  const capacity = c.seconds * cores;
  const other = (100 * c.otherCpu) / capacity;
  const steal = (100 * c.steal) / capacity;
  const noisy = other > 10 || steal > 5;
  return `While the cases ran (${c.seconds.toFixed(0)} s), other processes used ${other.toFixed(1)}% of the machine's CPU and the hypervisor took ${steal.toFixed(1)}% (steal)${noisy ? ' — **the machine was shared, so wall-clock numbers are noisy; the rows per server-CPU-second table below is less sensitive to that**' : ': the benchmark had the machine to itself'}.`;
}

export function writeReport(path: string, r: Report): void {
  const find = (server: ServerId, fn: string, format: Format, mode: Mode) =>
    r.results.find((x) => x.server === server && x.fn === fn && x.format === format && x.mode === mode);
  const cell = (c: CaseResult | undefined) => (!c ? '—' : c.error ? 'error' : fmt(c.rowsPerSecond!));
  const ratio = (a: CaseResult | undefined, b: CaseResult | undefined) =>
    a?.rowsPerSecond && b?.rowsPerSecond ? `${(a.rowsPerSecond / b.rowsPerSecond).toFixed(2)}×` : '—';
  const lines: string[] = [];
  const m = r.machine;
  lines.push('# UDF server benchmark: @s2/udf vs the Python SDK', '');
  lines.push('Written by `pnpm --filter @s2/bench-udf bench` (tooling/bench-udf); do not edit by hand.', '');
  lines.push(`- Date: ${m.date}; commit ${m.commit}`);
  lines.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB.toFixed(1)} GiB RAM, ${m.kernel}`);
  lines.push(
    `- Node ${m.node}${r.python ? `; Python ${r.python.pythonVersion}, singlestoredb ${r.python.singlestoredbVersion} (C accelerator ${r.python.accelerated ? 'loaded' : 'missing'}), numpy ${r.python.numpyVersion}, uvicorn ${r.python.uvicornVersion}` : `; Python SDK not run: ${r.pythonUnavailable ?? 'not requested'}`}`,
  );
  for (const s of SERVERS) if (r.notes[s.id]) lines.push(`- ${s.title}: ${r.notes[s.id]}`);
  lines.push(
    `- Workload: ${fmt(r.rows)} rows per case, sent as ${fmt(Math.ceil(r.rows / r.batch))} POST /invoke requests of ${fmt(r.batch)} rows (a batch size like the database's), ${r.concurrency} requests in flight over keep-alive connections, from one Node client process that writes pre-built HTTP/1.1 requests on plain sockets (node:http's own client cost about as much CPU per request as the echo server, and capped every server below it). Payloads are encoded once and the same bytes go to every server.`,
  );
  lines.push(
    `- Each case: a warm-up of ${r.warmup} requests (every answer checked), then at least ${r.reps} timed passes over all rows per server, and more (up to ${r.maxReps}) until every server was timed for ${r.minTimed} s while the case's passes add up to under ${5 * r.minTimed} s, so short cases are not decided by one GC pause; the table shows the median pass. Every ${r.sampleEvery}th answer of each pass (and the last) is decoded after the clock stops and checked row by row (row ids, x + 1, upper(s)); a wrong answer fails the case.`,
  );
  lines.push(
    `- All servers run side by side (one process, one worker each) but only one is called at a time: each case's passes go round-robin over the servers, rotating which goes first, so changes in machine load hit all of them alike. Server CPU is user + system time of the server process (all threads) from /proc/<pid>/stat.`,
  );
  lines.push(`- ${contentionLine(r.contention, m.cores)} Whole run: ${Math.round(r.totalSeconds)} s.`, '');

  lines.push('## Rows per second', '');
  lines.push(
    "The last four columns are the floors: servers that answer each request with its own body, called by the same client — a bare node:http server (HTTP echo), and a fastify app with the UDF server's body parser and route shape (fastify echo). No server built on node:http can answer faster than the first here, and no fastify server (the UDF server is one) faster than the second, so `÷ Python` of the floors is the highest ratio such servers could reach on this machine.",
    '',
  );
  lines.push(
    '| function | format | mode | s2 native | s2 pure | Python SDK | native ÷ Python | pure ÷ Python | HTTP echo | echo ÷ Python | fastify echo | fastify echo ÷ Python |',
  );
  lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { fn, label } of FUNCS)
    for (const format of FORMATS)
      for (const mode of MODES) {
        const [n, p, py, echo, fastify] = SERVERS.map((s) => find(s.id, fn, format, mode));
        lines.push(
          `| ${label} | ${FORMAT_LABEL[format]} | ${mode} | ${cell(n)} | ${cell(p)} | ${cell(py)} | ${ratio(n, py)} | ${ratio(p, py)} | ${cell(echo)} | ${ratio(echo, py)} | ${cell(fastify)} | ${ratio(fastify, py)} |`,
        );
      }
  lines.push('');

  lines.push('## Targets (s2 with the native codec, the default)', '');
  const targets: { label: string; mode: Mode; formats: Format[]; need: number }[] = [
    { label: 'vectorized ROWDAT_1 ≥ 5× Python', mode: 'vectorized', formats: ['rowdat_1'], need: 5 },
    { label: 'scalar ≥ 2× Python', mode: 'scalar', formats: ['rowdat_1', 'json'], need: 2 },
  ];
  for (const t of targets) {
    const parts: string[] = [];
    let met = true;
    let known = true;
    for (const { fn } of FUNCS)
      for (const format of t.formats) {
        const n = find('s2-native', fn, format, t.mode);
        const py = find('python', fn, format, t.mode);
        if (!n?.rowsPerSecond || !py?.rowsPerSecond) {
          known = false;
          parts.push(`${fn} ${FORMAT_LABEL[format]}: n/a`);
          continue;
        }
        const x = n.rowsPerSecond / py.rowsPerSecond;
        if (x < t.need) met = false;
        const floors = (['echo', 'echo-fastify'] as const).map((id) => [id, find(id, fn, format, t.mode)?.rowsPerSecond] as const).filter(([, v]) => v);
        const pyRate = py.rowsPerSecond;
        const floor = floors.length
          ? ` (floors: ${floors.map(([id, v]) => `${id === 'echo' ? 'HTTP' : 'fastify'} echo ${(v! / pyRate).toFixed(2)}×`).join(', ')})`
          : '';
        parts.push(`${fn}${t.mode === 'vectorized' ? '_vec' : ''} ${FORMAT_LABEL[format]} ${x.toFixed(2)}×${floor}`);
      }
    lines.push(`- **${t.label}: ${!known ? 'not measured' : met ? 'met' : 'missed'}** (${parts.join(', ')})`);
  }
  lines.push('');
  // What a fastify server could reach at best: its echo floor, the function's own body and,
  // for text, the cheapest conversion between UTF-8 and JavaScript strings; nothing else.
  const ceilings: string[] = [];
  for (const { fn } of FUNCS) {
    const alone = r.functionAlone[`${fn}_vec`];
    const echo = find('echo-fastify', fn, 'rowdat_1', 'vectorized');
    const py = find('python', fn, 'rowdat_1', 'vectorized');
    if (!alone || !echo?.seconds || !py?.seconds) continue;
    const strings = alone.strings ? ` + strings ${alone.strings.toFixed(3)} s` : '';
    ceilings.push(
      `${fn}_vec: fastify echo ${echo.seconds.toFixed(3)} s + body ${alone.body.toFixed(3)} s${strings} against Python's ${py.seconds.toFixed(3)} s = at most ${(py.seconds / (echo.seconds + alone.body + alone.strings)).toFixed(2)}×`,
    );
  }
  if (ceilings.length) {
    lines.push(
      `Ceiling for vectorized ROWDAT_1 on this machine, for any fastify server (the UDF server is one): the fastify echo floor, plus what the functions cannot skip, timed alone in the client process in batches of ${fmt(r.batch)} (fastest of 5 passes over all rows): the function body over ready JavaScript values, and for TEXT the cheapest conversion from the request's UTF-8 to strings and back (one decode per column and substrings; one join and one encode per answer). Routing, the ROWDAT_1 framing and GC count as free: ${ceilings.join('; ')}.`,
      '',
    );
  }

  lines.push('## Rows per server CPU second', '');
  lines.push(
    'The same passes, divided by the CPU time the server process used instead of wall time (what a server costs per row regardless of waiting and machine load).',
    '',
  );
  lines.push('| function | format | mode | s2 native | s2 pure | Python SDK | native ÷ Python | pure ÷ Python |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|');
  const perCpu = (c: CaseResult | undefined) => (c?.serverCpuSeconds ? c.rows / c.serverCpuSeconds : null);
  const cpuRatio = (a: CaseResult | undefined, b: CaseResult | undefined) => {
    const x = perCpu(a);
    const y = perCpu(b);
    return x && y ? `${(x / y).toFixed(2)}×` : '—';
  };
  for (const { fn, label } of FUNCS)
    for (const format of FORMATS)
      for (const mode of MODES) {
        const [n, p, py] = SERVERS.map((s) => find(s.id, fn, format, mode));
        lines.push(
          `| ${label} | ${FORMAT_LABEL[format]} | ${mode} | ${[n, p, py].map((c) => (perCpu(c) ? fmt(perCpu(c)!) : '—')).join(' | ')} | ${cpuRatio(n, py)} | ${cpuRatio(p, py)} |`,
        );
      }
  lines.push('');

  lines.push('## CPU seconds per pass (1 pass = all rows of a case)', '');
  lines.push(
    'Server CPU can exceed wall time when a server uses more than one thread (the Node GC and libuv helper threads; the Python SDK runs sync functions on a worker thread). CPU is read in clock ticks (10 ms), so the smallest values are coarse. Client = the Node process sending the requests.',
    '',
  );
  lines.push(
    '| function | format | mode | s2 native server | s2 pure server | Python SDK server | HTTP echo server | fastify echo server | client (s2 native / s2 pure / Python / HTTP echo / fastify echo) |',
  );
  lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|');
  const cpu = (c: CaseResult | undefined) => (c?.serverCpuSeconds == null ? '—' : `${c.serverCpuSeconds.toFixed(2)} s (wall ${c.seconds!.toFixed(2)} s)`);
  for (const { fn, label } of FUNCS)
    for (const format of FORMATS)
      for (const mode of MODES) {
        const cs = SERVERS.map((s) => find(s.id, fn, format, mode));
        lines.push(
          `| ${label} | ${FORMAT_LABEL[format]} | ${mode} | ${cs.map(cpu).join(' | ')} | ${cs.map((c) => (c?.clientCpuSeconds == null ? '—' : c.clientCpuSeconds.toFixed(2))).join(' / ')} |`,
        );
      }
  lines.push('');

  const errors = r.results.filter((x) => x.error);
  if (errors.length) {
    lines.push('## Errors', '');
    for (const e of errors) lines.push(`- ${e.server} ${e.fn}${e.mode === 'vectorized' ? '_vec' : ''} ${FORMAT_LABEL[e.format]}: ${e.error}`);
    lines.push('');
  }

  lines.push('## All passes (seconds)', '');
  lines.push('| server | function | format | mode | passes |');
  lines.push('|---|---|---|---|---|');
  for (const s of SERVERS)
    for (const { fn } of FUNCS)
      for (const format of FORMATS)
        for (const mode of MODES) {
          const c = find(s.id, fn, format, mode);
          if (c?.allSeconds) lines.push(`| ${s.title} | ${fn} | ${FORMAT_LABEL[format]} | ${mode} | ${c.allSeconds.map((x) => x.toFixed(3)).join(', ')} |`);
        }
  lines.push('');
  writeFileSync(path, lines.join('\n'));
}
