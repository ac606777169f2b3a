import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqlTime } from '@s2/base';
import { pythonSdk, runPythonJson, type PythonSdk } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';
import { createUdfServer, encodeRowdat1, packDatetime, t, udf, unpackDatetime } from '../src/index.js';

/**
 * The HTTP server against the reference's own app (singlestoredb.functions.ext.asgi), called
 * with the same requests: status, content type and body byte for byte. The functions mirror
 * python/reference_app.py one for one.
 */
const found = await pythonSdk();
const unavailable = 'unavailable' in found ? `reference HTTP app cross-check: ${found.unavailable}` : null;
const sdk = found as PythonSdk;

const URL_ = 'http://udf-host:8000/invoke';

const functions = [
  udf(
    { name: 'mult', args: { x: t.bigint(), y: t.double().nullable(), s: t.text() }, returns: t.text().nullable() },
    (x: bigint, y: number | null, s: string) => (y === null ? null : s.repeat(Math.trunc(Number(x) * y))),
  ),
  udf({ name: 'echo_text', args: { s: t.text().nullable() }, returns: t.text().nullable() }, (s: string | null) => s),
  udf({ name: 'is_pos', args: { x: t.bigint() }, returns: t.bool() }, (x: bigint) => x > 0n),
  udf({ name: 'flip', args: { b: t.bool() }, returns: t.bool() }, (b: bigint) => !b),
  udf({ name: 'series', args: { n: t.bigint() }, returns: { a: t.bigint(), b: t.text().nullable() } }, (n: bigint) =>
    Array.from({ length: Number(n) }, (_, i) => [BigInt(i), i % 2 === 0 ? `r${i}` : null]),
  ),
  udf(
    {
      name: 'defaults',
      args: {
        a: t.double().nullable().default(3.14),
        b: t.double().nullable().default(2),
        c: t.double().nullable().default(1e20),
        d: t.double().nullable().default(1e-7),
        e: t.float().nullable().default(1.5),
        f: t
          .date()
          .nullable()
          .default(new Date(Date.UTC(2020, 0, 2))),
        g: t
          .time()
          .nullable()
          .default(new SqlTime(1, 0, 16, 40, 0)),
        h: t
          .time(6)
          .nullable()
          .default(new SqlTime(1, 100, 0, 0, 5)),
        i: t
          .datetime()
          .nullable()
          .default(new Date(Date.UTC(2020, 0, 2, 3, 4, 5))),
        j: t
          .datetime(6)
          .nullable()
          .default(unpackDatetime(packDatetime('2020-01-02 03:04:05.000600'))),
      },
      returns: t.bigint(),
    },
    () => 0n,
  ),
  udf(
    {
      name: 'all_types',
      args: {
        c1: t.bool(),
        c2: t.tinyint().nullable(),
        c3: t.smallint().nullable(),
        c4: t.mediumint().nullable(),
        c5: t.int().nullable(),
        c6: t.bigint().nullable(),
        c7: t.unsignedTinyint().nullable(),
        c8: t.float().nullable(),
        c9: t.double().nullable(),
        c10: t.decimal(10, 2).nullable(),
        c11: t.text().nullable(),
        c12: t.varchar(20).nullable(),
        c13: t.char(3).nullable(),
        c14: t.blob().nullable(),
        c15: t.varbinary(20).nullable(),
        c16: t.binary(3).nullable(),
        c17: t.date().nullable(),
        c18: t.time().nullable(),
        c19: t.time(6).nullable(),
        c20: t.datetime().nullable(),
        c21: t.datetime(6).nullable(),
        c22: t.timestamp().nullable(),
        c23: t.timestamp(6).nullable(),
      },
      returns: t.text().nullable(),
    },
    () => null,
  ),
  udf({ name: 'größe', returns: t.text() }, () => 'ü'),
];

interface Request {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}
interface Response {
  status: number;
  content_type: string | null;
  body_b64: string;
}

const call = (name: string, contentType: string, accepts?: string) => ({
  's2-ef-name': name,
  's2-ef-version': '1.0',
  'content-type': contentType,
  ...(accepts ? { accepts } : {}),
});
const ROWDAT = 'application/octet-stream';
const JSON_TYPE = 'application/json';
const TEXTS = ['plain', 'ü😜', '\u007f', '\u2028€', null];
const multBody = encodeRowdat1(
  [8, 5, 254],
  [10, 11],
  [
    [2n, 1.5, 'ab'],
    [3n, null, 'c'],
  ],
);

