import { FieldType, SqlDateTime, SqlTime, vectorJson, type ColumnDescription } from '@s2/core';

/**
 * drizzle's column mappers were written against mysql2 with dates as strings: DATE, DATETIME
 * and TIMESTAMP arrive as the server's text, TIME as text, vectors as JSON text. s2 decodes
 * richer values, so each result's columns get a converter back to those forms; everything
 * else (bigint-exact integers, DECIMAL strings, parsed JSON, Buffers) already fits.
 */
type Convert = (value: unknown) => unknown;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Offset in minutes east of UTC for 'Z'/'+HH:MM'; null for the local zone. */
function zoneOffset(timezone: string | undefined): number | null {
  if (!timezone || timezone === 'local') return null;
  if (timezone === 'Z' || timezone === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(timezone);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** DATE values are Dates at midnight of the connection's zone: their calendar day there. */
function dateText(offset: number | null): Convert {
  return (v) => {
    if (!(v instanceof Date)) return v;
    if (offset === null) return `${pad(v.getFullYear(), 4)}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`;
    const shifted = new Date(v.getTime() + offset * 60_000);
    return `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
  };
}

/** The server's text: as many fraction digits as the column has (mysql2's `field.string()`). */
const dateTimeText: Convert = (v) => {
  if (!(v instanceof SqlDateTime)) return v;
  const text = v.toSqlString();
  const dot = text.indexOf('.');
  if (dot < 0) return text;
  return v.fractionDigits > 0 ? text.slice(0, dot + 1 + v.fractionDigits) : text.slice(0, dot);
};

/**
 * The server's text for a TIME(scale) column: exactly `scale` fraction digits, as mysql2 and
 * `dateStrings` give it. A scale outside 1–6 (0, or "not fixed" for expressions) says nothing
 * about digits a value may still carry, so those keep SqlTime's own form.
 */
function timeText(scale: number | null): Convert {
  const digits = scale !== null && scale >= 1 && scale <= 6 ? scale : 0;
  return (v) => {
    if (!(v instanceof SqlTime)) return v;
    const text = v.toString();
    if (digits === 0) return text;
    const dot = text.indexOf('.');
    return `${dot < 0 ? text : text.slice(0, dot)}.${String(v.microseconds).padStart(6, '0').slice(0, digits)}`;
  };
}

const vectorText: Convert = (v) => (ArrayBuffer.isView(v) ? vectorJson(v as unknown as ArrayLike<number>) : v);

function converterFor({ typeCode, scale }: ColumnDescription, offset: number | null): Convert | null {
  switch (typeCode) {
    case FieldType.DATE:
    case FieldType.NEWDATE:
      return dateText(offset);
    case FieldType.DATETIME:
    case FieldType.TIMESTAMP:
      return dateTimeText;
    case FieldType.TIME:
      return timeText(scale);
    default:
      return typeCode >= 2001 && typeCode <= 3007 ? vectorText : null;
  }
}

/** Converts rows (arrays, in column order) in place; a no-op for results without such columns. */
export function rowConverter(columns: readonly ColumnDescription[], timezone: string | undefined): (row: unknown[]) => unknown[] {
  const offset = zoneOffset(timezone);
  const fixes: [number, Convert][] = [];
  columns.forEach((c, i) => {
    const f = converterFor(c, offset);
    if (f) fixes.push([i, f]);
  });
  if (fixes.length === 0) return (row) => row;
  return (row) => {
    for (const [i, f] of fixes) if (row[i] !== null) row[i] = f(row[i]);
    return row;
  };
}

/** mysql2's object rows: one key per column name, a later duplicate name winning. */
export function objectShaper(columns: readonly ColumnDescription[]): (row: unknown[]) => Record<string, unknown> {
  const names = columns.map((c) => c.name);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]] = row[i];
    return out;
  };
}
