import { BINARY_CHARSET, ColumnFlag, FieldType } from '../constants/index.js';
import type { ColumnDefinition } from '../contracts/columns.js';
import type { DecodeOptions, RowDecoder } from '../contracts/decoding.js';
import { DataError, DecodeError, InternalError, malformedPacket } from '../errors/index.js';
import { parseJsonLossless } from './lossless-json.js';
import { parseDate, parseDateTime, parseDateTimeBytes, parseTimezone, SqlTime } from './temporal.js';
import { decodeBinaryVector, decodeJsonVector } from './vectors.js';
import { cachedRowDecoder } from './decoder-cache.js';
import { checkRowShape } from './row-shape.js';

export const defaultDecodeOptions: DecodeOptions = Object.freeze({
  int64: 'auto',
  decimal: 'string',
  timezone: 'local',
  dateStrings: false,
  parseJson: true,
  encodingErrors: 'strict',
});

/** Defaults filled in for every option that is missing or undefined. */
export function resolveDecodeOptions(partial: Partial<DecodeOptions> = {}): DecodeOptions {
  const out: DecodeOptions = { ...defaultDecodeOptions };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

/** Decodes one value from bytes [start, end) of a row payload. */
type ValueDecoder = (buf: Uint8Array, start: number, end: number) => unknown;

const latin1 = new TextDecoder('latin1');
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Replace = new TextDecoder('utf-8', { ignoreBOM: true });
const NodeBuffer = (globalThis as { Buffer?: { from(b: Uint8Array): Uint8Array } }).Buffer;

/** Binary values: a Buffer on Node (convenient), a plain Uint8Array elsewhere; always a copy. */
const copyBytes = NodeBuffer
  ? (b: Uint8Array, s: number, e: number): Uint8Array => NodeBuffer.from(b.subarray(s, e))
  : (b: Uint8Array, s: number, e: number): Uint8Array => b.slice(s, e);

type Latin1Sliceable = Uint8Array & { latin1Slice?(start: number, end: number): string };

/** ASCII text (numbers, dates) as a string: one native slice on Node, a manual build elsewhere. */
const ascii = (b: Uint8Array, s: number, e: number): string => {
  const slicer = (b as Latin1Sliceable).latin1Slice;
  if (slicer) return slicer.call(b, s, e);
  if (e - s <= 24) {
    let out = '';
    for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
    return out;
  }
  return latin1.decode(b.subarray(s, e));
};

/** What an integer column's cell was when it is not `-?\d+`: the server never sends that. */
function notAnInteger(b: Uint8Array, s: number, e: number, column: string): never {
  const text = ascii(b, s, Math.min(e, s + 64));
  throw new DataError(`column '${column}': '${text}${e - s > 64 ? '…' : ''}' is not an integer`);
}

/** Integer text of up to 15 digits → number, without going through a string. */
function smallInt(b: Uint8Array, s: number, e: number, column: string): number {
  let i = s;
  let neg = false;
  if (i < e && b[i] === 45) {
    neg = true;
    i++;
  }
  if (i === e) return notAnInteger(b, s, e, column);
  let v = 0;
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return notAnInteger(b, s, e, column);
    v = v * 10 + d;
  }
  // An integer column has no negative zero: '-0' is 0, as the addon's typed arrays give it.
  return neg ? 0 - v : v;
}

/**
 * Integer text as the server writes it, for the paths that hand the text to Number or BigInt:
 * both accept more ('1e3', ' 12', '0x1f', '' as 0) and BigInt throws an untyped SyntaxError.
 */
function integerText(b: Uint8Array, s: number, e: number, column: string): string {
  let i = s < e && b[s] === 45 ? s + 1 : s;
  if (i === e) return notAnInteger(b, s, e, column);
  for (; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return notAnInteger(b, s, e, column);
  }
  return ascii(b, s, e);
}

function int64Decoder(mode: DecodeOptions['int64'], column: string): ValueDecoder {
  switch (mode) {
    case 'string':
      return (b, s, e) => integerText(b, s, e, column);
    case 'number':
      return (b, s, e) => (e - s <= 15 ? smallInt(b, s, e, column) : Number(integerText(b, s, e, column)));
    case 'bigint':
      return (b, s, e) => BigInt(integerText(b, s, e, column));
    default:
      return (b, s, e) => {
        if (e - s <= 15) return smallInt(b, s, e, column);
        const big = BigInt(integerText(b, s, e, column));
        return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
      };
  }
}

