import {
  Binary,
  DateDay,
  Field,
  FixedSizeList,
  List,
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
  Null,
  Table,
  TimestampMicrosecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { DataError, parseDate, parseTimezone, planColumns, SqlDateTime, SqlTime, type ColumnDefinition, type DecodeOptions } from '@s2/base';
import { rowsToColumns, type ColumnVector } from '@s2/core';
import { decimalPrecision } from '@s2/base';
import { validity } from './validity.js';

const textVector = (v: ArrayLike<unknown>): Vector =>
  vectorFromArray(
    Array.from(v, (x) => (x === null ? null : String(x))),
    new Utf8(),
  );

function fixed(type: DataType, values: ArrayLike<unknown>, col: ColumnVector, length: number): Vector {
  return makeVector(makeData({ type, length, data: values, ...validity(col.nulls, length) } as never));
}

/** Exact decimal text → 128-bit two's complement words, scaled to the column's scale. */
function decimalWords(values: ArrayLike<unknown>, scale: number, column: string): Uint32Array {
  const words = new Uint32Array(values.length * 4);
  const mask = (1n << 128n) - 1n;
  for (let i = 0; i < values.length; i++) {
    const text = values[i];
    if (text === null) continue;
    const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(String(text));
    if (!m) throw new DataError(`column '${column}': '${String(text)}' is not a decimal`);
    const frac = (m[3] ?? '').padEnd(scale, '0');
    if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) throw new DataError(`column '${column}': '${String(text)}' has more than ${scale} decimals`);
    let n = BigInt(`${m[2] || '0'}${frac.slice(0, scale)}`);
    if (n >= 10n ** 38n) throw new DataError(`column '${column}': '${String(text)}' has more than 38 digits`);
    if (m[1]) n = -n;
    let u = n & mask;
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(u & 0xffffffffn);
      u >>= 32n;
    }
  }
  return words;
}

function microseconds(v: unknown): bigint {
  if (v instanceof SqlDateTime) {
    const f = v.fields;
    const ms = Date.UTC(2000, 0, 1, f.hour, f.minute, f.second);
    const d = new Date(ms);
    d.setUTCFullYear(f.year, f.month - 1, f.day);
    return BigInt(d.getTime()) * 1000n + BigInt(v.microsecond);
  }
  return BigInt((v as Date).getTime()) * 1000n;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a calendar date, any year (Date.UTC alone reads 0–99 as 19xx). */
function epochDays(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / DAY_MS);
}

/** The epoch of local midnight of a calendar date, as the row decoder computes it. */
function localMidnight(y: number, m: number, d: number): number {
  const t = new Date(2000, 0, 1);
  t.setFullYear(y, m - 1, d);
  return t.getTime();
}

/**
 * Where the row decoders put a DATE's midnight: the `timezone` option's offset in minutes,
 * null for the process's zone ('local'), undefined when the rows do not say.
 */
export type DateZone = number | null | undefined;

/**
 * The day of a DATE cell as the row decoders give it; null for a zero date. Their Date is
 * midnight in the zone of the `timezone` option, so its calendar day is read in that zone.
 * When the zone is not known (rows handed in without their decode options), local midnight is
 * recognised by its local fields and midnight at a fixed offset of up to ±12 h by lying within
 * 12 hours of its own UTC midnight; only an offset 24 hours away from the process's zone (like
 * -10:00 under UTC+14) could pass for local midnight of the next day then. Text is what
 * `dateStrings` and an impossible date give.
 */
function epochDayOf(x: unknown, column: string, zone: DateZone): number | null {
  if (x === null || x === undefined) return null;
  if (x instanceof SqlDateTime) {
    const f = x.fields;
    return epochDays(f.year, f.month, f.day);
  }
  if (x instanceof Date) {
    const ms = x.getTime();
    if (Number.isNaN(ms)) throw new DataError(`column '${column}': an Invalid Date cannot be an Arrow date`);
    if (typeof zone === 'number') return Math.floor((ms + zone * 60_000) / DAY_MS);
    const [y, m, d] = [x.getFullYear(), x.getMonth() + 1, x.getDate()];
    if (zone === null) return epochDays(y, m, d);
    if (localMidnight(y, m, d) === ms) return epochDays(y, m, d);
    return Math.floor((ms + DAY_MS / 2) / DAY_MS);
  }
  const date = typeof x === 'string' ? parseDate(x, 0) : undefined;
  if (date === null) return null;
  if (date instanceof Date) return Math.round(date.getTime() / DAY_MS);
  throw new DataError(
    `column '${column}': ${typeof x === 'string' ? `'${x}'` : `a ${typeof x}`} is not a valid date for an Arrow column; read it with dateStrings or the 'columns' format`,
  );
}

const VECTOR_ELEMENTS: Record<number, [() => DataType, new (n: number) => ArrayLike<unknown> & { set(a: ArrayLike<unknown>, o: number): void }]> = {
  1: [() => new Float32(), Float32Array],
  2: [() => new Float64(), Float64Array],
  3: [() => new Int8(), Int8Array],
  4: [() => new Int16(), Int16Array],
  5: [() => new Int32(), Int32Array],
  6: [() => new Int64(), BigInt64Array as never],
  // F16 elements arrive widened to Float32Array (Node 20 has no Float16Array).
  7: [() => new Float32(), Float32Array],
};

/**
 * VECTOR(n, T) → FixedSizeList<T>[n]: one child buffer with every element in row order, NULL
 * rows keeping their n zero slots. Without a known dimension, List<T>.
 */
