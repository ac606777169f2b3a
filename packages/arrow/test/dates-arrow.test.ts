import { afterEach, describe, expect, it } from 'vitest';
import { columnDefinition, createTextRowDecoder, DataError, FieldType, pureDecoder, resolveDecodeOptions, SqlTime, type DecodeOptions } from '@s2/base';
import { decodedToArrow, rowsToArrow } from '@s2/arrow/convert';

/**
 * DATE columns reach Arrow two ways: from the frame decoder's text (wire) and from decoded rows
 * (the HTTP transport, rowsToPolars), whose Date is midnight in the `timezone` option's zone.
 * Both must give the date the server sent, whatever the process's zone.
 */
const d = columnDefinition('d', FieldType.DATE, { schema: 'db', table: 't', orgTable: 't', charset: 63, length: 10 });

function packet(text: string | null): Uint8Array {
  if (text === null) return Uint8Array.of(0xfb);
  return Uint8Array.from([text.length, ...Buffer.from(text, 'latin1')]);
}

const DAY = 86_400_000;
/** Days since 1970-01-01 of 'YYYY-MM-DD', any year. */
function days(text: string): number {
  const t = new Date(0);
  t.setUTCFullYear(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)));
  return t.getTime() / DAY;
}

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const viaRows = (texts: (string | null)[], options: Partial<DecodeOptions> = {}) => {
  const decoder = createTextRowDecoder([d], resolveDecodeOptions(options));
  return rowsToArrow(
    [d],
    texts.map((t) => decoder.decodeRow(packet(t))),
  ).getChild('d')!;
};
const viaFrames = (texts: (string | null)[]) =>
  decodedToArrow([d], pureDecoder.decodeFrame([d], resolveDecodeOptions(), texts.map(packet), 'arrow')).getChild('d')!;

describe('DATE from decoded rows to Arrow', () => {
  const texts = ['2024-03-15', '2024-02-29', '1970-01-01', '0001-01-01', '0099-12-31', '9999-12-31', '2018-11-04', '2024-03-31', null, '0000-00-00'];
  const expected = texts.map((t) => (t === null || t === '0000-00-00' ? null : days(t)));
  // East and west of UTC, ±14 h, half hours, and zones whose midnight was skipped by DST.
  const zones = ['Asia/Tokyo', 'America/Los_Angeles', 'UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata', 'America/Sao_Paulo', 'Asia/Beirut'];
  for (const zone of zones) {
    it(`is the server's day in ${zone}, for every timezone option`, () => {
      process.env.TZ = zone;
      for (const timezone of ['local', 'Z', '+09:00', '-05:00', '+05:30', '-11:30']) {
        const vec = viaRows(texts, { timezone });
        const values = Array.from({ length: texts.length }, (_, i) => (vec.isValid(i) ? (vec.data[0].values as Int32Array)[i] : null));
        expect([timezone, values]).toEqual([timezone, expected]);
      }
      const frame = viaFrames(texts);
      expect(Array.from({ length: texts.length }, (_, i) => (frame.isValid(i) ? (frame.data[0].values as Int32Array)[i] : null))).toEqual(expected);
      expect(String(viaRows(texts).type)).toBe('Date32<DAY>');
    });
  }

  it("with the rows' decode options, is the server's day even 24 hours away from the process's zone", () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Beirut']) {
      process.env.TZ = zone;
      for (const timezone of ['local', 'Z', '-10:00', '+14:00', '-12:00', '+05:45']) {
        const options = resolveDecodeOptions({ timezone });
        const decoder = createTextRowDecoder([d], options);
        const vec = rowsToArrow(
          [d],
          texts.map((t) => decoder.decodeRow(packet(t))),
          options,
        ).getChild('d')!;
        const values = Array.from({ length: texts.length }, (_, i) => (vec.isValid(i) ? (vec.data[0].values as Int32Array)[i] : null));
        expect([zone, timezone, values]).toEqual([zone, timezone, expected]);
      }
    }
  });

  it('an impossible date is a DataError, as from the frame decoder, never a NULL', () => {
    process.env.TZ = 'Asia/Tokyo';
    expect(() => viaFrames(['2024-03-15', '2024-02-30'])).toThrow(DataError);
    expect(() => viaRows(['2024-03-15', '2024-02-30'])).toThrow(DataError);
    expect(() => viaRows(['2024-02-30'])).toThrow(/'2024-02-30' is not a valid date/);
  });

  it('dateStrings text is read by its fields; the zero date is NULL', () => {
    process.env.TZ = 'Asia/Tokyo';
    const vec = viaRows(['2024-03-15', '0000-00-00', null], { dateStrings: true });
    expect([vec.isValid(0), vec.isValid(1), vec.isValid(2)]).toEqual([true, false, false]);
    expect((vec.data[0].values as Int32Array)[0]).toBe(days('2024-03-15'));
    expect(() => viaRows(['2024-13-01'], { dateStrings: true })).toThrow(DataError);
  });
});

describe('TIME from decoded rows to Arrow', () => {
  const t = columnDefinition('t', FieldType.TIME, { schema: 'db', table: 't', orgTable: 't', charset: 63, length: 10 });
  it('text the row decoder could not read is a DataError, not a zero duration', () => {
    const rows = [['12:00:00'], ['not a time'], [null]].map(([x]) => [x === '12:00:00' ? SqlTime.parse(x) : x]);
    expect(() => rowsToArrow([t], rows)).toThrow(DataError);
    expect(() => rowsToArrow([t], rows)).toThrow(/'not a time' is not a valid time/);
  });

  it("under dateStrings (the rows' options) it is the text, as the frame decoder lays it out", () => {
    const options = resolveDecodeOptions({ dateStrings: true });
    const vec = rowsToArrow([t], [['-100:00:00.123456'], [null]], options).getChild('t')!;
    expect([String(vec.type), vec.get(0), vec.isValid(1)]).toEqual(['Utf8', '-100:00:00.123456', false]);
  });
});
