import { describe, expect, it } from 'vitest';
import { DataError } from '@s2/base';
import { createUdfServer, decodeJsonColumns, decodeJsonRows, encodeJsonColumns, encodeJsonRows, t, udf, type Vector } from '../src/index.js';
import { columnsToRows, toColumns } from '../src/definition/vectors.js';

/**
 * The JSON codec's column paths (what scalar and vectorized functions are called with) against
 * its row paths, and the exactness of integers JSON.parse alone would round.
 */
const TYPES = [8, -8, 5, 3, 254, 246, 12, 10, 11, -254, 245];
const BODY = JSON.stringify({
  data: [
    [0, -5, 7, 2.5, -7, 'héllo', '1.50', '2024-03-15 10:30:45.123456', '2024-02-29', '-01:02:03.100000', 'AAEC', { a: [1, 2] }],
    [1, null, null, null, null, null, null, null, null, null, null, null],
    [
      2,
      '9007199254740993',
      '18446744073709551615',
      '1e300',
      '2147483647',
      '',
      '-0.000001',
      '0000-00-00 00:00:00',
      '0000-00-00',
      '838:59:59.000000',
      '',
      'null',
    ],
  ],
});

describe('JSON codec', () => {
  it('decodes to the same columns as the row decoder feeds toColumns, NULL fill values included', () => {
    const rows = decodeJsonRows(TYPES, Buffer.from(BODY));
    const cols = decodeJsonColumns(TYPES, Buffer.from(BODY));
    expect(cols.rowIds).toEqual(rows.rowIds);
    expect(cols.columns).toEqual(toColumns(rows.rows, TYPES));
    expect(cols.columns[0].values).toBeInstanceOf(BigInt64Array);
    expect(Array.from(cols.columns[0].values as BigInt64Array)).toEqual([-5n, 0n, 9007199254740993n]);
    expect(Number.isNaN((cols.columns[2].values as Float64Array)[1])).toBe(true);
    // Zero dates decode as NULL, and the mask says so.
    expect(cols.columns[6].nulls?.[2]).toBe(1);
  });

  it('keeps integers beyond 2^53 exact in ids, BIGINT values and DECIMALs', () => {
    const columnsAsRows = (types: number[], body: string) => {
      const c = decodeJsonColumns(types, body);
      return { rowIds: c.rowIds, rows: columnsToRows(c.columns, c.rowIds.length) };
    };
    // Each body has one kind of long integer, so each place is checked on its own.
    const cases: [number[], string, bigint, unknown][] = [
      [[5], '{"data": [[9007199254740993, 1.5]]}', 9007199254740993n, 1.5],
      [[8], '{"data": [[1, 9007199254740995]]}', 1n, 9007199254740995n],
      [[-8], '{"data": [[1, 18446744073709551615]]}', 1n, 18446744073709551615n],
      [[246], '{"data": [[1, 12345678901234567890123]]}', 1n, '12345678901234567890123'],
      [
        [254],
        '{"data": [[1, [12345678901234567890123, {"a": -98765432109876543210, "b": "é"}]]]}',
        1n,
        '[12345678901234567890123,{"a":-98765432109876543210,"b":"é"}]',
      ],
    ];
    for (const [types, body, id, value] of cases) {
      for (const decoded of [decodeJsonRows(types, body), columnsAsRows(types, body)]) {
        expect(decoded.rowIds).toEqual([id]);
        expect(decoded.rows).toEqual([[value]]);
      }
    }
    // A number that only looks large (exponent) stays a double where one is expected.
    expect(decodeJsonRows([5], '{"data": [[1, 1e300]]}').rows).toEqual([[1e300]]);
  });

  it('rejects a BIGINT argument beyond 64 bits instead of wrapping it', () => {
    const call = () => decodeJsonColumns([8], '{"data": [[1, 9223372036854775808]]}');
    expect(call).toThrow(DataError);
    expect(call).toThrow(/row 0 column 1: 9223372036854775808 is out of range for BIGINT/);
    expect(() => decodeJsonColumns([-8], '{"data": [[1, -1]]}')).toThrow(/out of range for BIGINT UNSIGNED/);
    expect(decodeJsonColumns([8], '{"data": [[1, -9223372036854775808]]}').columns[0].values).toEqual(BigInt64Array.of(-(2n ** 63n)));
  });

  it('the row path (table functions) rejects the same BIGINT arguments as the column path', () => {
    for (const [code, body, limit] of [
      [8, '{"data": [[1, 9223372036854775808]]}', 'BIGINT'],
      [8, '{"data": [[1, -99999999999999999999]]}', 'BIGINT'],
      [8, '{"data": [[1, "99999999999999999999"]]}', 'BIGINT'],
      [-8, '{"data": [[1, -1]]}', 'BIGINT UNSIGNED'],
      [-8, '{"data": [[1, 18446744073709551616]]}', 'BIGINT UNSIGNED'],
    ] as const) {
      for (const decode of [decodeJsonRows, decodeJsonColumns]) {
        expect(() => decode([code], body), `${decode.name} ${body}`).toThrow(DataError);
        expect(() => decode([code], body)).toThrow(new RegExp(`row 0 column 1: .* is out of range for ${limit}$`));
      }
    }
    expect(decodeJsonRows([8, -8], '{"data": [[1, -9223372036854775808, 18446744073709551615]]}').rows).toEqual([[-(2n ** 63n), 2n ** 64n - 1n]]);
  });

  it('reads bare NaN/Infinity only in FLOAT and DOUBLE columns; elsewhere they are request errors', () => {
    for (const decode of [decodeJsonRows, decodeJsonColumns]) {
      expect(() => decode([254], '{"data": [[1, NaN]]}')).toThrow(DataError);
      expect(() => decode([254], '{"data": [[1, "ok"], [2, Infinity]]}')).toThrow(
        /row 1 column 1: NaN, Infinity and -Infinity are only read in FLOAT and DOUBLE/,
      );
      // A JSON argument holding one deeper down, a TIME, a DATE and a binary column.
      expect(() => decode([245], '{"data": [[1, {"a": [-Infinity]}]]}')).toThrow(DataError);
      for (const code of [11, 10, 12, -254]) expect(() => decode([code], '{"data": [[1, NaN]]}')).toThrow(DataError);
      expect(() => decode([8], '{"data": [[1, NaN]]}')).toThrow(/row 0 column 1: NaN/);
      expect(() => decode([5], '{"data": [[NaN, 1]]}')).toThrow(/row 0 id: NaN is not an integer/);
    }
    // In a body without bare words, a string that spells the internal stand-in is just text.
    expect(decodeJsonRows([254], '{"data": [[1, "\\u0000NaN"]]}').rows).toEqual([['\u0000NaN']]);
    expect(() => decodeJsonRows([5], '{"data": [[1, "\\u0000NaN"]]}')).toThrow(/is not a number/);
    expect(decodeJsonRows([254, 5], '{"data": [[1, "NaN", NaN]]}').rows).toEqual([['NaN', NaN]]);
  });

  it('names the first bad row, in row order, whatever else is wrong later', () => {
    const body = '{"data": [[0, 1], [1, "x"], [2]]}';
    expect(() => decodeJsonColumns([8], body)).toThrow(/row 1 column 1: "x" is not an integer/);
    expect(() => decodeJsonRows([8], body)).toThrow(/row 1 column 1: "x" is not an integer/);
    expect(() => decodeJsonRows([8], '{"data": [[0, 1], [2]]}')).toThrow(/row 1 must be \[row_id, 1 value\(s\)\]/);
    expect(() => decodeJsonRows([8], '{"rows": []}')).toThrow(/"data" array/);
    expect(() => decodeJsonRows([8], Buffer.from([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8 JSON/);
    // JSON.parse takes any depth; writing such a value back for a TEXT argument would overflow the stack.
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    for (const decode of [decodeJsonRows, decodeJsonColumns]) {
      expect(() => decode([254], `{"data": [[1, ${deep}]]}`)).toThrow(DataError);
      expect(() => decode([254], `{"data": [[1, ${deep}]]}`)).toThrow(/nested too deeply/);
    }
  });

  it('encodes columns to the bytes the row encoder writes', () => {
    const columns: Vector[] = [
      { values: BigInt64Array.of(1n, 0n, -(2n ** 63n)), nulls: Uint8Array.of(0, 1, 0) },
      { values: ['a"b', 'x', null], nulls: null },
      { values: Float64Array.of(2, NaN, 1e16), nulls: Uint8Array.of(0, 1, 0) },
    ];
    const types = [8, 254, 5];
    const ids = [7n, 8n, 9n];
    const text = encodeJsonColumns(types, ids, columns);
    expect(text).toBe(encodeJsonRows(types, ids, columnsToRows(columns, 3)));
    expect(text).toBe('{"data": [[7, 1, "a\\"b", 2.0], [8, null, "x", null], [9, -9223372036854775808, null, 1e+16]]}');
    expect(
      encodeJsonColumns(
        types,
        [],
        columns.map((_c) => ({ values: [], nulls: null })),
      ),
    ).toBe('{"data": []}');
  });

  it('reads true/false as 1/0 where the reference reads them as numbers, and writes boolean answers as true/false', () => {
    const body = '{"data": [[1, true, false, true, false], [2, false, true, null, true]]}';
    const types = [8, -8, 3, 5];
    const expected = [
      [1n, 0n, 1, 0],
      [0n, 1n, null, 1],
    ];
    expect(decodeJsonRows(types, body).rows).toEqual(expected);
    expect(columnsToRows(decodeJsonColumns(types, body).columns, 2)).toEqual(expected);
    expect(decodeJsonRows([246], '{"data": [[1, true], [2, false]]}').rows).toEqual([['1'], ['0']]);
    // Not in dates or row ids.
    expect(() => decodeJsonRows([10], '{"data": [[1, true]]}')).toThrow(DataError);
    expect(() => decodeJsonRows([8], '{"data": [[true, 1]]}')).toThrow(DataError);
    // As Python's json.dumps writes a bool answer, whatever the declared integer type; numbers stay numbers.
    const answer = encodeJsonRows(
      [8, 1, -8],
      [1, 2],
      [
        [true, false, true],
        [1n, 0, 1n],
      ],
    );
    expect(answer).toBe('{"data": [[1, true, false, true], [2, 1, 0, 1]]}');
    expect(encodeJsonColumns([8], [1, 2], [{ values: [true, false], nulls: null }])).toBe('{"data": [[1, true], [2, false]]}');
  });

  it('escapes every character from DEL up as \\uXXXX (surrogate pairs for astral ones), as Python json.dumps does', () => {
    const values = ['plain "q" \\ \n', 'ü😜', '\u007f', '\u2028€', 'é', null];
    const expected =
      '{"data": [[1, "plain \\"q\\" \\\\ \\n"], [2, "\\u00fc\\ud83d\\ude1c"], [3, "\\u007f"], [4, "\\u2028\\u20ac"], [5, "\\u00e9"], [6, null]]}';
    const ids = values.map((_, i) => i + 1);
    expect(
      encodeJsonRows(
        [254],
        ids,
        values.map((v) => [v]),
      ),
    ).toBe(expected);
    expect(encodeJsonColumns([254], ids, [{ values, nulls: null }])).toBe(expected);
    expect(JSON.parse(expected).data.map((row: unknown[]) => row[1])).toEqual(values);
  });

  it('serves scalar and vectorized functions over JSON with the same answers', async () => {
    const app = await createUdfServer({
      functions: [
        udf({ name: 'inc', args: { x: t.bigint().nullable() }, returns: t.bigint().nullable() }, (x: bigint | null) => (x === null ? null : x + 1n)),
        udf({ name: 'inc_vec', args: { x: t.bigint().nullable() }, returns: t.bigint().nullable(), vectorized: true }, (x: Vector<bigint>) => ({
          values: (x.values as BigInt64Array).map((v) => v + 1n),
          nulls: x.nulls,
        })),
      ],
    });
    try {
      const payload = '{"data": [[1, 41], [2, null], [9007199254740993, 9007199254740993]]}';
      for (const name of ['inc', 'inc_vec']) {
        const res = await app.inject({
          method: 'POST',
          url: '/invoke',
          payload,
          headers: { 'content-type': 'application/json', 's2-ef-name': name, 's2-ef-version': '1.0' },
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).toBe('{"data": [[1, 42], [2, null], [9007199254740993, 9007199254740994]]}');
      }
      const res = await app.inject({
        method: 'POST',
        url: '/invoke',
        payload: '{"data": [[1, 9223372036854775808]]}',
        headers: { 'content-type': 'application/json', 's2-ef-name': 'inc_vec', 's2-ef-version': '1.0' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatch(/out of range for BIGINT/);
    } finally {
      await app.close();
    }
  });

  it('answers a table function with a BIGINT argument beyond 64 bits with a 400, without calling it', async () => {
    const seen: unknown[] = [];
    const app = await createUdfServer({
      functions: [
        udf({ name: 'tf', args: { a: t.bigint() }, returns: { x: t.text() } }, (a: bigint) => {
          seen.push(a);
          return [[String(a)]];
        }),
      ],
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/invoke',
        payload: '{"data": [[1, 99999999999999999999]]}',
        headers: { 'content-type': 'application/json', 's2-ef-name': 'tf', 's2-ef-version': '1.0' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toBe('DataError: row 0 column 1: 99999999999999999999 is out of range for BIGINT');
      expect(seen).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