function isTextFamily(code: number): boolean {
  return (
    code === FieldType.VARCHAR ||
    code === FieldType.BIT ||
    (code >= FieldType.TINY_BLOB && code <= FieldType.GEOMETRY) ||
    code === FieldType.ENUM ||
    code === FieldType.SET ||
    code === FieldType.BSON ||
    (code > 2000 && code < 2008) ||
    (code > 3000 && code < 3008)
  );
}

/** Node's Buffer decodes slices without allocating a view first; elsewhere TextDecoder is used. */
type Utf8Sliceable = Uint8Array & { utf8Slice?(start: number, end: number): string };

function textDecoderFor(col: ColumnDefinition, options: DecodeOptions): ValueDecoder {
  const replace = options.encodingErrors === 'replace';
  const fail = (cause?: unknown): never => {
    throw new DecodeError(`Invalid UTF-8 in column '${col.name}'; pass encodingErrors: 'replace' to substitute U+FFFD for invalid bytes`, { cause });
  };
  return (b, s, e) => {
    const slicer = (b as Utf8Sliceable).utf8Slice;
    if (slicer) {
      // utf8Slice substitutes U+FFFD for invalid bytes; only then is a strict check needed
      // (the text may also contain a genuine U+FFFD).
      const text = slicer.call(b, s, e);
      if (replace || !text.includes('\uFFFD')) return text;
    }
    try {
      return (replace ? utf8Replace : utf8Strict).decode(b.subarray(s, e));
    } catch (cause) {
      return fail(cause);
    }
  };
}

/** The decoder for one column, chosen once per result set. */
export function columnDecoder(col: ColumnDefinition, options: DecodeOptions): ValueDecoder {
  const code = col.typeCode;
  const binary = col.charset === BINARY_CHARSET;
  const text = textDecoderFor(col, options);
  const custom = options.conv?.[code];
  if (custom) {
    const raw: ValueDecoder = isTextFamily(code) && binary ? copyBytes : code === FieldType.JSON || isTextFamily(code) ? text : ascii;
    return (b, s, e) => custom(raw(b, s, e) as string | Uint8Array, col);
  }
  const offset = options.dateStrings ? null : parseTimezone(options.timezone);
  switch (code) {
    case FieldType.TINY:
    case FieldType.SHORT:
    case FieldType.LONG:
    case FieldType.INT24:
    case FieldType.YEAR: {
      const name = col.name;
      return (b, s, e) => smallInt(b, s, e, name);
    }
    case FieldType.LONGLONG:
      return int64Decoder(options.int64, col.name);
    case FieldType.FLOAT:
    case FieldType.DOUBLE:
      return (b, s, e) => Number(ascii(b, s, e));
    case FieldType.DECIMAL:
    case FieldType.NEWDECIMAL:
      return options.decimal === 'number' ? (b, s, e) => Number(ascii(b, s, e)) : ascii;
    case FieldType.NULL:
      return () => null;
    case FieldType.DATE:
    case FieldType.NEWDATE:
      return options.dateStrings ? ascii : (b, s, e) => parseDate(ascii(b, s, e), offset);
    case FieldType.DATETIME:
    case FieldType.TIMESTAMP:
      return options.dateStrings ? ascii : (b, s, e) => parseDateTimeBytes(b, s, e, offset) ?? parseDateTime(ascii(b, s, e), offset);
    case FieldType.TIME:
      return options.dateStrings
        ? ascii
        : (b, s, e) => {
            const t = ascii(b, s, e);
            return SqlTime.parse(t) ?? t;
          };
    case FieldType.BIT:
      return copyBytes;
    case FieldType.JSON:
      if (!options.parseJson) return text;
      return (b, s, e) => {
        const t = text(b, s, e) as string;
        try {
          return parseJsonLossless(t);
        } catch {
          return t;
        }
      };
    case FieldType.BSON:
      return copyBytes;
    default:
      if (code > 3000 && code < 3008) {
        return (b, s, e) => decodeBinaryVector(b.subarray(s, e), code - 3000, col.vectorDimension, col.name);
      }
      if (code > 2000 && code < 2008) {
        return (b, s, e) => decodeJsonVector(text(b, s, e) as string, code - 2000, col.vectorDimension, col.name);
      }
      return binary ? copyBytes : text;
  }
}

