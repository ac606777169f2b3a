import { DataError, ParameterError } from '@s2/base';
import {
  fromNativeError,
  loadNative,
  requireNative,
  typedView,
  type DecodePath,
  type NumericArray,
  type TypedArrayCtor,
  type NativeBinding,
  type NativeColumn,
  type NativeEncodeColumn,
} from '@s2/native';
import type { Vector } from '../definition/vectors.js';
import { decodeRowdat1, encodeRowdat1, type Rowdat1Batch } from './rowdat1.js';
import { allWide, decodeWide, encodeWide } from './rowdat1-fixed.js';
import { decimalText } from './decimal.js';
import { packDate, packDatetime, packTime, unpackDateChecked, unpackDatetimeChecked, unpackTime } from './temporal.js';

/**
 * ROWDAT_1 through the Rust codec, for vectorized functions: columns in, columns out, with no
 * row objects in between. The pure codec (rowdat1.ts) is the reference implementation: every
 * function here produces the same values and the same bytes, and falls back to it where the
 * native side has nothing to add (plain-array numeric results, whose per-value checks live in
 * TypeScript).
 */

type Typed = NumericArray;
type TypedCtor = TypedArrayCtor;

const TEMPORAL = new Set([10, 14, 11, 12, 7]);
const VIEWS: Record<number, TypedCtor> = {
  1: Int8Array,
  [-1]: Uint8Array,
  2: Int16Array,
  [-2]: Uint16Array,
  3: Int32Array,
  9: Int32Array,
  [-3]: Uint32Array,
  [-9]: Uint32Array,
  8: BigInt64Array,
  [-8]: BigUint64Array,
  4: Float32Array,
  5: Float64Array,
  13: Uint16Array,
  10: BigInt64Array,
  14: BigInt64Array,
  11: BigInt64Array,
  12: BigInt64Array,
  7: BigInt64Array,
};
const TEXT = new Set([15, 245, 247, 248, 249, 250, 251, 252, 253, 254, 255]);

/** The binding for a path: null means the pure codec. */
export function rowdat1Binding(path: DecodePath = 'auto'): NativeBinding | null {
  return path === 'pure' ? null : path === 'native' ? requireNative() : loadNative();
}

/** The body as a Buffer the addon takes, without a copy. */
function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function decodeNative(binding: NativeBinding, codes: readonly number[], body: Uint8Array) {
  try {
    return binding.rowdat1Decode(Int32Array.from(codes), asBuffer(body));
  } catch (err) {
    throw fromNativeError(err, 'payload');
  }
}

/** The values of one decoded column, as the pure codec would give them row by row. */
function columnValues(code: number, col: NativeColumn, n: number): ArrayLike<unknown> {
  const nulls = col.nulls;
  if (VIEWS[code]) {
    const typed = typedView(VIEWS[code], col.data);
    if (code === 8 || code === -8 || code === 5) {
      if (code === 5 && nulls) for (let r = 0; r < n; r++) if (nulls[r]) (typed as Float64Array)[r] = NaN;
      return typed;
    }
    const out = new Array<unknown>(n);
    const unpack = code === 10 || code === 14 ? unpackDateChecked : code === 11 ? unpackTime : TEMPORAL.has(code) ? unpackDatetimeChecked : null;
    for (let r = 0; r < n; r++) out[r] = nulls?.[r] ? null : unpack ? unpack(typed[r] as bigint) : typed[r];
    return out;
  }
  const offsets = col.offsets!;
  const data = col.data;
  const binary = !TEXT.has(code) && code !== 0 && code !== 246;
  const out = new Array<unknown>(n);
  if (!binary && col.ascii) {
    // One decode for the column, then slices: far cheaper than a decode call per value.
    const all = data.toString('latin1');
    for (let r = 0; r < n; r++) out[r] = nulls?.[r] ? null : all.substring(offsets[r], offsets[r + 1]);
    return out;
  }
  if (!binary && col.utf16Offsets) {
    // The codec checked the UTF-8 and counted UTF-16 positions: one decode, then slices.
    const all = data.toString('utf8');
    const at = col.utf16Offsets;
    for (let r = 0; r < n; r++) out[r] = nulls?.[r] ? null : all.substring(at[r], at[r + 1]);
    return out;
  }
  for (let r = 0; r < n; r++) {
    if (nulls?.[r]) out[r] = null;
    // Text was validated as UTF-8 by the codec; binary values are copies, like the pure codec's.
    else out[r] = binary ? new Uint8Array(data.subarray(offsets[r], offsets[r + 1])) : data.toString('utf8', offsets[r], offsets[r + 1]);
  }
  return out;
}

