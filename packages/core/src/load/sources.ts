import { ParameterError, parseTimezone, SqlTime, type LiteralContext } from '@s2/base';
import type { LoadEncoder } from './encode.js';

/**
 * Everything `conn.load()` accepts, reduced to one shape: a sequence of row blocks, each able
 * to write its rows into the encoder. Arrays and Arrow record batches are written in place;
 * iterables are pulled a block at a time, so an async generator of a million rows never sits
 * in memory.
 */

/** An Apache Arrow `Table` (duck-typed: @s2/core does not depend on apache-arrow). */
export interface ArrowTableLike {
  readonly schema: { readonly fields: readonly ArrowFieldLike[] };
  readonly numRows: number;
  getChildAt(index: number): ArrowVectorLike | null;
  readonly batches?: readonly { readonly numRows: number; getChildAt(index: number): ArrowVectorLike | null }[];
}

export interface ArrowFieldLike {
  readonly name: string;
  readonly type: { readonly typeId: number; readonly unit?: number; readonly scale?: number; readonly bitWidth?: number; readonly timezone?: string | null };
}

export interface ArrowVectorLike {
  readonly length: number;
  readonly nullCount: number;
  get(index: number): unknown;
  isValid(index: number): boolean;
  readonly data?: readonly { readonly values?: unknown; readonly stride?: number }[];
}

/** A nodejs-polars `DataFrame` (duck-typed). */
export interface PolarsFrameLike {
  readonly columns: string[];
  readonly height: number;
  slice(offset: number, length: number): PolarsFrameLike;
  rows?(): unknown[][];
  toRecords(): Record<string, unknown>[];
  select?(...columns: string[]): PolarsFrameLike;
}

export type LoadRow = readonly unknown[] | Readonly<Record<string, unknown>>;

/** What `conn.load()` reads rows from. */
export type LoadSource = readonly LoadRow[] | Iterable<LoadRow> | AsyncIterable<LoadRow> | ArrowTableLike | PolarsFrameLike;

export interface RowBlock {
  readonly length: number;
  /** Writes row `i` of the block (including the end of line). */
  write(enc: LoadEncoder, i: number): void;
}

export interface PreparedSource {
  /** Column list of the statement; null: positional into every column of the table. */
  columns: string[] | null;
  blocks: AsyncIterator<RowBlock> | Iterator<RowBlock>;
}

const BLOCK_ROWS = 1024;
const POLARS_SLICE = 8192;

export function isArrowTable(x: unknown): x is ArrowTableLike {
  const t = x as ArrowTableLike;
  return !!t && typeof t === 'object' && Array.isArray(t.schema?.fields) && typeof t.numRows === 'number' && typeof t.getChildAt === 'function';
}

export function isPolarsFrame(x: unknown): x is PolarsFrameLike {
  const f = x as PolarsFrameLike;
  return (
    !!f &&
    typeof f === 'object' &&
    Array.isArray(f.columns) &&
    typeof f.height === 'number' &&
    typeof f.toRecords === 'function' &&
    typeof f.slice === 'function'
  );
}

function isObjectRow(row: unknown): row is Record<string, unknown> {
  return row !== null && typeof row === 'object' && !Array.isArray(row) && !ArrayBuffer.isView(row);
}

function badRow(row: unknown, n: number): ParameterError {
  const what = row === null ? 'null' : typeof row;
  return new ParameterError(`row ${n} is ${what}; rows must be arrays (positional) or plain objects (by column name)`);
}

/** Writers for rows that are arrays or objects; the shape is fixed by the first row. */
function rowWriter(first: unknown, columns: string[] | null): { columns: string[] | null; write: (enc: LoadEncoder, row: unknown) => void } {
  if (Array.isArray(first)) {
    const width = columns ? columns.length : first.length;
    return {
      columns,
      write: (enc, row) => {
        if (!Array.isArray(row))
          throw isObjectRow(row)
            ? new ParameterError(`row ${enc.rowsWritten + 1} is an object but the first row was an array; rows must all have one shape`)
            : badRow(row, enc.rowsWritten + 1);
        enc.row(row, width);
      },
    };
  }
  if (isObjectRow(first)) {
    const names = columns ?? Object.keys(first);
    if (names.length === 0) throw new ParameterError('the first row has no keys; pass options.columns');
    return { columns: names, write: (enc, row) => enc.objectRow(row as Record<string, unknown>, names) };
  }
  throw badRow(first, 1);
}

function* arrayBlocks(rows: readonly unknown[], write: (enc: LoadEncoder, row: unknown) => void): Generator<RowBlock> {
  for (let off = 0; off < rows.length; off += BLOCK_ROWS) {
    const base = off;
    yield { length: Math.min(BLOCK_ROWS, rows.length - off), write: (enc, i) => write(enc, rows[base + i]) };
  }
}

