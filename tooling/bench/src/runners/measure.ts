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
  /** Extra payload for insert workloads. */
  rows?: number;
  /** Port of the Data API gateway, for HTTP runs. */
  httpPort?: number;
  /** s2 only: the `pureJs` connect option (true: TypeScript decoder, false: native required). */
  pureJs?: boolean;
}

export interface Measurement {
  rows: number;
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
}

export function readConfig(): RunnerConfig {
  const raw = process.argv[2];
  if (!raw) throw new Error('runner expects its JSON config as the first argument');
  return JSON.parse(raw) as RunnerConfig;
}

export async function measure(work: () => Promise<number>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const usage = process.resourceUsage();
  const result: Measurement = {
    rows,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: usage.maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** One synthetic `wide` row for insert workloads; the same values for every client. */
export function benchRow(i: number): unknown[] {
  return [i, i % 1000, i / 7, `${i % 100000}.25`, `name-${i}`, i % 3 ? `text ${i}` : null, '2024-05-06 07:08:09.123456', `{"k":${i}}`];
}

/** TSV of benchRow(i) for LOAD DATA (default FIELDS/LINES; NULL as \N). No value needs escaping. */
export function benchRowTsv(i: number): string {
  return benchRow(i).map((v) => (v === null ? '\\N' : String(v))).join('\t') + '\n';
}
