import {
  Binary,
  DateDay,
  Decimal,
  DurationMicrosecond,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  makeData,
  makeVector,
  Table,
  TimestampMicrosecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { ColumnDefinition } from '@s2/base';
import { rowsToColumns, uniqueColumnNames, type ColumnVector } from '@s2/core';
import { decimalPrecision, type DecodedColumn } from '@s2/base';
import { toVector } from './table.js';
import { validity } from './validity.js';

const FIXED: Record<string, () => DataType> = {
  int8: () => new Int8(),
  uint8: () => new Uint8(),
  int16: () => new Int16(),
  uint16: () => new Uint16(),
  int32: () => new Int32(),
  uint32: () => new Uint32(),
  int64: () => new Int64(),
  uint64: () => new Uint64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  timestamp_us: () => new TimestampMicrosecond(),
  date32: () => new DateDay(),
  duration_us: () => new DurationMicrosecond(),
};

/** One Arrow vector over the decoder's buffers: no per-value JavaScript objects. */
function vectorOf(d: DecodedColumn, def: ColumnDefinition, name: string): Vector {
  const valid = d.validity && d.nullCount ? { nullBitmap: d.validity, nullCount: d.nullCount } : validity(d.nullCount ? d.nulls : null, d.length);
  const length = d.length;
  switch (d.kind) {
    case 'utf8':
    case 'binary':
      return makeVector(makeData({ type: d.kind === 'utf8' ? new Utf8() : new Binary(), length, valueOffsets: d.offsets!, data: d.data!, ...valid } as never));
    case 'decimal128':
      return makeVector(makeData({ type: new Decimal(def.decimals, decimalPrecision(def), 128), length, data: d.values!, ...valid } as never));
    case 'values': {
      const [col] = rowsToColumns(
        [def],
        d.items!.map((v) => [v]),
      ).columns as ColumnVector[];
      return toVector({ ...col, name }, def, length);
    }
    default:
      return makeVector(makeData({ type: FIXED[d.kind](), length, data: d.values!, ...valid } as never));
  }
}

/** An Arrow Table from decoded columns (`decodeFrame` with target 'arrow'). */
export function decodedToArrow(columns: readonly ColumnDefinition[], decoded: readonly DecodedColumn[]): Table {
  const names = uniqueColumnNames(columns);
  const vectors: Record<string, Vector> = {};
  decoded.forEach((d, i) => {
    vectors[names[i]] = vectorOf(d, columns[i], names[i]);
  });
  return new Table(vectors);
}
