import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { OptionError, SqlTime } from '@s2/base';
import { createFunctionSql, createUdfServer, decodeRowdat1, encodeJsonRows, encodeRowdat1, packDatetime, t, udf, unpackDatetime } from '@s2/udf';

const mult = udf(
  { name: 'mult', args: { x: t.bigint(), y: t.double().nullable(), s: t.text() }, returns: t.text().nullable() },
  (x: bigint, y: number | null, s: string) => (y === null ? null : s.repeat(Number(x) * y)),
);
const asyncAdd = udf({ name: 'async_add', args: { a: t.bigint(), b: t.bigint() }, returns: t.bigint() }, async (a: bigint, b: bigint) => {
  await new Promise((r) => setTimeout(r, 1));
  return a + b;
});
const series = udf({ name: 'series', args: { n: t.bigint() }, returns: { a: t.bigint(), b: t.text() } }, (n: bigint) =>
  Array.from({ length: Number(n) }, (_, i) => ({ a: BigInt(i), b: `#${i}` })),
);
const boom = udf({ name: 'boom', args: { x: t.bigint() }, returns: t.bigint() }, () => {
  throw new RangeError('no good');
});
const slow = udf({ name: 'slow', args: { x: t.bigint() }, returns: t.bigint(), timeoutMs: 1000 }, () => new Promise(() => {}));

let app: FastifyInstance;
beforeAll(async () => {
  app = await createUdfServer({ functions: [mult, asyncAdd, series, boom, slow], url: 'http://example.com:9000/invoke' });
});
afterAll(() => app.close());

const invoke = (name: string, body: Buffer | string, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/invoke',
    payload: body,
    headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0', ...headers },
  });

describe('CREATE EXTERNAL FUNCTION (udf spec 4.2)', () => {
  it('renders the reference statements exactly', () => {
    expect(createFunctionSql(mult, { url: 'http://example.com:9000/invoke' })).toBe(
      'CREATE EXTERNAL FUNCTION `mult`(`x` BIGINT NOT NULL, `y` DOUBLE NULL, `s` TEXT NOT NULL) RETURNS TEXT NULL AS REMOTE SERVICE "http://example.com:9000/invoke" FORMAT ROWDAT_1;',
    );
    const dec2 = udf({ name: 'dec2', args: { x: t.decimal(10, 2).nullable(), y: t.varchar(20) }, returns: t.decimal(12, 4) }, () => '0');
    expect(createFunctionSql(dec2, { url: 'http://example.com:9000/invoke' })).toBe(
      'CREATE EXTERNAL FUNCTION `dec2`(`x` DECIMAL(10, 2) NULL, `y` VARCHAR(20) NOT NULL) RETURNS DECIMAL(12, 4) NOT NULL AS REMOTE SERVICE "http://example.com:9000/invoke" FORMAT ROWDAT_1;',
    );
    const tvf = udf({ name: 'tvf', args: { n: t.bigint() }, returns: { a: t.bigint(), b: t.text() } }, () => []);
    expect(createFunctionSql(tvf, { url: 'http://example.com:9000/invoke' })).toBe(
      'CREATE EXTERNAL FUNCTION `tvf`(`n` BIGINT NOT NULL) RETURNS TABLE(`a` BIGINT NOT NULL, `b` TEXT NOT NULL) AS REMOTE SERVICE "http://example.com:9000/invoke" FORMAT ROWDAT_1;',
    );
    const noargs = udf({ name: 'noargs', returns: t.tinyint().nullable() }, () => 1);
    expect(createFunctionSql(noargs, { url: 'http://example.com:9000/invoke' })).toBe(
      'CREATE EXTERNAL FUNCTION `noargs`() RETURNS TINYINT NULL AS REMOTE SERVICE "http://example.com:9000/invoke" FORMAT ROWDAT_1;',
    );
    expect(createFunctionSql(mult, { url: '/var/run/udf.sock', mode: 'collocated', database: 'db`x', replace: true, prefix: 'p_', suffix: '_s' })).toBe(
      'CREATE OR REPLACE EXTERNAL FUNCTION `db``x`.`p_mult_s`(`x` BIGINT NOT NULL, `y` DOUBLE NULL, `s` TEXT NOT NULL) RETURNS TEXT NULL AS COLLOCATED SERVICE "/var/run/udf.sock" FORMAT ROWDAT_1;',
    );
    expect(createFunctionSql(mult, { url: 'http://h/invoke', link: 'mylink' })).toMatch(/FORMAT ROWDAT_1 LINK mylink;$/);
    expect(() => createFunctionSql(mult, { url: 'x', link: 'bad link' })).toThrow(/invalid LINK name/);
  });

  it('writes DEFAULTs as the reference does: floats with an exponent, quoted dates, times and datetimes', () => {
    const withDefaults = udf(
      {
        name: 'd',
        args: {
          a: t.double().default(3.14),
          b: t.double().default(2),
          c: t.double().default(1e20),
          d: t.double().default(1e-7),
          e: t.float().nullable().default(-0),
          n: t.bigint().default(100),
          f: t.date().default(new Date(Date.UTC(2020, 0, 2, 13))),
          g: t.time().default(new SqlTime(1, 0, 16, 40, 0)),
          h: t.time(6).default(new SqlTime(-1, 100, 2, 3, 5)),
          i: t.datetime().default(new Date(Date.UTC(2020, 0, 2, 3, 4, 5))),
          j: t.datetime(6).default(unpackDatetime(packDatetime('2020-01-02 03:04:05.000600'))),
          k: t.date().default('2021-03-04'),
        },
        returns: t.bigint(),
      },
      () => 0n,
    );
    const sql = createFunctionSql(withDefaults, { url: 'http://h/invoke' });
    expect(sql.slice(sql.indexOf('('), sql.indexOf(' RETURNS'))).toBe(
      "(`a` DOUBLE NOT NULL DEFAULT 3.14e0, `b` DOUBLE NOT NULL DEFAULT 2.0e0, `c` DOUBLE NOT NULL DEFAULT 1e+20, `d` DOUBLE NOT NULL DEFAULT 1e-07, `e` FLOAT NULL DEFAULT -0.0e0, `n` BIGINT NOT NULL DEFAULT 100, `f` DATE NOT NULL DEFAULT '2020-01-02', `g` TIME NOT NULL DEFAULT '00:16:40', `h` TIME(6) NOT NULL DEFAULT '-100:02:03.000005', `i` DATETIME NOT NULL DEFAULT '2020-01-02 03:04:05', `j` DATETIME(6) NOT NULL DEFAULT '2020-01-02 03:04:05.000600', `k` DATE NOT NULL DEFAULT '2021-03-04')",
    );
    const bad = (type: ReturnType<typeof t.time>) =>
      createFunctionSql(
        udf({ name: 'bad', args: { x: type }, returns: t.bigint() }, () => 0n),
        { url: 'http://h/invoke' },
      );
    expect(() => bad(t.time().default(new Date(0)))).toThrow(OptionError);
    expect(() => bad(t.date().default(new Date(Number.NaN)))).toThrow(/invalid DEFAULT/);
    expect(() => bad(t.double().default(Number.NaN))).toThrow(/finite/);
  });
});

