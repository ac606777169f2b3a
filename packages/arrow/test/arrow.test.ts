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

describe("resultsType 'arrow'", () => {
  it('builds a Table with lossless Arrow types and validity', async () => {
    const table = await conn.queryFrame<Table>(
      'SELECT `id`, `tinyint`, `unsigned_bigint`, `double`, `decimal`, `char_100`, `blob`, `date`, `datetime_6`, `time_6` FROM alltypes ORDER BY id',
      undefined,
      { resultsType: 'arrow' },
    );
    expect(table.numRows).toBe(5);
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      id: 'Int32',
      tinyint: 'Int8',
      unsigned_bigint: 'Uint64',
      double: 'Float64',
      char_100: 'Utf8',
      blob: 'Binary',
      date: 'Date32<DAY>',
      datetime_6: 'Timestamp<MICROSECOND>',
      time_6: 'Duration<MICROSECOND>',
    });
    expect(String(table.getChild('decimal')!.type)).toMatch(/^Decimal\[20e[+-]?6\]$/);
    expect(table.getChild('unsigned_bigint')!.get(3)).toBe(18446744073709551615n);
    expect(table.getChild('tinyint')!.get(1)).toBeNull();
    expect(table.getChild('tinyint')!.get(2)).toBe(-128);
    // 1756-10-29 02:02:42.000008 read as wall-clock UTC, microsecond kept in the raw value.
    const ts = table.getChild('datetime_6')!.data[0].values as BigInt64Array;
    expect(ts[0]).toBe(BigInt(Date.UTC(1756, 9, 29, 2, 2, 42)) * 1000n + 8n);
    expect((table.getChild('time_6')!.data[0].values as BigInt64Array)[0]).toBe(4_200_000_002n);
    const dec = table.getChild('decimal')!.data[0].values as Uint32Array;
    // 28111097.610822 at scale 6 → 28111097610822 in the low 64 bits.
    expect(BigInt(dec[0]) + (BigInt(dec[1]) << 32n)).toBe(28111097610822n);
  });

  it('keeps negative decimals in two’s complement and empty results as typed empty tables', async () => {
    const table = await conn.queryFrame<Table>('SELECT CAST(-1.5 AS DECIMAL(10,2)) AS d', undefined, { resultsType: 'arrow' });
    const words = table.getChild('d')!.data[0].values as Uint32Array;
    expect([...words]).toEqual([0xffffff6a, 0xffffffff, 0xffffffff, 0xffffffff]);
    const empty = await conn.queryFrame<Table>('SELECT id, value FROM data WHERE 1 = 0', undefined, { resultsType: 'arrow' });
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['id', 'Utf8'],
      ['value', 'Int64'],
    ]);
  });
});
