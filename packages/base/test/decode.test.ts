import { describe, expect, it } from 'vitest';
import {
  checkRowShape,
  createTextRowDecoder,
  DataError,
  DecodeError,
  defaultDecodeOptions,
  describeColumn,
  FieldType,
  InternalError,
  parseJsonLossless,
  SqlDateTime,
  SqlTime,
  type ColumnDefinition,
  type DecodeOptions,
} from '@s2/base';
import { col, row } from './support/rows.js';

const decode = (c: ColumnDefinition, value: string | Uint8Array | null, opts: Partial<DecodeOptions> = {}) =>
  createTextRowDecoder([c], { ...defaultDecodeOptions, ...opts }).decodeRow(row(value))[0];

describe('integers', () => {
  it('decodes every integer width at its limits', () => {
    for (const [type, text, value] of [
      [FieldType.TINY, '-128', -128],
      [FieldType.TINY, '255', 255],
      [FieldType.SHORT, '-32768', -32768],
      [FieldType.INT24, '16777215', 16777215],
      [FieldType.LONG, '-2147483648', -2147483648],
      [FieldType.LONG, '4294967295', 4294967295],
      [FieldType.YEAR, '2155', 2155],
      [FieldType.YEAR, '0000', 0],
    ] as const)
      expect(decode(col('c', type), text)).toBe(value);
  });

  it('BIGINT: numbers while safe, bigint beyond 2^53, never a rounded number', () => {
    const c = col('b', FieldType.LONGLONG);
    expect(decode(c, '9007199254740991')).toBe(9007199254740991);
    expect(decode(c, '9007199254740993')).toBe(9007199254740993n);
    expect(decode(c, '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(decode(c, '18446744073709551615')).toBe(18446744073709551615n);
    expect(decode(c, '42', { int64: 'bigint' })).toBe(42n);
    expect(decode(c, '18446744073709551615', { int64: 'string' })).toBe('18446744073709551615');
    expect(decode(c, '12', { int64: 'number' })).toBe(12);
  });

  it('a cell that is not -?\\d+ is a DataError naming the column, never NaN, a parse of a prefix or a bare SyntaxError', () => {
    const bad = ['12a', '1.5', '1e3', '-', '', '--1', ' 12', '12 ', '+1', '0x1f', '12345678901234567.5', '1234567890123456789a', '-12345678901234567e3'];
    const cases: [ColumnDefinition, Partial<DecodeOptions>][] = [
      [col('t', FieldType.TINY), {}],
      [col('l', FieldType.LONG), {}],
      [col('y', FieldType.YEAR), {}],
      ...(['auto', 'number', 'bigint', 'string'] as const).map((int64): [ColumnDefinition, Partial<DecodeOptions>] => [
        col('b', FieldType.LONGLONG),
        { int64 },
      ]),
    ];
    for (const mode of ['auto', 'interpreted'] as const)
      for (const [c, opts] of cases)
        for (const text of bad) {
          const decoder = createTextRowDecoder([c], { ...defaultDecodeOptions, ...opts }, mode);
          let thrown: unknown;
          try {
            decoder.decodeRow(row(text));
          } catch (err) {
            thrown = err;
          }
          expect(thrown, `${mode} ${c.name} ${JSON.stringify(opts)} ${JSON.stringify(text)}`).toBeInstanceOf(DataError);
          expect((thrown as Error).message).toContain(`column '${c.name}'`);
        }
  });

  it('integer cells the server writes still decode in every int64 mode', () => {
    const c = col('b', FieldType.LONGLONG);
    expect(decode(c, '-0')).toBe(0);
    expect(decode(c, '-12345678901234567')).toBe(-12345678901234567n);
    expect(decode(c, '-12345678901234567', { int64: 'number' })).toBe(-12345678901234568);
    expect(decode(c, '-12345678901234567', { int64: 'bigint' })).toBe(-12345678901234567n);
    expect(decode(c, '-12345678901234567', { int64: 'string' })).toBe('-12345678901234567');
    // A NULL cell is no integer text to check.
    expect(decode(c, null, { int64: 'string' })).toBe(null);
  });
});

describe('decimals and floats', () => {
  it('DECIMAL keeps every digit as a string by default', () => {
    const c = col('d', FieldType.NEWDECIMAL, { decimals: 6, length: 22 });
    expect(decode(c, '-99999999999999.999999')).toBe('-99999999999999.999999');
    expect(decode(c, '2.5', { decimal: 'number' })).toBe(2.5);
  });
  it('FLOAT and DOUBLE become numbers', () => {
    expect(decode(col('f', FieldType.FLOAT), '-146487000')).toBe(-146487000);
    expect(decode(col('d', FieldType.DOUBLE), '-1.7976931348623157e308')).toBe(-1.7976931348623157e308);
  });
});

describe('dates and times', () => {
  it('DATETIME(6) keeps microseconds and the written fields', () => {
    const v = decode(col('t', FieldType.DATETIME, { decimals: 6 }), '1756-10-29 02:02:42.000008', { timezone: 'Z' }) as SqlDateTime;
    expect(v).toBeInstanceOf(Date);
    expect(v).toBeInstanceOf(SqlDateTime);
    expect(v.microsecond).toBe(8);
    expect(v.toISOString()).toBe('1756-10-29T02:02:42.000Z');
    expect(v.toSqlString()).toBe('1756-10-29 02:02:42.000008');
  });
  it('years 1000 and 9999 and short fractions', () => {
    expect((decode(col('t', FieldType.DATETIME), '1000-01-01 00:00:00', { timezone: 'Z' }) as Date).toISOString()).toBe('1000-01-01T00:00:00.000Z');
    const max = decode(col('t', FieldType.DATETIME), '9999-12-31 23:59:59.999999', { timezone: 'Z' }) as SqlDateTime;
    expect(max.microsecond).toBe(999999);
    expect((decode(col('t', FieldType.DATETIME), '2020-01-01 00:00:00.5', { timezone: 'Z' }) as SqlDateTime).microsecond).toBe(500000);
  });
  it('time zones: Z, an offset, and local', () => {
    const c = col('t', FieldType.TIMESTAMP);
    expect((decode(c, '2024-05-06 07:08:09', { timezone: '+02:00' }) as Date).toISOString()).toBe('2024-05-06T05:08:09.000Z');
    expect((decode(c, '2024-05-06 07:08:09', { timezone: 'local' }) as Date).getTime()).toBe(new Date(2024, 4, 6, 7, 8, 9).getTime());
  });
  it('zero dates are null, impossible dates come back as text', () => {
    expect(decode(col('t', FieldType.DATETIME), '0000-00-00 00:00:00')).toBeNull();
    expect(decode(col('d', FieldType.DATE), '0000-00-00')).toBeNull();
    expect(decode(col('d', FieldType.DATE), '2020-02-31')).toBe('2020-02-31');
    expect(decode(col('d', FieldType.DATE), '2020-00-10')).toBe('2020-00-10');
  });
  it('TIME is a signed duration with microseconds up to 838 hours', () => {
    const c = col('t', FieldType.TIME);
    const t = decode(c, '-838:59:59') as SqlTime;
    expect(t).toBeInstanceOf(SqlTime);
    expect(t.totalMicroseconds).toBe(-(838 * 3600 + 59 * 60 + 59) * 1e6);
    expect(String(decode(c, '01:10:00.000002'))).toBe('01:10:00.000002');
    expect((decode(c, '-00:00:01.5') as SqlTime).totalMicroseconds).toBe(-1_500_000);
    expect(+(decode(c, '00:07:00') as SqlTime)).toBe(7 * 60 * 1000);
    expect(decode(c, 'garbage')).toBe('garbage');
  });
  it('dateStrings returns the server text', () => {
    expect(decode(col('t', FieldType.DATETIME), '2024-05-06 07:08:09.123456', { dateStrings: true })).toBe('2024-05-06 07:08:09.123456');
    expect(decode(col('t', FieldType.TIME), '-01:00:00', { dateStrings: true })).toBe('-01:00:00');
  });
});

describe('text, binary, JSON', () => {
  it('charset 63 gives bytes, others give strings', () => {
    expect(decode(col('b', FieldType.BLOB, { charset: 63 }), Uint8Array.from([0, 255, 1]))).toEqual(Buffer.from([0, 255, 1]));
    expect(decode(col('s', FieldType.VAR_STRING), 'héllo 🌍')).toBe('héllo 🌍');
    // A leading byte-order mark is data, not something to strip.
    expect(decode(col('s', FieldType.VAR_STRING), '\uFEFFx')).toBe('\uFEFFx');
    expect(decode(col('bit', FieldType.BIT, { charset: 63 }), Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0x80]))).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80]));
  });
  it('invalid UTF-8: strict throws a DecodeError naming the column, replace substitutes', () => {
    const bad = Uint8Array.from([0x61, 0xff, 0x62]);
    expect(() => decode(col('name', FieldType.VAR_STRING), bad)).toThrow(DecodeError);
    expect(() => decode(col('name', FieldType.VAR_STRING), bad)).toThrow(/'name'.*encodingErrors/);
    expect(decode(col('name', FieldType.VAR_STRING), bad, { encodingErrors: 'replace' })).toBe('a\uFFFDb');
  });
  it('JSON is parsed losslessly, or left as text', () => {
    const c = col('j', FieldType.JSON);
    expect(decode(c, '{"a":10,"b":2.75,"c":"hello world"}')).toEqual({ a: 10, b: 2.75, c: 'hello world' });
    expect(decode(c, '{"big":12345678901234567890,"s":"12345678901234567890"}')).toEqual({ big: 12345678901234567890n, s: '12345678901234567890' });
    expect(decode(c, '[1,2]', { parseJson: false })).toBe('[1,2]');
    expect(parseJsonLossless('[-9007199254740993, 1.5e3, true, null]')).toEqual([-9007199254740993n, 1500, true, null]);
  });
  it('conv overrides decode a type code with the user function', () => {
    const c = col('s', FieldType.VAR_STRING);
    expect(decode(c, 'abc', { conv: { [FieldType.VAR_STRING]: (v) => String(v).toUpperCase() } })).toBe('ABC');
  });
});

