import { OptionError } from '../errors/index.js';

/** DB-API type object: equal to any type code or name it contains (wire.md §12). */
export class DBAPIType {
  readonly values: ReadonlySet<string | number>;
  constructor(
    readonly kind: string,
    values: Iterable<string | number>,
  ) {
    this.values = new Set(values);
  }

  /** The first name (`DEC.name === 'DECIMAL'`). */
  get name(): string {
    return [...this.values].find((v): v is string => typeof v === 'string') ?? '';
  }

  /** The first code. */
  get code(): number | undefined {
    return [...this.values].find((v): v is number => typeof v === 'number');
  }

  /** True when this type shares any code or name with `other` (a code, a name, or a type object). */
  equals(other: number | string | DBAPIType): boolean {
    if (other instanceof DBAPIType) return [...other.values].some((v) => this.values.has(v));
    return this.values.has(typeof other === 'string' ? other.toUpperCase() : other);
  }

  toString(): string {
    return `<${this.kind}DBAPIType object [${[...this.values].map(String).sort().join(', ')}]>`;
  }
}

type Kind = 'number' | 'string' | 'binary' | 'datetime' | 'other';
const ENTRIES: [string[], number, Kind][] = [
  [['DECIMAL', 'DEC', 'FIXED', 'NUMERIC'], 0, 'number'],
  [['TINY', 'TINYINT', 'BOOL', 'BOOLEAN', 'UNSIGNED TINY', 'UNSIGNED TINYINT'], 1, 'number'],
  [['SMALLINT', 'SHORT', 'UNSIGNED SHORT', 'UNSIGNED SMALLINT'], 2, 'number'],
  [['LONG', 'INT', 'UNSIGNED LONG', 'UNSIGNED INT'], 3, 'number'],
  [['FLOAT'], 4, 'number'],
  [['DOUBLE', 'REAL'], 5, 'number'],
  [['NULL'], 6, 'other'],
  [['TIMESTAMP'], 7, 'datetime'],
  [['BIGINT', 'LONGLONG', 'UNSIGNED LONGLONG', 'UNSIGNED BIGINT'], 8, 'number'],
  [['MEDIUMINT', 'INT24', 'UNSIGNED MEDIUMINT', 'UNSIGNED INT24'], 9, 'number'],
  [['DATE'], 10, 'other'],
  [['TIME'], 11, 'other'],
  [['DATETIME'], 12, 'datetime'],
  [['YEAR'], 13, 'other'],
  [['NEWDATE'], 14, 'other'],
  [['VARCHAR'], 15, 'string'],
  [['VARBINARY'], 15, 'binary'],
  [['BIT'], 16, 'number'],
  [['JSON'], 245, 'other'],
  [['NEWDECIMAL'], 246, 'number'],
  [['ENUM'], 247, 'string'],
  [['SET'], 248, 'string'],
  [['TINYBLOB'], 249, 'binary'],
  [['TINYTEXT'], 249, 'string'],
  [['MEDIUMBLOB'], 250, 'binary'],
  [['MEDIUMTEXT'], 250, 'string'],
  [['LONGBLOB'], 251, 'binary'],
  [['LONGTEXT'], 251, 'string'],
  [['BLOB'], 252, 'binary'],
  [['TEXT'], 252, 'string'],
  [['VARSTRING'], 253, 'string'],
  [['BINARY'], 254, 'binary'],
  [['STRING', 'CHAR'], 254, 'string'],
  [['GEOMETRY'], 255, 'other'],
];

/** Named type objects: `ColumnType.get('dec').name === 'DECIMAL'`, `ColumnType.get('BOOL').equals(1)`. */
export const ColumnType = {
  entries: ENTRIES.map(([names, code, kind]) => new DBAPIType(kind[0].toUpperCase() + kind.slice(1), [...names, code])),
  get(nameOrCode: string | number): DBAPIType {
    const found = this.entries.find((e) => e.equals(nameOrCode));
    if (!found) throw new OptionError(`Unknown column type: ${String(nameOrCode)}`);
    return found;
  },
  /** Type code for a code, a name, or a JS host type name ('number', 'bigint', 'string', ...). */
  getCode(x: string | number): number {
    if (typeof x === 'number') return x;
    const host: Record<string, number> = { bigint: 8, number: 5, string: 15, uint8array: 15, buffer: 15, date: 12 };
    const h = host[x.toLowerCase()];
    if (h !== undefined) return h;
    return this.get(x).code!;
  },
  /** Canonical name of a code (shared codes default to the binary name, as in the Python SDK). */
  getName(x: string | number): string {
    const code = this.getCode(x);
    const defaults: Record<number, string> = { 8: 'BIGINT', 15: 'VARBINARY', 249: 'TINYBLOB', 250: 'MEDIUMBLOB', 251: 'LONGBLOB', 252: 'BLOB', 254: 'BINARY' };
    return defaults[code] ?? this.get(code).name;
  },
};

function group(kind: string, kinds: Kind[]): DBAPIType {
  const values = ENTRIES.filter(([, , k]) => kinds.includes(k)).flatMap(([names, code]) => [...names, code]);
  return new DBAPIType(kind, values);
}

export const STRING = group('String', ['string']);
export const BINARY = group('Binary', ['binary']);
export const NUMBER = group('Number', ['number']);
export const DATETIME = group('Datetime', ['datetime']);
export const ROWID = new DBAPIType('Rowid', []);

/** DB-API constructors, in JavaScript terms. */
export const DateValue = (year: number, month: number, day: number): Date => new Date(year, month - 1, day);
export const Timestamp = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date =>
  new Date(year, month - 1, day, hour, minute, second, ms);
export const Binary = (data: string | ArrayLike<number> | ArrayBuffer): Uint8Array =>
  typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : Uint8Array.from(data);
/** Seconds since the epoch → local date/time, as DB-API's *FromTicks. */
export const DateFromTicks = (ticks: number): Date => {
  const d = new Date(ticks * 1000);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
};
export const TimestampFromTicks = (ticks: number): Date => new Date(ticks * 1000);
