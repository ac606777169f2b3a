import { DataError, parseJsonLossless, ParameterError, SqlTime } from '@s2/base';
import type { Vector } from '../definition/vectors.js';
import { decimalText, isDecimalText } from './decimal.js';
import { integer, type Rowdat1Batch } from './rowdat1.js';
import { asciiJson, pythonFloat } from './python-text.js';
import { asSqlTime, dateText, packDate, packDatetime, packTime, unpackDate, unpackDatetime, unpackTime } from './temporal.js';

export { pythonFloat } from './python-text.js';

/**
 * The JSON wire format of external functions (udf.md §7): `{"data": [[row_id, v1, …], …]}`.
 * Values convert per wire code to the same JavaScript types as the ROWDAT_1 codec.
 */
function fromBase64(s: string): Uint8Array {
  return Buffer.from(s, 'base64');
}

/** Where a value sits, for error messages (built only when one is thrown). */
const where = (r: number, c: number) => (c < 0 ? `row ${r} id` : `row ${r} column ${c + 1}`);

/**
 * Thrown while decoding what JSON.parse made of a body when a value may be an integer literal it
 * rounded (beyond 2^53): the body is then read again by the lossless parser. Never escapes.
 */
const ROUNDED = Symbol('rounded');

function toBigInt(v: unknown, r: number, c: number, exact: boolean): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (exact && !Number.isSafeInteger(v)) throw ROUNDED;
    return BigInt(v);
  }
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  throw new DataError(`${where(r, c)}: ${shown(v)} is not an integer`);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A BIGINT (code 8) or BIGINT UNSIGNED (-8) argument, which must fit its 64 bits whether it goes
 * into a typed array (columns, which would wrap it) or to a row-at-a-time function.
 */
function int64Arg(v: bigint, code: number, r: number, c: number): bigint {
  if (code === 8 ? v < INT64_MIN || v > INT64_MAX : v < 0n || v > UINT64_MAX) {
    throw new DataError(`${where(r, c)}: ${v} is out of range for ${code === 8 ? 'BIGINT' : 'BIGINT UNSIGNED'}`);
  }
  return v;
}

/** A value for an error message, a bare word's stand-in shown as the word the request held. */
const shown = (v: unknown) => (typeof v === 'string' && Object.hasOwn(NON_FINITE, v) ? v.slice(1) : JSON.stringify(v));

/** Whether `v` is or holds a stand-in for a bare NaN/Infinity/-Infinity. */
function holdsNonFinite(v: unknown): boolean {
  if (typeof v === 'string') return Object.hasOwn(NON_FINITE, v);
  if (v === null || typeof v !== 'object') return false;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (holdsNonFinite(x)) return true;
  return false;
}

/**
 * One argument value. `marked`: the body held bare NaN/Infinity/-Infinity, now stand-in strings
 * that only FLOAT/DOUBLE columns may read; anywhere else they would pass as text, dates or bytes.
 */