function vectorColumn(v: ArrayLike<unknown>, col: ColumnVector, def: ColumnDefinition, length: number): Vector {
  const elementType = def.vectorElementType || def.typeCode % 1000;
  const spec = VECTOR_ELEMENTS[elementType];
  if (!spec) throw new DataError(`column '${col.name}': unknown vector element type ${elementType}`);
  const [childType, Typed] = spec;
  let dim = def.vectorDimension;
  if (!dim) for (let i = 0; i < length && !dim; i++) if (v[i]) dim = (v[i] as ArrayLike<unknown>).length;
  const field = new Field('item', childType(), false);
  if (!dim)
    return vectorFromArray(
      Array.from(v, (x) => (x === null ? null : Array.from(x as ArrayLike<unknown>))),
      new List(field),
    );
  const values = new Typed(length * dim);
  for (let i = 0; i < length; i++) {
    const x = v[i] as ArrayLike<unknown> | null;
    if (x === null) continue;
    if (x.length !== dim) throw new DataError(`column '${col.name}': a vector of ${x.length} elements in a VECTOR(${dim}) column`);
    values.set(x, i * dim);
  }
  const child = makeData({ type: childType(), length: length * dim, data: values } as never);
  return makeVector(makeData({ type: new FixedSizeList(dim, field), length, child, ...validity(col.nulls, length) } as never));
}

/** `zone`: where DATE values were decoded (see `DateZone`). */
export function toVector(col: ColumnVector, def: ColumnDefinition, length: number, zone?: DateZone): Vector {
  const v = col.values;
  switch (col.type) {
    case 'int8':
      return fixed(new Int8(), v, col, length);
    case 'uint8':
      return fixed(new Uint8(), v, col, length);
    case 'int16':
      return fixed(new Int16(), v, col, length);
    case 'uint16':
      return fixed(new Uint16(), v, col, length);
    case 'int32':
      return fixed(new Int32(), v, col, length);
    case 'uint32':
      return fixed(new Uint32(), v, col, length);
    case 'int64':
      return fixed(new Int64(), v, col, length);
    case 'uint64':
      return fixed(new Uint64(), v, col, length);
    case 'float32':
      return fixed(new Float32(), v, col, length);
    case 'float64':
      return fixed(new Float64(), v, col, length);
    case 'decimal': {
      const precision = decimalPrecision(def);
      // decimal128 holds 38 digits: wider columns stay exact as text rather than wrapping.
      if (precision < 1 || precision > 38) return textVector(v);
      return fixed(new Decimal(def.decimals, precision, 128), decimalWords(v, def.decimals, col.name), col, length);
    }
    case 'datetime': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        if (typeof v[i] === 'string')
          throw new DataError(
            `column '${col.name}': '${String(v[i])}' is not a valid datetime for an Arrow column; read it with dateStrings or the 'columns' format`,
          );
        if (v[i] !== null) data[i] = microseconds(v[i]);
      }
      return fixed(new TimestampMicrosecond(), data, col, length);
    }
    case 'time': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const x = v[i];
        if (x === null) continue;
        // Anything but a SqlTime (text the row decoders could not read) has no duration to give.
        if (!(x instanceof SqlTime))
          throw new DataError(`column '${col.name}': '${String(x)}' is not a valid time for an Arrow column; read it with dateStrings or the 'columns' format`);
        data[i] = BigInt(x.totalMicroseconds);
      }
      return fixed(new DurationMicrosecond(), data, col, length);
    }
    case 'date': {
      const data = new Int32Array(length);
      let nulls = col.nulls;
      for (let i = 0; i < length; i++) {
        if (nulls?.[i]) continue;
        const day = epochDayOf(v[i], col.name, zone);
        if (day === null) {
          nulls ??= new Uint8Array(length);
          nulls[i] = 1;
        } else data[i] = day;
      }
      return fixed(new DateDay(), data, { ...col, nulls }, length);
    }
    case 'binary':
      return vectorFromArray(
        Array.from(v, (x) => (x === null ? null : (x as Uint8Array))),
        new Binary(),
      );
    case 'null':
      return makeVector(makeData({ type: new Null(), length }));
    case 'vector':
      return vectorColumn(v, col, def, length);
    case 'json':
      return vectorFromArray(
        Array.from(v, (x) =>
          x === null ? null : typeof x === 'string' ? x : JSON.stringify(x, (_k, y: unknown) => (typeof y === 'bigint' ? y.toString() : y)),
        ),
        new Utf8(),
      );
    default:
      return textVector(v);
  }
}

const TEMPORAL = new Set(['date', 'datetime', 'time']);

/**
 * An Apache Arrow Table for decoded rows, with lossless types: exact-width integers (int64 /
 * uint64 as BigInt), decimal128(precision, scale), timestamp[us], duration[us], date32[day],
 * utf8, binary. `options`, the settings the rows were decoded with, give the layout a frame
 * decoded from packets would have: temporal columns are text under `dateStrings`, and DATE
 * values are read in their `timezone`. BIGINT and DECIMAL values are kept as exact as the
 * rows hold them (int64 'bigint' and decimal 'string' lose nothing).
 */
export function rowsToArrow(columns: readonly ColumnDefinition[], rows: readonly unknown[][], options?: DecodeOptions): Table {
  const frame = rowsToColumns(columns, rows);
  const plans = options ? planColumns(columns, options, 'arrow') : null;
  const zone = options && !options.dateStrings ? parseTimezone(options.timezone) : undefined;
  const vectors: Record<string, Vector> = {};
  frame.columns.forEach((col, i) => {
    const asText = plans?.[i].kind === 'utf8' && TEMPORAL.has(col.type);
    vectors[col.name] = asText ? textVector(col.values) : toVector(col, columns[i], frame.length, zone);
  });
  return new Table(vectors);
}
