import {
  BINARY_CHARSET,
  ColumnFlag,
  columnDefinition,
  FieldType,
  parseDate,
  parseDateTime,
  parseTimezone,
  SqlTime,
  type ColumnDefinition,
  type DecodeOptions,
} from '@s2/base';

const CODES: Record<string, number> = {
  DECIMAL: 0,
  DEC: 0,
  FIXED: 0,
  NUMERIC: 0,
  TINY: 1,
  TINYINT: 1,
  BOOL: 1,
  BOOLEAN: 1,
  'UNSIGNED TINY': 1,
  'UNSIGNED TINYINT': 1,
  SMALLINT: 2,
  SHORT: 2,
  'UNSIGNED SHORT': 2,
  'UNSIGNED SMALLINT': 2,
  INT: 3,
  LONG: 3,
  INTEGER: 3,
  'UNSIGNED INT': 3,
  'UNSIGNED LONG': 3,
  FLOAT: 4,
  DOUBLE: 5,
  REAL: 5,
  NULL: 6,
  TIMESTAMP: 7,
  BIGINT: 8,
  LONGLONG: 8,
  'UNSIGNED BIGINT': 8,
  'UNSIGNED LONGLONG': 8,
  MEDIUMINT: 9,
  INT24: 9,
  'UNSIGNED MEDIUMINT': 9,
  'UNSIGNED INT24': 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  VARBINARY: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINYBLOB: 249,
  TINYTEXT: 249,
  MEDIUMBLOB: 250,
  MEDIUMTEXT: 250,
  LONGBLOB: 251,
  LONGTEXT: 251,
  BLOB: 252,
  TEXT: 252,
  VARSTRING: 253,
  BINARY: 254,
  CHAR: 254,
  STRING: 254,
  GEOMETRY: 255,
  GEOGRAPHY: 255,
  GEOGRAPHYPOINT: 255,
};

export interface DataApiColumn {
  name: string;
  dataType: string;
  nullable?: boolean;
}

/** Column metadata from a Data API column (data-api.md §7.1); unknown type names read as strings. */
export function columnFromDataApi(c: DataApiColumn): ColumnDefinition {
  const base = c.dataType.split('(')[0].trim().toUpperCase();
  let code = CODES[base] ?? FieldType.VAR_STRING;
  const binary = /(BLOB|BINARY)$/.test(base) || base === 'BIT';
  if (code === 0) code = FieldType.NEWDECIMAL;
  if (code === 15) code = FieldType.VAR_STRING;
  const suffix = /\((\d+)(?:,\s*(\d+))?\)/.exec(c.dataType);
  const unsigned = base.includes('UNSIGNED');
  let length = suffix ? Number(suffix[1]) : 0;
  let decimals = suffix?.[2] ? Number(suffix[2]) : 0;
  if (code === FieldType.NEWDECIMAL && suffix) {
    // The wire reports a display length (precision + decimal point + sign); description
    // derives precision from it the same way for both connectors.
    length = length + (decimals > 0 ? 1 : 0) + 1;
  } else if ((code === FieldType.DATETIME || code === FieldType.TIMESTAMP || code === FieldType.TIME) && suffix && !suffix[2]) {
    // `(n)` on a temporal type is its fractional-second digits, as `decimals` on the wire.
    decimals = length;
    length = (code === FieldType.TIME ? 10 : 19) + (decimals ? decimals + 1 : 0);
  }
  return columnDefinition(c.name, code, {
    charset: binary ? BINARY_CHARSET : 0,
    length,
    flags: (unsigned ? ColumnFlag.UNSIGNED : 0) | (c.nullable ? 0 : ColumnFlag.NOT_NULL),
    decimals,
  });
}

function fromBase64(text: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return B.from(text, 'base64');
  const bin = atob(text);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

type Convert = (v: unknown) => unknown;

/**
 * JSON text of a parsed value, integers beyond 2^53 (bigint) written as digits. Only a fallback:
 * the connection hands JSON columns over as the server's text (see `readsJsonText`).
 */
export function jsonSource(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(jsonSource).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${jsonSource(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A cell as the text the wire connector would hand to a `conv` function. */
function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return jsonSource(v);
}

/**
 * Whether a JSON column's cells should reach its converter as their source text in the
 * response (the server's text, as over the wire) rather than as the parsed value: when JSON
 * is not parsed, and for a `conv` function, which gets the text over the wire too.
 */
export function readsJsonText(col: ColumnDefinition, options: DecodeOptions): boolean {
  return col.typeCode === FieldType.JSON && (!options.parseJson || options.conv?.[FieldType.JSON] !== undefined);
}

/** The converter of a column that `readsJsonText`: it takes the cell's JSON text. */
export function jsonTextConverter(col: ColumnDefinition, options: DecodeOptions): (text: string) => unknown {
  const custom = options.conv?.[FieldType.JSON];
  return custom ? (text) => custom(text, col) : (text) => text;
}

/** Turns JSON values into the same JavaScript values the wire decoder gives for the type. */
export function valueConverter(col: ColumnDefinition, options: DecodeOptions): Convert {
  const code = col.typeCode;
  const custom = options.conv?.[code];
  const binary = col.charset === BINARY_CHARSET;
  if (custom) {
    const text = code === FieldType.JSON ? jsonSource : cellText;
    return (v) => custom(binary && typeof v === 'string' ? fromBase64(v) : text(v), col);
  }
  const offset = options.dateStrings ? null : parseTimezone(options.timezone);
  switch (code) {
    case FieldType.TINY:
    case FieldType.SHORT:
    case FieldType.LONG:
    case FieldType.INT24:
    case FieldType.YEAR:
    case FieldType.FLOAT:
    case FieldType.DOUBLE:
      return (v) => (typeof v === 'number' ? v : Number(v));
    case FieldType.LONGLONG:
      return (v) => {
        switch (options.int64) {
          case 'bigint':
            return BigInt(v as number | bigint | string);
          case 'string':
            return String(v);
          case 'number':
            return Number(v);
          default: {
            if (typeof v === 'string') {
              const big = BigInt(v);
              return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
            }
            return v;
          }
        }
      };
    case FieldType.NEWDECIMAL:
      return options.decimal === 'number' ? (v) => Number(v) : (v) => String(v);
    case FieldType.DATE:
    case FieldType.NEWDATE:
      return options.dateStrings ? String : (v) => parseDate(String(v), offset);
    case FieldType.DATETIME:
    case FieldType.TIMESTAMP:
      return options.dateStrings ? String : (v) => parseDateTime(String(v), offset);
    case FieldType.TIME:
      return options.dateStrings ? String : (v) => SqlTime.parse(String(v)) ?? String(v);
    case FieldType.JSON:
      return options.parseJson ? (v) => v : jsonSource;
    default:
      return binary ? (v) => (typeof v === 'string' ? fromBase64(v) : v) : (v) => (typeof v === 'string' ? v : String(v));
  }
}