describe('/invoke', () => {
  const request = encodeRowdat1(
    [8, 5, 254],
    [10, 11],
    [
      [2n, 1.5, 'ab'],
      [3n, null, 'c'],
    ],
  );

  it('answers the worked example with the 40-byte ROWDAT_1 response', async () => {
    const res = await invoke('mult', Buffer.from(request));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('x-application/rowdat_1');
    expect(res.rawPayload.toString('hex')).toBe(
      '0a00000000000000' + '00' + '0600000000000000' + '616261626162' + '0b00000000000000' + '01' + '0000000000000000',
    );
  });

  it('reads ROWDAT_1 and answers JSON when asked to (accepts header)', async () => {
    const res = await invoke('mult', Buffer.from(request), { accepts: 'application/json' });
    // Exactly the reference's header: no `; charset=utf-8`.
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toBe('{"data": [[10, "ababab"], [11, null]]}');
  });

  it('speaks JSON both ways, with exact big integers', async () => {
    const res = await invoke('async_add', '{"data": [[1, 9007199254740993, 1], [2, -5, 5]]}', { 'content-type': 'application/json' });
    expect(res.body).toBe('{"data": [[1, 9007199254740994], [2, 0]]}');
  });

  it('table functions return many rows per input row, tagged with its id', async () => {
    const res = await invoke('series', Buffer.from(encodeRowdat1([8], [5, 7], [[2n], [1n]])));
    expect(decodeRowdat1([8, 254], res.rawPayload)).toEqual({
      rowIds: [5n, 5n, 7n],
      rows: [
        [0n, '#0'],
        [1n, '#1'],
        [0n, '#0'],
      ],
    });
  });

  it('zero rows in, zero bytes out', async () => {
    const res = await invoke('mult', Buffer.alloc(0));
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(0);
  });

  it('client mistakes are 4xx, function errors 500 without stack traces, timeouts 504', async () => {
    expect((await invoke('nope', Buffer.alloc(0))).statusCode).toBe(404);
    expect((await invoke('mult', Buffer.alloc(0), { 's2-ef-version': '2.0' })).statusCode).toBe(400);
    expect((await invoke('mult', Buffer.alloc(0), { 'content-type': 'text/csv' })).statusCode).toBe(415);
    const truncated = await invoke('mult', Buffer.from(request).subarray(0, 20));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.body).toMatch(/^DataError: ROWDAT_1 payload truncated/);
    const hostile = await invoke(
      'mult',
      Buffer.from('0100000000000000' + '00' + '0100000000000000' + '00' + '000000000000f03f' + '00' + 'ffffffffffffff7f', 'hex'),
    );
    expect(hostile.statusCode).toBe(400);
    const badJson = await invoke('async_add', '{"data": [[1, "x", 2]]}', { 'content-type': 'application/json' });
    expect(badJson.statusCode).toBe(400);
    const failed = await invoke('boom', Buffer.from(encodeRowdat1([8], [1], [[1n]])));
    expect(failed.statusCode).toBe(500);
    expect(failed.body).toBe('RangeError: no good');
    const timedOut = await invoke('slow', Buffer.from(encodeRowdat1([8], [1], [[1n]])));
    expect(timedOut.statusCode).toBe(504);
    expect(timedOut.body).toBe('TimeoutError: Function call timed out after 1 seconds');
  });
});

