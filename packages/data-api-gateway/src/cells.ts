import { FieldType, type ColumnDefinition, type DecodeOptions } from '@s2/base';
import { wktFromMysqlGeometry } from './wkt.js';

/**
 * Every cell is turned straight into its JSON text by the row decoder (through `conv`), so the
 * response is built by joining strings: no intermediate JS value can lose precision and no
 * marker trick can collide with cell contents.
 */
type Cell = (value: string | Uint8Array, column: ColumnDefinition) => string;

/** Text that is already JSON (so that a plain string cell can never be mistaken for it). */
class JsonText {
  constructor(readonly json: string) {}
}

const base64 = (v: string | Uint8Array) => `"${Buffer.from(typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('base64')}"`;
const text: Cell = (v) => (typeof v === 'string' ? JSON.stringify(v) : base64(v));
const quoted: Cell = (v) => JSON.stringify(String(v));

/**
 * The server writes ZEROFILL integers and YEAR 0000 with leading zeros, which JSON numbers may
 * not have; the digits are kept as they are otherwise, so no length limits exactness.
 */
export const integerJson = (text: string): string => {
  if (!/^-?\d+$/.test(text)) return JSON.stringify(text);
  const n = text.replace(/^(-?)0+(?=\d)/, '$1');
  return n === '-0' ? '0' : n;
};
const integer: Cell = (v) => integerJson(String(v));

/** A double stays a double for JSON readers that keep integers apart (Python): 1 → 1.0. */
export function doubleJson(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}
const double: Cell = (v) => doubleJson(Number(v));

const geometry: Cell = (v) => {
  if (typeof v === 'string') return JSON.stringify(v);
  const wkt = wktFromMysqlGeometry(v);
  return wkt === null ? base64(v) : JSON.stringify(wkt);
};

const TEXT_CODES = [
  FieldType.VARCHAR,
  FieldType.VAR_STRING,
  FieldType.STRING,
  FieldType.ENUM,
  FieldType.SET,
  FieldType.TINY_BLOB,
  FieldType.MEDIUM_BLOB,
  FieldType.LONG_BLOB,
  FieldType.BLOB,
];

function cellTable(): Record<number, (value: string | Uint8Array, column: ColumnDefinition) => JsonText> {
  const table: Record<number, Cell> = {};
  for (const code of TEXT_CODES) table[code] = text;
  for (const code of [FieldType.TINY, FieldType.SHORT, FieldType.LONG, FieldType.INT24, FieldType.LONGLONG, FieldType.YEAR]) table[code] = integer;
  for (const code of [FieldType.DECIMAL, FieldType.NEWDECIMAL, FieldType.DATE, FieldType.NEWDATE, FieldType.TIME, FieldType.DATETIME, FieldType.TIMESTAMP])
    table[code] = quoted;
  table[FieldType.FLOAT] = double;
  table[FieldType.DOUBLE] = double;
  table[FieldType.NULL] = () => 'null';
  table[FieldType.BIT] = base64;
  // The server's JSON text is already JSON: passed through, every digit kept.
  table[FieldType.JSON] = (v) => (typeof v === 'string' ? v : Buffer.from(v).toString('utf8'));
  table[FieldType.GEOMETRY] = geometry;
  return Object.fromEntries(Object.entries(table).map(([code, cell]) => [code, (v: string | Uint8Array, c: ColumnDefinition) => new JsonText(cell(v, c))]));
}

/** Decode options under which each decoded cell is its JSON text (SQL NULL stays null). */
export const JSON_CELLS: Partial<DecodeOptions> = { conv: cellTable(), encodingErrors: 'strict', dateStrings: true };

/** JSON text of one decoded cell (the fallback covers types outside the table). */
export function cellJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof JsonText) return v.json;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return base64(v);
  return JSON.stringify(String(v));
}
