import { afterEach, describe, expect, it } from 'vitest';
import { parseDateTime, SqlDateTime } from '@s2/base';

/** The calendar text a value gives back. */
const sql = (v: unknown) => (v as SqlDateTime).toSqlString();
const savedTz = process.env.TZ;

describe('SqlDateTime keeps what the server wrote, whatever the zone', () => {
  afterEach(() => {
    process.env.TZ = savedTz;
  });

  it('fields, microseconds and fraction digits come back exactly, for every zone and year', () => {
    const texts = [
      '0001-01-01 00:00:00',
      '0050-06-15 12:30:45.5',
      '0099-12-31 23:59:59.999999',
      '0100-01-01 00:00:00.000001',
      '1969-12-31 23:59:59.999',
      '1970-01-01 00:00:00',
      '2024-05-06 07:08:09.123456',
      '9999-12-31 23:59:59.999999',
    ];
    for (const tz of ['Z', '+05:45', '-12:00', '+14:00', 'local']) {
      for (const text of texts) {
        const offset = tz === 'local' ? null : tz === 'Z' ? 0 : (tz[0] === '-' ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4)));
        const v = parseDateTime(text, offset) as SqlDateTime;
        expect(v, `${text} ${tz}`).toBeInstanceOf(SqlDateTime);
        const fraction = text.split('.')[1] ?? '';
        // The fraction is written out to microseconds.
        expect(sql(v), `${text} ${tz}`).toBe(fraction ? `${text.split('.')[0]}.${fraction.padEnd(6, '0')}` : text);
        expect(v.fractionDigits).toBe(fraction.length);
        expect(v.microsecond).toBe(Number(fraction.padEnd(6, '0')));
        const [y, mo, d, h, mi, s] = text.split(/[- :.]/).map(Number);
        expect(v.fields).toEqual({ year: y, month: mo, day: d, hour: h, minute: mi, second: s });
      }
    }
  });

  it('a local time inside a DST gap or overlap keeps its written fields', () => {
    process.env.TZ = 'Europe/Amsterdam';
    for (const text of ['2024-03-31 02:30:00.250000', '2024-10-27 02:30:00', '1900-01-01 00:00:00']) {
      const v = parseDateTime(text, null) as SqlDateTime;
      expect(sql(v), text).toBe(text);
      const [y, mo, d, h, mi, s] = text.split(/[- :.]/).map(Number);
      expect(v.getTime(), text).toBe(new Date(y, mo - 1, d, h, mi, s, (v.microsecond / 1000) | 0).getTime());
    }
  });

  it("parts that do not follow from the epoch (a caller's own values) are kept as given", () => {
    const fields = { year: 2024, month: 2, day: 29, hour: 1, minute: 2, second: 3 };
    // An epoch a day away from the fields and a millisecond that disagrees with the microseconds.
    const v = new SqlDateTime(Date.UTC(2024, 2, 1, 1, 2, 3, 7), 456_789, fields, 6);
    expect(v.fields).toEqual(fields);
    expect(v.microsecond).toBe(456_789);
    expect(v.fractionDigits).toBe(6);
    expect(v.toSqlString()).toBe('2024-02-29 01:02:03.456789');
    const far = new SqlDateTime(Date.UTC(2024, 0, 10), 0, { year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, 0);
    expect(far.toSqlString()).toBe('2024-01-01 00:00:00');
  });
});
