/**
 * Targets computed from the medians of a `pnpm bench` run and printed under the results: issue
 * #19's (performance, round two) and, for history, the native-decoder issue's. A target whose
 * runs are missing (S2_BENCH_ONLY, a failed run) is listed as "not measured".
 */
import type { Result, Summary } from './report.js';

interface Target {
  what: string;
  /** The measured value, or undefined when a run it needs is missing. */
  value: number | undefined;
  unit: string;
  /** `report`: a figure the issue asks to show, with no threshold. */
  op: '<=' | '<' | '>=' | 'report';
  goal: number;
  note?: string;
}

function lookups(results: Result[]) {
  const m = (name: string): Summary | undefined => results.find((x) => x.run.name === name)?.m;
  const div = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
  return {
    m,
    div,
    wall: (name: string, base: string) => div(m(name)?.wallMs, m(base)?.wallMs),
    processWall: (name: string, base: string) => div(m(name)?.processWallMs, m(base)?.processWallMs),
    cpu: (name: string, base: string) => div(m(name)?.cpuMs, m(base)?.cpuMs),
    rss: (name: string) => m(name)?.maxRssMiB,
    rate: (name: string) => {
      const x = m(name);
      return x ? x.rows / (x.wallMs / 1000) : undefined;
    },
    faster: (peer: string, name: string) => div(m(peer)?.wallMs, m(name)?.wallMs),
    fasterProcess: (peer: string, name: string) => div(m(peer)?.processWallMs, m(name)?.processWallMs),
  };
}

function table(title: string, intro: string, targets: Target[]): string[] {
  const fmt = (v: number, unit: string) =>
    unit === '' ? Math.round(v).toLocaleString('en-US') : unit === ' MiB' ? `${v.toFixed(0)}${unit}` : `${v.toFixed(2)}${unit}`;
  const met = (t: Target) =>
    t.value === undefined
      ? 'not measured'
      : t.op === 'report'
        ? 'reported'
        : (t.op === '<=' ? t.value <= t.goal : t.op === '<' ? t.value < t.goal : t.value >= t.goal)
          ? 'met'
          : '**missed**';
  const lines = [`## ${title}`, '', intro, '', '| measure | measured | target | |', '|---|---:|---:|---|'];
  for (const t of targets) {
    const goal = t.op === 'report' ? '–' : `${t.op === '<=' ? '≤' : t.op === '<' ? '<' : '≥'} ${fmt(t.goal, t.unit)}`;
    lines.push(`| ${t.what}${t.note ? ` (${t.note})` : ''} | ${t.value === undefined ? '–' : fmt(t.value, t.unit)} | ${goal} | ${met(t)} |`);
  }
  lines.push('');
  return lines;
}

/** Issue #19: buffered rows lighter than mysql2, executemany and the pool ahead of it, buffered Arrow under 250 MiB, the drain the floor. */
export function issue19Targets(results: Result[], fasterThanRaw: string[]): string[] {
  const { m, div, processWall, rss, rate, faster, fasterProcess } = lookups(results);
  const reads = results.some((x) => x.run.name.startsWith('wide ') || x.run.name.startsWith('ints '));
  const targets: Target[] = [
    {
      what: '`wide s2 tuples native` peak RSS ÷ `wide mysql2 rowsAsArray` peak RSS',
      value: div(rss('wide s2 tuples native'), rss('wide mysql2 rowsAsArray')),
      unit: '×',
      op: '<=',
      goal: 1,
    },
    {
      what: '`wide s2 objects native` peak RSS ÷ `wide mysql2 objects` peak RSS',
      value: div(rss('wide s2 objects native'), rss('wide mysql2 objects')),
      unit: '×',
      op: '<=',
      goal: 1,
    },
    {
      what: '`wide s2 tuples native` speed-up over `wide mysql2 rowsAsArray` (in-process wall)',
      value: faster('wide mysql2 rowsAsArray', 'wide s2 tuples native'),
      unit: '×',
      op: '>=',
      goal: 1.4,
    },
    {
      what: '`wide s2 tuples native` speed-up over `wide mysql2 rowsAsArray` (process wall)',
      value: fasterProcess('wide mysql2 rowsAsArray', 'wide s2 tuples native'),
      unit: '×',
      op: '>=',
      goal: 1.4,
    },
    { what: '`wide s2 arrow native` peak RSS', value: rss('wide s2 arrow native'), unit: ' MiB', op: '<', goal: 250 },
    {
      what: '`wide s2 arrow native` process wall ÷ `wide raw drain` process wall',
      value: processWall('wide s2 arrow native', 'wide raw drain'),
      unit: '×',
      op: '<=',
      goal: 1.2,
    },
    ...(
      [
        ['wide s2 for await native', 'rows one at a time, like the row stream'],
        ['wide s2 for await pure', 'rows one at a time, like the row stream'],
        ['wide s2 forEachRow native', 'a row per callback'],
        ['wide s2 forEachRow pure', 'a row per callback'],
        ['wide s2 stream native', 'fetchmany(4096): 4,096 rows held at once'],
        ['wide s2 columns stream native', '4,096-row frames'],
        ['wide s2 arrow stream native', '65,536-row Arrow tables'],
      ] as const
    ).map(
      ([s, note]): Target => ({
        what: `\`${s}\` peak RSS ÷ \`wide mysql2 stream\` peak RSS`,
        value: div(rss(s), rss('wide mysql2 stream')),
        unit: '×',
        op: '<=',
        goal: 1,
        note,
      }),
    ),
    ...['insert s2 executemany pure', 'insert s2 executemany binary pure'].map(
      (s): Target => ({
        what: `\`${s}\` rows/s ÷ \`insert mysql2 multi-row\` rows/s`,
        value: div(rate(s), rate('insert mysql2 multi-row')),
        unit: '×',
        op: '>=',
        goal: 1.2,
        note: s.includes('binary') ? '`{ binary: true }`, opt-in' : 'the default, literal multi-row statements',
      }),
    ),
    { what: '`pool s2` queries/s ÷ `pool mysql2` queries/s', value: div(rate('pool s2'), rate('pool mysql2')), unit: '×', op: '>=', goal: 1.1 },
    { what: '`idle s2` settled RSS', value: m('idle s2')?.extra?.settledRssMiB, unit: ' MiB', op: 'report', goal: 0 },
    {
      what: '`idle s2` settled RSS ÷ `idle mysql2` settled RSS',
      value: div(m('idle s2')?.extra?.settledRssMiB, m('idle mysql2')?.extra?.settledRssMiB),
      unit: '×',
      op: 'report',
      goal: 0,
      note: 'the issue asks what holds the difference',
    },
    {
      what: 'read runs faster than their raw drain (in-process wall)',
      value: reads ? fasterThanRaw.length : undefined,
      unit: '',
      op: '<=',
      goal: 0,
      note: 'the drain is the floor',
    },
  ];
  return table(
    'Targets of issue #19 (performance, round two)',
    'From the medians above (peak RSS: the highest of the runs). Process wall: spawn to exit, as the issue measured.',
    targets,
  );
}

