import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fasterThanRaw, writeReport, type Result, type Summary } from '../src/report.js';
import { READ_RUNS, SERVICE_RUNS, type Run } from '../src/workloads.js';

const run = (name: string): Run => {
  const r = [...READ_RUNS, ...SERVICE_RUNS].find((x) => x.name === name);
  if (!r) throw new Error(`no run ${name}`);
  return r;
};
const summary = (wallMs: number, more: Partial<Summary> = {}): Summary => ({
  rows: 1000,
  wallMs,
  cpuMs: wallMs / 2,
  maxRssMiB: 100,
  processCpuMs: wallMs,
  processWallMs: wallMs + 300,
  samples: 3,
  noise: 0.05,
  cpuNoise: 0.05,
  ...more,
});

function report(results: Result[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 's2-bench-report-')), 'BENCHMARKS.md');
  writeReport(path, {
    results,
    failures: [],
    server: 'test',
    native: 'native addon loaded',
    code: 'commit abc',
    now: 'abc',
    before: { dir: '/tmp/x', commit: 'f'.repeat(40), short: 'fffffff', nativeFile: null },
    rows: 1000,
    repeats: 3,
    drainTries: 3,
    loads: [1],
  });
  return readFileSync(path, 'utf8');
}

describe('the benchmark report', () => {
  const base: Result[] = [
    { run: run('wide raw drain'), side: 'now', m: summary(1000) },
    { run: run('wide mysql2 rowsAsArray'), side: 'now', m: summary(3000) },
  ];

  it('flags a read run faster than its raw drain, in the table and the targets', () => {
    const results: Result[] = [...base, { run: run('wide s2 arrow native'), side: 'now', m: summary(900) }];
    expect(fasterThanRaw(results)).toEqual(['wide s2 arrow native']);
    const md = report(results);
    expect(md).toContain('| wide s2 arrow native ⚠ faster than the raw drain |');
    expect(md).toContain('**The raw drain was not the fastest client**');
    expect(md).toMatch(/read runs faster than their raw drain[^\n]*\| 1 \| ≤ 0 \| \*\*missed\*\* \|/);
  });

  it('says the drain is the floor when no run beats it, and restates ratios against it', () => {
    const md = report([...base, { run: run('wide s2 arrow native'), side: 'now', m: summary(1500) }]);
    expect(md).toContain("No client was faster than its table's raw drain");
    expect(md).toContain('Each raw drain runs 3 times in each round and the round keeps its fastest process');
    // wall / raw 1.50, process wall / raw (1800 / 1300) 1.38
    expect(md).toMatch(/\| wide s2 arrow native \| 1000 \| 1500 \| 750 \| 100 \| 1800 \| 1500 \| 1\.50 \| 1\.50 \| 1\.38 \| 0\.50 \|/);
  });

  it("judges before/after against the runs' own noise", () => {
    const md = report([
      ...base,
      { run: run('pool s2'), side: 'now', m: summary(2000, { rows: 30000 }) },
      { run: run('pool s2'), side: 'before', m: summary(1000, { rows: 30000 }) },
      { run: run('idle s2'), side: 'now', m: summary(1000, { extra: { settledRssMiB: 90, settledHeapMiB: 14 } }) },
      { run: run('idle s2'), side: 'before', m: summary(1010, { extra: { settledRssMiB: 70, settledHeapMiB: 10 } }) },
    ]);
    expect(md).toMatch(/\| pool s2 \|[^\n]*\| wall \*\*slower\*\* \(±5%\), cpu \*\*slower\*\* \(±5%\) \|/);
    expect(md).toMatch(/\| idle s2 \|[^\n]*\| wall same \(±5%\), cpu same \(±5%\) \|/);
    expect(md).toContain('`idle s2`: settled RSS 70 → 90 MiB');
    expect(md).toContain('fffffff');
  });
});
