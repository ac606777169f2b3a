import { DataError, parseJsonLossless, ParameterError, SqlDateTime, SqlTime } from '@s2/base';
import type { Rowdat1Batch } from './rowdat1.js';
import { packDate, packDatetime, unpackDate, unpackDatetime } from './temporal.js';

/**
 * The JSON wire format of external functions (udf spec 7): `{"data": [[row_id, v1, …], …]}`.
 * Values convert per wire code to the same JavaScript types as the ROWDAT_1 codec.
 */
function fromBase64(s: string): Uint8Array {
  return Buffer.from(s, 'base64');
}

function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  throw new DataError(`${what}: ${JSON.stringify(v)} is not an integer`);
}

function decodeValue(v: unknown, code: number, what: string): unknown {
  if (v === null) return null;
  switch (code) {
    case 8: case -8: case 1: case -1: case 2: case -2: case 3: case -3: case 9: case -9:
      return code === 8 || code === -8 ? toBigInt(v, what) : Number(toBigInt(v, what));
    case 4: case 5: {
      const n = typeof v === 'number' ? v : Number(v);
      if (typeof v !== 'number' && (typeof v !== 'string' || Number.isNaN(n))) throw new DataError(`${what}: ${JSON.stringify(v)} is not a number`);
      return n;
    }
    case 0: case 246: return String(v);
    case 12: case 7: {
      if (typeof v !== 'string') throw new DataError(`${what}: expected a DATETIME string`);
      if (/^0000-00-00[ T]00:00:00(\.0+)?$/.test(v)) return null;
      try {
        return unpackDatetime(packDatetime(v.replace('T', ' ')));
      } catch {
        return v;
      }
    }
    case 10: case 14: {
      if (typeof v !== 'string') throw new DataError(`${what}: expected a DATE string`);
      if (v === '0000-00-00') return null;
      try {
        return unpackDate(packDate(v));
      } catch {
        return v;
      }
    }
    case 11: return typeof v === 'string' ? SqlTime.parse(v) ?? v : v;
    default:
      if (code < 0) {
        if (typeof v !== 'string') throw new DataError(`${what}: binary values travel as base64 strings`);
        return fromBase64(v);
      }
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}

export function decodeJsonRows(types: readonly number[], body: Uint8Array | string): Rowdat1Batch {
  let doc: unknown;
  try {
    doc = parseJsonLossless(typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (cause) {
    throw new DataError('request body is not valid UTF-8 JSON', { cause });
  }
  const data = (doc as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new DataError('JSON request must be an object with a "data" array');
  const rowIds: bigint[] = [];
  const rows: unknown[][] = [];
  data.forEach((entry, r) => {
    if (!Array.isArray(entry) || entry.length !== types.length + 1) {
      throw new DataError(`row ${r} must be [row_id, ${types.length} value(s)]`);
    }
    rowIds.push(toBigInt(entry[0], `row ${r} id`));
    rows.push(types.map((code, c) => decodeValue(entry[c + 1], code, `row ${r} column ${c + 1}`)));
  });
  return { rowIds, rows };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A finite double the way the reference's encoder (Python's float repr) spells it: shortest
 * round-trip digits, positional for exponents -4…15 with at least one fraction digit
 * (`2.0`), scientific otherwise with a two-digit signed exponent (`1e+16`, `1.5e-05`).
 */
export function pythonFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, e] = v.toExponential().split('e');
  const exp = Number(e);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${exp < 0 ? '-' : '+'}${pad(Math.abs(exp))}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.padEnd(exp + 1, '0');
  return `${sign}${whole.slice(0, exp + 1)}.${whole.slice(exp + 1) || '0'}`;
}

function encodeValue(v: unknown, code: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return code === 5 ? pythonFloat(v) : String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (v instanceof SqlTime) {
    const frac = pad(v.microseconds, 6);
    return JSON.stringify(`${v.sign < 0 && v.totalMicroseconds !== 0 ? '-' : ''}${v.hours}:${pad(v.minutes)}:${pad(v.seconds)}.${frac}`);
  }
  if (v instanceof Date) {
    if (code === 10 || code === 14) return JSON.stringify(`${pad(v.getUTCFullYear(), 4)}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`);
    const dt = v instanceof SqlDateTime ? v : unpackDatetime(packDatetime(v));
    const f = dt.fields;
    return JSON.stringify(`${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}.${pad(dt.microsecond, 6)}`);
  }
  throw new ParameterError(`a ${typeof v} cannot be written to a JSON response`);
}

/** `{"data": [[row_id, …], …]}` with the reference's separators and exact integers. */
export function encodeJsonRows(types: readonly number[], rowIds: readonly (number | bigint)[], rows: readonly (readonly unknown[])[]): string {
  const parts = rows.map((row, r) => `[${[String(rowIds[r]), ...row.map((v, c) => encodeValue(v, types[c]))].join(', ')}]`);
  return `{"data": [${parts.join(', ')}]}`;
}
