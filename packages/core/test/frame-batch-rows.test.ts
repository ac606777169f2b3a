import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNative, nativeStatus } from '@s2/native';
import { options } from '@s2/base';
import { skipUnless } from '@s2/testing/vitest';
import { registerResultFormat, type ColumnsFrame, type Connection } from '@s2/core';
import { open } from './support.js';

/*
 * A frame format that records the batches it is asked to decode: a stream's frames follow
 * `streamBatchRows`, a merged whole-result frame (queryFrame) is decoded in `mergeBatchRows`.
 */
const batches: number[] = [];
registerResultFormat({
  name: 'test-batch-sizes',
  packets: true,
  streamBatchRows: 3,
  mergeBatchRows: () => 5,
  prepare: () => ({
    frame: (rows) => rows.length,
    framePackets: (packets) => {
      batches.push(packets.length);
      return packets.length;
    },
    mergeFrames: (frames) => (frames as number[]).reduce((a, b) => a + b, 0),
  }),
});

let conn: Connection;
beforeAll(async () => {
  conn = await open();
});
afterAll(() => conn.close());

describe('frame batch sizes of a result format', () => {
  it('streamFrames yields frames of streamBatchRows rows', async () => {
    batches.length = 0;
    const frames: number[] = [];
    for await (const f of conn.streamFrames<number>('SELECT seq FROM seq_1_to_11', [], { resultsType: 'test-batch-sizes' })) frames.push(f);
    expect(frames).toEqual([3, 3, 3, 2]);
    // The read that finds the result ended may hand the format an empty batch; no frame comes of it.
    expect(batches.filter((n) => n > 0)).toEqual([3, 3, 3, 2]);
  });

  it('queryFrame decodes the whole result in batches of mergeBatchRows rows and merges them', async () => {
    batches.length = 0;
    expect(await conn.queryFrame<number>('SELECT seq FROM seq_1_to_11', [], { resultsType: 'test-batch-sizes' })).toBe(11);
    expect(batches).toEqual([5, 5, 1]);
  });
});

/*
 * A format whose frames are promises (like @s2/arrow while apache-arrow is still loading): the
 * frames of a merged result resolve only after every batch has been read and decoded, or one
 * rejects.
 */
const pending: Array<{ rows: number; settle: () => void }> = [];
let failAt = -1;
registerResultFormat({
  name: 'test-promised-frames',
  packets: true,
  streamBatchRows: 4,
  prepare: () => ({
    frame: (rows) => rows.length,
    framePackets: (packets) =>
      new Promise<number>((resolve, reject) => {
        const index = pending.length;
        pending.push({ rows: packets.length, settle: () => (index === failAt ? reject(new Error(`frame ${index} failed`)) : resolve(packets.length)) });
      }),
    mergeFrames: (frames) => (frames as number[]).join(','),
  }),
});

/** Settles every pending frame once the merged read has asked for all of them. */
function settleWhenAsked(count: number): void {
  const poll = setInterval(() => {
    if (pending.length < count) return;
    clearInterval(poll);
    for (const p of pending) p.settle();
  }, 1);
}

describe('frames handed back as promises', () => {
  it('queryFrame reads and decodes every batch before any frame resolves, then merges them in order', async () => {
    pending.length = 0;
    failAt = -1;
    settleWhenAsked(3);
    expect(await conn.queryFrame<string>('SELECT seq FROM seq_1_to_10', [], { resultsType: 'test-promised-frames' })).toBe('4,4,2');
    expect(pending.map((p) => p.rows)).toEqual([4, 4, 2]);
  });

  it('a frame that rejects fails queryFrame with its error, and the connection stays usable', async () => {
    pending.length = 0;
    failAt = 1;
    settleWhenAsked(3);
    await expect(conn.queryFrame('SELECT seq FROM seq_1_to_10', [], { resultsType: 'test-promised-frames' })).rejects.toThrow('frame 1 failed');
    expect(await conn.query('SELECT 41 + 1 AS v')).toEqual([[42]]);
  });

  it('a frame that rejects while later batches are still arriving is no unhandled rejection', async () => {
    // Frame 0 rejects at once; 20,000 rows in 4-row batches take many socket reads (event-loop
    // turns) before the merge awaits it. Vitest fails the run on an unhandled rejection.
    pending.length = 0;
    failAt = 0;
    const settler = setInterval(() => {
      for (const p of pending) p.settle();
    }, 0);
    try {
      await expect(conn.queryFrame('SELECT seq FROM seq_1_to_20000', [], { resultsType: 'test-promised-frames' })).rejects.toThrow('frame 0 failed');
    } finally {
      clearInterval(settler);
    }
    expect(pending.filter((p) => p.rows > 0)).toHaveLength(5000);
    expect(await conn.query('SELECT 41 + 1 AS v')).toEqual([[42]]);
  });

  it('streamFrames yields each resolved frame in turn', async () => {
    pending.length = 0;
    failAt = -1;
    const frames: number[] = [];
    const settler = setInterval(() => {
      for (const p of pending.splice(0)) p.settle();
    }, 1);
    try {
      for await (const f of conn.streamFrames<number>('SELECT seq FROM seq_1_to_10', [], { resultsType: 'test-promised-frames' })) frames.push(f);
    } finally {
      clearInterval(settler);
    }
    expect(frames).toEqual([4, 4, 2]);
  });
});

