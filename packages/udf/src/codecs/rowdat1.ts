import { DataError, DecodeError, ParameterError } from '@s2/base';
import { decimalText } from './decimal.js';
import { packDate, packDatetime, packTime, unpackDateChecked, unpackDatetimeChecked, unpackTime } from './temporal.js';

/**
 * ROWDAT_1, the binary row format SingleStore uses to call external functions (udf.md §6):
 * per row an int64 row id, then per column a NULL flag byte and a payload — fixed-width
 * little-endian numbers, int64-length-prefixed bytes, or int64-packed temporal values.
 *
 * Values: integers of codes ±1, ±2, ±3, ±9 and YEAR are numbers, ±8 (BIGINT) are bigint,
 * FLOAT/DOUBLE numbers, DECIMAL strings, text strings, binary (negated codes) Uint8Array,
 * DATETIME/TIMESTAMP `SqlDateTime`, DATE `Date` (UTC midnight), TIME `SqlTime`.
 */
export interface Rowdat1Batch {
  rowIds: bigint[];
  rows: unknown[][];
}

type Width = 1 | 2 | 4 | 8;
const FIXED: Record<number, Width> = {
  1: 1,
  [-1]: 1,
  2: 2,
  [-2]: 2,
  3: 4,
  [-3]: 4,
  9: 4,
  [-9]: 4,
  8: 8,
  [-8]: 8,
  4: 4,
  5: 8,
  13: 2,
  10: 8,
  14: 8,
  11: 8,
  12: 8,
  7: 8,
};
const TEXT = new Set([15, 245, 247, 248, 249, 250, 251, 252, 253, 254, 255]);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

function kind(code: number): 'fixed' | 'text' | 'binary' | 'decimal' {
  if (FIXED[code]) return 'fixed';
  if (code === 0 || code === 246) return 'decimal';
  if (TEXT.has(code)) return 'text';
  if (TEXT.has(-code)) return 'binary';
  throw new DataError(`unrecognized ROWDAT_1 column type: ${code}`);
}

/** Reads a request body; every malformed or truncated input is a DataError, never a RangeError. */
export function decodeRowdat1(types: readonly number[], body: Uint8Array): Rowdat1Batch {
  const kinds = types.map(kind);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const end = body.byteLength;
  const rowIds: bigint[] = [];
  const rows: unknown[][] = [];
  let pos = 0;
  const need = (n: number, what: string) => {
    if (n < 0 || pos + n > end) throw new DataError(`ROWDAT_1 payload truncated: ${what} needs ${n} bytes at offset ${pos}, ${end - pos} left`);
  };
  let invalidValue: unknown = null;
  while (pos < end) {
    need(8, 'row id');
    rowIds.push(view.getBigInt64(pos, true));
    pos += 8;
    const row = new Array<unknown>(types.length);
    for (let c = 0; c < types.length; c++) {
      need(1, 'NULL flag');
      const isNull = body[pos] === 1;
      pos += 1;
      const code = types[c];
      if (kinds[c] === 'fixed') {
        const width = FIXED[code];
        need(width, `column ${c + 1}`);
        try {
          row[c] = isNull ? null : readFixed(view, pos, code);
        } catch (err) {
          // An impossible date is reported once the framing is known to be sound, as the native
          // codec (which checks framing and UTF-8 first) reports it.
          invalidValue ??= err;
        }
        pos += width;
        continue;
      }
      need(8, `length of column ${c + 1}`);
      const length = view.getBigInt64(pos, true);
      pos += 8;
      if (length < 0n || length > BigInt(end - pos))
        throw new DataError(`ROWDAT_1 length ${length} of column ${c + 1} does not fit the ${end - pos} bytes left`);
      const n = Number(length);
      const bytes = body.subarray(pos, pos + n);
      pos += n;
      if (isNull) row[c] = null;
      // A plain Uint8Array copy, even when the body is a Buffer (whose slice() would be a view).
      else if (kinds[c] === 'binary') row[c] = new Uint8Array(bytes);
      else {
        try {
          row[c] = utf8.decode(bytes);
        } catch (cause) {
          throw new DecodeError(`invalid UTF-8 in ROWDAT_1 column ${c + 1}`, { cause });
        }
      }
    }
    rows.push(row);
  }
  if (invalidValue) throw invalidValue;
  return { rowIds, rows };
}

