/** The value forms drizzle's mappers expect, including SingleStore-only types (vectors) no MariaDB can send. */
import { describe, expect, it } from 'vitest';
import { FieldType, SqlDateTime, SqlTime, type ColumnDescription } from '@s2/core';
import { rowConverter } from '../src/values.js';

const col = (typeCode: number): ColumnDescription => ({
  name: 'c',
  typeCode,
  displaySize: null,
  internalSize: null,
  precision: null,
  scale: null,
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
      [FieldType.DATE, FieldType.DATETIME, FieldType.TIME, FieldType.FLOAT32_VECTOR, FieldType.INT8_VECTOR_JSON, FieldType.LONGLONG, FieldType.DATE].map(col),
      'Z',
    );
    expect(convert(row)).toEqual(['2024-02-29', '2024-01-02 03:04:05.120', '-01:02:03.500000', '[0.5,-1.25]', '[1,-2]', 9007199254740993n, null]);
    expect(JSON.parse(row[3] as string)).toEqual([0.5, -1.25]);
  });

  it('DATE is read back in the connection zone it was decoded in', () => {
    const midnightPlus2 = new Date(Date.UTC(2024, 5, 30, 22, 0, 0)); // 2024-07-01 00:00 at +02:00
    expect(rowConverter([col(FieldType.DATE)], '+02:00')([midnightPlus2])).toEqual(['2024-07-01']);
  });
});
