/**
 * The native-decoder issue's targets, computed from the medians of a `pnpm bench` run and
 * printed under the results table. A target whose runs are missing (S2_BENCH_ONLY, a failed
 * run) is listed as "not measured".
 */
import type { Measurement } from './runners/measure.js';
import type { Run } from './workloads.js';

interface Target {
  what: string;
  /** The measured value, or undefined when a run it needs is missing. */
  value: number | undefined;
  unit: string;
  op: '<=' | '<' | '>=';
  goal: number;
  note?: string;
}

export function targetsReport(results: { run: Run; m: Measurement }[]): string[] {
  const m = (name: string) => results.find((x) => x.run.name === name)?.m;
  const div = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
  const wall = (name: string, base: string) => div(m(name)?.wallMs, m(base)?.wallMs);
  const cpu = (name: string, base: string) => div(m(name)?.cpuMs, m(base)?.cpuMs);
  const rss = (name: string) => m(name)?.maxRssMiB;
  const rate = (name: string) => { const x = m(name); return x ? x.rows / (x.wallMs / 1000) : undefined; };
  const faster = (peer: string, name: string) => div(m(peer)?.wallMs, m(name)?.wallMs);
  const lessCpu = (pure: string, native: string) => div(m(pure)?.cpuMs, m(native)?.cpuMs);

  const arrow = 'wide s2 arrow native';
  const streams = ['wide s2 arrow stream native', 'wide s2 columns stream native'];
  const targets: Target[] = [
    { what: `\`${arrow}\` wall / raw`, value: wall(arrow, 'wide raw drain'), unit: '×', op: '<=', goal: 1.15 },
    { what: `\`${arrow}\` cpu / raw`, value: cpu(arrow, 'wide raw drain'), unit: '×', op: '<=', goal: 2.5 },
    { what: `\`${arrow}\` peak RSS`, value: rss(arrow), unit: ' MiB', op: '<', goal: 250 },
    ...streams.flatMap((s): Target[] => [
      { what: `\`${s}\` wall / raw`, value: wall(s, 'wide raw drain'), unit: '×', op: '<=', goal: 1.15 },
      { what: `\`${s}\` cpu / raw`, value: cpu(s, 'wide raw drain'), unit: '×', op: '<=', goal: 3 },
      { what: `\`${s}\` peak RSS`, value: rss(s), unit: ' MiB', op: '<', goal: 100 },
    ]),
    { what: '`wide s2 tuples native` speed-up over `wide mysql2 rowsAsArray` (wall)', value: faster('wide mysql2 rowsAsArray', 'wide s2 tuples native'), unit: '×', op: '>=', goal: 1.5 },
    { what: '`wide s2 objects native` speed-up over `wide mysql2 rowsAsArray` (wall)', value: faster('wide mysql2 rowsAsArray', 'wide s2 objects native'), unit: '×', op: '>=', goal: 1.5 },
    { what: '`wide s2 objects native` speed-up over `wide mysql2 objects` (wall)', value: faster('wide mysql2 objects', 'wide s2 objects native'), unit: '×', op: '>=', goal: 1.5, note: 'like for like' },
    { what: '`wide s2 tuples pure` speed-up over `wide mysql2 rowsAsArray` (wall)', value: faster('wide mysql2 rowsAsArray', 'wide s2 tuples pure'), unit: '×', op: '>=', goal: 1, note: 'the pure path no slower than mysql2' },
    { what: '`ints s2 arrow stream native` wall / raw', value: wall('ints s2 arrow stream native', 'ints raw drain'), unit: '×', op: '<=', goal: 1.2 },
    { what: '`ints s2 columns stream native` wall / raw', value: wall('ints s2 columns stream native', 'ints raw drain'), unit: '×', op: '<=', goal: 1.2 },
    { what: '`wide` arrow: pure cpu / native cpu', value: lessCpu('wide s2 arrow pure', arrow), unit: '×', op: '>=', goal: 2.5 },
    { what: '`wide` columns: pure cpu / native cpu', value: lessCpu('wide s2 columns pure', 'wide s2 columns native'), unit: '×', op: '>=', goal: 2.5 },
    { what: '`insert s2 load() array pure` rows/s', value: rate('insert s2 load() array pure'), unit: '', op: '>=', goal: 150_000 },
    { what: '`insert s2 load() generator pure` rows/s', value: rate('insert s2 load() generator pure'), unit: '', op: '>=', goal: 150_000 },
    { what: '`insert s2 executemany pure` rows/s', value: rate('insert s2 executemany pure'), unit: '', op: '>=', goal: 75_000 },
  ];
  const fmt = (v: number, unit: string) => (unit === '' ? Math.round(v).toLocaleString('en-US') : unit === ' MiB' ? `${v.toFixed(0)}${unit}` : `${v.toFixed(2)}${unit}`);
  const met = (t: Target) => (t.value === undefined ? 'not measured' : (t.op === '<=' ? t.value <= t.goal : t.op === '<' ? t.value < t.goal : t.value >= t.goal) ? 'met' : '**missed**');
  const lines = [
    '## Targets of the native-decoder issue',
    '',
    'From the medians above (peak RSS: the highest of the runs).',
    '',
    '| measure | measured | target | |',
    '|---|---:|---:|---|',
  ];
  for (const t of targets) {
    const goal = `${t.op === '<=' ? '≤' : t.op === '<' ? '<' : '≥'} ${fmt(t.goal, t.unit)}`;
    lines.push(`| ${t.what}${t.note ? ` (${t.note})` : ''} | ${t.value === undefined ? '–' : fmt(t.value, t.unit)} | ${goal} | ${met(t)} |`);
  }
  lines.push('');
  return lines;
}