// 10,000 rows with per-cell JS values (DECIMAL, strings, NULLs, DATETIME(6), JSON text): the
// default stream splits them into 4,096-row frames, queryFrame into 8,192-row batches.
const WIDE = `SELECT seq AS id, seq / 7 AS d, CAST(seq % 1000 + 0.25 AS DECIMAL(12,2)) AS amount, CONCAT('name-', seq) AS name,
  IF(seq % 3 = 0, NULL, CONCAT('text ', seq)) AS note, TIMESTAMP('2024-05-06 07:08:09.123456') + INTERVAL seq SECOND AS ts,
  CONCAT('{"k":', seq, '}') AS doc FROM seq_1_to_10000`;

/** Every column's values in order, comparable across frames (dates by their SQL text with microseconds, bigints as text). */
function cells(frames: ColumnsFrame[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const f of frames)
    for (const c of f.columns) {
      const values = (out[c.name] ??= []);
      for (let i = 0; i < f.length; i++) {
        const v = c.nulls?.[i] ? null : c.values[i];
        values.push(typeof v === 'bigint' ? `${v}n` : v instanceof Date ? (v as Date & { toSqlString(): string }).toSqlString() : v);
      }
    }
  return out;
}

async function frameCells(pureJs: boolean): Promise<{ streamed: Record<string, unknown[]>; sizes: number[]; whole: Record<string, unknown[]> }> {
  const conn = await open({ pureJs });
  try {
    const frames: ColumnsFrame[] = [];
    for await (const f of conn.streamFrames<ColumnsFrame>(WIDE)) frames.push(f);
    const whole = await conn.queryFrame<ColumnsFrame>(WIDE);
    return { streamed: cells(frames), sizes: frames.map((f) => f.length), whole: cells([whole]) };
  } finally {
    await conn.close();
  }
}

const native = loadNative();

describe(
  'columns frames of per-cell values, streamed and merged',
  skipUnless(native ? null : `the native addon is not loaded: ${nativeStatus().source}`, options.get('pure_js') === true ? 'opt-in' : 'missing-tool'),
  () => {
    it('hold the same values in 4,096-row stream frames as in one queryFrame, from the addon and from TypeScript', async () => {
      // The addon must decode the frames itself: a batch it handed back to TypeScript would make
      // this a comparison of TypeScript with itself.
      const spy = vi.spyOn(native!, 'decodeTextSegments');
      let fast: Awaited<ReturnType<typeof frameCells>>;
      try {
        fast = await frameCells(false);
        expect(spy.mock.results.filter((r) => r.type === 'return' && r.value !== null).length).toBeGreaterThanOrEqual(5);
      } finally {
        spy.mockRestore();
      }
      const slow = await frameCells(true);
      expect(fast.streamed.ts[1]).toBe('2024-05-06 07:08:11.123456');
      expect(fast.sizes).toEqual([4_096, 4_096, 10_000 - 2 * 4_096]);
      expect(slow.sizes).toEqual(fast.sizes);
      expect(fast.streamed.id).toHaveLength(10_000);
      expect(fast.streamed.note.filter((v) => v === null)).toHaveLength(3_333);
      expect(fast.streamed).toEqual(fast.whole);
      expect(slow.streamed).toEqual(slow.whole);
      expect(fast.whole).toEqual(slow.whole);
    });
  },
);
