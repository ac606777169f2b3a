import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError, ParameterError, SqlDateTime, SqlTime } from '@s2/base';
import { decodeRowdat1, encodeRowdat1, packDate, packDatetime, packTime, unpackDatetime, unpackTime } from '@s2/udf';
import { pythonSdk, runPythonJson, type PythonSdk } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ROWDAT_1 layout (udf spec 6.6 worked example)', () => {
  const types = [8, 5, 254];
  const request =
    '0a00000000000000' +
    '00' +
    '0200000000000000' +
    '00' +
    '000000000000f83f' +
    '00' +
    '0200000000000000' +
    '6162' +
    '0b00000000000000' +
    '00' +
    '0300000000000000' +
    '01' +
    '0000000000000000' +
    '00' +
    '0100000000000000' +
    '63';

  it('encodes the example byte for byte', () => {
    expect(
      hex(
        encodeRowdat1(
          types,
          [10, 11],
          [
            [2n, 1.5, 'ab'],
            [3n, null, 'c'],
          ],
        ),
      ),
    ).toBe(request);
  });

  it('decodes it back', () => {
    expect(decodeRowdat1(types, Buffer.from(request, 'hex'))).toEqual({
      rowIds: [10n, 11n],
      rows: [
        [2n, 1.5, 'ab'],
        [3n, null, 'c'],
      ],
    });
  });

  it('encodes the example response', () => {
    expect(hex(encodeRowdat1([254], [10, 11], [['ababab'], [null]]))).toBe(
      '0a00000000000000' + '00' + '0600000000000000' + '616261626162' + '0b00000000000000' + '01' + '0000000000000000',
    );
  });

  it('an empty payload is zero rows', () => {
    expect(decodeRowdat1([8, 254], new Uint8Array(0))).toEqual({ rowIds: [], rows: [] });
    expect(encodeRowdat1([8], [], []).length).toBe(0);
  });
});

describe('temporal packing (udf spec 6.5)', () => {
  it('matches the documented examples', () => {
    expect(packDatetime('2024-03-15 10:30:45.123456')).toBe(142441638949675584n);
    expect(packDate('2024-03-15')).toBe(20240315n);
    expect(packTime('10:30:45')).toBe(103045000000n);
    expect(packTime('-01:30:00')).toBe(-13000000000n);
    expect(packTime('838:59:59')).toBe(8385959000000n);
    expect(packTime('-00:00:00.5')).toBe(-500000n);
    expect(String(unpackTime(-10203100000n))).toBe('-01:02:03.100000');
    const dt = unpackDatetime(142441638949675584n);
    expect(dt).toBeInstanceOf(SqlDateTime);
    expect(dt.toSqlString()).toBe('2024-03-15 10:30:45.123456');
  });
  it('round-trips edge values', () => {
    for (const s of ['0001-01-01 00:00:00', '1970-01-01 00:00:00', '2024-12-31 23:59:59.999999']) {
      expect(
        unpackDatetime(packDatetime(s))
          .toSqlString()
          .replace(/\.000000$/, ''),
      ).toBe(s);
    }
  });
});

describe('every type code round-trips with NULLs and extremes', () => {
  const cases: [number, unknown[]][] = [
    [1, [-128, 127, 0]],
    [-1, [0, 255]],
    [2, [-32768, 32767]],
    [-2, [0, 65535]],
    [3, [-2147483648, 2147483647]],
    [-3, [0, 4294967295]],
    [9, [-8388608, 8388607]],
    [-9, [0, 16777215]],
    [8, [-(2n ** 63n), 2n ** 63n - 1n]],
    [-8, [0n, 2n ** 64n - 1n]],
    [4, [1.5, -0.25, Infinity]],
    [5, [Math.PI, -1e308, NaN]],
    [13, [1901, 2155, 0]],
    [246, ['-99999999999999.999999', '0.000001']],
    [254, ['', 'héllo 🥷', 'x'.repeat(100_000)]],
    [-254, [new Uint8Array([0, 255, 1]), new Uint8Array(0)]],
    [253, ['\u0000nul']],
    [10, [new Date(Date.UTC(2024, 1, 29))]],
    [11, [SqlTime.parse('-838:59:59.999999')]],
    [12, [unpackDatetime(packDatetime('2024-03-15 10:30:45.123456'))]],
  ];
  for (const [code, values] of cases) {
    it(`type ${code}`, () => {
      const rows = [...values.map((v) => [v]), [null]];
      const ids = rows.map((_, i) => BigInt(i * 7));
      const decoded = decodeRowdat1([code], encodeRowdat1([code], ids, rows));
      expect(decoded.rowIds).toEqual(ids);
      decoded.rows.forEach((row, i) => {
        const expected = rows[i][0];
        if (expected instanceof SqlDateTime) expect((row[0] as SqlDateTime).toSqlString()).toBe(expected.toSqlString());
        else if (expected instanceof SqlTime) expect(String(row[0])).toBe(String(expected));
        else if (typeof expected === 'number' && code === 4) expect(row[0]).toBe(Math.fround(expected));
        else expect(row[0]).toEqual(expected);
      });
    });
  }
});

