import { INTEGER_RANGES } from './rowdat1.js';
import { DataError, ParameterError, SqlDateTime, SqlTime } from '@s2/base';
import {
  Binary,
  type Data,
  DataType,
  DateDay,
  DurationMicrosecond,
  Field,
  Float64,
  Int64,
  makeData,
  makeVector,
  RecordBatch,
  RecordBatchFileReader,
  RecordBatchReader,
  Schema,
  Struct,
  Table,
  tableToIPC,
  TimestampMicrosecond,
  TimeUnit,
  Uint64,
  Utf8,
} from 'apache-arrow';
import type { Vector } from '../definition/vectors.js';
import type { Rowdat1Batch } from './rowdat1.js';
import { packDate, packDatetime, packTime, unpackDate, unpackDatetime, unpackTime } from './temporal.js';

/**
 * The Arrow wire format of external functions (udf.md §8): an Arrow IPC *file* whose column 0
 * holds the int64 row ids and columns 1…n the arguments; answers carry `__index__` and `col0`…
 *
 * Requests are read by what the file says (the Python SDK infers its column types from the
 * values), then converted to the same JavaScript values as the ROWDAT_1 codec per declared wire
 * code. Answers are typed by the declared return types, never inferred, so the schema does not
 * change with the data.
 */
export interface ArrowColumnsBatch {
  rowIds: bigint[];
  /** One vector per argument, in the shape `toColumns` gives vectorized functions. */
  columns: Vector[];
}

type Target = 'int' | 'bigint' | 'float' | 'decimal' | 'text' | 'binary' | 'datetime' | 'date' | 'time';
const TEXT = new Set([15, 245, 247, 248, 249, 250, 251, 252, 253, 254, 255]);
const INTS = new Set([1, 2, 3, 9, 13]);

function target(code: number): Target {
  if (code === 8 || code === -8) return 'bigint';
  if (INTS.has(code) || INTS.has(-code)) return 'int';
  if (code === 4 || code === 5) return 'float';
  if (code === 0 || code === 246) return 'decimal';
  if (TEXT.has(code)) return 'text';
  if (TEXT.has(-code)) return 'binary';
  if (code === 12 || code === 7) return 'datetime';
  if (code === 10 || code === 14) return 'date';
  if (code === 11) return 'time';
  throw new DataError(`unrecognized column type code: ${code}`);
}

// ---------------------------------------------------------------------------------------------
// Decoding

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

/**
 * arrow-js trusts the flatbuffer metadata: a vector length of 2^31 in a record batch makes it
 * build 2^31 objects and the process dies out of memory. This walk bounds-checks every offset
 * and vector the reader will follow, and charges each element to a budget proportional to the
 * file size (shared or overlapping tables cannot multiply the work), before arrow-js sees it.
 */
class Flat {
  private readonly view: DataView;

