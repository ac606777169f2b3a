import type { ColumnDefinition } from '../contracts/columns.js';
import type { DecodeOptions } from '../contracts/decoding.js';
import { columnDecoder } from '../decode/text-row-decoder.js';
import { parseDate, parseDateTime, SqlTime } from '../decode/temporal.js';
import { DataError, DecodeError, malformedPacket } from '../errors/index.js';
import { valueDecodeOptions } from './plan.js';
import { type ColumnPlan, type DecodedColumn, NUMERIC_ARRAY_OF_KIND } from './types.js';

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder('latin1');
const ascii = (b: Uint8Array, s: number, e: number) => latin1.decode(b.subarray(s, e));
const NodeBuffer = (globalThis as { Buffer?: { isUtf8?(b: Uint8Array): boolean } }).Buffer;

function validUtf8(b: Uint8Array): boolean {
  if (NodeBuffer?.isUtf8) return NodeBuffer.isUtf8(b);
  try {
    utf8Strict.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Days since 1970-01-01 of a calendar date (any year, no time zone involved). */
function epochDays(y: number, m: number, d: number): number {
  const t = new Date(Date.UTC(2000, m - 1, d));
  t.setUTCFullYear(y);
  return Math.round(t.getTime() / 86_400_000);
}

const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};
const INT64_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const UINT64_RANGE = [0n, 2n ** 64n - 1n] as const;

/**
 * The value of `-?\d+` text in [s, e), or null for anything else: BigInt would also take '',
 * ' 12', '+1' and '0x1f' (the first as 0). Up to 15 digits are summed as a number, exactly,
 * which spares the string that BigInt needs.
 */
function int64At(b: Uint8Array, s: number, e: number): bigint | null {
  const neg = s < e && b[s] === 45;
  let i = neg ? s + 1 : s;
  if (i === e) return null;
  if (e - i <= 15) {
    let v = 0;
    for (; i < e; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return BigInt(neg ? -v : v);
  }
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return null;
  }
  return BigInt(ascii(b, s, e));
}

/** What the row decoders raise for an integer cell that is not `-?\d+`. */
function notAnInteger(column: string, b: Uint8Array, s: number, e: number): never {
  throw new DataError(`column '${column}': '${ascii(b, s, Math.min(e, s + 64))}${e - s > 64 ? '…' : ''}' is not an integer`);
}

const DECIMAL_RE = /^(-)?(\d*)(?:\.(\d*))?$/;
const MASK128 = (1n << 128n) - 1n;

/** Sink for one column; `put` gets [start, end) of the value, `nul` marks the row NULL. */
interface Builder {
  put(b: Uint8Array, s: number, e: number, row: number): void;
  nul(row: number): void;
  finish(): DecodedColumn;
}

function builder(col: ColumnDefinition, plan: ColumnPlan, options: DecodeOptions, n: number): Builder {
  let nulls: Uint8Array | null = null;
  let nullCount = 0;
  const markNull = (row: number) => {
    nulls ??= new Uint8Array(n);
    nulls[row] = 1;
    nullCount++;
  };
  const fail = (text: string, what: string): never => {
    throw new DataError(`column '${col.name}': '${text}' is not a valid ${what} for an Arrow column; read it with dateStrings or the 'columns' format`);
  };
  const kind = plan.kind;
  switch (kind) {
    case 'utf8':
    case 'binary': {
      const chunks: Uint8Array[] = [];
      const offsets = new Int32Array(n + 1);
      let size = 0;
      return {
        put(b, s, e, row) {
          const v = b.subarray(s, e);
          if (kind === 'utf8' && !validUtf8(v)) {
            throw new DecodeError(`Invalid UTF-8 in column '${col.name}'; pass encodingErrors: 'replace' to substitute U+FFFD for invalid bytes`);
          }
          chunks.push(v);
          size += v.length;
          if (size > 0x7fffffff) throw new DataError(`column '${col.name}' holds more than 2 GiB of data in one frame; use smaller batches`);
          offsets[row + 1] = size;
        },
        nul(row) {
          markNull(row);
          offsets[row + 1] = size;
        },
        finish() {
          const data = new Uint8Array(size);
          let at = 0;
          for (const c of chunks) {
            data.set(c, at);
            at += c.length;
          }
          return { kind, length: n, nulls, nullCount, offsets, data };
        },
      };
    }
    case 'values': {
      const decode = columnDecoder(col, valueDecodeOptions(plan, options));
      const items = new Array<unknown>(n);
      return {
        put(b, s, e, row) {
          const v = decode(b, s, e);
          // A value that decodes to null (a zero date) is NULL in the mask too.
          if (v === null || v === undefined) {
            items[row] = null;
            markNull(row);
          } else items[row] = v;
        },
        nul(row) {
          items[row] = null;
          markNull(row);
        },
        finish: () => ({ kind, length: n, nulls, nullCount, items }),
      };
    }
  }
  const values = new NUMERIC_ARRAY_OF_KIND[kind]((kind === 'decimal128' ? 4 : 1) * n);
  const set = (row: number, v: number | bigint) => {
    (values as unknown as (number | bigint)[])[row] = v;
  };
  let put: Builder['put'];
  // A typed array wraps or truncates what it cannot hold ('300' in an Int8Array is 44): a value
  // outside the column's range is refused instead (the addon hands such batches back to here).
  const outOfRange = (text: string): never => {
    throw new DataError(`column '${col.name}': '${text}' is not an integer that fits the column's ${kind} frame type`);
  };
  switch (kind) {
    case 'int64':
    case 'uint64': {
      const [lo, hi] = kind === 'int64' ? INT64_RANGE : UINT64_RANGE;
      put = (b, s, e, row) => {
        const v = int64At(b, s, e);
        if (v === null) notAnInteger(col.name, b, s, e);
        else if (v < lo || v > hi) outOfRange(ascii(b, s, e));
        else set(row, v);
      };
      break;
    }
    case 'decimal128':
      put = (b, s, e, row) => {
        const text = ascii(b, s, e);
        const m = DECIMAL_RE.exec(text);
        if (!m) return fail(text, 'decimal');
        const frac = (m[3] ?? '').padEnd(plan.scale, '0');
        if (frac.length > plan.scale && /[1-9]/.test(frac.slice(plan.scale))) fail(text, `decimal with scale ${plan.scale}`);
        let v = BigInt(`${m[2] || '0'}${frac.slice(0, plan.scale)}`);
        if (v >= 10n ** 38n) fail(text, 'decimal of at most 38 digits');
        if (m[1]) v = -v;
        let u = v & MASK128;
        for (let w = 0; w < 4; w++) {
          values[row * 4 + w] = Number(u & 0xffffffffn);
          u >>= 32n;
        }
      };
      break;
    case 'timestamp_us':
      put = (b, s, e, row) => {
        const text = ascii(b, s, e);
        const v = parseDateTime(text, 0);
        if (v === null) return markNull(row);
        if (typeof v === 'string' || text.length < 19) return fail(text, 'datetime');
        const f = v.fields;
        const seconds = epochDays(f.year, f.month, f.day) * 86_400 + f.hour * 3600 + f.minute * 60 + f.second;
        set(row, BigInt(seconds) * 1_000_000n + BigInt(v.microsecond));
      };
      break;
    case 'date32':
      put = (b, s, e, row) => {
        const text = ascii(b, s, e);
        const v = parseDate(text, 0);
        if (v === null) return markNull(row);
        if (typeof v === 'string') return fail(text, 'date');
        set(row, epochDays(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))));
      };
      break;
    case 'duration_us':
      put = (b, s, e, row) => {
        const text = ascii(b, s, e);
        const v = SqlTime.parse(text);
        if (!v) return fail(text, 'time');
        set(row, BigInt(v.totalMicroseconds));
      };
      break;
    default: {
      const decode = columnDecoder(col, options);
      const range = INT_RANGE[kind];
      put = range
        ? (b, s, e, row) => {
            const v = decode(b, s, e) as number;
            if (!(Number.isInteger(v) && v >= range[0] && v <= range[1])) outOfRange(ascii(b, s, e));
            set(row, v);
          }
        : (b, s, e, row) => set(row, decode(b, s, e) as number);
    }
  }
  const float = kind === 'float32' || kind === 'float64';
  return {
    put,
    nul(row) {
      markNull(row);
      if (float) set(row, NaN);
    },
    finish: () => ({ kind, length: n, nulls, nullCount, values }),
  };
}

