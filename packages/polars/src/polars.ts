import { decimalPrecision } from '@s2/base';
import { Data, DataType as ArrowType, Field, LargeList, List, Table, Uint8, makeData, makeVector, tableFromIPC, tableToIPC, type Vector } from 'apache-arrow';
import pl from 'nodejs-polars';
import type { DataFrame } from 'nodejs-polars';
import { FieldType, type ColumnDefinition, type DecodeOptions } from '@s2/base';
import { rowsToArrow } from '@s2/arrow/convert';

/**
 * What DECIMAL columns become:
 * - `'decimal'` (default): polars `Decimal(precision, scale)` — exact, and arithmetic stays exact
 *   inside polars. nodejs-polars 0.24.1 cannot hand Decimal values to JavaScript
 *   (`toArray()`, `toRecords()`, `row()` throw "Decimal is not a supported type in javascript"),
 *   so read them with `.cast(pl.Utf8)` first. Precisions above 38 (MySQL/SingleStore allow 65)
 *   do not fit Decimal128 and arrive as exact strings.
 * - `'string'`: exact text (`'-0.000150'`, always `scale` decimals), a `String` column.
 * - `'float64'`: a lossy `Float64` column — only when you ask for it.
 */
export type DecimalMode = 'decimal' | 'string' | 'float64';

export interface PolarsOptions {
  decimal?: DecimalMode;
  /**
   * `rowsToPolars`: the settings the rows were decoded with, for the layout a frame from
   * packets has (temporal columns as text under `dateStrings`, DATE days in their `timezone`).
   */
  decodeOptions?: DecodeOptions;
}

/** Largest precision of Arrow's (and polars') 128-bit decimal. */
const MAX_DECIMAL128_PRECISION = 38;

/** Declared precision of a DECIMAL column from its display length (sign and point excluded). */
export { decimalPrecision };

function isDecimal(def: ColumnDefinition): boolean {
  return def.typeCode === FieldType.NEWDECIMAL || def.typeCode === FieldType.DECIMAL;
}

/** Reads a decimal column as text: a VARCHAR definition makes the columns frame keep the exact string. */
function asText(def: ColumnDefinition): ColumnDefinition {
  return { ...def, typeCode: FieldType.VAR_STRING, rawTypeCode: FieldType.VAR_STRING, charset: 33 };
}

/**
 * Binary → List(UInt8). nodejs-polars 0.24.1 loads Arrow binary columns but cannot describe
 * their dtype to JavaScript (`df.schema`, `series.dtype` and `toArray()` panic with "not yet
 * implemented"), so bytes travel as lists of bytes instead. Offsets and bytes are shared, not
 * copied, when the chunk is not a slice.
 */
function binaryAsList(data: Data): Data {
  const large = ArrowType.isLargeBinary(data.type);
  const type = large ? new LargeList(new Field('item', new Uint8(), true)) : new List(new Field('item', new Uint8(), true));
  if (data.offset === 0) {
    const child = makeData({ type: new Uint8(), length: data.values.length, data: data.values as Uint8Array });
    return makeData({
      type,
      length: data.length,
      nullCount: data.nullCount,
      nullBitmap: data.nullBitmap,
      valueOffsets: data.valueOffsets as Int32Array,
      child,
    } as never);
  }
  // A sliced chunk: rebuild compact offsets and bytes.
  const vec = makeVector(data) as Vector;
  const items: (Uint8Array | null)[] = [];
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const v = vec.get(i) as Uint8Array | null;
    items.push(v);
    if (v) total += v.length;
  }
  const bytes = new Uint8Array(total);
  const offsets = large ? new BigInt64Array(data.length + 1) : new Int32Array(data.length + 1);
  let at = 0;
  items.forEach((v, i) => {
    if (v) {
      bytes.set(v, at);
      at += v.length;
    }
    offsets[i + 1] = (large ? BigInt(at) : at) as never;
  });
  const nullBitmap = new Uint8Array(Math.ceil(data.length / 8));
  items.forEach((v, i) => {
    if (v) nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  const child = makeData({ type: new Uint8(), length: total, data: bytes });
  return makeData({ type, length: data.length, nullCount: data.nullCount, nullBitmap, valueOffsets: offsets, child } as never);
}

/** The Arrow table polars can load: binary columns become List(UInt8); everything else passes through. */
function loadable(table: Table): Table {
  const fields = table.schema.fields;
  if (!fields.some((f) => ArrowType.isBinary(f.type) || ArrowType.isLargeBinary(f.type))) return table;
  const vectors: Record<string, Vector> = {};
  fields.forEach((f, i) => {
    const vec = table.getChildAt(i)!;
    vectors[f.name] = ArrowType.isBinary(f.type) || ArrowType.isLargeBinary(f.type) ? makeVector(vec.data.map(binaryAsList)) : vec;
  });
  return new Table(vectors);
}

/** Casts the named columns (exact decimals or decimal strings) as the decimal mode says. */
function applyDecimalMode(df: DataFrame, names: readonly string[], mode: DecimalMode, kind: 'decimal' | 'text'): DataFrame {
  if (names.length === 0) return df;
  if (mode === 'float64') return df.withColumns(...names.map((n) => pl.col(n).cast(pl.Float64)));
  if (mode === 'string' && kind === 'decimal') return df.withColumns(...names.map((n) => pl.col(n).cast(pl.Utf8)));
  return df;
}

function checkMode(mode: string): DecimalMode {
  if (mode !== 'decimal' && mode !== 'string' && mode !== 'float64') throw new TypeError(`decimal must be 'decimal', 'string' or 'float64', not '${mode}'`);
  return mode;
}

function ipcToPolars(table: Table): DataFrame {
  const ipc = tableToIPC(loadable(table), 'stream');
  return pl.readIPCStream(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
}

/**
 * A nodejs-polars DataFrame from an Apache Arrow table (through the Arrow IPC stream format).
 * Binary columns become List(UInt8); Decimal columns follow `options.decimal`.
 */
export function toPolars(table: Table, options: PolarsOptions = {}): DataFrame {
  const mode = checkMode(options.decimal ?? 'decimal');
  const decimals = table.schema.fields.filter((f) => ArrowType.isDecimal(f.type)).map((f) => f.name);
  return applyDecimalMode(ipcToPolars(table), decimals, mode, 'decimal');
}

/** An Apache Arrow table from a polars DataFrame: the exact way back (Int64 as BigInt, microseconds kept). */
export function polarsToArrow(df: DataFrame): Table {
  return tableFromIPC(df.writeIPCStream());
}

/**
 * A nodejs-polars DataFrame for decoded rows. Types: see the package README. Decimals wider
 * than 38 digits are carried as exact strings (they do not fit Decimal128).
 */
export function rowsToPolars(columns: readonly ColumnDefinition[], rows: readonly unknown[][], options: PolarsOptions = {}): DataFrame {
  const mode = checkMode(options.decimal ?? 'decimal');
  const defs = columns.map((c) => (isDecimal(c) && (mode !== 'decimal' || decimalPrecision(c) > MAX_DECIMAL128_PRECISION) ? asText(c) : c));
  const table = rowsToArrow(defs, rows, options.decodeOptions);
  const names = table.schema.fields.map((f) => f.name);
  const textDecimals = names.filter((_n, i) => isDecimal(columns[i]) && defs[i] !== columns[i]);
  return applyDecimalMode(ipcToPolars(table), textDecimals, mode, 'text');
}