describe('vectors', () => {
  const vec = (type: number, dim: number, charset = 63) => col('v', type, { charset, vectorDimension: dim, vectorElementType: type % 1000, length: dim });
  it('binary projection gives typed arrays of the element type', () => {
    const f32 = new Float32Array([0.267261237, 0.534522474, 0.801783681]);
    expect(decode(vec(FieldType.FLOAT32_VECTOR, 3), new Uint8Array(f32.buffer))).toEqual(f32);
    const f64 = new Float64Array([0.1, -0.2, 0.3]);
    expect(decode(vec(FieldType.FLOAT64_VECTOR, 3), new Uint8Array(f64.buffer))).toEqual(f64);
    expect(decode(vec(FieldType.INT8_VECTOR, 3), Uint8Array.from([1, 2, 0xff]))).toEqual(new Int8Array([1, 2, -1]));
    expect(decode(vec(FieldType.INT16_VECTOR, 3), new Uint8Array(new Int16Array([4, 5, -6]).buffer))).toEqual(new Int16Array([4, 5, -6]));
    expect(decode(vec(FieldType.INT32_VECTOR, 3), new Uint8Array(new Int32Array([-1, -4, 8]).buffer))).toEqual(new Int32Array([-1, -4, 8]));
    expect(decode(vec(FieldType.INT64_VECTOR, 3), new Uint8Array(new BigInt64Array([1n, 2n, 3n]).buffer))).toEqual(new BigInt64Array([1n, 2n, 3n]));
  });
  it('decodes from unaligned row buffers', () => {
    const f32 = new Float32Array([1.5, -2.5]);
    const payload = row('x', new Uint8Array(f32.buffer));
    const decoder = createTextRowDecoder([col('s', FieldType.VAR_STRING), vec(FieldType.FLOAT32_VECTOR, 2)], defaultDecodeOptions);
    expect(decoder.decodeRow(payload)[1]).toEqual(f32);
  });
  it('JSON projection gives the same typed arrays', () => {
    expect(decode(vec(FieldType.FLOAT32_VECTOR_JSON, 3, 45), '[0.267261237,0.534522474,0.801783681]')).toEqual(
      new Float32Array([0.267261237, 0.534522474, 0.801783681]),
    );
    expect(decode(vec(FieldType.INT64_VECTOR_JSON, 3, 45), '[1,-4,9223372036854775807]')).toEqual(new BigInt64Array([1n, -4n, 9223372036854775807n]));
  });
  it('F16 widens to Float32Array', () => {
    const halves = new Uint16Array([0x3c00, 0x3800, 0xc400]);
    expect(decode(vec(FieldType.FLOAT16_VECTOR, 3), new Uint8Array(halves.buffer))).toEqual(new Float32Array([1, 0.5, -4]));
  });
  it('a length that does not match the dimension is a DataError', () => {
    expect(() => decode(vec(FieldType.FLOAT32_VECTOR, 3), new Uint8Array(8))).toThrow(/expected 3 elements/);
  });
  it('JSON elements must be numbers the element type holds, as many as the dimension: a DataError otherwise', () => {
    for (const [type, dim, text] of [
      [FieldType.INT64_VECTOR_JSON, 2, '[1.5,2]'],
      [FieldType.INT64_VECTOR_JSON, 2, '["a",2]'],
      [FieldType.INT64_VECTOR_JSON, 2, '[1,9223372036854775808]'],
      [FieldType.INT64_VECTOR_JSON, 2, '[1,99999999999999999999999]'],
      [FieldType.INT8_VECTOR_JSON, 2, '[1,300]'],
      [FieldType.INT8_VECTOR_JSON, 2, '["x",2]'],
      [FieldType.INT8_VECTOR_JSON, 2, '[1,null]'],
      [FieldType.INT16_VECTOR_JSON, 2, '[1,32768]'],
      [FieldType.INT32_VECTOR_JSON, 2, '[1,-2147483649]'],
      [FieldType.INT32_VECTOR_JSON, 2, '[1,2.5]'],
      [FieldType.FLOAT32_VECTOR_JSON, 3, '[1,2]'],
      [FieldType.FLOAT32_VECTOR_JSON, 2, '[1,2,3]'],
      [FieldType.FLOAT32_VECTOR_JSON, 2, '[[1],2]'],
      [FieldType.FLOAT32_VECTOR_JSON, 2, '[1,1e39]'],
      [FieldType.FLOAT32_VECTOR_JSON, 1, `${'['.repeat(20000)}1${']'.repeat(20000)}`],
      [FieldType.FLOAT64_VECTOR_JSON, 2, '[1,true]'],
      [FieldType.FLOAT64_VECTOR_JSON, 2, '[1,1e400]'],
    ] as const) {
      expect(() => decode(vec(type, dim, 45), text), `${type} ${text.slice(0, 20)}`).toThrow(DataError);
    }
  });
  it('JSON elements at the limits of their type are kept exactly', () => {
    expect(decode(vec(FieldType.INT8_VECTOR_JSON, 2, 45), '[-128,127]')).toEqual(new Int8Array([-128, 127]));
    expect(decode(vec(FieldType.INT16_VECTOR_JSON, 2, 45), '[-32768,32767]')).toEqual(new Int16Array([-32768, 32767]));
    expect(decode(vec(FieldType.INT32_VECTOR_JSON, 2, 45), '[-2147483648,2147483647]')).toEqual(new Int32Array([-2147483648, 2147483647]));
    expect(decode(vec(FieldType.INT64_VECTOR_JSON, 2, 45), '[-9223372036854775808,9007199254740993]')).toEqual(
      new BigInt64Array([-9223372036854775808n, 9007199254740993n]),
    );
    expect(decode(vec(FieldType.FLOAT64_VECTOR_JSON, 2, 45), '[1.7976931348623157e308,-5e-324]')).toEqual(new Float64Array([1.7976931348623157e308, -5e-324]));
    // Without a known dimension any length is taken.
    expect(decode(vec(FieldType.FLOAT32_VECTOR_JSON, 0, 45), '[1,2,3,4]')).toEqual(new Float32Array([1, 2, 3, 4]));
  });
});