function decodeValue(v: unknown, code: number, r: number, c: number, exact: boolean, marked: boolean): unknown {
  if (v === null) return null;
  if (marked && code !== 4 && code !== 5 && holdsNonFinite(v)) {
    // The reference's json.loads reads the bare words as floats, which its converters for
    // other types then reject (a 500 there, a request error here).
    throw new DataError(`${where(r, c)}: NaN, Infinity and -Infinity are only read in FLOAT and DOUBLE columns`);
  }
  switch (code) {
    case 8:
    case -8:
    case 1:
    case -1:
    case 2:
    case -2:
    case 3:
    case -3:
    case 9:
    case -9:
      // The reference reads true/false as 1/0 (its json.dump writes Python bools that way).
      if (typeof v === 'boolean') return code === 8 || code === -8 ? BigInt(v) : Number(v);
      return code === 8 || code === -8 ? int64Arg(toBigInt(v, r, c, exact), code, r, c) : Number(toBigInt(v, r, c, exact));
    case 4:
    case 5: {
      if (marked && typeof v === 'string' && Object.hasOwn(NON_FINITE, v)) return NON_FINITE[v];
      if (typeof v === 'boolean') return v ? 1 : 0;
      const n = typeof v === 'number' ? v : Number(v);
      if (typeof v !== 'number' && (typeof v !== 'string' || Number.isNaN(n))) throw new DataError(`${where(r, c)}: ${JSON.stringify(v)} is not a number`);
      return n;
    }
    case 0:
    case 246:
      if (typeof v === 'boolean') return v ? '1' : '0';
      if (exact && mayBeRounded(v)) throw ROUNDED;
      if (
        (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'string') ||
        (typeof v === 'number' && !Number.isFinite(v)) ||
        !isDecimalText(String(v))
      ) {
        throw new DataError(`${where(r, c)}: ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)} is not a DECIMAL value`);
      }
      return String(v);
    case 12:
    case 7: {
      if (typeof v !== 'string') throw new DataError(`${where(r, c)}: expected a DATETIME string`);
      if (/^0000-00-00[ T]00:00:00(\.0+)?$/.test(v)) return null;
      try {
        return unpackDatetime(packDatetime(v.replace('T', ' ')));
      } catch {
        return v;
      }
    }
    case 10:
    case 14: {
      if (typeof v !== 'string') throw new DataError(`${where(r, c)}: expected a DATE string`);
      if (v === '0000-00-00') return null;
      try {
        return unpackDate(packDate(v));
      } catch {
        return v;
      }
    }
    case 11:
      if (typeof v === 'string') return SqlTime.parse(v) ?? v;
      if (exact && mayBeRounded(v)) throw ROUNDED;
      return v;
    default:
      if (code < 0) {
        if (typeof v !== 'string') throw new DataError(`${where(r, c)}: binary values travel as base64 strings`);
        return fromBase64(v);
      }
      if (typeof v === 'string') return v;
      if (exact && mayBeRounded(v)) throw ROUNDED;
      return exact ? JSON.stringify(v) : stringifyExact(v);
  }
}

