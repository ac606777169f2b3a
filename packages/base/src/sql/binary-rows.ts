import { InterfaceError } from '../errors/index.js';
import type { LiteralContext } from './escape.js';

/**
 * Rows of a multi-row INSERT as the body of one COM_STMT_EXECUTE (the binary protocol), for
 * executemany's `binary` mode. Each value keeps the meaning its SQL literal has on the text
 * path, so both paths store the same bytes:
 *
 * - integers in 64 bits (a number below 1e21 is written in plain digits, String(n): an integer
 *   literal), bigints in 64 bits and booleans: LONGLONG, unsigned above 2^63 - 1;
 * - integers beyond 64 bits (numbers from 2^64 up to 1e21, bigints of up to 65 digits): their
 *   digits as NEWDECIMAL, which the server reads as the exact DECIMAL value it reads such a literal as
 *   (digits as a string would be a string: a BIT column stores its characters, not the number);
 * - other finite numbers: DOUBLE (the literal is written with an exponent, a DOUBLE literal);
 * - strings: VAR_STRING; Uint8Array: BLOB (the literal is a hex string: bytes, no charset);
 * - null, undefined, and NaN / Infinity where the context maps them to NULL: NULL.
 *
 * Anything else (dates, objects, `toSqlString` values, bigints of 66 digits or more) has no
 * binary form here: `bindable` says so and executemany keeps the text path for such a run.
 */

const TWO_32 = 4294967296;
const UTF8 = new TextEncoder();
const MAX_I64 = (1n << 63n) - 1n;
const MIN_I64 = -(1n << 63n);
const MAX_U64 = (1n << 64n) - 1n;
/**
 * Bigints of 66 digits and more have no binary form: past DECIMAL's 65 digits the server treats
 * a literal and a NEWDECIMAL parameter differently (MariaDB 10.11 stores the literal -10^85 in a
 * VARCHAR as -99…9, the parameter as +99…9). executemany keeps the text path for them.
 */
const DECIMAL_LIMIT = 10n ** 65n;

/** Parameter types of the binary protocol. */
const DOUBLE = 0x05;
const NULL = 0x06;
const LONGLONG = 0x08;
const NEWDECIMAL = 0xf6;
const BLOB = 0xfc;
const VAR_STRING = 0xfd;
const UNSIGNED = 0x80;

/** Whether `v` has a binary encoding with the meaning of its literal (see the module comment). */
export function bindable(v: unknown, ctx: LiteralContext): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'bigint':
      return v > -DECIMAL_LIMIT && v < DECIMAL_LIMIT;
    case 'number':
      return v - v === 0 || (Number.isNaN(v) ? ctx.nanAsNull === true : ctx.infAsNull === true);
    case 'object':
      return v === null || v instanceof Uint8Array;
    default:
      return false;
  }
}

/** Whether every value of every row is bindable. */
export function rowsBindable(rows: readonly (readonly unknown[])[], ctx: LiteralContext): boolean {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (typeof v === 'string' || (typeof v === 'number' && v - v === 0) || v === null) continue;
      if (!bindable(v, ctx)) return false;
    }
  }
  return true;
}

/** Upper bound of the bytes `value` takes in the values section. */
function valueBound(v: unknown): number {
  if (typeof v === 'string') return 9 + v.length * 3;
  if (v instanceof Uint8Array) return 9 + v.length;
  // Integers beyond 2^53 may go as their digits: up to 22 (a sign and 21 digits) and a length.
  if (typeof v === 'number') return Number.isSafeInteger(v) || !Number.isInteger(v) ? 8 : 24;
  if (typeof v === 'bigint') return v >= MIN_I64 && v <= MAX_U64 ? 8 : 9 + v.toString().length;
  return 8;
}

/**
 * Rows `[from, to)` of `rows`, cut earlier where their values would pass `maxBytes` (at least
 * one row), as a COM_STMT_EXECUTE body without its command byte. `end` is the row after the
 * last one encoded.
 */