for (const mode of ['auto', 'interpreted'] as const)
  describe(`malformed rows (${mode} decoder)`, () => {
    const cols = [col('a', FieldType.LONG), col('b', FieldType.VAR_STRING)];
    const decoder = createTextRowDecoder(cols, defaultDecodeOptions, mode);
    it('every truncation of a valid row is a typed error', () => {
      const full = row('123', 'hello');
      for (let cut = 0; cut < full.length; cut++) {
        expect(() => decoder.decodeRow(full.subarray(0, cut))).toThrow(InternalError);
      }
    });
    it('trailing bytes and bad length prefixes are typed errors', () => {
      expect(() => decoder.decodeRow(Uint8Array.from([...row('1', 'x'), 0]))).toThrow(/after the last column/);
      expect(() => decoder.decodeRow(Uint8Array.from([0xff, 0]))).toThrow(InternalError);
      expect(() => decoder.decodeRow(Uint8Array.from([0xfe, 1, 2]))).toThrow(InternalError);
    });
    it('NULL in every column', () => {
      expect(decoder.decodeRow(row(null, null))).toEqual([null, null]);
    });
    it('random valid rows round-trip through encoder and decoder', () => {
      let seed = 1;
      const rand = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
      const strCol = createTextRowDecoder([col('s', FieldType.VAR_STRING), col('s2', FieldType.VAR_STRING)], defaultDecodeOptions, mode);
      for (let i = 0; i < 300; i++) {
        const len = [0, 1, 250, 251, 252, 300, 70000][rand(7)];
        const a = 'é'.repeat(Math.floor(len / 2)) + 'x'.repeat(len % 2);
        const b = rand(3) === 0 ? null : String(rand(1_000_000));
        expect(strCol.decodeRow(row(a, b))).toEqual([a, b]);
      }
    });
  });