/** Argument columns of a request (udf.md §6.7): typed arrays for BIGINT and DOUBLE. */
export function decodeRowdat1Vectors(codes: readonly number[], body: Uint8Array, path: DecodePath = 'auto'): { rowIds: BigInt64Array; columns: Vector[] } {
  const binding = rowdat1Binding(path);
  if (!binding) return (allWide(codes) ? decodeWide(codes, body) : null) ?? vectorsFromRows(decodeRowdat1(codes, body), codes);
  const batch = decodeNative(binding, codes, body);
  return { rowIds: rowIdsOf(batch.rowIds), columns: vectorsOf(codes, batch.columns, batch.rows) };
}

function rowIdsOf(bytes: Buffer): BigInt64Array {
  return typedView(BigInt64Array as unknown as TypedCtor, bytes) as BigInt64Array;
}

/** Decoded native columns as the Vectors a vectorized function receives. */
function vectorsOf(codes: readonly number[], columns: readonly NativeColumn[], rows: number): Vector[] {
  return columns.map((col, c) => {
    const values = columnValues(codes[c], col, rows);
    // For non-typed columns the values already hold null in NULL slots.
    let nulls = col.nullCount ? new Uint8Array(col.nulls!.buffer, col.nulls!.byteOffset, rows) : null;
    // A zero DATE/DATETIME arrives with its NULL flag clear and unpacks to null: the mask has to
    // say so too, as the pure codec's does, or a function reading `values[i]` where the mask is 0
    // meets a null it was promised not to see.
    if (ZERO_IS_NULL.has(codes[c])) {
      for (let r = 0; r < rows; r++) {
        if (values[r] !== null || nulls?.[r]) continue;
        if (!nulls || nulls.buffer === col.nulls?.buffer) nulls = nulls ? Uint8Array.from(nulls) : new Uint8Array(rows);
        nulls[r] = 1;
      }
    }
    return { values, nulls };
  });
}

/** Temporal codes whose packed 0 (the zero date) unpacks to null. */
const ZERO_IS_NULL = new Set([10, 14, 12, 7]);

/** Rows of a request, as decodeRowdat1 returns them. */
export function decodeRowdat1Rows(codes: readonly number[], body: Uint8Array, path: DecodePath = 'auto'): Rowdat1Batch {
  const binding = rowdat1Binding(path);
  if (!binding) return decodeRowdat1(codes, body);
  const batch = decodeNative(binding, codes, body);
  const n = batch.rows;
  const ids = typedView(BigInt64Array as unknown as TypedCtor, batch.rowIds) as BigInt64Array;
  const cols = batch.columns.map((col, c) => columnValues(codes[c], col, n));
  const rows = new Array<unknown[]>(n);
  for (let r = 0; r < n; r++) {
    const row = new Array<unknown>(cols.length);
    for (let c = 0; c < cols.length; c++) {
      const v = cols[c][r];
      row[c] = batch.columns[c].nulls?.[r] ? null : v;
    }
    rows[r] = row;
  }
  return { rowIds: Array.from(ids), rows };
}

function vectorsFromRows(batch: Rowdat1Batch, codes: readonly number[]): { rowIds: BigInt64Array; columns: Vector[] } {
  const n = batch.rows.length;
  return {
    rowIds: BigInt64Array.from(batch.rowIds),
    columns: codes.map((code, c) => {
      let nulls: Uint8Array | null = null;
      const typed = code === 8 ? new BigInt64Array(n) : code === -8 ? new BigUint64Array(n) : code === 5 ? new Float64Array(n) : null;
      const values: unknown[] | Typed = typed ?? new Array<unknown>(n);
      for (let r = 0; r < n; r++) {
        const v = batch.rows[r][c];
        if (v === null) {
          nulls ??= new Uint8Array(n);
          nulls[r] = 1;
          if (code === 5) (typed as Float64Array)[r] = NaN;
          else if (!typed) (values as unknown[])[r] = null;
        } else (values as unknown[])[r] = v;
      }
      return { values, nulls };
    }),
  };
}