function readFixed(view: DataView, pos: number, code: number): unknown {
  switch (code) {
    case 1:
      return view.getInt8(pos);
    case -1:
      return view.getUint8(pos);
    case 2:
      return view.getInt16(pos, true);
    case -2:
      return view.getUint16(pos, true);
    case 3:
    case 9:
      return view.getInt32(pos, true);
    case -3:
    case -9:
      return view.getUint32(pos, true);
    case 8:
      return view.getBigInt64(pos, true);
    case -8:
      return view.getBigUint64(pos, true);
    case 4:
      return view.getFloat32(pos, true);
    case 5:
      return view.getFloat64(pos, true);
    case 13:
      return view.getUint16(pos, true);
    case 10:
    case 14:
      return unpackDateChecked(view.getBigInt64(pos, true));
    case 11:
      return unpackTime(view.getBigInt64(pos, true));
    default:
      return unpackDatetimeChecked(view.getBigInt64(pos, true));
  }
}

/** Accepted ranges per integer wire code (udf.md §6.7). */
export const INTEGER_RANGES: Readonly<Record<number, [bigint, bigint, string]>> = {
  1: [-128n, 127n, 'TINYINT'],
  [-1]: [0n, 255n, 'UNSIGNED TINYINT'],
  2: [-32768n, 32767n, 'SMALLINT'],
  [-2]: [0n, 65535n, 'UNSIGNED SMALLINT'],
  9: [-8388608n, 8388607n, 'MEDIUMINT'],
  [-9]: [0n, 16777215n, 'UNSIGNED MEDIUMINT'],
  3: [-2147483648n, 2147483647n, 'INT'],
  [-3]: [0n, 4294967295n, 'UNSIGNED INT'],
  8: [-(2n ** 63n), 2n ** 63n - 1n, 'BIGINT'],
  [-8]: [0n, 2n ** 64n - 1n, 'UNSIGNED BIGINT'],
  13: [0n, 2155n, 'YEAR'],
  [-13]: [0n, 2155n, 'YEAR'],
};
const RANGES = INTEGER_RANGES;

/** An integer answer for wire type `code`, range-checked (booleans count as 1 and 0). */
export function integer(v: unknown, code: number): bigint {
  let big: bigint;
  if (typeof v === 'bigint') big = v;
  else if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v);
  else if (typeof v === 'boolean') big = v ? 1n : 0n;
  else throw new ParameterError(`${String(v)} is not an integer for ${RANGES[code]?.[2] ?? `type ${code}`}`);
  const range = RANGES[code];
  if (range && (big < range[0] || big > range[1])) throw new ParameterError(`value is outside the valid range for ${range[2]}`);
  return big;
}