const REQUESTS: Request[] = [
  { label: 'GET /show/function_info', method: 'GET', path: '/show/function_info', headers: {} },
  { label: 'GET /', method: 'GET', path: '/', headers: {} },
  { label: 'GET /show/function_info/', method: 'GET', path: '/show/function_info/', headers: {} },
  { label: 'GET /show/create_function', method: 'GET', path: '/show/create_function', headers: { host: 'h:1' } },
  { label: 'GET /show/create_function (one)', method: 'GET', path: '/show/create_function', headers: { host: 'h:1', 's2-ef-name': 'defaults' } },
  { label: 'GET /status/', method: 'GET', path: '/status/', headers: {} },
  { label: 'POST /invoke/', method: 'POST', path: '/invoke/', headers: call('mult', ROWDAT), body: multBody },
  { label: 'POST //invoke', method: 'POST', path: '//invoke', headers: call('mult', ROWDAT), body: multBody },
  {
    label: 'JSON text answer (non-ASCII)',
    method: 'POST',
    path: '/invoke',
    headers: call('echo_text', JSON_TYPE),
    body: JSON.stringify({ data: TEXTS.map((s, i) => [i + 1, s]) }).replace('{"data":', '{"data": '),
  },
  {
    label: 'ROWDAT_1 in, JSON text answer (non-ASCII)',
    method: 'POST',
    path: '/invoke',
    headers: call('echo_text', ROWDAT, JSON_TYPE),
    body: encodeRowdat1(
      [254],
      TEXTS.map((_, i) => i + 1),
      TEXTS.map((s) => [s]),
    ),
  },
  { label: 'JSON true/false arguments of BOOL', method: 'POST', path: '/invoke', headers: call('flip', JSON_TYPE), body: '{"data": [[1, true], [2, false]]}' },
  { label: 'JSON BOOL answers', method: 'POST', path: '/invoke', headers: call('is_pos', JSON_TYPE), body: '{"data": [[1, 5], [2, -5]]}' },
  { label: 'ROWDAT_1 BOOL answers', method: 'POST', path: '/invoke', headers: call('is_pos', ROWDAT), body: encodeRowdat1([8], [1, 2], [[5n], [-5n]]) },
  // Row ids 0…n-1: the reference looks each output row's id up by the input row's id, as an index.
  { label: 'JSON table function', method: 'POST', path: '/invoke', headers: call('series', JSON_TYPE), body: '{"data": [[0, 3], [1, 0], [2, 2]]}' },
];

const results = new Map<string, { ours: Response; theirs: Response }>();

describe("the HTTP server against the reference's app, byte for byte", skipUnless(unavailable, 'missing-tool'), () => {
  beforeAll(async () => {
    const bodyOf = (r: Request) => Buffer.from(r.body ?? '');
    const theirs = await runPythonJson<{ responses: Response[] }>(sdk, fileURLToPath(new URL('./python/reference_app.py', import.meta.url)), {
      url: URL_,
      requests: REQUESTS.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body_b64: bodyOf(r).toString('base64') })),
    });
    const app = await createUdfServer({ functions, url: URL_ });
    try {
      for (const [i, r] of REQUESTS.entries()) {
        const res = await app.inject({ method: r.method, url: r.path, headers: r.headers, ...(r.method === 'POST' ? { payload: bodyOf(r) } : {}) });
        const ours = {
          status: res.statusCode,
          content_type: (res.headers['content-type'] as string | undefined) ?? null,
          body_b64: res.rawPayload.toString('base64'),
        };
        results.set(r.label, { ours, theirs: theirs.responses[i] });
      }
    } finally {
      await app.close();
    }
  }, 300_000);

  for (const r of REQUESTS) {
    it(r.label, () => {
      const { ours, theirs } = results.get(r.label)!;
      const text = (x: Response) => ({ ...x, body: Buffer.from(x.body_b64, 'base64').toString('latin1') });
      expect(theirs.status).toBe(200);
      expect(text(ours)).toEqual(text(theirs));
    });
  }

  it('pins what the reference answers where this port chose to match it', () => {
    const body = (label: string) => Buffer.from(results.get(label)!.theirs.body_b64, 'base64').toString('latin1');
    expect(body('JSON text answer (non-ASCII)')).toBe(
      '{"data": [[1, "plain"], [2, "\\u00fc\\ud83d\\ude1c"], [3, "\\u007f"], [4, "\\u2028\\u20ac"], [5, null]]}',
    );
    expect(body('JSON true/false arguments of BOOL')).toBe('{"data": [[1, false], [2, true]]}');
    expect(body('JSON BOOL answers')).toBe('{"data": [[1, true], [2, false]]}');
    expect(body('GET /show/create_function (one)')).toBe(
      "CREATE EXTERNAL FUNCTION `defaults`(`a` DOUBLE NULL DEFAULT 3.14e0, `b` DOUBLE NULL DEFAULT 2.0e0, `c` DOUBLE NULL DEFAULT 1e+20, `d` DOUBLE NULL DEFAULT 1e-07, `e` FLOAT NULL DEFAULT 1.5e0, `f` DATE NULL DEFAULT '2020-01-02', `g` TIME NULL DEFAULT '00:16:40', `h` TIME(6) NULL DEFAULT '100:00:00.000005', `i` DATETIME NULL DEFAULT '2020-01-02 03:04:05', `j` DATETIME(6) NULL DEFAULT '2020-01-02 03:04:05.000600') RETURNS BIGINT NOT NULL AS REMOTE SERVICE \"http://udf-host:8000/invoke\" FORMAT ROWDAT_1;",
    );
    const info = JSON.parse(body('GET /show/function_info')).functions;
    expect(Object.keys(info)).toEqual(functions.map((f) => f.name));
    expect(info.all_types.args.map((a: { dtype: string }) => a.dtype)).toEqual([
      'bool',
      'int8',
      'int16',
      'int32',
      'int32',
      'int64',
      'uint8',
      'float32',
      'float64',
      'decimal',
      'str',
      'str',
      'str',
      'bytes',
      'bytes',
      'bytes',
      'date',
      'time',
      'time',
      'datetime',
      'datetime',
      'datetime',
      'datetime',
    ]);
  });
});
