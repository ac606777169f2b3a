import { ParameterError, SqlDateTime, SqlTime } from '@s2/base';

/**
 * ROWDAT_1 packs temporal values into int64s (udf spec 6.5). DATETIME values decode to
 * `SqlDateTime` read in UTC (the fields are the wall-clock values, no zone is involved), DATE to
 * a `Date` at UTC midnight, TIME to `SqlTime`.
 */
export function packDatetime(v: unknown): bigint {
  let y: number, mo: number, d: number, h: number, mi: number, s: number, us: number;
  if (v instanceof SqlDateTime) {
    ({ year: y, month: mo, day: d, hour: h, minute: mi, second: s } = v.fields);
    us = v.microsecond;
  } else if (v instanceof Date) {
    y = v.getUTCFullYear(); mo = v.getUTCMonth() + 1; d = v.getUTCDate();
    h = v.getUTCHours(); mi = v.getUTCMinutes(); s = v.getUTCSeconds(); us = v.getUTCMilliseconds() * 1000;
  } else if (typeof v === 'string') {
    const m = /^(\d{1,4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(v);
    if (!m) throw new ParameterError(`'${v}' is not a DATETIME value`);
    [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
    us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  } else {
    throw new ParameterError(`a ${typeof v} cannot be written as DATETIME`);
  }
  const high = ((((BigInt(y) * 16n + BigInt(mo)) * 32n + BigInt(d)) * 32n + BigInt(h)) * 64n + BigInt(mi)) * 64n + BigInt(s);
  return high * 1048576n + BigInt(us);
}

export function unpackDatetime(packed: bigint): SqlDateTime {
  let rest = packed;
  const us = Number(rest % 1048576n); rest /= 1048576n;
  const s = Number(rest % 64n); rest /= 64n;
  const mi = Number(rest % 64n); rest /= 64n;
  const h = Number(rest % 32n); rest /= 32n;
  const d = Number(rest % 32n); rest /= 32n;
  const mo = Number(rest % 16n); rest /= 16n;
  const y = Number(rest);
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, Math.floor(us / 1000)));
  date.setUTCFullYear(y, mo - 1, d);
  return new SqlDateTime(date.getTime(), us, { year: y, month: mo, day: d, hour: h, minute: mi, second: s }, us ? 6 : 0);
}

export function packDate(v: unknown): bigint {
  if (v instanceof Date) return BigInt(v.getUTCFullYear() * 10000 + (v.getUTCMonth() + 1) * 100 + v.getUTCDate());
  if (typeof v === 'string') {
    const m = /^(\d{1,4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) throw new ParameterError(`'${v}' is not a DATE value`);
    return BigInt(Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]));
  }
  throw new ParameterError(`a ${typeof v} cannot be written as DATE`);
}

export function unpackDate(packed: bigint): Date {
  const n = Number(packed);
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(Math.floor(n / 10000), Math.floor(n / 100) % 100 - 1, n % 100);
  return date;
}

export function packTime(v: unknown): bigint {
  const t = v instanceof SqlTime ? v : typeof v === 'string' ? SqlTime.parse(v) : typeof v === 'number' ? SqlTime.fromMicroseconds(Math.round(v * 1000)) : null;
  if (!t) throw new ParameterError(`${JSON.stringify(v)} is not a TIME value`);
  const magnitude = (BigInt(t.hours * 10000 + t.minutes * 100 + t.seconds) * 1_000_000n + BigInt(t.microseconds));
  return t.sign < 0 ? -magnitude : magnitude;
}

export function unpackTime(packed: bigint): SqlTime {
  const negative = packed < 0n;
  const abs = negative ? -packed : packed;
  const us = Number(abs % 1_000_000n);
  const rest = Number(abs / 1_000_000n);
  return new SqlTime(negative ? -1 : 1, Math.floor(rest / 10000), Math.floor(rest / 100) % 100, rest % 100, us);
}
