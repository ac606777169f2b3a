/** Shared by every runner: run the workload once and print one JSON line of measurements. */
export interface RunnerConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  sql: string;
  /** Runner-specific mode, e.g. 'array' | 'objects' | 'stream'. */
  mode: string;
  /** Rows written by insert workloads; statements run by the pool and idle workloads. */
  rows?: number;
  /** Port of the Data API gateway, for HTTP runs. */
  httpPort?: number;
  /** s2 only: the `pureJs` connect option (true: TypeScript decoder, false: native required). */
  pureJs?: boolean;
}

export interface Measurement {
  /** Rows read or written, or statements run. */
  rows: number;
  /** The workload only (connect + query + decode), timed inside the process. */
  wallMs: number;
  cpuMs: number;
  /** Peak RSS of the whole process. */
  maxRssMiB: number;
  /** CPU of the whole process, start-up and module loading included, up to its `exit` event. */
  processCpuMs: number;
  /** Spawn to exit, timed by the harness (not printed by the runner). */
  processWallMs?: number;
  /** Figures particular to a workload, e.g. the settled RSS of the idle footprint. */
  extra?: Record<string, number>;
}

/** What a workload returns: its row count, or that and figures of its own. */
export type WorkResult = number | { rows: number; extra: Record<string, number> };

export function readConfig(): RunnerConfig {
  const raw = process.argv[2];
  if (!raw) throw new Error('runner expects its JSON config as the first argument');
  return JSON.parse(raw) as RunnerConfig;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/**
 * Runs the workload and prints its line. The whole-process figures come from the `exit` event,
 * the last JavaScript a process runs (a pipe's writes are synchronous on Linux, so the line
 * gets out): CPU since the process started, and peak RSS up to then.
 */
export async function measure(work: () => Promise<WorkResult>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const done = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const { rows, extra } = typeof done === 'number' ? { rows: done, extra: undefined } : done;
  const result: Omit<Measurement, 'processCpuMs'> = { rows, wallMs, cpuMs: cpuMs(cpu), maxRssMiB: process.resourceUsage().maxRSS / 1024, extra };
  process.on('exit', () => {
    const whole = { ...result, processCpuMs: cpuMs(process.cpuUsage()), maxRssMiB: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(`${JSON.stringify(whole)}\n`);
  });
}

/** One synthetic `wide` row for insert workloads; the same values for every client. */
export function benchRow(i: number): unknown[] {
  return [i, i % 1000, i / 7, `${i % 100000}.25`, `name-${i}`, i % 3 ? `text ${i}` : null, '2024-05-06 07:08:09.123456', `{"k":${i}}`];
}

/** TSV of benchRow(i) for LOAD DATA (default FIELDS/LINES; NULL as \N). No value needs escaping. */
export function benchRowTsv(i: number): string {
  return (
    benchRow(i)
      .map((v) => (v === null ? '\\N' : String(v)))
      .join('\t') + '\n'
  );
}

/** The one value of a one-row, one-column result, whatever the row shape (array or object). */
export function firstValue(rows: unknown): unknown {
  const row = (rows as unknown[])[0];
  return Array.isArray(row) ? row[0] : Object.values(row as object)[0];
}

/**
 * `total` statements of `SELECT ? + 1`, `inFlight` at a time, each answer checked (i + 1).
 * `query` runs one statement and resolves to the single value it returned.
 */
export async function concurrentQueries(total: number, inFlight: number, query: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const got = Number(await query(i));
      if (got !== i + 1) throw new Error(`SELECT ${i} + 1 returned ${got}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  return total;
}

/** `total` sequential small statements, then a settle time with nothing forced (no gc()): settled RSS and heap. */
export async function idleFootprint(total: number, query: (i: number) => Promise<unknown>): Promise<{ rows: number; extra: Record<string, number> }> {
  for (let i = 0; i < total; i++) {
    const got = Number(await query(i));
    if (got !== i + 1) throw new Error(`SELECT ${i} + 1 returned ${got}`);
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const mem = process.memoryUsage();
  const mib = (b: number) => b / 2 ** 20;
  // heapTotal (what V8 reserved), external and arrayBuffers (Buffers outside the heap) say where RSS beyond the heap in use sits.
  return {
    rows: total,
    extra: {
      settledRssMiB: mib(mem.rss),
      settledHeapMiB: mib(mem.heapUsed),
      settledHeapTotalMiB: mib(mem.heapTotal),
      settledExternalMiB: mib(mem.external),
      settledArrayBuffersMiB: mib(mem.arrayBuffers),
    },
  };
}

/** How long the idle footprint waits after its last statement. */
export const SETTLE_MS = 2000;