describe('checkRowShape', () => {
  const cols = [col('a', FieldType.LONG), col('b', FieldType.VAR_STRING)];
  const decoders = (['auto', 'interpreted'] as const).map((mode) => createTextRowDecoder(cols, defaultDecodeOptions, mode));
  it('throws what the row decoder throws for a broken row, and accepts every whole one', () => {
    const names = cols.map((c) => c.name);
    const thrown = (f: () => unknown) => {
      try {
        f();
        return null;
      } catch (err) {
        return `${(err as Error).constructor.name}: ${(err as Error).message}`;
      }
    };
    const full = row('123', 'x'.repeat(300));
    const broken = [
      ...Array.from({ length: full.length }, (_, cut) => full.subarray(0, cut)),
      Uint8Array.from([...full, 0]),
      Uint8Array.from([0xff, 0]),
      Uint8Array.from([0xfe, 1, 2]),
      Uint8Array.from([0xfe, 1, 0, 0, 0, 0, 0, 0, 1]),
      Uint8Array.from([0xfd, 1, 0, 0, 0x31]),
    ];
    for (const p of broken) {
      expect(thrown(() => checkRowShape(p, names))).toMatch(/^InternalError: /);
      // The interpreted decoder's words; the compiled one may name the column less often.
      expect(thrown(() => checkRowShape(p, names))).toBe(thrown(() => decoders[1].decodeRow(p)));
      expect(() => decoders[0].decodeRow(p)).toThrow(InternalError);
    }
    for (const p of [full, row(null, null), row('1', ''), row('1', 'é'.repeat(40000))]) expect(thrown(() => checkRowShape(p, names))).toBe(null);
  });

  it('a row that is broken is reported as broken (2027) even when one of its values fails first', () => {
    const int = [col('i', FieldType.LONG)];
    const failing = [
      // An end packet with a 0x00 header read as a row: an empty first cell, then 6 bytes.
      Uint8Array.from([0, 0, 0, 2, 0, 0, 0]),
      Uint8Array.from([...row('12a'), 0xfb]),
      Uint8Array.from([...row('1', '12a')]),
    ];
    for (const mode of ['auto', 'interpreted'] as const) {
      const decoder = createTextRowDecoder(int, defaultDecodeOptions, mode);
      for (const p of failing) expect(() => decoder.decodeRow(p)).toThrow(expect.objectContaining({ errno: 2027 }));
      // The same value in a whole row stays a value error.
      expect(() => decoder.decodeRow(row('12a'))).toThrow(DataError);
      const conv = createTextRowDecoder(
        int,
        {
          ...defaultDecodeOptions,
          conv: {
            [FieldType.LONG]: () => {
              throw new TypeError('user conv');
            },
          },
        },
        mode,
      );
      expect(() => conv.decodeRow(Uint8Array.from([...row('1'), 0]))).toThrow(InternalError);
      expect(() => conv.decodeRow(row('1'))).toThrow(TypeError);
    }
  });
});