/** The native-decoder issue's targets, kept to document where that work ended. */
export function historyTargets(results: Result[]): string[] {
  const { m, div, wall, cpu, rss, rate, faster } = lookups(results);
  const lessCpu = (pure: string, native: string) => div(m(pure)?.cpuMs, m(native)?.cpuMs);
  const arrow = 'wide s2 arrow native';
  const streams = ['wide s2 arrow stream native', 'wide s2 columns stream native'];
  const targets: Target[] = [
    { what: `\`${arrow}\` wall / raw`, value: wall(arrow, 'wide raw drain'), unit: '×', op: '<=', goal: 1.15 },
    { what: `\`${arrow}\` cpu / raw`, value: cpu(arrow, 'wide raw drain epoll'), unit: '×', op: '<=', goal: 2.5 },
    { what: `\`${arrow}\` peak RSS`, value: rss(arrow), unit: ' MiB', op: '<', goal: 250 },
    ...streams.flatMap((s): Target[] => [
      { what: `\`${s}\` wall / raw`, value: wall(s, 'wide raw drain'), unit: '×', op: '<=', goal: 1.15 },
      { what: `\`${s}\` cpu / raw`, value: cpu(s, 'wide raw drain epoll'), unit: '×', op: '<=', goal: 3 },
      { what: `\`${s}\` peak RSS`, value: rss(s), unit: ' MiB', op: '<', goal: 100 },
    ]),
    {
      what: '`wide s2 tuples native` speed-up over `wide mysql2 rowsAsArray` (wall)',
      value: faster('wide mysql2 rowsAsArray', 'wide s2 tuples native'),
      unit: '×',
      op: '>=',
      goal: 1.5,
    },
    {
      what: '`wide s2 objects native` speed-up over `wide mysql2 rowsAsArray` (wall)',
      value: faster('wide mysql2 rowsAsArray', 'wide s2 objects native'),
      unit: '×',
      op: '>=',
      goal: 1.5,
    },
    {
      what: '`wide s2 objects native` speed-up over `wide mysql2 objects` (wall)',
      value: faster('wide mysql2 objects', 'wide s2 objects native'),
      unit: '×',
      op: '>=',
      goal: 1.5,
      note: 'like for like',
    },
    {
      what: '`wide s2 tuples pure` speed-up over `wide mysql2 rowsAsArray` (wall)',
      value: faster('wide mysql2 rowsAsArray', 'wide s2 tuples pure'),
      unit: '×',
      op: '>=',
      goal: 1,
      note: 'the pure path no slower than mysql2',
    },
    { what: '`ints s2 arrow stream native` wall / raw', value: wall('ints s2 arrow stream native', 'ints raw drain'), unit: '×', op: '<=', goal: 1.2 },
    { what: '`ints s2 columns stream native` wall / raw', value: wall('ints s2 columns stream native', 'ints raw drain'), unit: '×', op: '<=', goal: 1.2 },
    { what: '`wide` arrow: pure cpu / native cpu', value: lessCpu('wide s2 arrow pure', arrow), unit: '×', op: '>=', goal: 2.5 },
    { what: '`wide` columns: pure cpu / native cpu', value: lessCpu('wide s2 columns pure', 'wide s2 columns native'), unit: '×', op: '>=', goal: 2.5 },
    { what: '`insert s2 load() array pure` rows/s', value: rate('insert s2 load() array pure'), unit: '', op: '>=', goal: 150_000 },
    { what: '`insert s2 load() generator pure` rows/s', value: rate('insert s2 load() generator pure'), unit: '', op: '>=', goal: 150_000 },
    { what: '`insert s2 executemany pure` rows/s', value: rate('insert s2 executemany pure'), unit: '', op: '>=', goal: 75_000 },
  ];
  return table(
    'Targets of the native-decoder issue (history)',
    "The earlier issue's targets on the same medians, kept to show where that work stands.",
    targets,
  );
}
