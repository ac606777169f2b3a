/**
 * A scratch phase split of the buffered `wide s2 arrow native` path (not part of `pnpm bench`):
 *
 *   node --conditions=s2-source --import tsx tooling/bench/src/anatomy.ts
 *
 * The V8 profiler attributes the Rust decoder's time to its JavaScript caller
 * (decodeFrameNative), so this times the steps of the path separately on the whole 1M-row
 * batch (one framePackets call, as a format without mergeFrames gets it): reading the result,
 * the native decode, the validity bitmaps and apache-arrow's makeData/Table, with wall, CPU
 * and GC time of each.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { ColumnDefinition, DecodeOptions } from '@s2/base';
import { connect, registerResultFormat } from '@s2/core';
import { decodedToArrow } from '@s2/arrow/convert';
import type { DecodedColumn } from '@s2/native';
import { prepare, startTarget } from './setup.js';

const src = (p: string) => new URL(`../../../packages/${p}`, import.meta.url).href;
const native = (await import(src('native/src/index.ts'))) as typeof import('@s2/native');
const { validity } = (await import(src('arrow/src/validity.ts'))) as { validity: (n: Uint8Array | null, l: number) => unknown };

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

const phases: [string, number, number, number][] = [];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let mark = { t: 0, gc: 0, cpu: 0 };
const start = () => {
  mark = { t: performance.now(), gc: gcMs, cpu: cpuMs() };
};
const lap = (name: string) => {
  const now = { t: performance.now(), gc: gcMs, cpu: cpuMs() };
  phases.push([name, now.t - mark.t, now.cpu - mark.cpu, now.gc - mark.gc]);
  mark = now;
};

/** Whatever the frame decoder takes (row payloads, or socket segments with framed runs). */
type Batch = Parameters<typeof native.decodeFrame>[2];

function anatomy(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: Batch): unknown {
  const segments = packets.filter((x) => x !== undefined).length;
  lap(`read ${packets.length} rows (${segments} batch entries: row payloads or framed socket segments)`);
  const plans = native.planColumns(columns, options, 'arrow');
  const decoded: DecodedColumn[] = native.decodeFrame(columns, options, packets, 'arrow', 'native');
  lap('decodeFrame: napi decode (Rust parse into column buffers) + JS wrap of its output');
  for (const d of decoded) validity(d.nullCount ? d.nulls : null, d.length);
  lap('validity bitmaps (JS loop over the byte-per-row NULL masks)');
  const table = decodedToArrow(columns, decoded);
  lap('decodedToArrow (validity again + makeData/makeVector + Table)');
  console.log(`columns: ${columns.map((c, i) => `${c.name}:${plans[i].kind}`).join(' ')}`);
  return table;
}

registerResultFormat({
  name: 'anatomy',
  packets: true,
  prepare: (columns) => ({
    frame: () => {
      throw new Error('packets only');
    },
    framePackets: (packets, options) => anatomy(columns, options, packets),
  }),
});

const ROWS = Number(process.env.S2_BENCH_ROWS ?? 1_000_000);
const { target, stop } = await startTarget();
try {
  await prepare(target, ROWS);
  const conn = await connect(
    `mysql://${encodeURIComponent(target.user)}:${encodeURIComponent(target.password)}@${target.host}:${target.port}/${target.database}`,
    { pureJs: false, sslDisabled: true },
  );
  for (let round = 0; round < 2; round++) {
    phases.length = 0;
    start();
    await conn.queryFrame('SELECT * FROM wide', [], { resultsType: 'anatomy' });
    lap('close cursor');
    console.log(round === 0 ? 'warm-up round:' : 'measured round:');
    for (const [name, ms, cpu, gc] of phases)
      console.log(`  wall ${ms.toFixed(0).padStart(5)} ms  cpu ${cpu.toFixed(0).padStart(5)} ms  (gc ${gc.toFixed(0).padStart(4)} ms)  ${name}`);
  }
  await conn.close();
} finally {
  await stop();
}