/** JSON.stringify for parsed JSON whose long integers are bigints (which it cannot write). */
function stringifyExact(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(stringifyExact).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${stringifyExact(x)}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Whether JSON.parse may have rounded an integer literal somewhere in `v` (beyond 2^53). */
function mayBeRounded(v: unknown): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v);
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (mayBeRounded(v[i])) return true;
    return false;
  }
  for (const key in v) if (mayBeRounded((v as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * Decodes a request body with `rows`. JSON.parse reads it first (`exact` set: the decoders throw
 * ROUNDED on any integer it may have rounded); only such bodies are read again by the lossless
 * parser, whose integers beyond 2^53 are bigints.
 */
function decodeBody<T>(body: Uint8Array | string, rows: (data: unknown[], exact: boolean, marked: boolean) => T): T {
  let text: string;
  let doc: unknown;
  let marked = false;
  try {
    text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (cause) {
    throw new DataError('request body is not valid UTF-8 JSON', { cause });
  }
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    // The encoder of the SingleStoreDB Python SDK (singlestoredb 1.18.1), like ours, writes NaN, Infinity and
    // -Infinity as bare words.
    const withStandIns = markNonFinite(text);
    if (withStandIns === text) throw new DataError('request body is not valid UTF-8 JSON', { cause });
    text = withStandIns;
    marked = true;
    try {
      doc = JSON.parse(text);
    } catch (again) {
      throw new DataError('request body is not valid UTF-8 JSON', { cause: again });
    }
  }
  try {
    return rows(dataOf(doc), true, marked);
  } catch (err) {
    if (err !== ROUNDED) throw tooDeep(err);
  }
  try {
    return rows(dataOf(parseJsonLossless(text)), false, marked);
  } catch (err) {
    throw tooDeep(err);
  }
}

/**
 * JSON.parse reads any depth, but the walks over a value (JSON.stringify, the rounding check,
 * the lossless parser) recurse: a value nested beyond the stack is the request's fault.
 */
function tooDeep(err: unknown): unknown {
  return err instanceof RangeError ? new DataError('a JSON value in the request is nested too deeply', { cause: err }) : err;
}

function dataOf(doc: unknown): unknown[] {
  const data = (doc as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new DataError('JSON request must be an object with a "data" array');
  return data;
}

/**
 * Stand-ins for the bare words NaN, Infinity, -Infinity; only FLOAT/DOUBLE columns read them, and
 * only in a body that held bare words (decodeValue's `marked`). Such a body is the one place a
 * string spelling a stand-in (NUL then the word) would be taken for the word.
 */
const NON_FINITE: Record<string, number> = { '\u0000NaN': NaN, '\u0000Infinity': Infinity, '\u0000-Infinity': -Infinity };

/** Replaces bare NaN/Infinity/-Infinity outside strings by their stand-in strings. */
function markNonFinite(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    for (const word of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(word, i)) {
        out += `${text.slice(last, i)}"\\u0000${word}"`;
        i += word.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Whether a JSON body holds more than `limit` values, counted as the commas, `[` and `{` outside
 * strings (about one per value: all but an array's first follow a comma). A cheap scan
 * of the bytes before parsing, since what parsing costs grows with the number of values far
 * more than with the body's size: a body of tiny values parses into many times its size.
 */
export function jsonValuesExceed(body: Uint8Array, limit: number): boolean {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) {
      // Skip the string in one search per quote; UTF-8 continuation bytes are never ASCII.
      let end = i;
      for (;;) {
        end = bytes.indexOf(0x22, end + 1);
        if (end < 0) return false; // unterminated: the parser will say so
        let slashes = 0;
        while (bytes[end - 1 - slashes] === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if ((b === 0x2c || b === 0x5b || b === 0x7b) && ++count > limit) {
      return true;
    }
  }
  return false;
}

const ROW_ID_MIN = -(2n ** 63n);
const ROW_ID_MAX = 2n ** 63n - 1n;

/** A row id: an integer that fits the int64 the database numbers rows with. */
function rowId(v: unknown, r: number, exact: boolean): bigint {
  const id = toBigInt(v, r, -1, exact);
  if (id < ROW_ID_MIN || id > ROW_ID_MAX) throw new DataError(`${where(r, -1)}: ${id} is out of range for a row id (int64)`);
  return id;
}

/** Row `r` of the request, checked to be `[row_id, …width - 1 values]`. */
function entryAt(data: unknown[], r: number, width: number): unknown[] {
  const entry = data[r];
  if (!Array.isArray(entry) || entry.length !== width) throw new DataError(`row ${r} must be [row_id, ${width - 1} value(s)]`);
  return entry;
}

export function decodeJsonRows(types: readonly number[], body: Uint8Array | string): Rowdat1Batch {
  return decodeBody(body, (data, exact, marked) => rowsOf(types, data, exact, marked));
}

function rowsOf(types: readonly number[], data: unknown[], exact: boolean, marked: boolean): Rowdat1Batch {
  const n = data.length;
  const rowIds = new Array<bigint>(n);
  const rows = new Array<unknown[]>(n);
  for (let r = 0; r < n; r++) {
    const entry = entryAt(data, r, types.length + 1);
    rowIds[r] = rowId(entry[0], r, exact);
    const row = new Array<unknown>(types.length);
    for (let c = 0; c < types.length; c++) row[c] = decodeValue(entry[c + 1], types[c], r, c, exact, marked);
    rows[r] = row;
  }
  return { rowIds, rows };
}

/**
 * A request as argument columns, the same ones `toColumns` makes from decoded rows (NULL slots
 * hold 0, NaN or null), without the rows in between.
 */
export function decodeJsonColumns(types: readonly number[], body: Uint8Array | string): { rowIds: bigint[]; columns: Vector[] } {
  return decodeBody(body, (data, exact, marked) => columnsOf(types, data, exact, marked));
}

function columnsOf(types: readonly number[], data: unknown[], exact: boolean, marked: boolean): { rowIds: bigint[]; columns: Vector[] } {
  const n = data.length;
  const rowIds = new Array<bigint>(n);
  const columns: Vector[] = types.map((code) => ({
    values: code === 8 ? new BigInt64Array(n) : code === -8 ? new BigUint64Array(n) : code === 5 ? new Float64Array(n) : new Array<unknown>(n),
    nulls: null,
  }));
  for (let r = 0; r < n; r++) {
    const entry = entryAt(data, r, types.length + 1);
    rowIds[r] = rowId(entry[0], r, exact);
    for (let c = 0; c < types.length; c++) {
      const code = types[c];
      const col = columns[c];
      const v = decodeValue(entry[c + 1], code, r, c, exact, marked);
      if (v === null) {
        col.nulls ??= new Uint8Array(n);
        col.nulls[r] = 1;
        if (code === 5) (col.values as Float64Array)[r] = NaN;
        else if (code !== 8 && code !== -8) (col.values as unknown[])[r] = null;
        continue;
      }
      (col.values as unknown[])[r] = v;
    }
  }
  return { rowIds, columns };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const INTEGER_CODES = new Set([1, -1, 2, -2, 3, -3, 8, -8, 9, -9]);

/** One answer value as JSON, checked against its declared type as the ROWDAT_1 encoder checks it. */
function encodeValue(v: unknown, code: number): string {
  if (v === null || v === undefined) return 'null';
  // As the reference's json.dumps writes a Python bool: true/false, whatever the declared type.
  if (typeof v === 'boolean' && INTEGER_CODES.has(code)) return v ? 'true' : 'false';
  if (INTEGER_CODES.has(code)) return integer(v, code).toString();
  switch (code) {
    case 4:
    case 5: {
      if (typeof v !== 'number' && typeof v !== 'bigint') throw new ParameterError(`${describe(v)} is not a number`);
      const n = Number(v);
      if (Number.isNaN(n)) return 'NaN';
      if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
      return code === 5 ? pythonFloat(n) : String(n);
    }
    case 13:
      return integer(v, 3).toString();
    case 0:
    case 246:
      return JSON.stringify(decimalText(v));
    case 10:
    case 14:
      return JSON.stringify(dateText(packDate(v)));
    case 11: {
      const t = asSqlTime(v) ?? unpackTime(packTime(v));
      return JSON.stringify(`${t.sign < 0 && t.totalMicroseconds !== 0 ? '-' : ''}${t.hours}:${pad(t.minutes)}:${pad(t.seconds)}.${pad(t.microseconds, 6)}`);
    }
    case 12:
    case 7: {
      const dt = unpackDatetime(packDatetime(v));
      const f = dt.fields;
      return JSON.stringify(`${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}.${pad(dt.microsecond, 6)}`);
    }
    default:
      if (code < 0) {
        if (!(v instanceof Uint8Array)) throw new ParameterError(`${describe(v)} is not binary (a Uint8Array)`);
        return JSON.stringify(Buffer.from(v).toString('base64'));
      }
      if (typeof v !== 'string') throw new ParameterError(`${describe(v)} is not text (a string)`);
      if (!v.isWellFormed()) throw new ParameterError('a string with a lone surrogate cannot be encoded as UTF-8');
      return JSON.stringify(v);
  }
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : `a ${typeof v} (${String(v)})`;
}

/** A row of the answer, checked to have one value per declared column. */
function checkWidth(row: readonly unknown[], types: readonly number[], r: number): void {
  if (row.length !== types.length) throw new ParameterError(`answer row ${r} has ${row.length} value(s) for ${types.length} declared column(s)`);
}

/** `{"data": [[row_id, …], …]}` with the Python SDK's separators and exact integers. */
export function encodeJsonRows(types: readonly number[], rowIds: ArrayLike<number | bigint>, rows: readonly (readonly unknown[])[]): string {
  let out = '{"data": [';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    checkWidth(row, types, r);
    out += r === 0 ? '[' : ', [';
    out += String(rowIds[r]);
    for (let c = 0; c < row.length; c++) out += `, ${encodeValue(row[c], types[c])}`;
    out += ']';
  }
  return asciiJson(`${out}]}`);
}

/** The same document from result columns (NULL where a mask says so), without rows in between. */
export function encodeJsonColumns(types: readonly number[], rowIds: ArrayLike<number | bigint>, columns: readonly Vector[]): string {
  let out = '{"data": [';
  for (let r = 0; r < rowIds.length; r++) {
    out += r === 0 ? '[' : ', [';
    out += String(rowIds[r]);
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c];
      out += `, ${col.nulls?.[r] ? 'null' : encodeValue(col.values[r], types[c])}`;
    }
    out += ']';
  }
  return asciiJson(`${out}]}`);
}