describe('bad input is a typed error', () => {
  it('every truncation of a valid payload', () => {
    const full = encodeRowdat1(
      [8, 254, 5],
      [1, 2],
      [
        [1n, 'abc', 1.5],
        [2n, null, null],
      ],
    );
    // The format has no row count: a cut exactly between rows is a valid, shorter payload.
    const firstRow = encodeRowdat1([8, 254, 5], [1], [[1n, 'abc', 1.5]]).length;
    for (let cut = 1; cut < full.length; cut++) {
      if (cut === firstRow) expect(decodeRowdat1([8, 254, 5], full.subarray(0, cut)).rows).toHaveLength(1);
      else expect(() => decodeRowdat1([8, 254, 5], full.subarray(0, cut)), `cut at ${cut}`).toThrow(DataError);
    }
  });
  it('hostile lengths, unknown types, invalid UTF-8', () => {
    const hostile = Buffer.from('0100000000000000' + '00' + 'ffffffffffffff7f', 'hex');
    expect(() => decodeRowdat1([254], hostile)).toThrow(/does not fit/);
    const negative = Buffer.from('0100000000000000' + '00' + 'ffffffffffffffff', 'hex');
    expect(() => decodeRowdat1([254], negative)).toThrow(DataError);
    expect(() => decodeRowdat1([77], new Uint8Array(0))).toThrow(/unrecognized ROWDAT_1 column type: 77/);
    const badUtf8 = Buffer.from('0100000000000000' + '00' + '0100000000000000' + 'ff', 'hex');
    expect(() => decodeRowdat1([254], badUtf8)).toThrow(/invalid UTF-8/);
    // The same bytes are fine as binary.
    expect(Buffer.from(decodeRowdat1([-254], badUtf8).rows[0][0] as Uint8Array)).toEqual(Buffer.from([0xff]));
  });
  it('out-of-range and mistyped values on encode', () => {
    expect(() => encodeRowdat1([1], [1], [[128]])).toThrow(/outside the valid range for TINYINT/);
    expect(() => encodeRowdat1([-8], [1], [[-1n]])).toThrow(/UNSIGNED BIGINT/);
    expect(() => encodeRowdat1([13], [1], [[1900]])).toThrow(/YEAR/);
    expect(() => encodeRowdat1([254], [1], [[5]])).toThrow(ParameterError);
    expect(() => encodeRowdat1([8], [1], [[1.5]])).toThrow(ParameterError);
    expect(() => encodeRowdat1([8, 8], [1], [[1n]])).toThrow(/1 values for 2 columns/);
  });
});

/** Cross-check with the official Python SDK's rowdat_1 functions (installed into a private venv at collection time). */
const found = await pythonSdk();
const unavailable = 'unavailable' in found ? `Python SDK ROWDAT_1 cross-check: ${found.unavailable}` : null;
const sdk = found as PythonSdk;