  constructor(
    bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
    private readonly budget: { left: number },
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private bad(what: string): never {
    throw new DataError(`corrupt Arrow IPC metadata: ${what}`);
  }

  charge(n: number): void {
    if ((this.budget.left -= n) < 0) this.bad('more metadata than the file can hold');
  }

  private at(p: number, width: number): number {
    if (!(p >= this.start && p + width <= this.end)) this.bad(`offset ${p} outside ${this.start}..${this.end}`);
    return p;
  }

  u8(p: number): number {
    return this.view.getUint8(this.at(p, 1));
  }
  u16(p: number): number {
    return this.view.getUint16(this.at(p, 2), true);
  }
  i32(p: number): number {
    return this.view.getInt32(this.at(p, 4), true);
  }
  i64(p: number): bigint {
    return this.view.getBigInt64(this.at(p, 8), true);
  }

  root(): number {
    return this.table(this.start + this.view.getUint32(this.at(this.start, 4), true));
  }

  /** Checks a table and its vtable; returns the table position. */
  table(t: number): number {
    this.charge(1);
    const vt = t - this.i32(t);
    const size = this.u16(vt);
    if (size < 4 || size % 2) this.bad(`vtable of size ${size}`);
    this.at(vt, size);
    return t;
  }

  /** Absolute position of a field, or 0 when the table does not have it. */
  field(t: number, slot: number): number {
    const vt = t - this.i32(t);
    if (4 + 2 * slot >= this.u16(vt)) return 0;
    const off = this.u16(vt + 4 + 2 * slot);
    return off ? this.at(t + off, 1) : 0;
  }

  /** The table a field points to, or 0. */
  ref(t: number, slot: number): number {
    const f = this.field(t, slot);
    return f ? this.table(f + this.view.getUint32(this.at(f, 4), true)) : 0;
  }

  /** Start and length of a vector field of `width`-byte elements (length 0 when absent). */
  vector(t: number, slot: number, width: number): { first: number; length: number } {
    const f = this.field(t, slot);
    if (!f) return { first: 0, length: 0 };
    const v = f + this.view.getUint32(this.at(f, 4), true);
    const length = this.view.getUint32(this.at(v, 4), true);
    if (length * width > this.end - (v + 4)) this.bad(`vector of ${length} elements runs past its buffer`);
    this.charge(length);
    return { first: v + 4, length };
  }

  /** Each table of a vector of tables. */
  tables(t: number, slot: number): number[] {
    const { first, length } = this.vector(t, slot, 4);
    return Array.from({ length }, (_, i) => this.table(first + 4 * i + this.view.getUint32(first + 4 * i, true)));
  }
}

const UNION_TYPE = 14;
const HEADER = { schema: 1, dictionary: 2, recordBatch: 3 } as const;

function checkKeyValues(fb: Flat, t: number, slot: number): void {
  for (const kv of fb.tables(t, slot)) {
    fb.vector(kv, 0, 1);
    fb.vector(kv, 1, 1);
  }
}

function checkField(fb: Flat, t: number, depth: number): void {
  if (depth > 64) throw new DataError('corrupt Arrow IPC metadata: fields nested more than 64 deep');
  fb.vector(t, 0, 1);
  const type = fb.ref(t, 3);
  const typeTag = fb.field(t, 2);
  if (type && typeTag && fb.u8(typeTag) === UNION_TYPE) fb.vector(type, 1, 4);
  const dictionary = fb.ref(t, 4);
  if (dictionary) fb.ref(dictionary, 1);
  for (const child of fb.tables(t, 5)) checkField(fb, child, depth + 1);
  checkKeyValues(fb, t, 6);
}

function checkSchema(fb: Flat, t: number): void {
  for (const field of fb.tables(t, 1)) checkField(fb, field, 0);
  checkKeyValues(fb, t, 2);
  fb.vector(t, 3, 8);
}

function checkRecordBatch(fb: Flat, t: number, size: number): void {
  const lengthAt = fb.field(t, 0);
  // Rows need their row ids in the body, so no honest batch is longer than the file; arrow-js
  // allocates validity bitmaps from this length.
  if (lengthAt && (fb.i64(lengthAt) < 0n || fb.i64(lengthAt) > BigInt(size)))
    throw new DataError(`corrupt Arrow IPC metadata: record batch of ${fb.i64(lengthAt)} rows in a ${size}-byte file`);
  const nodes = fb.vector(t, 1, 16);
  for (let i = 0; i < nodes.length; i++) {
    const length = fb.i64(nodes.first + 16 * i);
    if (length < 0n || length > 8n * BigInt(size)) throw new DataError(`corrupt Arrow IPC metadata: column of ${length} values in a ${size}-byte file`);
  }
  fb.vector(t, 2, 16);
  if (fb.field(t, 3)) fb.ref(t, 3);
  fb.vector(t, 4, 8);
}

function checkMessage(body: Uint8Array, offset: bigint, expected: number, budget: { left: number }): void {
  const size = body.byteLength;
  const outer = new Flat(body, 8, size - 10, budget);
  if (offset < 8n || offset > BigInt(size)) throw new DataError(`corrupt Arrow IPC metadata: message offset ${offset} outside the file`);
  let pos = Number(offset);
  let length = outer.i32(pos);
  if (length === -1) length = outer.i32((pos += 4));
  pos += 4;
  if (length <= 0 || pos + length > size - 10) throw new DataError(`corrupt Arrow IPC metadata: message of ${length} bytes at ${pos}`);
  const fb = new Flat(body, pos, pos + length, budget);
  const message = fb.root();
  const tag = fb.field(message, 1);
  if (!tag || fb.u8(tag) !== expected) throw new DataError(`corrupt Arrow IPC metadata: the block at ${offset} does not hold the expected message`);
  const header = fb.ref(message, 2);
  if (!header) throw new DataError(`corrupt Arrow IPC metadata: message at ${offset} has no header`);
  const bodyLength = fb.field(message, 3);
  if (bodyLength && (fb.i64(bodyLength) < 0n || fb.i64(bodyLength) > BigInt(size)))
    throw new DataError('corrupt Arrow IPC metadata: message body longer than the file');
  checkKeyValues(fb, message, 4);
  if (expected === HEADER.recordBatch) checkRecordBatch(fb, header, size);
  else {
    const data = fb.ref(header, 1);
    if (data) checkRecordBatch(fb, data, size);
  }
}

/** Walks the footer and every message it points to; throws DataError on anything out of bounds. */
function checkFile(body: Uint8Array): void {
  const size = body.byteLength;
  const budget = { left: size / 2 + 64 };
  const footerLength = new DataView(body.buffer, body.byteOffset, size).getInt32(size - 10, true);
  const footerStart = size - 10 - footerLength;
  if (footerLength <= 0 || footerStart < 8) throw new DataError(`corrupt Arrow IPC file: footer of ${footerLength} bytes in a ${size}-byte file`);
  const fb = new Flat(body, footerStart, size - 10, budget);
  const footer = fb.root();
  const schema = fb.ref(footer, 1);
  if (!schema) throw new DataError('corrupt Arrow IPC file: the footer has no schema');
  checkSchema(fb, schema);
  checkKeyValues(fb, footer, 4);
  for (const [slot, expected] of [
    [2, HEADER.dictionary],
    [3, HEADER.recordBatch],
  ] as const) {
    const blocks = fb.vector(footer, slot, 24);
    for (let i = 0; i < blocks.length; i++) checkMessage(body, fb.i64(blocks.first + 24 * i), expected, budget);
  }
}

function readTable(body: Uint8Array): Table | null {
  // The SingleStoreDB Python SDK (singlestoredb 1.18.1) answers zero rows with an empty body;
  // accept the same from a client.
  if (body.byteLength === 0) return null;
  const magicAt = (at: number) => MAGIC.every((b, i) => body[at + i] === b);
  // arrow-js also reads the stream format; insisting on the file magic turns a wrong
  // content type or a truncated upload into a clear message instead of a confusing parse.
  if (body.byteLength < 12 || !magicAt(0) || !magicAt(body.byteLength - 6)) {
    throw new DataError('request body is not an Arrow IPC file (ARROW1 magic missing at the start or end)');
  }
  checkFile(body);
  try {
    const reader = RecordBatchReader.from(body);
    if (!(reader instanceof RecordBatchFileReader)) throw new DataError('not an Arrow IPC file');
    reader.open();
    // Batch by batch through the footer rather than tableFromIPC: its reader loops forever when a
    // footer block points at a schema or dictionary message, here that is a clear error.
    const batches: RecordBatch[] = [];
    for (let i = 0; i < reader.numRecordBatches; i++) {
      const batch = reader.readRecordBatch(i);
      if (!batch) throw new DataError(`record batch ${i} of the Arrow IPC file cannot be read`);
      batches.push(batch);
    }
    return new Table(reader.schema, batches);
  } catch (cause) {
    if (cause instanceof DataError) throw cause;
    throw new DataError(`malformed Arrow IPC file: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** Unscaled decimal value from the little-endian two's-complement 32-bit words arrow-js keeps. */
function wordsToBigInt(words: Uint32Array): bigint {
  let v = 0n;
  for (let k = words.length - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[k]);
  const bits = BigInt(words.length * 32);
  return v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
}

function decimalText(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const MICROS_PER: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1000n,
  [TimeUnit.MICROSECOND]: 1n,
  [TimeUnit.NANOSECOND]: 1n,
};

/** Arrow units to microseconds; nanoseconds are truncated toward negative infinity (SQL keeps 6 digits). */
function toMicros(raw: bigint | number, unit: TimeUnit): bigint {
  const v = BigInt(raw);
  if (unit !== TimeUnit.NANOSECOND) return v * MICROS_PER[unit];
  const q = v / 1000n;
  return v < 0n && q * 1000n !== v ? q - 1n : q;
}

function datetimeFromMicros(micros: bigint): SqlDateTime {
  let seconds = micros / 1_000_000n;
  let us = micros - seconds * 1_000_000n;
  if (us < 0n) {
    seconds -= 1n;
    us += 1_000_000n;
  }
  const ms = Number(seconds) * 1000 + Math.floor(Number(us) / 1000);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new DataError(`timestamp ${micros} µs is out of range`);
  const fields = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  return new SqlDateTime(ms, Number(us), fields, us ? 6 : 0);
}

/** What one Arrow value is before conversion to the declared type. */
type Raw = bigint | number | boolean | string | Uint8Array | { decimal: string } | { micros: bigint; as: 'timestamp' | 'time' } | Date;
type Reader = (data: Data, i: number) => Raw | undefined;

/** Picks how to read a column's values, by Arrow type; exact raw buffers where `get` would round. */
function reader(type: DataType): Reader | null {
  if (
    DataType.isInt(type) ||
    DataType.isFloat(type) ||
    DataType.isBool(type) ||
    DataType.isUtf8(type) ||
    DataType.isLargeUtf8(type) ||
    DataType.isBinary(type) ||
    DataType.isLargeBinary(type) ||
    DataType.isFixedSizeBinary(type) ||
    DataType.isUtf8View(type) ||
    DataType.isBinaryView(type)
  ) {
    return (data, i) => makeVector(data).get(i) as Raw | undefined;
  }
  if (DataType.isDictionary(type)) {
    // Dictionaries decode through `get`, exact only for these value types.
    const value = type.dictionary;
    if (
      DataType.isInt(value) ||
      DataType.isFloat(value) ||
      DataType.isUtf8(value) ||
      DataType.isLargeUtf8(value) ||
      DataType.isBinary(value) ||
      DataType.isLargeBinary(value)
    ) {
      return (data, i) => makeVector(data).get(i) as Raw | undefined;
    }
    return null;
  }
  if (DataType.isDecimal(type)) {
    const { scale } = type;
    return (data, i) => {
      const stride = data.stride;
      const words = data.values.subarray(stride * i, stride * (i + 1));
      return words.length === stride ? { decimal: decimalText(wordsToBigInt(words), scale) } : undefined;
    };
  }
  if (DataType.isTimestamp(type)) {
    const unit = type.unit;
    return (data, i) => (i < data.values.length ? { micros: toMicros(data.values[i], unit), as: 'timestamp' } : undefined);
  }
  if (DataType.isTime(type) || DataType.isDuration(type)) {
    const unit = type.unit;
    return (data, i) => (i < data.values.length ? { micros: toMicros(data.values[i], unit), as: 'time' } : undefined);
  }
  if (DataType.isDate(type)) {
    return (data, i) => {
      const ms = makeVector(data).get(i) as number | undefined;
      return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms) : undefined;
    };
  }
  return null;
}

/** Converts one value to the JavaScript type the function expects for the wire code. */
function convert(raw: Raw, to: Target, what: string): unknown {
  const fail = (expected: string): never => {
    throw new DataError(`${what}: ${describe(raw)} cannot be read as ${expected}`);
  };
  switch (to) {
    case 'bigint':
    case 'int': {
      let big: bigint;
      if (typeof raw === 'bigint') big = raw;
      else if (typeof raw === 'number' && Number.isInteger(raw)) big = BigInt(raw);
      else if (typeof raw === 'boolean') big = raw ? 1n : 0n;
      else if (typeof raw === 'object' && 'decimal' in raw && /^-?\d+(\.0*)?$/.test(raw.decimal)) big = BigInt(raw.decimal.split('.')[0]);
      else return fail('an integer');
      return to === 'bigint' ? big : Number(big);
    }
    case 'float':
      if (typeof raw === 'number') return raw;
      if (typeof raw === 'bigint') return Number(raw);
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      if (typeof raw === 'object' && 'decimal' in raw) return Number(raw.decimal);
      return fail('a floating-point number');
    case 'decimal':
      if (typeof raw === 'object' && 'decimal' in raw) return raw.decimal;
      if (typeof raw === 'bigint' || typeof raw === 'number') return String(raw);
      if (typeof raw === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw.trim())) return raw.trim();
      return fail('DECIMAL');
    case 'text':
      return typeof raw === 'string' ? raw : fail('text');
    case 'binary':
      return raw instanceof Uint8Array ? raw.slice() : fail('binary');
    case 'datetime':
      if (raw instanceof Date) return unpackDatetime(packDatetime(raw));
      if (typeof raw === 'object' && 'micros' in raw && raw.as === 'timestamp') return datetimeFromMicros(raw.micros);
      if (typeof raw === 'string') {
        try {
          return unpackDatetime(packDatetime(raw.replace('T', ' ')));
        } catch {
          return fail('DATETIME');
        }
      }
      return fail('DATETIME');
    case 'date':
      if (raw instanceof Date) return unpackDate(packDate(raw));
      if (typeof raw === 'string') {
        try {
          return unpackDate(packDate(raw));
        } catch {
          return fail('DATE');
        }
      }
      return fail('DATE');
    case 'time':
      if (typeof raw === 'object' && 'micros' in raw && raw.as === 'time') {
        // SQL TIME spans ±838:59:59; anything past what SqlTime's three hour digits can show is corrupt.
        const magnitude = raw.micros < 0n ? -raw.micros : raw.micros;
        if (magnitude >= 1000n * 3600n * 1_000_000n) return fail('TIME (beyond ±999 hours)');
        return SqlTime.fromMicroseconds(Number(raw.micros));
      }
      if (typeof raw === 'string') return SqlTime.parse(raw) ?? fail('TIME');
      return fail('TIME');
  }
}

/**
 * Values of an Arrow vector a function returned, in the forms the encoders take (NULL as null),
 * for the types whose `toArray()` would hand them raw numbers: date32/date64 as `Date`,
 * timestamps as `SqlDateTime` (microseconds kept), time64/duration as `SqlTime`, decimals as
 * their exact text. Null for every other type: `toArray()` already gives encodable values.
 */
export function convertedArrowValues(vector: { readonly type: DataType; readonly length: number; readonly data: readonly Data[] }): unknown[] | null {
  const { type } = vector;
  if (!(DataType.isDate(type) || DataType.isTimestamp(type) || DataType.isTime(type) || DataType.isDuration(type) || DataType.isDecimal(type))) return null;
  return eachValue(vector.data, vector.length, reader(type)!, (raw, r) => {
    if (raw === undefined || raw === null) throw new ParameterError(`result value ${r} lies outside its Arrow buffer`);
    return natural(raw);
  });
}

/** `make` applied to each valid value of the chunks, NULL as null: `length` values in all. */
function eachValue(chunks: readonly Data[], length: number, read: Reader, make: (raw: Raw | undefined | null, row: number) => unknown): unknown[] {
  const out = new Array<unknown>(length);
  let r = 0;
  for (const data of chunks) {
    for (let i = 0; i < data.length; i++, r++) out[r] = data.getValid(i) ? make(read(data, i), r) : null;
  }
  return out;
}

/** A raw temporal or decimal Arrow value as the JavaScript value the codecs use for it. */
function natural(raw: Raw): unknown {
  if (typeof raw !== 'object' || raw instanceof Date || raw instanceof Uint8Array) return raw;
  if ('decimal' in raw) return raw.decimal;
  return raw.as === 'timestamp' ? datetimeFromMicros(raw.micros) : SqlTime.fromMicroseconds(Number(raw.micros));
}

function describe(raw: Raw): string {
  if (raw instanceof Uint8Array) return `${raw.length} bytes`;
  if (raw instanceof Date) return 'a date';
  if (typeof raw === 'object') return 'decimal' in raw ? `decimal ${raw.decimal}` : `a ${raw.as} value`;
  return `${typeof raw} ${JSON.stringify(typeof raw === 'bigint' ? String(raw) : raw)}`;
}

/** Reads one Arrow column to converted values (null for NULL), checking its length. */
function readColumn(table: Table, index: number, to: Target, what: string): unknown[] {
  const vector = table.getChildAt(index);
  const type = table.schema.fields[index].type;
  const n = table.numRows;
  if (!vector || vector.length !== n) throw new DataError(`${what} has ${vector?.length ?? 0} values for ${n} rows`);
  if (DataType.isNull(type)) return new Array<unknown>(n).fill(null);
  const read = reader(type);
  if (!read) throw new DataError(`${what}: Arrow type ${String(type)} is not supported`);
  return eachValue(vector.data, n, read, (raw, r) => {
    // A file whose buffers are shorter than its lengths claim reads as undefined, not a crash.
    if (raw === undefined || raw === null) throw new DataError(`${what}: value ${r} lies outside its buffer (truncated or corrupt file)`);
    return convert(raw, to, `${what} row ${r}`);
  });
}

function readBatch(types: readonly number[], body: Uint8Array): { rowIds: bigint[]; values: unknown[][] } {
  const targets = types.map(target);
  const table = readTable(body);
  if (!table) return { rowIds: [], values: targets.map(() => []) };
  const fields = table.schema.fields;
  if (fields.length !== types.length + 1) {
    throw new DataError(`Arrow request has ${fields.length} column(s); expected the row ids and ${types.length} argument(s)`);
  }
  try {
    if (!DataType.isInt(fields[0].type)) throw new DataError(`column 0 (row ids) must be an integer column, not ${String(fields[0].type)}`);
    const rowIds = readColumn(table, 0, 'bigint', 'column 0 (row ids)').map((id, r) => {
      if (id === null) throw new DataError(`row ${r} has a NULL row id`);
      return id as bigint;
    });
    return { rowIds, values: targets.map((to, c) => readColumn(table, c + 1, to, `column ${c + 1}`)) };
  } catch (err) {
    if (err instanceof DataError) throw err;
    // Anything arrow-js throws on a corrupt file is still the client's input.
    throw new DataError(`malformed Arrow IPC file: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

/** Reads a request into rows, the shape the ROWDAT_1 and JSON decoders give scalar functions. */
export function decodeArrow(types: readonly number[], body: Uint8Array): Rowdat1Batch {
  const { rowIds, values } = readBatch(types, body);
  const rows = rowIds.map((_, r) => values.map((col) => col[r]));
  return { rowIds, rows };
}

/** Reads a request straight into argument vectors for vectorized functions (no row arrays). */
export function decodeArrowColumns(types: readonly number[], body: Uint8Array): ArrowColumnsBatch {
  const { rowIds, values } = readBatch(types, body);
  const columns = values.map((col, c): Vector => {
    let nulls: Uint8Array | null = null;
    col.forEach((v, r) => {
      if (v === null) (nulls ??= new Uint8Array(col.length))[r] = 1;
    });
    const code = types[c];
    if (code !== 8 && code !== -8 && code !== 5) return { values: col, nulls };
    // Same fill values as toColumns (udf.md §6.7): 0 under NULL integers, NaN under NULL floats.
    const typed = code === 8 ? new BigInt64Array(col.length) : code === -8 ? new BigUint64Array(col.length) : new Float64Array(col.length);
    col.forEach((v, r) => {
      if (v !== null) typed[r] = v as never;
      else if (code === 5) typed[r] = NaN;
    });
    return { values: typed, nulls };
  });
  return { rowIds, columns };
}

// ---------------------------------------------------------------------------------------------
// Encoding

const RANGES = INTEGER_RANGES;

function integer(v: unknown, code: number, what: string): bigint {
  let big: bigint;
  if (typeof v === 'bigint') big = v;
  else if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v);
  else if (typeof v === 'boolean') big = v ? 1n : 0n;
  else throw new ParameterError(`${what}: ${String(v)} is not an integer`);
  const range = RANGES[code];
  if (range && (big < range[0] || big > range[1])) throw new ParameterError(`${what}: value is outside the valid range for ${range[2]}`);
  return big;
}

function datetimeMicros(v: unknown): bigint {
  const dt = unpackDatetime(packDatetime(v));
  // getTime() holds whole seconds plus floor(µs / 1000) ms; rebuild from the seconds so no µs are lost.
  return BigInt(Math.floor(dt.getTime() / 1000)) * 1_000_000n + BigInt(dt.microsecond);
}

function dateDays(v: unknown): number {
  return Math.floor(unpackDate(packDate(v)).getTime() / 86_400_000);
}

function timeMicros(v: unknown): bigint {
  // packTime accepts the same inputs (SqlTime, text, milliseconds) and rejects the same junk as ROWDAT_1.
  return BigInt(unpackTime(packTime(v)).totalMicroseconds);
}

const encoder = new TextEncoder();

function arrowType(to: Target, code: number): DataType {
  switch (to) {
    case 'int':
    case 'bigint':
      return code < 0 ? new Uint64() : new Int64();
    case 'float':
      return new Float64();
    // DECIMAL travels as its exact text: decimal128 would need the declared precision and scale,
    // which the wire code does not carry, and text is what the other formats send too.
    case 'decimal':
    case 'text':
      return new Utf8();
    case 'binary':
      return new Binary();
    case 'datetime':
      return new TimestampMicrosecond();
    case 'date':
      return new DateDay();
    case 'time':
      return new DurationMicrosecond();
  }
}

/** One Arrow column of the declared wire type from JS values (null = NULL). */
export function arrowColumn(values: readonly unknown[], code: number, what: string): Data {
  return column(values, target(code), code, what);
}

function column(values: readonly unknown[], to: Target, code: number, what: string): Data {
  const n = values.length;
  const type = arrowType(to, code);
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  const valid = values.map((v, r) => {
    if (v === null || v === undefined) {
      nullCount++;
      return false;
    }
    nullBitmap[r >> 3] |= 1 << (r & 7);
    return true;
  });
  const at = (r: number) => `${what} row ${r}`;
  if (to === 'text' || to === 'decimal' || to === 'binary') {
    const parts = values.map((v, r): Uint8Array => {
      if (!valid[r]) return new Uint8Array(0);
      if (to === 'binary') {
        if (!(v instanceof Uint8Array)) throw new ParameterError(`${at(r)} is binary: expected a Uint8Array, got ${typeof v}`);
        return v;
      }
      if (to === 'decimal') {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint')
          throw new ParameterError(`${at(r)} is DECIMAL: expected a string, number or bigint, got ${typeof v}`);
        return encoder.encode(String(v));
      }
      if (typeof v !== 'string') throw new ParameterError(`${at(r)} is text: expected a string, got ${typeof v}`);
      if (!v.isWellFormed()) throw new ParameterError(`${at(r)}: string with a lone surrogate cannot be encoded as UTF-8`);
      return encoder.encode(v);
    });
    const valueOffsets = new Int32Array(n + 1);
    let total = 0;
    parts.forEach((p, r) => {
      total += p.length;
      if (total > 0x7fffffff) throw new ParameterError(`${what} holds more than 2 GiB, beyond an Arrow utf8/binary column`);
      valueOffsets[r + 1] = total;
    });
    const data = new Uint8Array(total);
    parts.forEach((p, r) => data.set(p, valueOffsets[r]));
    return to === 'binary'
      ? makeData({ type: type as Binary, length: n, nullCount, nullBitmap, valueOffsets, data })
      : makeData({ type: type as Utf8, length: n, nullCount, nullBitmap, valueOffsets, data });
  }
  if (to === 'float') {
    const data = new Float64Array(n);
    values.forEach((v, r) => {
      if (!valid[r]) return;
      if (typeof v !== 'number' && typeof v !== 'bigint') throw new ParameterError(`${at(r)}: ${String(v)} is not a number`);
      data[r] = Number(v);
    });
    return makeData({ type: type as Float64, length: n, nullCount, nullBitmap, data });
  }
  if (to === 'date') {
    const data = new Int32Array(n);
    values.forEach((v, r) => {
      if (valid[r]) data[r] = dateDays(v);
    });
    return makeData({ type: type as DateDay, length: n, nullCount, nullBitmap, data });
  }
  const data = code < 0 && (to === 'int' || to === 'bigint') ? new BigUint64Array(n) : new BigInt64Array(n);
  values.forEach((v, r) => {
    if (!valid[r]) return;
    data[r] = to === 'datetime' ? datetimeMicros(v) : to === 'time' ? timeMicros(v) : integer(v, code, at(r));
  });
  return makeData({ type: type as Int64, length: n, nullCount, nullBitmap, data: data as BigInt64Array });
}

/**
 * Writes a response (or, for tests and clients, a request) as an Arrow IPC file: `__index__`
 * (int64 row ids), then `col0`, `col1`… typed by the declared wire codes. Zero rows give a
 * valid file holding only the schema, where the Python SDK sends an empty body.
 */
export function encodeArrow(types: readonly number[], rowIds: readonly (number | bigint)[], rows: readonly (readonly unknown[])[]): Uint8Array {
  if (rowIds.length !== rows.length) throw new ParameterError(`${rowIds.length} row ids for ${rows.length} rows`);
  rows.forEach((row, r) => {
    if (row.length !== types.length) throw new ParameterError(`row ${r} has ${row.length} values for ${types.length} columns`);
  });
  const targets = types.map((code) => {
    try {
      return target(code);
    } catch (err) {
      throw new ParameterError((err as Error).message);
    }
  });
  const n = rows.length;
  const ids = makeData({ type: new Int64(), length: n, nullCount: 0, data: BigInt64Array.from(rowIds, (id) => BigInt(id)) });
  const columns = targets.map((to, c) =>
    column(
      rows.map((row) => row[c]),
      to,
      types[c],
      `column ${c}`,
    ),
  );
  const fields = [new Field('__index__', new Int64(), false), ...columns.map((data, c) => new Field(`col${c}`, data.type, true))];
  const schema = new Schema(fields);
  const batches = n === 0 ? [] : [new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [ids, ...columns] }))];
  return tableToIPC(new Table(schema, batches), 'file');
}
