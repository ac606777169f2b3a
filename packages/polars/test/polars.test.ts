import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pl from 'nodejs-polars';
import type { DataFrame } from 'nodejs-polars';
import { tableFromArrays, type Table } from 'apache-arrow';
import { connect, registerResultFormat, type Connection } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import '@s2/arrow';
import { polarsToArrow, rowsToPolars, toPolars, type DecimalMode } from '@s2/polars';

let conn: Connection;
beforeAll(async () => {
  conn = await connect(`${testServer().url}/${testServer().database}`);
  await conn.execute(`CREATE TEMPORARY TABLE pl_alltypes (
    id INT NOT NULL PRIMARY KEY,
    b BIGINT, ub BIGINT UNSIGNED, i INT, d DOUBLE, dec6 DECIMAL(20,6), wide DECIMAL(65,30),
    v VARCHAR(50) CHARACTER SET utf8mb4, t TEXT NULL, bl BLOB, dt DATETIME(6), da DATE, tm TIME(6), j JSON
  )`);
  await conn.execute(`INSERT INTO pl_alltypes VALUES
    (1, -9223372036854775808, 18446744073709551615, -2147483648, 1.5, 12345678901234.123456,
     12345678901234567890123456789012345.123456789012345678901234567890,
     'héllo 😀', 'text', X'00FF10', '2024-02-29 13:14:15.123456', '1999-12-31', '-838:59:59.000001', '{"a": [1, 2]}'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (3, 9007199254740993, 0, 2147483647, -0.25, -0.000150, -1.5,
     '', NULL, X'', '1756-10-29 02:02:42.000008', '2000-01-01', '12:34:56.789012', 'null')`);
});
afterAll(() => conn.close());

const ALL = 'SELECT * FROM pl_alltypes ORDER BY id';
const polars = (sql: string) => conn.queryFrame<DataFrame>(sql, undefined, { resultsType: 'polars' });
const variants = (df: DataFrame) => Object.fromEntries(df.columns.map((n) => [n, df.getColumn(n).dtype.variant]));