describe('paths', () => {
  it('empty segments are dropped, as by the reference (udf spec 5.3): /invoke/ and //invoke are /invoke', async () => {
    const request = Buffer.from(encodeRowdat1([8, 5, 254], [10], [[2n, 1.5, 'ab']]));
    const expected = (await invoke('mult', request)).rawPayload.toString('hex');
    for (const url of ['/invoke/', '//invoke', '//invoke//']) {
      const res = await app.inject({
        method: 'POST',
        url,
        payload: request,
        headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'mult', 's2-ef-version': '1.0' },
      });
      expect(res.statusCode, url).toBe(200);
      expect(res.rawPayload.toString('hex')).toBe(expected);
    }
    for (const url of ['/status/', '//status', '/show/function_info/', '//show//create_function']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    expect((await app.inject({ method: 'GET', url: '/status' })).body).toBe((await app.inject({ method: 'GET', url: '/status/' })).body);
    expect((await app.inject({ method: 'GET', url: '/invoke/x' })).statusCode).toBe(404);
  });
});

describe('introspection', () => {
  it('/show/create_function, /show/function_info, /status and 404s', async () => {
    const create = await app.inject({ method: 'GET', url: '/show/create_function', headers: { 's2-ef-name': 'mult' } });
    expect(create.body).toBe(createFunctionSql(mult, { url: 'http://example.com:9000/invoke' }));
    const info = await app.inject({ method: 'GET', url: '/show/function_info' });
    expect(info.headers['content-type']).toBe('text/plain');
    expect(JSON.parse(info.body).functions.series).toEqual({
      args: [{ name: 'n', dtype: 'int64', nullable: false, description: '' }],
      returns: [
        { dtype: 'int64', nullable: false, description: '', name: 'a' },
        { dtype: 'str', nullable: false, description: '', name: 'b' },
      ],
      function_type: 'tvf',
      sql_statement:
        'CREATE OR REPLACE EXTERNAL FUNCTION `series`(`n` BIGINT NOT NULL) RETURNS TABLE(`a` BIGINT NOT NULL, `b` TEXT NOT NULL) AS REMOTE SERVICE "http://example.com:9000/invoke" FORMAT ROWDAT_1;',
      summary: '',
      long_description: '',
      examples: [],
    });
    expect(JSON.parse(info.body).functions.mult.function_type).toBe('udf');
    expect((await app.inject({ method: 'GET', url: '/' })).body).toBe(info.body);
    expect((await app.inject({ method: 'GET', url: '/status' })).body).toBe('{"status": "ok"}');
    const missing = await app.inject({ method: 'GET', url: '/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toBe('');
  });
});

describe('function_info dtypes', () => {
  it('unsigned integers are named as the reference names its unsigned numpy types (udf spec 3.2), as they travel unsigned', async () => {
    const unsigned = udf(
      {
        name: 'u',
        args: { a: t.unsignedTinyint(), b: t.unsignedSmallint(), c: t.unsignedMediumint(), d: t.unsignedInt(), e: t.unsignedBigint().nullable() },
        returns: t.json().nullable(),
      },
      () => null,
    );
    const server = await createUdfServer({ functions: [unsigned], url: 'http://h/invoke' });
    try {
      const info = JSON.parse((await server.inject({ method: 'GET', url: '/show/function_info' })).body).functions.u;
      expect(info.args.map((a: { dtype: string; nullable: boolean }) => `${a.dtype}${a.nullable ? '?' : ''}`)).toEqual([
        'uint8',
        'uint16',
        'uint32',
        'uint32',
        'uint64?',
      ]);
      expect(info.returns).toEqual([{ dtype: 'json', nullable: true, description: '' }]);
    } finally {
      await server.close();
    }
  });
});

describe('JSON codec', () => {
  it('writes temporal and binary values like the reference', () => {
    expect(encodeJsonRows([254, -254, 5], [1], [['é', new Uint8Array([0, 1, 2]), 2]])).toBe('{"data": [[1, "\\u00e9", "AAEC", 2.0]]}');
  });
});

describe('vectorized functions', () => {
  it('receive typed-array columns with null masks and return a column of the same length', async () => {
    const { createUdfServer: make, t: types, udf: define } = await import('@s2/udf');
    const seen: string[] = [];
    const add = define(
      { name: 'vadd', args: { a: types.bigint().nullable(), b: types.double() }, returns: types.double().nullable(), vectorized: true },
      (a: { values: BigInt64Array; nulls: Uint8Array | null }, b: { values: Float64Array }) => {
        seen.push(a.values.constructor.name, b.values.constructor.name);
        const values = Float64Array.from(b.values, (v, i) => Number(a.values[i]) + v);
        return { values, nulls: a.nulls };
      },
    );
    const short = define({ name: 'short', args: { a: types.bigint() }, returns: types.bigint(), vectorized: true }, () => new BigInt64Array(1));
    const server = await make({ functions: [add, short] });
    const body = Buffer.from(
      encodeRowdat1(
        [8, 5],
        [1, 2, 3],
        [
          [1n, 0.5],
          [null, 1],
          [3n, 2],
        ],
      ),
    );
    const res = await server.inject({
      method: 'POST',
      url: '/invoke',
      payload: body,
      headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'vadd', 's2-ef-version': '1.0' },
    });
    expect(decodeRowdat1([5], res.rawPayload)).toEqual({ rowIds: [1n, 2n, 3n], rows: [[1.5], [null], [5]] });
    expect(seen).toEqual(['BigInt64Array', 'Float64Array']);
    const bad = await server.inject({
      method: 'POST',
      url: '/invoke',
      payload: Buffer.from(encodeRowdat1([8], [1, 2], [[1n], [2n]])),
      headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'short', 's2-ef-version': '1.0' },
    });
    expect(bad.statusCode).toBe(500);
    expect(bad.body).toMatch(/1 values for 2 input rows/);
    await server.close();
  });
});

