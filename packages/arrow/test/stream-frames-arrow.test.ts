import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { connect, type Connection } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import '@s2/arrow';

let conn: Connection;
beforeAll(async () => {
  conn = await connect(`${testServer().url}/${testServer().database}`);
});
afterAll(() => conn.close());

describe("conn.streamFrames() with resultsType 'arrow'", () => {
  it('yields one Arrow Table per batch with the same schema', async () => {
    const sizes: number[] = [];
    let sum = 0n;
    for await (const table of conn.streamFrames<Table>('SELECT seq, CONCAT("row ", seq) AS label FROM seq_1_to_25000', null, {
      resultsType: 'arrow',
      batchRows: 10_000,
    })) {
      sizes.push(table.numRows);
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['seq:Uint64', 'label:Utf8']);
      for (const v of table.getChild('seq')!) sum += v as bigint;
      expect(table.getChild('label')!.get(0)).toMatch(/^row \d+$/);
    }
    expect(sizes).toEqual([10_000, 10_000, 5_000]);
    expect(sum).toBe((25_000n * 25_001n) / 2n);
  });

  it('defaults to 65,536-row tables (Arrow cells are buffers, not JS values, so bigger batches cost no GC)', async () => {
    const sizes: number[] = [];
    for await (const table of conn.streamFrames<Table>('SELECT seq FROM seq_1_to_100000', null, { resultsType: 'arrow' })) sizes.push(table.numRows);
    expect(sizes).toEqual([65_536, 100_000 - 65_536]);
  });

  it('breaking out early leaves the connection usable', async () => {
    for await (const table of conn.streamFrames<Table>('SELECT seq FROM seq_1_to_500000', null, { resultsType: 'arrow', batchRows: 1000 })) {
      expect(table.numRows).toBe(1000);
      break;
    }
    expect(await conn.query('SELECT 1')).toEqual([[1]]);
  });
});
