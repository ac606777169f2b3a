import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerResultFormat, type Connection } from '@s2/core';
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