describe('synchronous and asynchronous answers', () => {
  it('a scalar function that returns a promise for some rows keeps every row in order', async () => {
    // Rows 0–299 answer synchronously, then every third row through a timer: the batch switches
    // to the asynchronous loop in the middle and must neither drop nor reorder rows.
    const mixed = udf({ name: 'mixed', args: { x: t.bigint() }, returns: t.bigint() }, (x: bigint) =>
      x >= 300n && x % 3n === 0n ? new Promise<bigint>((r) => setTimeout(() => r(-x), 0)) : x * 2n,
    );
    const vecAsync = udf({ name: 'vec_async', args: { x: t.bigint() }, returns: t.bigint(), vectorized: true }, async (x: { values: BigInt64Array }) => {
      await new Promise((r) => setTimeout(r, 1));
      return x.values.map((v) => v + 1n);
    });
    const server = await createUdfServer({ functions: [mixed, vecAsync] });
    try {
      const ids = Array.from({ length: 600 }, (_, i) => i);
      const body = Buffer.from(
        encodeRowdat1(
          [8],
          ids,
          ids.map((i) => [BigInt(i)]),
        ),
      );
      const call = (name: string) =>
        server.inject({
          method: 'POST',
          url: '/invoke',
          payload: body,
          headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
        });
      const res = await call('mixed');
      expect(res.statusCode).toBe(200);
      expect(decodeRowdat1([8], res.rawPayload).rows.map(([v]) => v)).toEqual(ids.map((i) => (i >= 300 && i % 3 === 0 ? -BigInt(i) : BigInt(i) * 2n)));
      const vec = await call('vec_async');
      expect(vec.statusCode).toBe(200);
      expect(decodeRowdat1([8], vec.rawPayload).rows.map(([v]) => v)).toEqual(ids.map((i) => BigInt(i) + 1n));
    } finally {
      await server.close();
    }
  });
});