const ELEMENT = new Map<unknown, number>([
  [Int8Array, 0],
  [Uint8Array, 1],
  [Int16Array, 2],
  [Uint16Array, 3],
  [Int32Array, 4],
  [Uint32Array, 5],
  [BigInt64Array, 6],
  [BigUint64Array, 7],
  [Float32Array, 8],
  [Float64Array, 9],
]);

const bytesOf = (t: ArrayBufferView) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);

/**
 * A text column of strings (NULL entries as null/undefined, which join as '') in one UTF-8
 * encode of the joined column instead of a write per value; null when that would not give
 * the same bytes (a masked string, a non-string, a lone surrogate). A lone surrogate either
 * stays lone in the joined text (not well-formed) or pairs with a neighbour's, and then a
 * value boundary falls inside the pair's four bytes: both are caught.
 */
function joinedText(binding: NativeBinding, values: ArrayLike<unknown>, mask: Uint8Array | null, n: number): { data: Buffer; offsets: Uint32Array } | null {
  const offsets = new Uint32Array(n + 1);
  let units = 0;
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (typeof v === 'string') {
      if (mask?.[r]) return null;
      units += v.length;
    } else if (v !== null && v !== undefined) return null;
    offsets[r + 1] = units;
  }
  const joined = Array.prototype.join.call(values, '') as string;
  const data = Buffer.from(joined, 'utf8');
  // One byte per UTF-16 unit only when every character is ASCII: the offsets are right as counted.
  if (data.length === units) return { data, offsets };
  if (!joined.isWellFormed()) return null;
  // UTF-16 positions to byte positions in one pass of the codec; null if a boundary splits a pair.
  const bytes = binding.utf8Offsets(data, offsets);
  return bytes ? { data, offsets: bytes } : null;
}

/** Text, binary and decimal values as one buffer and offsets; null when a value needs the pure codec's checks. */
function variable(
  binding: NativeBinding,
  code: number,
  values: ArrayLike<unknown>,
  nulls: Uint8Array | null,
  n: number,
  column: number,
): { data: Buffer; offsets: Uint32Array } | null {
  const binary = !TEXT.has(code) && code !== 0 && code !== 246;
  const decimal = code === 0 || code === 246;
  if (!binary && !decimal) {
    const joined = joinedText(binding, values, nulls, n);
    if (joined) return joined;
  }
  const offsets = new Uint32Array(n + 1);
  // Pass 1: byte lengths and checks, so the data is written once into one buffer.
  let size = 0;
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (v !== null && v !== undefined && !nulls?.[r]) {
      if (binary) {
        if (!(v instanceof Uint8Array)) return null;
        size += v.length;
      } else if (decimal) size += Buffer.byteLength(decimalText(v), 'utf8');
      else {
        if (typeof v !== 'string') return null;
        if (!v.isWellFormed()) throw new ParameterError(`column ${column + 1}: string with a lone surrogate cannot be encoded as UTF-8`);
        size += Buffer.byteLength(v, 'utf8');
      }
    }
    if (size > 0xffffffff) throw new DataError('a ROWDAT_1 column larger than 4 GiB cannot be encoded');
    offsets[r + 1] = size;
  }
  const data = Buffer.allocUnsafe(size);
  for (let r = 0; r < n; r++) {
    const at = offsets[r];
    if (offsets[r + 1] === at) continue;
    const v = values[r];
    if (binary) data.set(v as Uint8Array, at);
    else data.write(decimal ? decimalText(v) : (v as string), at, 'utf8');
  }
  return { data, offsets };
}

/** Temporal values packed like the pure codec does, into one int64 array. */
function temporal(code: number, values: ArrayLike<unknown>, nulls: Uint8Array | null, n: number): BigInt64Array {
  const pack = code === 10 || code === 14 ? packDate : code === 11 ? packTime : packDatetime;
  const out = new BigInt64Array(n);
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (v !== null && v !== undefined && !nulls?.[r]) out[r] = pack(v);
  }
  return out;
}