type PyRows = { row_ids: unknown[]; rows: unknown[][] };
function viaPython(input: unknown): Promise<{ dumped_hex: string; loaded: PyRows; own: PyRows }> {
  return runPythonJson(sdk, fileURLToPath(new URL('./python/rowdat1.py', import.meta.url)), input, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
}

describe('against the official Python SDK', skipUnless(unavailable, 'missing-tool'), () => {
  it('both encoders write the same bytes and each decodes the other', async () => {
    const types = [8, -8, 5, 254, -254, 246, 12, 10, 11, 1, -2, 3];
    const ours = [
      [
        -5n,
        18446744073709551615n,
        2.5,
        'héllo 🥷',
        new Uint8Array([0, 1, 255]),
        '-12.345600',
        unpackDatetime(packDatetime('2024-03-15 10:30:45.123456')),
        new Date(Date.UTC(2024, 1, 29)),
        SqlTime.parse('-01:02:03.1'),
        -128,
        65535,
        2147483647,
      ],
      [null, null, null, null, null, null, null, null, null, null, null, null],
    ];
    const forPython = [
      [
        -5,
        { int: '18446744073709551615' },
        2.5,
        'héllo 🥷',
        '0001ff',
        '-12.345600',
        '2024-03-15 10:30:45.123456',
        '2024-02-29',
        -3723100000,
        -128,
        65535,
        2147483647,
      ],
      [null, null, null, null, null, null, null, null, null, null, null, null],
    ];
    const payload = encodeRowdat1(types, [1, 2], ours);
    const py = await viaPython({ types, row_ids: [1, 2], rows: forPython, payload_hex: hex(payload) });
    // Python's decoder reads our bytes exactly as it reads its own encoding of the same rows (same run).
    expect(py.own.rows).toHaveLength(ours.length);
    expect(py.loaded).toEqual(py.own);
    // Second check: what singlestoredb 1.18.1 was recorded to give (pins its value forms).
    expect(py.loaded.row_ids).toEqual([1, 2]);
    expect(py.loaded.rows[0]).toEqual([
      -5,
      { int: '18446744073709551615' },
      { float: '2.5' },
      'héllo 🥷',
      { hex: '0001ff' },
      { decimal: '-12.345600' },
      { datetime: '2024-03-15 10:30:45.123456' },
      { date: '2024-02-29' },
      { micros: -3723100000 },
      -128,
      65535,
      2147483647,
    ]);
    expect(py.loaded.rows[1].every((v) => v === null)).toBe(true);
    // We read Python's bytes as we read our own (row 2 is all NULL: its fillers may differ, the values may not):
    const theirs = decodeRowdat1(types, Buffer.from(py.dumped_hex, 'hex'));
    expect(theirs).toEqual(decodeRowdat1(types, payload));
    expect(theirs).toEqual({ rowIds: [1n, 2n], rows: ours });
    expect(theirs.rows[1].every((v) => v === null)).toBe(true);
    expect(theirs.rows[0][0]).toBe(-5n);
    expect(theirs.rows[0][3]).toBe('héllo 🥷');
    expect((theirs.rows[0][6] as SqlDateTime).toSqlString()).toBe('2024-03-15 10:30:45.123456');
    expect(String(theirs.rows[0][8])).toBe('-01:02:03.100000');
    // Non-NULL rows are byte-identical between the two encoders.
    const oursFirstRow = encodeRowdat1(types, [1], [ours[0]]);
    expect(py.dumped_hex.startsWith(hex(oursFirstRow))).toBe(true);
  }, 120_000);
});

describe("the UDF server called with the Python SDK's encoder, answered to its decoder", skipUnless(unavailable, 'missing-tool'), () => {
  it('mult over HTTP, exactly as the database would call it', async () => {
    const { createUdfServer, t, udf } = await import('@s2/udf');
    const mult = udf(
      { name: 'mult', args: { x: t.bigint(), y: t.double().nullable(), s: t.text() }, returns: t.text().nullable() },
      (x: bigint, y: number | null, s: string) => (y === null ? null : s.repeat(Number(x) * y)),
    );
    const app = await createUdfServer({ functions: [mult] });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const request = await viaPython({
        types: [8, 5, 254],
        row_ids: [10, 11, 12],
        rows: [
          [2, 1.5, 'ab'],
          [3, null, 'c'],
          [1, 2, 'ü🥷'],
        ],
        payload_hex: '',
      });
      const res = await fetch(`${address}/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'mult', 's2-ef-version': '1.0' },
        body: Buffer.from(request.dumped_hex, 'hex'),
      });
      expect(res.status).toBe(200);
      const answer = Buffer.from(await res.arrayBuffer());
      const read = await viaPython({ types: [254], row_ids: [], rows: [], payload_hex: answer.toString('hex') });
      expect(read.loaded).toEqual({ row_ids: [10, 11, 12], rows: [['ababab'], [null], ['ü🥷ü🥷']] });
    } finally {
      await app.close();
    }
  }, 60_000);
});