describe('description', () => {
  it('computes precision for DECIMAL and sizes for utf8 VARCHAR', () => {
    expect(describeColumn(col('d', FieldType.NEWDECIMAL, { length: 22, decimals: 6 }))).toMatchObject({ precision: 20, scale: 6, nullOk: true });
    expect(describeColumn(col('v', FieldType.VAR_STRING, { charset: 33, length: 600, flags: 1 }))).toMatchObject({ internalSize: 200, nullOk: false });
  });
});

describe('lossless JSON fast path', () => {
  it('keeps long integers exact while long fractions take the native parser', () => {
    expect(parseJsonLossless('[0.14285714285714285, 1.7976931348623157e308, 12345678901234567]')).toEqual([
      0.14285714285714285,
      1.7976931348623157e308,
      12345678901234567n,
    ]);
    expect(parseJsonLossless('{"a":"12345678901234567890","b":1}')).toEqual({ a: '12345678901234567890', b: 1 });
    expect(parseJsonLossless('[-12345678901234567890]')).toEqual([-12345678901234567890n]);
  });

  it('a "__proto__" key is an own property on both paths, never the prototype', () => {
    const member = '{"__proto__":{"admin":true},"x":1,"n":NUM}';
    const native = parseJsonLossless(member.replace('NUM', '1')) as Record<string, unknown>;
    const lossless = parseJsonLossless(member.replace('NUM', '12345678901234567890')) as Record<string, unknown>;
    for (const obj of [native, lossless]) {
      expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
      expect(obj.admin).toBeUndefined();
      expect(Object.hasOwn(obj, '__proto__')).toBe(true);
      expect(Object.keys(obj)).toEqual(['__proto__', 'x', 'n']);
      expect(Object.getOwnPropertyDescriptor(obj, '__proto__')).toEqual({ value: { admin: true }, writable: true, enumerable: true, configurable: true });
    }
    expect(lossless.n).toBe(12345678901234567890n);
    // A repeated key keeps the last value, as JSON.parse does.
    const twice = parseJsonLossless('[{"__proto__":1,"__proto__":[2]},12345678901234567890]') as [Record<string, unknown>];
    expect(Object.getOwnPropertyDescriptor(twice[0], '__proto__')?.value).toEqual([2]);
    expect(Object.getPrototypeOf(twice[0])).toBe(Object.prototype);
  });
});