const INT_LIMITS: Record<number, [number, number]> = {
  1: [-128, 127],
  [-1]: [0, 255],
  2: [-32768, 32767],
  [-2]: [0, 65535],
  3: [-2147483648, 2147483647],
  [-3]: [0, 4294967295],
  9: [-8388608, 8388607],
  [-9]: [0, 16777215],
};
const INT64: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];
const UINT64: [bigint, bigint] = [0n, 2n ** 64n - 1n];

/**
 * A plain array of numeric results (what a row-at-a-time function gives) as the typed array the
 * native encoder takes, or null when a value is not already exactly representable (numbers for
 * BIGINT, booleans, out-of-range values): the pure codec converts or rejects those.
 */
function packedNumbers(code: number, values: ArrayLike<unknown>, mask: Uint8Array | null, n: number): Typed | null {
  if (code === 8 || code === -8) {
    const [lo, hi] = code === 8 ? INT64 : UINT64;
    const out = code === 8 ? new BigInt64Array(n) : new BigUint64Array(n);
    for (let r = 0; r < n; r++) {
      if (mask?.[r]) continue;
      const v = values[r];
      if (typeof v !== 'bigint' || v < lo || v > hi) return null;
      out[r] = v;
    }
    return out;
  }
  if (code === 4 || code === 5) {
    const out = code === 4 ? new Float32Array(n) : new Float64Array(n);
    for (let r = 0; r < n; r++) {
      if (mask?.[r]) continue;
      const v = values[r];
      if (typeof v !== 'number') return null;
      out[r] = v;
    }
    return out;
  }
  const limits = INT_LIMITS[code];
  if (!limits) return null;
  const ctor = VIEWS[code];
  const out = new ctor(new ArrayBuffer(n * ctor.BYTES_PER_ELEMENT), 0, n);
  for (let r = 0; r < n; r++) {
    if (mask?.[r]) continue;
    const v = values[r];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < limits[0] || v > limits[1]) return null;
    (out as Int32Array)[r] = v;
  }
  return out;
}

const WIDE_CTOR: Record<number, unknown> = { 8: BigInt64Array, [-8]: BigUint64Array, 5: Float64Array };

/** The null mask of a column: the caller's, plus null/undefined entries of a plain array. */
function nullMask(values: ArrayLike<unknown>, nulls: Uint8Array | null, n: number): Uint8Array | null {
  if (ArrayBuffer.isView(values)) return nulls;
  let mask = nulls;
  for (let r = 0; r < n; r++) {
    if (values[r] === null || values[r] === undefined) {
      if (!mask || mask === nulls) mask = nulls ? Uint8Array.from(nulls) : new Uint8Array(n);
      mask[r] = 1;
    }
  }
  return mask;
}

/** The pure codec's fast lane (rowdat1-fixed.ts) when every result column is, or packs into, its exact typed array. */
function pureWide(codes: readonly number[], rowIds: BigInt64Array | readonly bigint[], columns: readonly Vector[], n: number): Uint8Array | null {
  const packed: { values: BigInt64Array | BigUint64Array | Float64Array; nulls: Uint8Array | null }[] = [];
  for (let c = 0; c < codes.length; c++) {
    const { values, nulls } = columns[c];
    const mask = nullMask(values, nulls, n);
    const typed = values.constructor === WIDE_CTOR[codes[c]] ? values : ArrayBuffer.isView(values) ? null : packedNumbers(codes[c], values, mask, n);
    if (!typed) return null;
    packed.push({ values: typed as BigInt64Array, nulls: mask });
  }
  return encodeWide(rowIds instanceof BigInt64Array ? rowIds : BigInt64Array.from(rowIds), packed);
}

/**
 * Result columns as what the native encoder takes, or null where a value needs the pure codec
 * (it converts or rejects those, and its messages define the errors).
 */
function encodeSpecs(binding: NativeBinding, codes: readonly number[], columns: readonly Vector[], n: number): NativeEncodeColumn[] | null {
  const specs: NativeEncodeColumn[] = [];
  for (let c = 0; c < codes.length; c++) {
    const code = codes[c];
    const { values, nulls } = columns[c];
    const mask = nullMask(values, nulls, n);
    const nullBytes = mask ? bytesOf(mask) : undefined;
    if (TEMPORAL.has(code)) {
      specs.push({ code, element: 6, data: bytesOf(temporal(code, values, mask, n)), nulls: nullBytes });
    } else if (VIEWS[code]) {
      const typed = ArrayBuffer.isView(values) ? (values as unknown as Typed) : packedNumbers(code, values, mask, n);
      const element = typed ? ELEMENT.get(typed.constructor) : undefined;
      if (element === undefined) return null;
      specs.push({ code, element, data: bytesOf(typed!), nulls: nullBytes });
    } else {
      const v = variable(binding, code, values, mask, n, c);
      if (!v) return null;
      specs.push({ code, data: v.data, offsets: v.offsets, nulls: nullBytes });
    }
  }
  return specs;
}