describe("resultsType 'polars'", () => {
  it('loads every type with the documented dtype', async () => {
    const df = await polars(ALL);
    expect(df.height).toBe(3);
    expect(df.width).toBe(14);
    expect(variants(df)).toEqual({
      id: 'Int32',
      b: 'Int64',
      ub: 'UInt64',
      i: 'Int32',
      d: 'Float64',
      dec6: 'Decimal',
      wide: 'String',
      v: 'String',
      t: 'String',
      bl: 'List',
      dt: 'Datetime',
      da: 'Date',
      tm: 'Duration',
      j: 'String',
    } as never);
    expect(String(df.getColumn('dec6').dtype)).toBe('DataType(Decimal(20,6))');
    expect(String(df.getColumn('bl').dtype)).toBe('DataType(List(DataType(UInt8)))');
    // The polars units themselves, as Arrow sees them on the way back (nodejs-polars 0.24.1
    // reports every Duration dtype to JS as "ms"; the data are microseconds).
    const back = polarsToArrow(df);
    const types = Object.fromEntries(back.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({ dt: 'Timestamp<MICROSECOND>', tm: 'Duration<MICROSECOND>', da: 'Date32<DAY>', dec6: 'Decimal[20e+6]' });
    expect(String(df.select('tm'))).toContain('duration[μs]');
  });

  it('keeps 64-bit integers exact', async () => {
    const df = await polars(ALL);
    // Int64 values are exact inside polars; nodejs-polars hands Int64 to JS as number (lossy
    // beyond 2^53), UInt64 as bigint. Exact Int64 ways out: cast to string or go back to Arrow.
    expect(df.getColumn('b').cast(pl.Utf8).toArray()).toEqual(['-9223372036854775808', null, '9007199254740993']);
    const b = polarsToArrow(df.select('b')).getChild('b')!;
    expect([b.get(0), b.get(1), b.get(2)]).toEqual([-9223372036854775808n, null, 9007199254740993n]);
    expect(typeof df.getColumn('b').toArray()[2]).toBe('number');
    expect(df.getColumn('ub').toArray()).toEqual([18446744073709551615n, null, 0n]);
    expect(df.getColumn('i').toArray()).toEqual([-2147483648, null, 2147483647]);
    expect(df.getColumn('d').toArray()).toEqual([1.5, null, -0.25]);
  });

  it('keeps decimals exact', async () => {
    const df = await polars(ALL);
    expect(df.getColumn('dec6').cast(pl.Utf8).toArray()).toEqual(['12345678901234.123456', null, '-0.000150']);
    expect(df.select(pl.col('dec6').sum().cast(pl.Utf8)).getColumn('dec6').toArray()).toEqual(['12345678901234.123306']);
    // JS cannot receive polars Decimal values directly: an explicit error, never a rounded number.
    expect(() => df.getColumn('dec6').toArray()).toThrow(/Decimal/);
    // DECIMAL(65,30) does not fit Decimal128: exact text.
    expect(df.getColumn('wide').toArray()).toEqual([
      '12345678901234567890123456789012345.123456789012345678901234567890',
      null,
      '-1.500000000000000000000000000000',
    ]);
  });

  it('maps strings, bytes, JSON, temporal values and NULLs', async () => {
    const df = await polars(ALL);
    expect(df.getColumn('v').toArray()).toEqual(['héllo 😀', null, '']);
    expect(df.getColumn('t').toArray()).toEqual(['text', null, null]);
    expect(df.getColumn('bl').toArray()).toEqual([[0, 255, 16], null, []]);
    expect(JSON.parse(df.getColumn('j').toArray()[0] as string)).toEqual({ a: [1, 2] });
    expect(df.getColumn('j').toArray()[2]).toBe('null');
    // DATETIME(6): naive wall-clock microseconds since the epoch (JS Dates stop at milliseconds).
    expect(df.getColumn('dt').cast(pl.Int64).cast(pl.Utf8).toArray()).toEqual([
      String(BigInt(Date.UTC(2024, 1, 29, 13, 14, 15, 123)) * 1000n + 456n),
      null,
      String(BigInt(Date.UTC(1756, 9, 29, 2, 2, 42)) * 1000n + 8n),
    ]);
    expect((df.getColumn('dt').toArray()[0] as unknown as Date).toISOString()).toBe('2024-02-29T13:14:15.123Z');
    expect((df.getColumn('da').toArray() as unknown as (Date | null)[]).map((x) => x?.toISOString().slice(0, 10) ?? null)).toEqual([
      '1999-12-31',
      null,
      '2000-01-01',
    ]);
    // TIME(6): a signed duration in microseconds.
    expect(df.getColumn('tm').cast(pl.Int64).toArray()).toEqual([
      -(838 * 3600 + 59 * 60 + 59) * 1_000_000 - 1,
      null,
      (12 * 3600 + 34 * 60 + 56) * 1_000_000 + 789012,
    ]);
    // Row 2 is NULL in every column but id.
    const nulls = df.nullCount().toRecords()[0];
    expect(nulls).toEqual({ id: 0, b: 1, ub: 1, i: 1, d: 1, dec6: 1, wide: 1, v: 1, t: 2, bl: 1, dt: 1, da: 1, tm: 1, j: 1 });
    expect(df.select(pl.col('*').exclude('dec6')).row(1)).toEqual([2, ...Array(12).fill(null)]);
  });

  it('returns an empty frame with typed columns for an empty result', async () => {
    const df = await polars('SELECT id, b, dec6, v, bl, dt FROM pl_alltypes WHERE 1 = 0');
    expect(df.height).toBe(0);
    expect(df.columns).toEqual(['id', 'b', 'dec6', 'v', 'bl', 'dt']);
    expect(variants(df)).toEqual({ id: 'Int32', b: 'Int64', dec6: 'Decimal', v: 'String', bl: 'List', dt: 'Datetime' } as never);
  });

  it('loads a 100k-row result', async () => {
    const sql = `WITH d(x) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
      s(n) AS (SELECT CAST(1 + a.x + 10 * b.x + 100 * c.x + 1000 * e.x + 10000 * f.x AS SIGNED) FROM d a, d b, d c, d e, d f)
      SELECT n, CAST(n AS DECIMAL(12,2)) / 4 AS q, CONCAT('row ', n) AS label FROM s ORDER BY n`;
    const df = await polars(sql);
    expect(df.height).toBe(100_000);
    expect(df.getColumn('n').sum()).toBe(5_000_050_000);
    expect(df.getColumn('label').toArray()[99_999]).toBe('row 100000');
    expect(df.select(pl.col('q').sum().cast(pl.Utf8)).getColumn('q').toArray()).toEqual(['1250012500.000000']);
  });

  it('works on a streaming cursor', async () => {
    const cur = conn.cursor({ resultsType: 'polars', buffered: false });
    await cur.execute('SELECT id, v FROM pl_alltypes ORDER BY id');
    const df = (await cur.fetchframe()) as DataFrame;
    await cur.close();
    expect(df.getColumn('id').toArray()).toEqual([1, 2, 3]);
  });
});

describe('decimal modes, rowsToPolars and toPolars', () => {
  for (const mode of ['string', 'float64'] as DecimalMode[]) {
    registerResultFormat({ name: `polars-${mode}`, prepare: (columns) => ({ frame: (batch) => rowsToPolars(columns, batch, { decimal: mode }) }) });
  }

  it("decimal: 'string' gives exact text columns", async () => {
    const df = await conn.queryFrame<DataFrame>('SELECT dec6, wide FROM pl_alltypes ORDER BY id', undefined, { resultsType: 'polars-string' });
    expect(variants(df)).toEqual({ dec6: 'String', wide: 'String' } as never);
    expect(df.getColumn('dec6').toArray()).toEqual(['12345678901234.123456', null, '-0.000150']);
    expect(df.toRecords()[2]).toEqual({ dec6: '-0.000150', wide: '-1.500000000000000000000000000000' });
  });

  it("decimal: 'float64' is the explicit lossy opt-in", async () => {
    const df = await conn.queryFrame<DataFrame>('SELECT dec6, wide FROM pl_alltypes ORDER BY id', undefined, { resultsType: 'polars-float64' });
    expect(variants(df)).toEqual({ dec6: 'Float64', wide: 'Float64' } as never);
    expect(df.getColumn('dec6').toArray()).toEqual([12345678901234.123, null, -0.00015]);
    expect(df.getColumn('wide').toArray()[2]).toBe(-1.5);
  });

  it('rejects an unknown decimal mode', () => {
    expect(() => rowsToPolars([], [], { decimal: 'number' as DecimalMode })).toThrow(/decimal must be/);
  });

  it('toPolars converts an Arrow table, binary columns included', async () => {
    const arrow = await conn.queryFrame<Table>('SELECT id, bl, dec6 FROM pl_alltypes ORDER BY id', undefined, { resultsType: 'arrow' });
    const df = toPolars(arrow, { decimal: 'string' });
    expect(df.height).toBe(3);
    expect(df.toRecords()).toEqual([
      { id: 1, bl: [0, 255, 16], dec6: '12345678901234.123456' },
      { id: 2, bl: null, dec6: null },
      { id: 3, bl: [], dec6: '-0.000150' },
    ]);
    expect(String(toPolars(arrow).getColumn('dec6').dtype)).toBe('DataType(Decimal(20,6))');
    // A sliced Arrow table (chunks with an offset) converts too.
    expect(toPolars(arrow.slice(1)).getColumn('bl').toArray()).toEqual([null, []]);
    expect(
      toPolars(tableFromArrays({ x: Float64Array.from([1, 2]) }))
        .getColumn('x')
        .sum(),
    ).toBe(3);
  });
});
