import { OptionError } from '@s2/base';
import { pythonFloat } from '../codecs/python-text.js';
import { asSqlTime, dateText, packDate, packDatetime, unpackDatetime } from '../codecs/temporal.js';

/** The SQL side of one argument or return value, and the ROWDAT_1 code the server uses for it. */
export interface SqlType {
  /** Base SQL type, e.g. `BIGINT`, `DECIMAL(10, 2)`, `VARCHAR(20)`. */
  readonly base: string;
  /** Code on the wire (udf.md §6.3: every integer is 8 or -8, every float 5). */
  readonly wireCode: number;
  readonly isNullable: boolean;
  readonly defaultValue?: unknown;
  nullable(): SqlType;
  notNull(): SqlType;
  default(value: unknown): SqlType;
  /** `BIGINT NOT NULL`, `DOUBLE NULL DEFAULT 1.5`… */
  toSql(): string;
}

const STRING_ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\x1a': '\\Z',
  '\\': '\\\\',
  "'": "''",
};

/**
 * A DEFAULT literal for a column of wire type `wireCode`, spelled as the reference's SQL escaper
 * spells the matching Python value. Strings escape backslashes and control characters and
 * double their quotes, so the text cannot leave its literal whether or not the server reads
 * backslash escapes. FLOAT and DOUBLE numbers are Python float reprs with an exponent
 * (`3.14e0`, `1e+20`: a bare `3.14` would be a DECIMAL literal); dates, times and datetimes
 * are quoted `YYYY-MM-DD`, `HH:MM:SS[.ffffff]` and `YYYY-MM-DD HH:MM:SS[.ffffff]`.
 */
export function literal(v: unknown, wireCode?: number): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new OptionError(`a DEFAULT must be a finite number, not ${v}`);
    if (wireCode !== 4 && wireCode !== 5) return String(v);
    const repr = pythonFloat(v);
    return repr.includes('e') ? repr : `${repr}e0`;
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string') {
    if (!v.isWellFormed()) throw new OptionError('a DEFAULT string must be well-formed Unicode');
    return `'${v.replace(/[\0\n\r\t\b\x1a\\']/g, (ch) => STRING_ESCAPES[ch])}'`;
  }
  const temporal = temporalLiteral(v, wireCode);
  if (temporal !== null) return `'${temporal}'`;
  throw new OptionError(`unsupported default value: ${String(v)}`);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const fraction = (us: number) => (us ? `.${pad(us, 6)}` : '');

/** The text of a Date, SqlDateTime or SqlTime default; null for anything else. */
function temporalLiteral(v: unknown, wireCode: number | undefined): string | null {
  const time = asSqlTime(v);
  if (time) {
    const sign = time.sign < 0 && time.totalMicroseconds !== 0 ? '-' : '';
    return `${sign}${pad(time.hours)}:${pad(time.minutes)}:${pad(time.seconds)}${fraction(time.microseconds)}`;
  }
  if (!(v instanceof Date)) return null;
  if (wireCode === 11) throw new OptionError('a TIME DEFAULT must be an SqlTime or text, not a Date');
  try {
    if (wireCode === 10 || wireCode === 14) return dateText(packDate(v));
    const dt = unpackDatetime(packDatetime(v));
    const f = dt.fields;
    return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${fraction(dt.microsecond)}`;
  } catch (err) {
    throw new OptionError(`invalid DEFAULT: ${(err as Error).message}`, { cause: err });
  }
}

function make(base: string, wireCode: number, isNullable = false, defaultValue?: unknown, hasDefault = false): SqlType {
  return {
    base,
    wireCode,
    isNullable,
    defaultValue,
    nullable: () => make(base, wireCode, true, defaultValue, hasDefault),
    notNull: () => make(base, wireCode, false, defaultValue, hasDefault),
    default: (value: unknown) => make(base, wireCode, isNullable, value, true),
    toSql: () => `${base} ${isNullable ? 'NULL' : 'NOT NULL'}${hasDefault ? ` DEFAULT ${literal(defaultValue, wireCode)}` : ''}`,
  };
}

const sized = (name: string, n?: number) => (n === undefined ? name : `${name}(${n})`);

/** Type builders for function signatures: `t.bigint()`, `t.double().nullable()`, `t.varchar(20)`. */
export const t = {
  bool: () => make('BOOL', 8),
  tinyint: () => make('TINYINT', 8),
  smallint: () => make('SMALLINT', 8),
  mediumint: () => make('MEDIUMINT', 8),
  int: () => make('INT', 8),
  bigint: () => make('BIGINT', 8),
  unsignedTinyint: () => make('TINYINT UNSIGNED', -8),
  unsignedSmallint: () => make('SMALLINT UNSIGNED', -8),
  unsignedMediumint: () => make('MEDIUMINT UNSIGNED', -8),
  unsignedInt: () => make('INT UNSIGNED', -8),
  unsignedBigint: () => make('BIGINT UNSIGNED', -8),
  float: () => make('FLOAT', 5),
  double: () => make('DOUBLE', 5),
  decimal: (precision = 10, scale = 0) => make(`DECIMAL(${precision}, ${scale})`, 246),
  text: () => make('TEXT', 254),
  varchar: (length = 255) => make(`VARCHAR(${length})`, 254),
  char: (length = 1) => make(`CHAR(${length})`, 254),
  json: () => make('JSON', 254),
  blob: () => make('BLOB', -254),
  varbinary: (length = 255) => make(`VARBINARY(${length})`, -254),
  binary: (length = 1) => make(`BINARY(${length})`, -254),
  date: () => make('DATE', 10),
  time: (precision?: 0 | 6) => make(sized('TIME', precision), 11),
  datetime: (precision?: 0 | 6) => make(sized('DATETIME', precision), 12),
  timestamp: (precision?: 0 | 6) => make(sized('TIMESTAMP', precision), 12),
};