/** An error of the native encoder as the pure codec would raise it. */
function encodeError(err: unknown): Error {
  const e: Error = fromNativeError(err, 'payload');
  // Range and length problems are the function's results being wrong, as in the pure codec.
  return (e.constructor as unknown) === DataError && !e.message.startsWith('unrecognized') ? new ParameterError(e.message) : e;
}

/**
 * A response from result columns. `rowIds` holds one id per row; `columns` one Vector per
 * return column, all of `rowIds.length` values (checked by the caller).
 */
export function encodeRowdat1Vectors(
  codes: readonly number[],
  rowIds: BigInt64Array | readonly bigint[],
  columns: readonly Vector[],
  path: DecodePath = 'auto',
): Uint8Array {
  const n = rowIds.length;
  const binding = rowdat1Binding(path);
  const pure = () => {
    const rows = new Array<unknown[]>(n);
    for (let r = 0; r < n; r++) rows[r] = columns.map((col) => (col.nulls?.[r] ? null : (col.values[r] ?? null)));
    return encodeRowdat1(codes, Array.from(rowIds as ArrayLike<bigint>), rows);
  };
  if (!binding) return (allWide(codes) ? pureWide(codes, rowIds, columns, n) : null) ?? pure();
  const specs = encodeSpecs(binding, codes, columns, n);
  if (!specs) return pure();
  const ids = rowIds instanceof BigInt64Array ? rowIds : BigInt64Array.from(rowIds);
  try {
    return binding.rowdat1Encode(bytesOf(ids), specs);
  } catch (err) {
    throw encodeError(err);
  }
}

/**
 * How a combined call ended: the encoded answer; or the request's row ids with the function's
 * result columns still to encode (`result`), or with no result yet (`result: null`, the function
 * answers asynchronously); or a failure of the request (a client error) or of the answer.
 */
export type Rowdat1CallOutcome =
  | { body: Uint8Array; rows: number }
  | { rowIds: BigInt64Array; result: readonly Vector[] | null; rows: number }
  | { failed: 'request' | 'answer'; error: Error };

/**
 * decode → call → encode through the addon in one call, for a vectorized function: `call` gets
 * the argument columns and returns its result columns (checked, one value per row), or null
 * when it will answer later. The row ids stay native unless the answer is deferred. Whatever
 * `call` throws propagates as is. Null when the addon is not loaded or predates this call.
 */
export function callRowdat1Vectors(
  argCodes: readonly number[],
  resultCodes: readonly number[],
  body: Uint8Array,
  call: (columns: Vector[], rows: number) => readonly Vector[] | null,
): Rowdat1CallOutcome | null {
  const binding = rowdat1Binding('auto');
  if (!binding?.rowdat1Call) return null;
  let phase = 'request' as 'request' | 'function' | 'answer';
  let rows = 0;
  let result: readonly Vector[] | null = null;
  let outcome;
  try {
    outcome = binding.rowdat1Call(Int32Array.from(argCodes), asBuffer(body), (args) => {
      rows = args.rows;
      // Unpacking the columns still reads the request (an impossible date is the caller's 400).
      const columns = vectorsOf(argCodes, args.columns, rows);
      phase = 'function';
      result = call(columns, rows);
      if (!result) return null;
      phase = 'answer';
      return encodeSpecs(binding, resultCodes, result, rows);
    });
  } catch (err) {
    if (phase === 'function') throw err;
    if (phase === 'request') return { failed: 'request', error: fromNativeError(err, 'payload') };
    return { failed: 'answer', error: err instanceof DataError || err instanceof ParameterError ? err : encodeError(err) };
  }
  if (outcome.answer) return { body: outcome.answer, rows };
  return { rowIds: rowIdsOf(outcome.rowIds!), result, rows };
}
