import { DataError, ParameterError, SqlDateTime, SqlTime, type DateTimeFields } from '@s2/base';

/**
 * Temporal values are recognised by their shape, not by class identity: a functions module can
 * run against another copy of @s2/base (the `s2 udf serve` loader, a bundle, a worker), whose
 * SqlTime and SqlDateTime are other classes with the same members.
 */
export function asSqlTime(v: unknown): SqlTime | null {
  if (v instanceof SqlTime) return v;
  const t = v as Partial<SqlTime> | null;
  if (t === null || typeof t !== 'object' || (t.sign !== 1 && t.sign !== -1)) return null;
  const parts = [t.hours, t.minutes, t.seconds, t.microseconds];
  if (!parts.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) return null;
  return new SqlTime(t.sign, t.hours!, t.minutes!, t.seconds!, t.microseconds!);
}

/** The wall-clock fields and microseconds of a SqlDateTime from any copy of @s2/base, else null. */
export function sqlDateTimeParts(v: unknown): { fields: DateTimeFields; microsecond: number } | null {
  if (!(v instanceof Date)) return null;
  const d = v as Partial<SqlDateTime>;
  const fields = d.fields;
  if (typeof d.microsecond !== 'number' || fields === null || typeof fields !== 'object') return null;
  return { fields, microsecond: d.microsecond };
}

const daysIn = (y: number, m: number) => (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** True for a real calendar day in years 0-9999 (what DATE and DATETIME can hold). */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d) && y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

function checkDate(y: number, m: number, d: number, what: string): void {
  if (!isCalendarDate(y, m, d)) throw new ParameterError(`${what} is not a valid date (years 0-9999, real days of real months)`);
}

function checkClock(h: number, mi: number, s: number, us: number, what: string): void {
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59 && us >= 0 && us <= 999_999))
    throw new ParameterError(`${what} is not a valid time of day`);
}

/**
 * ROWDAT_1 packs temporal values into int64s (udf.md §6.5). DATETIME values decode to
 * `SqlDateTime` read in UTC (the fields are the wall-clock values, no zone is involved), DATE to
 * a `Date` at UTC midnight, TIME to `SqlTime`.
 */
export function packDatetime(v: unknown): bigint {
  let y: number, mo: number, d: number, h: number, mi: number, s: number, us: number;
  const parts = sqlDateTimeParts(v);
  if (parts) {
    ({ year: y, month: mo, day: d, hour: h, minute: mi, second: s } = parts.fields);
    us = parts.microsecond;
  } else if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new ParameterError('an Invalid Date cannot be written as DATETIME');
    y = v.getUTCFullYear();
    mo = v.getUTCMonth() + 1;
    d = v.getUTCDate();
    h = v.getUTCHours();
    mi = v.getUTCMinutes();
    s = v.getUTCSeconds();
    us = v.getUTCMilliseconds() * 1000;
  } else if (typeof v === 'string') {
    const m = /^(\d{1,4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(v);
    if (!m) throw new ParameterError(`'${v}' is not a DATETIME value`);
    [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
    us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  } else {
    throw new ParameterError(`a ${typeof v} cannot be written as DATETIME`);
  }
  checkDate(y, mo, d, `DATETIME ${String(v)}`);
  checkClock(h, mi, s, us, `DATETIME ${String(v)}`);
  const high = ((((BigInt(y) * 16n + BigInt(mo)) * 32n + BigInt(d)) * 32n + BigInt(h)) * 64n + BigInt(mi)) * 64n + BigInt(s);
  return high * 1048576n + BigInt(us);
}

/** A packed DATETIME; a zero datetime is null, an impossible one a DataError (udf.md §6.5). */
export function unpackDatetimeChecked(packed: bigint): SqlDateTime | null {
  if (packed === 0n) return null;
  const dt = unpackDatetime(packed);
  const f = dt.fields;
  if (!isCalendarDate(f.year, f.month, f.day) || f.hour > 23 || f.minute > 59 || f.second > 59 || dt.microsecond > 999_999) {
    throw new DataError(`packed DATETIME ${packed} is not a valid date and time`);
  }
  return dt;
}

export function unpackDatetime(packed: bigint): SqlDateTime {
  let rest = packed;
  const us = Number(rest % 1048576n);
  rest /= 1048576n;
  const s = Number(rest % 64n);
  rest /= 64n;
  const mi = Number(rest % 64n);
  rest /= 64n;
  const h = Number(rest % 32n);
  rest /= 32n;
  const d = Number(rest % 32n);
  rest /= 32n;
  const mo = Number(rest % 16n);
  rest /= 16n;
  const y = Number(rest);
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, Math.floor(us / 1000)));
  date.setUTCFullYear(y, mo - 1, d);
  return new SqlDateTime(date.getTime(), us, { year: y, month: mo, day: d, hour: h, minute: mi, second: s }, us ? 6 : 0);
}

export function packDate(v: unknown): bigint {
  let y: number, m: number, d: number;
  const parts = sqlDateTimeParts(v);
  if (parts) {
    ({ year: y, month: m, day: d } = parts.fields);
  } else if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new ParameterError('an Invalid Date cannot be written as DATE');
    [y, m, d] = [v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()];
  } else if (typeof v === 'string') {
    const match = /^(\d{1,4})-(\d{2})-(\d{2})$/.exec(v);
    if (!match) throw new ParameterError(`'${v}' is not a DATE value`);
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    throw new ParameterError(`a ${typeof v} cannot be written as DATE`);
  }
  checkDate(y, m, d, `DATE ${typeof v === 'string' ? `'${v}'` : String(v)}`);
  return BigInt(y * 10000 + m * 100 + d);
}

/** A packed DATE; a zero date is null, an impossible one (month 13, Feb 30) a DataError. */
export function unpackDateChecked(packed: bigint): Date | null {
  if (packed === 0n) return null;
  const n = Number(packed);
  if (!isCalendarDate(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100)) throw new DataError(`packed DATE ${packed} is not a valid date`);
  return unpackDate(packed);
}

/** `YYYY-MM-DD` of a packed DATE. */
export function dateText(packed: bigint): string {
  const n = Number(packed);
  return `${String(Math.floor(n / 10000)).padStart(4, '0')}-${String(Math.floor(n / 100) % 100).padStart(2, '0')}-${String(n % 100).padStart(2, '0')}`;
}

export function unpackDate(packed: bigint): Date {
  const n = Number(packed);
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(Math.floor(n / 10000), (Math.floor(n / 100) % 100) - 1, n % 100);
  return date;
}

export function packTime(v: unknown): bigint {
  const t = asSqlTime(v) ?? (typeof v === 'string' ? SqlTime.parse(v) : typeof v === 'number' ? SqlTime.fromMicroseconds(Math.round(v * 1000)) : null);
  if (!t) throw new ParameterError(`${JSON.stringify(v)} is not a TIME value`);
  const magnitude = BigInt(t.hours * 10000 + t.minutes * 100 + t.seconds) * 1_000_000n + BigInt(t.microseconds);
  return t.sign < 0 ? -magnitude : magnitude;
}

export function unpackTime(packed: bigint): SqlTime {
  const negative = packed < 0n;
  const abs = negative ? -packed : packed;
  const us = Number(abs % 1_000_000n);
  const rest = Number(abs / 1_000_000n);
  return new SqlTime(negative ? -1 : 1, Math.floor(rest / 10000), Math.floor(rest / 100) % 100, rest % 100, us);
}