/**
 * What to throw when decoding a row failed: a value that failed in a row that is itself broken
 * (a cell too many or too few, say, or a server's end packet read as a row) is reported as the
 * broken row, errno 2027, which ends the session, rather than as a value error the session
 * would wait out.
 */
function rowFailure(err: unknown, payload: Uint8Array, names: readonly string[]): unknown {
  if (!(err instanceof InternalError)) checkRowShape(payload, names);
  return err;
}

class TextRowDecoder implements RowDecoder {
  private readonly decoders: ValueDecoder[];
  private readonly names: string[];
  constructor(
    private readonly columns: readonly ColumnDefinition[],
    options: DecodeOptions,
  ) {
    this.decoders = columns.map((c) => columnDecoder(c, options));
    this.names = columns.map((c) => c.name);
  }

  decodeRow(payload: Uint8Array): unknown[] {
    try {
      return this.decodeCells(payload);
    } catch (err) {
      throw rowFailure(err, payload, this.names);
    }
  }

  private decodeCells(payload: Uint8Array): unknown[] {
    const n = this.decoders.length;
    const row = new Array<unknown>(n);
    const end = payload.length;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= end) throw malformedPacket(`row ends before column ${i + 1} of ${n} ('${this.columns[i].name}')`);
      const first = payload[pos++];
      let len: number;
      if (first < 0xfb) len = first;
      else if (first === 0xfb) {
        row[i] = null;
        continue;
      } else if (first === 0xfc) {
        if (pos + 2 > end) throw malformedPacket('truncated value length');
        len = payload[pos] | (payload[pos + 1] << 8);
        pos += 2;
      } else if (first === 0xfd) {
        if (pos + 3 > end) throw malformedPacket('truncated value length');
        len = payload[pos] | (payload[pos + 1] << 8) | (payload[pos + 2] << 16);
        pos += 3;
      } else if (first === 0xfe) {
        if (pos + 8 > end) throw malformedPacket('truncated value length');
        len =
          payload[pos] +
          payload[pos + 1] * 2 ** 8 +
          payload[pos + 2] * 2 ** 16 +
          payload[pos + 3] * 2 ** 24 +
          payload[pos + 4] * 2 ** 32 +
          payload[pos + 5] * 2 ** 40;
        if (payload[pos + 6] || payload[pos + 7]) throw malformedPacket('value length beyond 2^48');
        pos += 8;
      } else {
        throw malformedPacket(`invalid length prefix 0xff in column '${this.columns[i].name}'`);
      }
      if (pos + len > end) throw malformedPacket(`value of column '${this.columns[i].name}' runs past the end of the row`);
      row[i] = this.decoders[i](payload, pos, pos + len);
      pos += len;
    }
    if (pos !== end) throw malformedPacket(`row has ${end - pos} bytes after the last column`);
    return row;
  }
}

/** Reads a 2-, 3- or 8-byte length after its prefix byte; returns [length, new position]. */
function longLength(b: Uint8Array, first: number, pos: number, end: number): number {
  if (first === 0xfc) {
    if (pos + 2 > end) throw malformedPacket('truncated value length');
    return b[pos] | (b[pos + 1] << 8);
  }
  if (first === 0xfd) {
    if (pos + 3 > end) throw malformedPacket('truncated value length');
    return b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16);
  }
  if (first === 0xfe) {
    if (pos + 8 > end) throw malformedPacket('truncated value length');
    if (b[pos + 6] || b[pos + 7]) throw malformedPacket('value length beyond 2^48');
    return b[pos] + b[pos + 1] * 2 ** 8 + b[pos + 2] * 2 ** 16 + b[pos + 3] * 2 ** 24 + b[pos + 4] * 2 ** 32 + b[pos + 5] * 2 ** 40;
  }
  throw malformedPacket('invalid length prefix 0xff');
}
const LENGTH_BYTES: Record<number, number> = { 0xfc: 2, 0xfd: 3, 0xfe: 8 };

/** Builds a row decoder from the column decoders and names; generated once per column count. */
type RowDecoderFactory = (
  decoders: readonly ValueDecoder[],
  names: readonly string[],
  malformed: typeof malformedPacket,
  long: typeof longLength,
  lengthBytes: typeof LENGTH_BYTES,
  failure: typeof rowFailure,
) => RowDecoder;

/**
 * Factories by column count. The generated source names no column (names come in as an
 * argument), so results of the same width share one compiled function: a statement whose
 * column names vary per call (`SELECT 5 + 1` names its column after the literal) compiles
 * nothing new. `null` remembers that code generation is refused here (e.g. a CSP).
 */