async function* iterableBlocks(
  first: unknown,
  it: AsyncIterator<unknown> | Iterator<unknown>,
  write: (enc: LoadEncoder, row: unknown) => void,
): AsyncGenerator<RowBlock> {
  let buf: unknown[] = [first];
  const block = (rows: unknown[]): RowBlock => ({ length: rows.length, write: (enc, i) => write(enc, rows[i]) });
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      buf.push(r.value);
      if (buf.length >= BLOCK_ROWS) {
        yield block(buf);
        buf = [];
      }
    }
    if (buf.length) yield block(buf);
  } finally {
    // Stopped early (error, abort): let the producer clean up.
    await it.return?.();
  }
}

// ---- Apache Arrow ------------------------------------------------------------------------

const enum ArrowType {
  Int = 2,
  Decimal = 7,
  Date = 8,
  Time = 9,
  Timestamp = 10,
  List = 12,
  Struct = 13,
  FixedSizeList = 16,
  Map = 17,
  Duration = 18,
  LargeList = 21,
}
const pad = (n: number | bigint, w = 2) => String(n).padStart(w, '0');
const MICROS_PER_UNIT = [1_000_000n, 1000n, 1n, 0n];

/** Microseconds (bigint) in a unit: SECOND 0, MILLISECOND 1, MICROSECOND 2, NANOSECOND 3. */
function toMicros(v: bigint | number, unit: number): bigint {
  const b = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  if (unit === 3) return b >= 0n ? b / 1000n : -((-b + 999n) / 1000n);
  return b * MICROS_PER_UNIT[unit];
}