function lengthAt(p: Uint8Array, pos: number, first: number): [number, number] {
  const extra = first === 0xfc ? 2 : first === 0xfd ? 3 : first === 0xfe ? 8 : -1;
  if (extra < 0) throw malformedPacket('invalid length prefix 0xff');
  if (pos + extra > p.length) throw malformedPacket('truncated value length');
  let len = 0;
  for (let i = extra - 1; i >= 0; i--) len = len * 256 + p[pos + i];
  if (len >= 2 ** 48) throw malformedPacket('value length beyond 2^48');
  return [len, pos + extra];
}

/** The pure TypeScript frame decoder: the behaviour the native decoder matches. */
export function decodeFramePure(
  columns: readonly ColumnDefinition[],
  plans: readonly ColumnPlan[],
  options: DecodeOptions,
  packets: readonly Uint8Array[],
): DecodedColumn[] {
  const n = packets.length;
  const builders = columns.map((c, i) => builder(c, plans[i], options, n));
  const width = columns.length;
  for (let r = 0; r < n; r++) {
    const p = packets[r];
    const end = p.length;
    let pos = 0;
    for (let c = 0; c < width; c++) {
      if (pos >= end) throw malformedPacket(`row ends before column ${c + 1} of ${width} ('${columns[c].name}')`);
      const first = p[pos++];
      if (first === 0xfb) {
        builders[c].nul(r);
        continue;
      }
      let len = first;
      if (first > 0xfb) [len, pos] = lengthAt(p, pos, first);
      if (pos + len > end) throw malformedPacket(`value of column '${columns[c].name}' runs past the end of the row`);
      builders[c].put(p, pos, pos + len, r);
      pos += len;
    }
    if (pos !== end) throw malformedPacket(`row has ${end - pos} bytes after the last column`);
  }
  return builders.map((b) => b.finish());
}