const rowDecoderFactories = new Map<number, RowDecoderFactory | null>();

function rowDecoderFactory(n: number): RowDecoderFactory | null {
  const known = rowDecoderFactories.get(n);
  if (known !== undefined) return known;
  const steps = Array.from(
    { length: n },
    (_, i) => `
    if (pos >= end) throw malformedPacket("row ends before column ${i + 1} of ${n} ('" + names[${i}] + "')");
    first = b[pos++];
    if (first === 0xfb) row[${i}] = null;
    else {
      if (first < 0xfb) len = first;
      else { len = longLength(b, first, pos, end); pos += LENGTH_BYTES[first]; }
      if (pos + len > end) throw malformedPacket("value of column '" + names[${i}] + "' runs past the end of the row");
      row[${i}] = d${i}(b, pos, pos + len);
      pos += len;
    }`,
  ).join('');
  const source = `
    const [${Array.from({ length: n }, (_, i) => `d${i}`).join(', ')}] = decoders;
    return { decodeRow(b) {
      const end = b.length;
      let pos = 0, len = 0, first = 0;
      const row = new Array(${n});
      try {
        ${steps}
      } catch (err) {
        throw rowFailure(err, b, names);
      }
      if (pos !== end) throw malformedPacket('row has ' + (end - pos) + ' bytes after the last column');
      return row;
    } };`;
  let factory: RowDecoderFactory | null;
  try {
    factory = new Function('decoders', 'names', 'malformedPacket', 'longLength', 'LENGTH_BYTES', 'rowFailure', source) as RowDecoderFactory;
  } catch {
    factory = null;
  }
  rowDecoderFactories.set(n, factory);
  return factory;
}

/**
 * A decodeRow specialised for one result's columns: every column gets its own call site, so
 * each stays monomorphic (the generic loop calls many different decoders from one place).
 */
function compileRowDecoder(columns: readonly ColumnDefinition[], options: DecodeOptions): RowDecoder | null {
  const factory = rowDecoderFactory(columns.length);
  if (!factory) return null;
  const decoders = columns.map((c) => columnDecoder(c, options));
  return factory(
    decoders,
    columns.map((c) => c.name),
    malformedPacket,
    longLength,
    LENGTH_BYTES,
    rowFailure,
  );
}

/** The pure-TypeScript text-protocol row decoder (wire.md §6). */
export function createTextRowDecoder(
  columns: readonly ColumnDefinition[],
  options: DecodeOptions = defaultDecodeOptions,
  mode: 'auto' | 'interpreted' = 'auto',
): RowDecoder {
  // Code generation can be forbidden (strict CSP on the web); the generic loop is the fallback.
  const compiled = mode === 'auto' && columns.length <= 512 ? cachedRowDecoder(columns, options, compileRowDecoder) : null;
  return compiled ?? new TextRowDecoder(columns, options);
}

/** Most bytes per character of the charsets whose VARCHAR lengths description counts in characters. */
const MAX_BYTES_PER_CHAR: Readonly<Record<number, number>> = { 8: 1, 33: 3, 88: 2, 91: 2 };

/**
 * DB-API description entry for a column (wire.md §8.8). As in the Python SDK, a VARCHAR's size
 * and precision count characters for the charsets above (the wire gives bytes; utf8mb4 stays
 * in bytes), and a DECIMAL's precision leaves out the sign and the decimal point.
 */
export function describeColumn(col: ColumnDefinition) {
  const perChar = col.typeCode === FieldType.VAR_STRING ? (MAX_BYTES_PER_CHAR[col.charset] ?? 1) : 1;
  const internalSize = Math.floor(col.length / perChar);
  let precision = internalSize;
  // A length of 0 (a DECIMAL the Data API names without digits) has no sign or point to leave out.
  if ((col.typeCode === FieldType.DECIMAL || col.typeCode === FieldType.NEWDECIMAL) && precision > 0) {
    precision -= 1 + (col.decimals > 0 ? 1 : 0);
  }
  return {
    name: col.name,
    typeCode: col.typeCode,
    displaySize: null,
    internalSize,
    precision,
    scale: col.decimals,
    nullOk: (col.flags & ColumnFlag.NOT_NULL) === 0,
    flags: col.flags,
    charset: col.charset,
  };
}
