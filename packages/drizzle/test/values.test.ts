/** The value forms drizzle's mappers expect, including SingleStore-only types (vectors) no MariaDB can send. */
import { describe, expect, it } from 'vitest';
import { FieldType, SqlDateTime, SqlTime, type ColumnDescription } from '@s2/core';
import { rowConverter } from '../src/values.js';

const col = (typeCode: number, scale: number | null = null): ColumnDescription => ({
  name: 'c',
  typeCode,
  displaySize: null,
  internalSize: null,
  precision: null,
  scale,
  nullOk: true,
  flags: 0,
  charset: 33,
});

describe('rowConverter', () => {
  it('dates, datetimes, times and vectors become text; other values pass through', () => {
    const dt = new SqlDateTime(Date.UTC(2024, 0, 2, 3, 4, 5, 120), 120_000, { year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5 }, 3);
    const row: unknown[] = [
      new Date(Date.UTC(2024, 1, 29)),
      dt,
      SqlTime.parse('-1:02:03.5'),
      new Float32Array([0.5, -1.25]),
      new Int8Array([1, -2]),
      9007199254740993n,
      null,
    ];
    const convert = rowConverter(
      [FieldType.DATE, FieldType.DATETIME, FieldType.TIME, FieldType.FLOAT32_VECTOR, FieldType.INT8_VECTOR_JSON, FieldType.LONGLONG, FieldType.DATE].map((t) =>
        col(t),
      ),
      'Z',
    );
    expect(convert(row)).toEqual(['2024-02-29', '2024-01-02 03:04:05.120', '-01:02:03.500000', '[0.5,-1.25]', '[1,-2]', 9007199254740993n, null]);
    expect(JSON.parse(row[3] as string)).toEqual([0.5, -1.25]);
  });

  it('TIME has as many fraction digits as its column (the server text mysql2 gives)', () => {
    const time = (scale: number | null, text: string) => rowConverter([col(FieldType.TIME, scale)], 'Z')([SqlTime.parse(text)])[0];
    expect(time(3, '12:34:56.789')).toBe('12:34:56.789');
    expect(time(3, '12:34:56')).toBe('12:34:56.000');
    expect(time(1, '-01:02:03.5')).toBe('-01:02:03.5');
    expect(time(6, '838:59:59.000001')).toBe('838:59:59.000001');
    expect(time(0, '12:34:56')).toBe('12:34:56');
    // No fixed scale (an expression): the value keeps the digits it has.
    expect(time(31, '00:00:01.25')).toBe('00:00:01.250000');
    expect(time(null, '00:00:01')).toBe('00:00:01');
  });

  it('DATE is read back in the connection zone it was decoded in', () => {
    const midnightPlus2 = new Date(Date.UTC(2024, 5, 30, 22, 0, 0)); // 2024-07-01 00:00 at +02:00
    expect(rowConverter([col(FieldType.DATE)], '+02:00')([midnightPlus2])).toEqual(['2024-07-01']);
  });
});
