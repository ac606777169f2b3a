import { describe, expect, it } from 'vitest';
import { createTextRowDecoder, expandRawRows, InterfaceError, type ColumnDefinition, type DecodeOptions, type RawBatch } from '@s2/base';
import { open } from './support/server.js';

const SQL = "SELECT seq, CONCAT('v', seq) AS s, IF(seq % 5 = 0, NULL, seq * 0.5) AS half FROM seq_1_to_20000";

describe('the packet and decoded read paths of a result', () => {
  it('packets.read(max) on a buffered result splits runs of framed packets at any row, losing and repeating none', async () => {
    const conn = await open();
    try {
      const whole = (await (await conn.query(SQL)).current.read()) as unknown[][];
      const r = await conn.query(SQL, { rawRows: true });
      const result = r.current;
      expect(result.packets).toBeDefined();
      const decoder = createTextRowDecoder(result.columns!, result.packets!.decodeOptions);
      const rows: unknown[][] = [];
      let runs = 0;
      // Odd sizes, so that most takes end inside a run of framed packets.
      for (let i = 0; ; i++) {
        const batch = await result.packets!.read(97 + (i % 13));
        if (batch.length === 0) break;
        runs += batch.filter((e) => e !== undefined && !(e instanceof Uint8Array)).length;
        const payloads = expandRawRows(batch);
        // A batch's length is its row count, whatever runs it holds.
        expect(payloads.length).toBe(batch.length);
        for (const p of payloads) rows.push(decoder.decodeRow(p));
      }
      expect(runs).toBeGreaterThan(0);
      expect(rows.length).toBe(20_000);
      expect(rows).toEqual(whole);
    } finally {
      await conn.close();
    }
  });

  it('read() of a packet result gives decoded rows; decodeBatch results read through decoded, in its batches', async () => {
    const conn = await open();
    try {
      const whole = (await (await conn.query(SQL)).current.read()) as unknown[][];
      const raw = (await conn.query(SQL, { rawRows: true, streaming: true })).current;
      const streamed: unknown[][] = [];
      for (;;) {
        const rows = await raw.read(1500);
        if (rows.length === 0) break;
        streamed.push(...rows);
      }
      expect(streamed).toEqual(whole);

      const sizes: number[] = [];
      const shape = (columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch) => {
        sizes.push(packets.length);
        const d = createTextRowDecoder(columns, options);
        return expandRawRows(packets).map((p) => ({ values: d.decodeRow(p) }));
      };
      const result = (await conn.query(SQL, { decodeBatch: shape })).current;
      expect(result.decoded).toBeDefined();
      await expect(result.read()).rejects.toBeInstanceOf(InterfaceError);
      const made = (await result.decoded!.read()) as { values: unknown[] }[];
      expect(made.map((m) => m.values)).toEqual(whole);
      // Decoded as the packets arrived, a bounded batch at a time (not the whole result at once).
      expect(sizes.length).toBeGreaterThan(1);
      expect(Math.max(...sizes)).toBeLessThan(20_000);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(20_000);
    } finally {
      await conn.close();
    }
  });
});
