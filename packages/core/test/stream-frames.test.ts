import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FRAME_ROWS, NotSupportedError, ParameterError, type ColumnsFrame, type Connection } from '@s2/core';
import { open } from './support.js';

let conn: Connection;
beforeAll(async () => {
  conn = await open();
});
afterAll(() => conn.close());

describe('conn.streamFrames()', () => {
  it('yields one columns frame per batch of batchRows rows', async () => {
    const sizes: number[] = [];
    let total = 0n;
    for await (const frame of conn.streamFrames('SELECT seq, seq * 2 AS twice FROM seq_1_to_150000', [], { batchRows: 65_536 })) {
      sizes.push(frame.length);
      expect(frame.names).toEqual(['seq', 'twice']);
      const seq = frame.column('seq')!;
      expect(seq.type).toBe('uint64');
      for (const v of seq.values as BigUint64Array) total += v;
    }
    expect(sizes).toEqual([65_536, 65_536, 150_000 - 2 * 65_536]);
    expect(total).toBe((150_000n * 150_001n) / 2n);
  });

  it("defaults to the format's frame size (columns with per-cell JS values: 4,096 rows; typed arrays only: 65,536) and interpolates parameters", async () => {
    expect(DEFAULT_FRAME_ROWS).toBe(65_536);
    const sizes: number[] = [];
    for await (const f of conn.streamFrames<ColumnsFrame>('SELECT seq, CONCAT("r", seq) AS s FROM seq_1_to_100000 WHERE seq > ?', [60_000]))
      sizes.push(f.length);
    expect(sizes).toEqual([...Array(9).fill(4_096), 40_000 - 9 * 4_096]);
    // Only typed-array columns: no per-cell values, so the larger default.
    sizes.length = 0;
    for await (const f of conn.streamFrames<ColumnsFrame>('SELECT seq, seq * 2 AS twice FROM seq_1_to_100000 WHERE seq > ?', [30_000])) sizes.push(f.length);
    expect(sizes).toEqual([65_536, 70_000 - 65_536]);
  });

  it('an exact multiple of batchRows ends without an empty frame; empty results and statements without rows yield nothing', async () => {
    const sizes: number[] = [];
    for await (const f of conn.streamFrames('SELECT seq FROM seq_1_to_30', null, { batchRows: 10 })) sizes.push(f.length);
    expect(sizes).toEqual([10, 10, 10]);
    const none: unknown[] = [];
    for await (const f of conn.streamFrames('SELECT seq FROM seq_1_to_10 WHERE seq > 100', null, { batchRows: 10 })) none.push(f);
    for await (const f of conn.streamFrames('SET @x = 1')) none.push(f);
    expect(none).toEqual([]);
  });

  it('breaking out early drops the rest of the result and leaves the connection usable', async () => {
    let frames = 0;
    for await (const frame of conn.streamFrames('SELECT seq, REPEAT("x", 50) FROM seq_1_to_1000000', null, { batchRows: 1000 })) {
      frames++;
      expect(frame.length).toBe(1000);
      if (frames === 3) break;
    }
    expect(frames).toBe(3);
    expect(await conn.query('SELECT 1')).toEqual([[1]]);
    // A second stream on the same connection works too.
    let rows = 0;
    for await (const f of conn.streamFrames('SELECT seq FROM seq_1_to_2500', null, { batchRows: 1000 })) rows += f.length;
    expect(rows).toBe(2500);
  });

  it('an error thrown in the loop body cleans up as well', async () => {
    const boom = new Error('consumer failed');
    await expect(
      (async () => {
        for await (const frame of conn.streamFrames('SELECT seq FROM seq_1_to_500000', null, { batchRows: 100 })) {
          if (frame.length) throw boom;
        }
      })(),
    ).rejects.toBe(boom);
    expect(await conn.query('SELECT 2')).toEqual([[2]]);
  });

  it('reads unbuffered: the first frame arrives before the result is read', async () => {
    // No clock: when the first frame is in hand, the server must still be executing the
    // statement (a 3M-row result cannot fit the socket buffers); a client that buffered the
    // result first would find the session idle by then.
    const observer = await open();
    try {
      const it = conn.streamFrames('SELECT seq FROM seq_1_to_3000000', null, { batchRows: 10 })[Symbol.asyncIterator]();
      const first = await it.next();
      expect((first.value as ColumnsFrame).length).toBe(10);
      const running = await observer.query<[string, string | null]>('SELECT COMMAND, INFO FROM information_schema.PROCESSLIST WHERE ID = ?', [
        conn.connectionId,
      ]);
      expect(running).toEqual([['Query', 'SELECT seq FROM seq_1_to_3000000']]);
      await it.return!();
    } finally {
      await observer.close();
    }
    expect(await conn.query('SELECT 3')).toEqual([[3]]);
  });

  it('rejects row formats and bad batch sizes; server errors surface and the connection recovers', async () => {
    const drain = async (gen: AsyncIterable<unknown>) => {
      for await (const _ of gen) void _;
    };
    await expect(drain(conn.streamFrames('SELECT 1', null, { resultsType: 'tuples' }))).rejects.toThrow(NotSupportedError);
    await expect(drain(conn.streamFrames('SELECT 1', null, { batchRows: 0 }))).rejects.toThrow(ParameterError);
    await expect(drain(conn.streamFrames('SELECT * FROM no_such_table'))).rejects.toMatchObject({ errno: 1146 });
    expect(await conn.query('SELECT 4')).toEqual([[4]]);
  });

  it('passes a signal through to the statement', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const f of conn.streamFrames('SELECT seq FROM seq_1_to_20000000', null, { batchRows: 1000, signal: ac.signal })) {
        seen.push(f.length);
        if (seen.length === 2) ac.abort();
      }
    })();
    await expect(run).rejects.toThrow(/interrupted/);
    expect(await conn.query('SELECT 5')).toEqual([[5]]);
  });
});