export function encodeExecute(
  statementId: number,
  rows: readonly (readonly unknown[])[],
  from: number,
  to: number,
  width: number,
  maxBytes: number,
): { body: Uint8Array; end: number } {
  let bound = 0;
  let end = from;
  for (; end < to; end++) {
    let rowBound = 0;
    const row = rows[end];
    for (let i = 0; i < width; i++) rowBound += valueBound(row[i]);
    if (end > from && bound + rowBound > maxBytes) break;
    bound += rowBound;
  }
  const n = (end - from) * width;
  const nullBytes = (n + 7) >> 3;
  const head = 4 + 1 + 4 + nullBytes + 1 + 2 * n;
  const out = new Uint8Array(head + bound);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, statementId, true);
  out[4] = 0; // no cursor
  view.setUint32(5, 1, true); // iteration count
  const nullAt = 9;
  out[nullAt + nullBytes] = 1; // types follow
  let t = nullAt + nullBytes + 1;
  let p = head;
  let k = 0;
  for (let r = from; r < end; r++) {
    const row = rows[r];
    for (let i = 0; i < width; i++, k++, t += 2) {
      const v = row[i];
      if (typeof v === 'string') {
        out[t] = VAR_STRING;
        out[t + 1] = 0;
        p = writeString(out, view, p, v);
      } else if (typeof v === 'number' && v - v === 0) {
        if (Number.isSafeInteger(v)) {
          out[t] = LONGLONG;
          out[t + 1] = 0;
          const hi = Math.floor(v / TWO_32);
          view.setUint32(p, v - hi * TWO_32, true);
          view.setInt32(p + 4, hi, true);
          p += 8;
        } else if (Number.isInteger(v) && Math.abs(v) < 1e21) {
          // The literal's digits are the shortest that round-trip (2 ** 63 is 9223372036854776000), not the double's exact value.
          p = writeInteger(out, view, t, p, BigInt(String(v)));
        } else {
          out[t] = DOUBLE;
          out[t + 1] = 0;
          view.setFloat64(p, v, true);
          p += 8;
        }
      } else if (typeof v === 'boolean') {
        out[t] = LONGLONG;
        out[t + 1] = 0;
        view.setUint32(p, v ? 1 : 0, true);
        view.setUint32(p + 4, 0, true);
        p += 8;
      } else if (typeof v === 'bigint') {
        p = writeInteger(out, view, t, p, v);
      } else if (v instanceof Uint8Array) {
        out[t] = BLOB;
        out[t + 1] = 0;
        p = writeLength(out, view, p, v.length);
        out.set(v, p);
        p += v.length;
      } else {
        // null, undefined, and NaN / Infinity that the context maps to NULL (bindable said so).
        out[t] = NULL;
        out[t + 1] = 0;
        out[nullAt + (k >> 3)] |= 1 << (k & 7);
      }
    }
  }
  // Writes past the end of a typed array are dropped silently: a short bound must fail loudly.
  if (p > out.length) throw new InterfaceError(`binary executemany: a chunk took ${p} bytes, more than the ${out.length} reserved`);
  return { body: out.subarray(0, p), end };
}

/** An exact integer: LONGLONG in 64 bits (unsigned above 2^63 - 1), else its digits as NEWDECIMAL. */
function writeInteger(out: Uint8Array, view: DataView, t: number, p: number, v: bigint): number {
  if (v >= MIN_I64 && v <= MAX_I64) {
    out[t] = LONGLONG;
    out[t + 1] = 0;
    view.setBigInt64(p, v, true);
    return p + 8;
  }
  if (v > 0n && v <= MAX_U64) {
    out[t] = LONGLONG;
    out[t + 1] = UNSIGNED;
    view.setBigUint64(p, v, true);
    return p + 8;
  }
  out[t] = NEWDECIMAL;
  out[t + 1] = 0;
  return writeString(out, view, p, v.toString());
}

function writeLength(out: Uint8Array, view: DataView, p: number, n: number): number {
  if (n < 251) {
    out[p] = n;
    return p + 1;
  }
  if (n < 0x10000) {
    out[p] = 0xfc;
    view.setUint16(p + 1, n, true);
    return p + 3;
  }
  if (n < 0x1000000) {
    out[p] = 0xfd;
    out[p + 1] = n & 0xff;
    out[p + 2] = (n >> 8) & 0xff;
    out[p + 3] = n >> 16;
    return p + 4;
  }
  out[p] = 0xfe;
  view.setUint32(p + 1, n, true);
  view.setUint32(p + 5, 0, true);
  return p + 9;
}

function writeString(out: Uint8Array, view: DataView, p: number, s: string): number {
  const n = s.length;
  // ASCII up to 250 characters: a one-byte length and a plain copy (the common case).
  if (n < 251) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      out[p + 1 + i] = c;
    }
    if (i === n) {
      out[p] = n;
      return p + 1 + n;
    }
  }
  const bytes = UTF8.encode(s);
  p = writeLength(out, view, p, bytes.length);
  out.set(bytes, p);
  return p + bytes.length;
}