/** Writes a response body (or a request, for tests and clients). */
export function encodeRowdat1(types: readonly number[], rowIds: readonly (number | bigint)[], rows: readonly (readonly unknown[])[]): Uint8Array {
  if (rowIds.length !== rows.length) throw new ParameterError(`${rowIds.length} row ids for ${rows.length} rows`);
  const kinds = types.map(kind);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let buf = new Uint8Array(64 * 1024);
  let view = new DataView(buf.buffer);
  let pos = 0;
  const reserve = (n: number) => {
    if (pos + n <= buf.length) return;
    chunks.push(buf.subarray(0, pos));
    size += pos;
    buf = new Uint8Array(Math.max(64 * 1024, n));
    view = new DataView(buf.buffer);
    pos = 0;
  };
  rows.forEach((row, r) => {
    if (row.length !== types.length) throw new ParameterError(`row ${r} has ${row.length} values for ${types.length} columns`);
    reserve(8);
    view.setBigInt64(pos, BigInt(rowIds[r]), true);
    pos += 8;
    row.forEach((v, c) => {
      const code = types[c];
      const isNull = v === null || v === undefined;
      if (kinds[c] === 'fixed') {
        const width = FIXED[code];
        reserve(1 + width);
        buf[pos++] = isNull ? 1 : 0;
        buf.fill(0, pos, pos + width);
        if (!isNull) writeFixed(view, pos, code, v);
        pos += width;
        return;
      }
      let bytes: Uint8Array;
      if (isNull) bytes = new Uint8Array(0);
      else if (kinds[c] === 'binary') {
        if (!(v instanceof Uint8Array)) throw new ParameterError(`column ${c + 1} is binary: expected a Uint8Array, got ${typeof v}`);
        bytes = v;
      } else if (kinds[c] === 'decimal') bytes = encoder.encode(decimalText(v));
      else {
        if (typeof v !== 'string') throw new ParameterError(`column ${c + 1} is text: expected a string, got ${typeof v}`);
        if (!v.isWellFormed()) throw new ParameterError(`column ${c + 1}: string with a lone surrogate cannot be encoded as UTF-8`);
        // Straight into the output: at most 3 bytes per UTF-16 unit, length patched afterwards.
        reserve(9 + v.length * 3);
        buf[pos++] = 0;
        const lengthAt = pos;
        pos += 8;
        const { written } = encoder.encodeInto(v, buf.subarray(pos));
        view.setUint32(lengthAt, written, true);
        view.setUint32(lengthAt + 4, 0, true);
        pos += written;
        return;
      }
      reserve(9 + bytes.length);
      buf[pos++] = isNull ? 1 : 0;
      view.setUint32(pos, bytes.length, true);
      view.setUint32(pos + 4, 0, true);
      pos += 8;
      buf.set(bytes, pos);
      pos += bytes.length;
    });
  });
  chunks.push(buf.subarray(0, pos));
  size += pos;
  if (chunks.length === 1) return chunks[0].slice();
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function writeFixed(view: DataView, pos: number, code: number, v: unknown): void {
  switch (code) {
    case 1:
      view.setInt8(pos, Number(integer(v, code)));
      return;
    case -1:
      view.setUint8(pos, Number(integer(v, code)));
      return;
    case 2:
      view.setInt16(pos, Number(integer(v, code)), true);
      return;
    case -2:
      view.setUint16(pos, Number(integer(v, code)), true);
      return;
    case 3:
    case 9:
      view.setInt32(pos, Number(integer(v, code)), true);
      return;
    case -3:
    case -9:
      view.setUint32(pos, Number(integer(v, code)), true);
      return;
    case 8:
      view.setBigInt64(pos, integer(v, code), true);
      return;
    case -8:
      view.setBigUint64(pos, integer(v, code), true);
      return;
    case 4:
    case 5: {
      if (typeof v !== 'number' && typeof v !== 'bigint') throw new ParameterError(`${String(v)} is not a number`);
      if (code === 4) view.setFloat32(pos, Number(v), true);
      else view.setFloat64(pos, Number(v), true);
      return;
    }
    case 13: {
      const y = Number(integer(v, 8));
      if (!((y >= 0 && y <= 99) || (y >= 1901 && y <= 2155))) throw new ParameterError('value is outside the valid range for YEAR');
      view.setUint16(pos, y, true);
      return;
    }
    case 10:
    case 14:
      view.setBigInt64(pos, packDate(v), true);
      return;
    case 11:
      view.setBigInt64(pos, packTime(v), true);
      return;
    default:
      view.setBigInt64(pos, packDatetime(v), true);
  }
}