describe('local-time DATETIME and DATE around DST transitions', () => {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  // New York (an hour at 02:00), Lord Howe Island (half an hour at 02:00), Dublin (winter is the
  // "negative" offset), Kathmandu (+05:45), and the zone that was set before.
  const zones = ['America/New_York', 'Australia/Lord_Howe', 'Europe/Dublin', 'Asia/Kathmandu'];
  const days = [
    [2024, 3, 10],
    [2024, 11, 3],
    [2024, 4, 7],
    [2024, 10, 6],
    [2024, 3, 31],
    [2024, 10, 27],
  ];

  it('every 5 minutes of the transition days: the same instant as a Date built from local fields', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of zones) {
        process.env.TZ = zone;
        const dt = col('dt', FieldType.DATETIME);
        const d = col('d', FieldType.DATE);
        // One decoder per result set, as a query makes them (it notices the changed zone).
        const dtDecoder = createTextRowDecoder([dt], { ...defaultDecodeOptions, timezone: 'local' });
        const dDecoder = createTextRowDecoder([d], { ...defaultDecodeOptions, timezone: 'local' });
        for (const [y, mo, day] of days) {
          expect((dDecoder.decodeRow(row(`${y}-${pad(mo)}-${pad(day)}`))[0] as Date).getTime(), `${zone} ${y}-${mo}-${day}`).toBe(
            new Date(y, mo - 1, day).getTime(),
          );
          for (let minute = 0; minute < 24 * 60; minute += 5) {
            const h = Math.floor(minute / 60);
            const mi = minute % 60;
            const text = `${y}-${pad(mo)}-${pad(day)} ${pad(h)}:${pad(mi)}:07.250000`;
            const got = dtDecoder.decodeRow(row(text))[0] as SqlDateTime;
            expect(got.getTime(), `${zone} ${text}`).toBe(new Date(y, mo - 1, day, h, mi, 7, 250).getTime());
            expect(got.toSqlString()).toBe(text);
          }
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