/** 'YYYY-MM-DD HH:MM:SS.ffffff' of microseconds since the epoch, shifted by `offsetMinutes`. */
function formatMicros(us: bigint, offset: number | null): string {
  let ms = us / 1000n;
  let frac = us % 1000n;
  if (frac < 0n) {
    frac += 1000n;
    ms -= 1n;
  }
  let t = Number(ms);
  const off = offset ?? -new Date(t).getTimezoneOffset();
  t += off * 60_000;
  const d = new Date(t);
  const micro = d.getUTCMilliseconds() * 1000 + Number(frac);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(micro, 6)}`;
}

function formatDecimal(n: bigint, scale: number): string {
  if (scale <= 0) return scale === 0 ? n.toString() : `${n}${'0'.repeat(-scale)}`;
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Two's complement little-endian 32-bit words to a bigint. */
function wordsToBigInt(words: Uint32Array, start: number, count: number): bigint {
  let n = 0n;
  for (let k = count - 1; k >= 0; k--) n = (n << 32n) | BigInt(words[start + k]);
  const bits = BigInt(count * 32);
  return words[start + count - 1] & 0x8000_0000 ? n - (1n << bits) : n;
}

/** A function from row index to a value the encoder writes losslessly. */
function arrowGetter(field: ArrowFieldLike, vec: ArrowVectorLike, ctx: LiteralContext): (i: number) => unknown {
  const type = field.type;
  const single = vec.data && vec.data.length === 1 ? vec.data[0] : null;
  const get = (i: number) => vec.get(i);
  switch (type.typeId) {
    case ArrowType.Timestamp: {
      // Naive timestamps are wall-clock values (read as UTC); zoned ones are instants, written in the connection's zone.
      const offset = type.timezone ? parseTimezone(ctx.timezone ?? 'local') : 0;
      const unit = type.unit ?? 1;
      const raw = single?.values instanceof BigInt64Array ? single.values : null;
      if (raw) return (i) => formatMicros(toMicros(raw[i], unit), offset);
      return (i) => {
        const v = get(i) as number;
        return formatMicros(toMicros(v, 1), offset);
      };
    }
    case ArrowType.Date:
      return (i) => {
        const ms = get(i) as number;
        const d = new Date(ms);
        return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      };
    case ArrowType.Time:
    case ArrowType.Duration: {
      const unit = type.unit ?? 1;
      return (i) => SqlTime.fromMicroseconds(Number(toMicros(get(i) as number | bigint, unit))).toString();
    }
    case ArrowType.Decimal: {
      const scale = type.scale ?? 0;
      const words = single?.values instanceof Uint32Array ? single.values : null;
      const stride = single?.stride ?? (type.bitWidth ?? 128) / 32;
      if (words) return (i) => formatDecimal(wordsToBigInt(words, i * stride, stride), scale);
      return (i) => formatDecimal(BigInt(String(get(i))), scale);
    }
    case ArrowType.List:
    case ArrowType.LargeList:
    case ArrowType.FixedSizeList:
      return (i) => (get(i) as { toArray(): unknown }).toArray();
    case ArrowType.Struct:
    case ArrowType.Map:
      return (i) => (get(i) as { toJSON(): unknown }).toJSON();
    default:
      return get;
  }
}

function arrowBlock(
  fields: readonly ArrowFieldLike[],
  picked: number[],
  batch: { numRows: number; getChildAt(i: number): ArrowVectorLike | null },
  ctx: LiteralContext,
): RowBlock {
  const getters = picked.map((j) => {
    const vec = batch.getChildAt(j);
    if (!vec) throw new ParameterError(`Arrow column ${fields[j].name} has no data`);
    const g = arrowGetter(fields[j], vec, ctx);
    return vec.nullCount > 0 ? (i: number) => (vec.isValid(i) ? g(i) : null) : g;
  });
  const width = getters.length;
  return {
    length: batch.numRows,
    write(enc, i) {
      for (let j = 0; j < width; j++) {
        if (j) enc.separator();
        enc.value(getters[j](i));
      }
      enc.endRow();
    },
  };
}

function* arrowBlocks(table: ArrowTableLike, picked: number[], ctx: LiteralContext): Generator<RowBlock> {
  const fields = table.schema.fields;
  const batches = table.batches ?? [table];
  for (const b of batches) if (b.numRows > 0) yield arrowBlock(fields, picked, b, ctx);
}

function prepareArrow(table: ArrowTableLike, columns: string[] | undefined, ctx: LiteralContext): PreparedSource {
  const fields = table.schema.fields;
  const names = fields.map((f) => f.name);
  const picked = columns
    ? columns.map((c) => {
        const j = names.indexOf(c);
        if (j < 0) throw new ParameterError(`column '${c}' is not in the Arrow table (fields: ${names.join(', ')})`);
        return j;
      })
    : names.map((_, j) => j);
  return { columns: picked.map((j) => names[j]), blocks: arrowBlocks(table, picked, ctx) };
}

// ---- polars ------------------------------------------------------------------------------

function* polarsBlocks(df: PolarsFrameLike, names: string[]): Generator<RowBlock> {
  const width = names.length;
  for (let off = 0; off < df.height; off += POLARS_SLICE) {
    const part = df.slice(off, Math.min(POLARS_SLICE, df.height - off));
    if (typeof part.rows === 'function') {
      const rows = part.rows();
      yield { length: rows.length, write: (enc, i) => enc.row(rows[i], width) };
    } else {
      const recs = part.toRecords();
      yield { length: recs.length, write: (enc, i) => enc.objectRow(recs[i], names) };
    }
  }
}

function preparePolars(df: PolarsFrameLike, columns: string[] | undefined): PreparedSource {
  let frame = df;
  if (columns) {
    const missing = columns.filter((c) => !df.columns.includes(c));
    if (missing.length) throw new ParameterError(`column(s) ${missing.join(', ')} not in the DataFrame (columns: ${df.columns.join(', ')})`);
    if (typeof df.select !== 'function') throw new ParameterError('options.columns needs a DataFrame with select()');
    frame = df.select(...columns);
  }
  const names = [...frame.columns];
  return { columns: names, blocks: polarsBlocks(frame, names) };
}

// ---- entry point -------------------------------------------------------------------------

/** Reduces a source to row blocks; reads the first row of an iterable to learn the row shape. */
export async function prepareSource(source: LoadSource, columns: string[] | undefined, ctx: LiteralContext): Promise<PreparedSource | null> {
  if (source === null || typeof source !== 'object') {
    throw new ParameterError('load() source must be an array of rows, an (async) iterable of rows, an Arrow Table or a polars DataFrame');
  }
  if (isArrowTable(source)) return prepareArrow(source, columns, ctx);
  if (isPolarsFrame(source)) return preparePolars(source, columns);
  if (Array.isArray(source)) {
    if (source.length === 0) return null;
    const w = rowWriter(source[0], columns ?? null);
    return { columns: w.columns, blocks: arrayBlocks(source, w.write) };
  }
  const asyncIt = (source as AsyncIterable<unknown>)[Symbol.asyncIterator];
  const syncIt = (source as Iterable<unknown>)[Symbol.iterator];
  if (typeof asyncIt !== 'function' && typeof syncIt !== 'function') {
    throw new ParameterError('load() source must be an array of rows, an (async) iterable of rows, an Arrow Table or a polars DataFrame');
  }
  const it = typeof asyncIt === 'function' ? asyncIt.call(source) : syncIt.call(source);
  const first = await it.next();
  if (first.done) return null;
  let w: ReturnType<typeof rowWriter>;
  try {
    w = rowWriter(first.value, columns ?? null);
  } catch (err) {
    await it.return?.();
    throw err;
  }
  return { columns: w.columns, blocks: iterableBlocks(first.value, it, w.write) };
}
