import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  Bool,
  DateMillisecond,
  Decimal,
  Dictionary,
  Field,
  Float32,
  Int32,
  Int64,
  LargeUtf8,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  TimeMicrosecond,
  TimestampNanosecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { DataError, ParameterError, type SqlDateTime, SqlTime } from '@s2/base';
import { pythonSdk, runPythonJson, type PythonSdk } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';
import {
  createUdfServer,
  decodeArrow,
  decodeArrowColumns,
  decodeJsonRows,
  decodeRowdat1,
  encodeArrow,
  encodeRowdat1,
  formatOf,
  contentTypeOf,
  invoke,
  packDatetime,
  t,
  udf,
  UdfCallError,
  unpackDatetime,
} from '@s2/udf';

const ARROW = 'application/vnd.apache.arrow.file';
const dt = (s: string) => unpackDatetime(packDatetime(s));

/** Every wire type the server uses, a non-NULL row and an all-NULL one. */
const TYPES = [8, -8, 5, 246, 254, -254, 12, 10, 11];
const ROW = [
  9007199254740993n,
  18446744073709551615n,
  -2.5,
  '-12.345600',
  'héllo 🥷 ünïcödé',
  new Uint8Array([0, 1, 255]),
  dt('2024-03-15 10:30:45.123456'),
  new Date(Date.UTC(2024, 1, 29)),
  SqlTime.parse('-01:02:03.1')!,
];
const NULLS = TYPES.map(() => null);

/** One Arrow IPC file from columns built by hand, the way another writer might type them. */
function fileOf(columns: Record<string, ReturnType<typeof makeVector>>): Uint8Array {
  return tableToIPC(new Table(columns), 'file');
}

describe('Arrow codec round trips', () => {
  it('every type, NULLs, bigint beyond 2^53 and non-ASCII text survive encode → decode', () => {
    const body = encodeArrow(
      TYPES,
      [1n, 2n, -3n],
      [
        ROW,
        NULLS,
        [
          -(2n ** 63n),
          0n,
          Number.NaN,
          '0',
          '',
          new Uint8Array(0),
          dt('1000-01-01 00:00:00'),
          new Date(Date.UTC(1970, 0, 1)),
          SqlTime.parse('838:59:59.999999')!,
        ],
      ],
    );
    const back = decodeArrow(TYPES, body);
    expect(back.rowIds).toEqual([1n, 2n, -3n]);
    expect(back.rows[0].slice(0, 6)).toEqual(ROW.slice(0, 6));
    expect((back.rows[0][6] as SqlDateTime).toSqlString()).toBe('2024-03-15 10:30:45.123456');
    expect((back.rows[0][7] as Date).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(String(back.rows[0][8])).toBe('-01:02:03.100000');
    expect(back.rows[1]).toEqual(NULLS);
    expect(back.rows[2][0]).toBe(-(2n ** 63n));
    expect(back.rows[2][2]).toBeNaN();
    expect(back.rows[2][4]).toBe('');
    expect((back.rows[2][6] as SqlDateTime).toSqlString()).toBe('1000-01-01 00:00:00');
    expect(String(back.rows[2][8])).toBe('838:59:59.999999');
  });

  it('answers are typed by the declared return types, with __index__ first and validity for NULLs', () => {
    const table = tableFromIPC(encodeArrow(TYPES, [7n, 8n], [ROW, NULLS]));
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      '__index__:Int64',
      'col0:Int64',
      'col1:Uint64',
      'col2:Float64',
      'col3:Utf8',
      'col4:Utf8',
      'col5:Binary',
      'col6:Timestamp<MICROSECOND>',
      'col7:Date32<DAY>',
      'col8:Duration<MICROSECOND>',
    ]);
    expect(table.getChild('__index__')!.toArray()).toEqual(new BigInt64Array([7n, 8n]));
    expect(table.getChild('col0')!.get(0)).toBe(9007199254740993n);
    expect(table.getChild('col6')!.data[0].values[0]).toBe(1710498645123456n);
    expect(table.getChild('col8')!.get(0)).toBe(-3723100000n);
    for (let c = 0; c < TYPES.length; c++) expect(table.getChild(`col${c}`)!.nullCount).toBe(1);
  });

  it('zero rows: a valid file holding just the schema (the reference sends an empty body)', () => {
    const body = encodeArrow([8, 254], [], []);
    const table = tableFromIPC(body);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['__index__', 'col0', 'col1']);
    expect(decodeArrow([8, 254], body)).toEqual({ rowIds: [], rows: [] });
    expect(decodeArrow([8, 254], new Uint8Array(0))).toEqual({ rowIds: [], rows: [] });
  });

  it('reads what other writers send: inferred and narrower types, dictionaries, decimals, ns timestamps', () => {
    const decimalData = makeData({
      type: new Decimal(3, 10, 128),
      length: 2,
      nullCount: 0,
      data: new Uint32Array([0xfffffc18, 0xffffffff, 0xffffffff, 0xffffffff, 5, 0, 0, 0]),
    });
    const dictionary = makeVector(
      makeData({
        type: new Dictionary(new Utf8(), new Int32()),
        length: 2,
        nullCount: 0,
        data: new Int32Array([1, 0]),
        dictionary: vectorFromArray(['a', 'bé'], new Utf8()),
      }),
    );
    const body = fileOf({
      ids: vectorFromArray([5, 6], new Int32()),
      big: vectorFromArray([1, 2], new Int32()),
      dbl: vectorFromArray([1.5, null], new Float32()),
      dec: makeVector(decimalData),
      txt: dictionary,
      large: vectorFromArray(['x', 'ÿ'], new LargeUtf8()),
      ts: makeVector(makeData({ type: new TimestampNanosecond(), length: 2, nullCount: 0, data: new BigInt64Array([1710498645123456789n, -1n]) })),
      day: vectorFromArray([new Date(Date.UTC(2020, 0, 2)), null], new DateMillisecond()),
      tm: makeVector(makeData({ type: new TimeMicrosecond(), length: 2, nullCount: 0, data: new BigInt64Array([3723000001n, 0n]) })),
      flag: vectorFromArray([true, false], new Bool()),
    });
    const { rowIds, rows } = decodeArrow([8, 5, 246, 254, 254, 12, 10, 11, 8], body);
    expect(rowIds).toEqual([5n, 6n]);
    expect(rows[0].slice(0, 5)).toEqual([1n, 1.5, '-1.000', 'bé', 'x']);
    expect(rows[1].slice(0, 5)).toEqual([2n, null, '0.005', 'a', 'ÿ']);
    expect((rows[0][5] as SqlDateTime).toSqlString()).toBe('2024-03-15 10:30:45.123456');
    expect((rows[1][5] as SqlDateTime).toSqlString()).toBe('1969-12-31 23:59:59.999999');
    expect((rows[0][6] as Date).toISOString()).toBe('2020-01-02T00:00:00.000Z');
    expect(rows[1][6]).toBeNull();
    expect(String(rows[0][7])).toBe('01:02:03.000001');
    expect([rows[0][8], rows[1][8]]).toEqual([1n, 0n]);
  });

  it('vectorized functions get typed-array columns with fill values under NULL', () => {
    const body = encodeArrow(
      [8, -8, 5, 254],
      [1n, 2n],
      [
        [3n, 4n, 0.5, 'a'],
        [null, null, null, null],
      ],
    );
    const { rowIds, columns } = decodeArrowColumns([8, -8, 5, 254], body);
    expect(rowIds).toEqual([1n, 2n]);
    expect(columns[0]).toEqual({ values: new BigInt64Array([3n, 0n]), nulls: new Uint8Array([0, 1]) });
    expect(columns[1].values).toBeInstanceOf(BigUint64Array);
    expect(Array.from(columns[2].values as Float64Array)).toEqual([0.5, NaN]);
    expect(columns[3]).toEqual({ values: ['a', null], nulls: new Uint8Array([0, 1]) });
  });

  it('bad requests are DataErrors that say what is wrong; bad answers are ParameterErrors', () => {
    const good = encodeArrow([8], [1n], [[1n]]);
    expect(() => decodeArrow([8, 8], good)).toThrow(/has 2 column\(s\); expected the row ids and 2 argument/);
    expect(() => decodeArrow([254], good)).toThrow(/column 1 row 0: bigint "1" cannot be read as text/);
    expect(() => decodeArrow([8], Buffer.from('not arrow at all'))).toThrow(/not an Arrow IPC file/);
    const stream = tableToIPC(tableFromIPC(good), 'stream');
    expect(() => decodeArrow([8], stream)).toThrow(DataError);
    expect(() => decodeArrow([8], good.subarray(0, good.length - 20))).toThrow(DataError);
    const nullIds = fileOf({ ids: vectorFromArray([1n, null], new Int64()), x: vectorFromArray([1n, 2n], new Int64()) });
    expect(() => decodeArrow([8], nullIds)).toThrow(/row 1 has a NULL row id/);
    const textIds = fileOf({ ids: vectorFromArray(['a'], new Utf8()), x: vectorFromArray([1n], new Int64()) });
    expect(() => decodeArrow([8], textIds)).toThrow(/row ids\) must be an integer column/);

    expect(() => encodeArrow([1], [1], [[128]])).toThrow(/outside the valid range for TINYINT/);
    expect(() => encodeArrow([-8], [1], [[-1n]])).toThrow(/UNSIGNED BIGINT/);
    expect(() => encodeArrow([254], [1], [[5]])).toThrow(ParameterError);
    expect(() => encodeArrow([-254], [1], [['x']])).toThrow(/expected a Uint8Array/);
    expect(() => encodeArrow([254], [1], [['\ud800']])).toThrow(/lone surrogate/);
    expect(() => encodeArrow([8, 8], [1], [[1n]])).toThrow(/1 values for 2 columns/);
    expect(() => encodeArrow([12], [1], [['yesterday']])).toThrow(ParameterError);
  });

  it('corrupt files fail with DataError, never a hang, a crash or another error', { timeout: 300_000 }, () => {
    // Sweeps that once made arrow-js loop forever (a block pointing at the schema message) or
    // build 2^31 objects until the process died (a huge vector length), plus seeded random damage.
    const base = encodeArrow(
      [8, 5, 254, -254, 12],
      [1n, 2n, 3n],
      [
        [1n, 1.5, 'a', new Uint8Array([1]), dt('2020-01-01 00:00:00')],
        [null, null, null, null, null],
        [3n, 0, 'ü', new Uint8Array(0), dt('2021-02-03 04:05:06.7')],
      ],
    );
    const outcomes: Record<string, number> = {};
    const attempt = (body: Uint8Array) => {
      const started = performance.now();
      let outcome = 'ok';
      try {
        decodeArrow([8, 5, 254, -254, 12], body);
        decodeArrowColumns([8, 5, 254, -254, 12], body);
      } catch (err) {
        outcome = err instanceof DataError ? 'DataError' : `${(err as Error).name}: ${(err as Error).message}`;
      }
      // A hang guard, not a speed claim: a decode takes well under a millisecond, the failures this
      // sweep once found took minutes (or ran out of memory). Speed belongs to `pnpm bench`.
      expect(performance.now() - started).toBeLessThan(20_000);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    };
    for (let p = 8; p + 14 <= base.length; p += 4) {
      for (const v of [0x7fffffff, -1, 8, 0x10000]) {
        const b = Buffer.from(base);
        b.writeInt32LE(v, p);
        attempt(b);
      }
      if (p % 8 === 0) {
        for (const v of [8n, 2n ** 62n, -1n]) {
          const b = Buffer.from(base);
          b.writeBigInt64LE(v, p);
          attempt(b);
        }
      }
    }
    let seed = 20240315;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let k = 0; k < 3000; k++) {
      const b = Buffer.from(base);
      for (let j = 0; j < 1 + random() * 4; j++) b[8 + Math.floor(random() * (b.length - 16))] = Math.floor(random() * 256);
      attempt(b);
    }
    expect(Object.keys(outcomes).sort()).toEqual(['DataError', 'ok']);
  });
});

describe('/invoke with application/vnd.apache.arrow.file', () => {
  const mult = udf(
    { name: 'mult', args: { x: t.bigint(), y: t.double().nullable(), s: t.text() }, returns: t.text().nullable() },
    (x: bigint, y: number | null, s: string) => (y === null ? null : s.repeat(Number(x) * y)),
  );
  const vadd = udf(
    { name: 'vadd', args: { a: t.bigint().nullable(), b: t.double() }, returns: t.double().nullable(), vectorized: true },
    (a: { values: BigInt64Array; nulls: Uint8Array | null }, b: { values: Float64Array }) => ({
      values: Float64Array.from(b.values, (v, i) => Number(a.values[i]) + v),
      nulls: a.nulls,
    }),
  );
  const series = udf({ name: 'series', args: { n: t.bigint() }, returns: { a: t.bigint(), b: t.text() } }, (n: bigint) =>
    Array.from({ length: Number(n) }, (_, i) => ({ a: BigInt(i), b: `#${i}` })),
  );
  const vseries = udf(
    { name: 'vseries', args: { n: t.bigint() }, returns: { a: t.bigint(), b: t.datetime(6).nullable() }, vectorized: true },
    (n: { values: BigInt64Array }) => [n.values, Array.from(n.values, (v) => (v ? dt(`2024-01-0${v} 00:00:00.000001`) : null))],
  );
  const big = udf({ name: 'big', args: { x: t.unsignedBigint() }, returns: t.unsignedBigint() }, (x: bigint) => x - 1n);

  let app: FastifyInstance;
  beforeAll(async () => {
    app = await createUdfServer({ functions: [mult, vadd, series, vseries, big] });
  });
  afterAll(() => app.close());

  const post = (name: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/invoke',
      payload: Buffer.from(body),
      headers: { 'content-type': ARROW, 's2-ef-name': name, 's2-ef-version': '1.0', ...headers },
    });
  const rowsOf = (payload: Buffer) =>
    tableFromIPC(payload)
      .toArray()
      .map((r) => Object.values(r.toJSON()));

  it('scalar: answers an Arrow file with __index__ and col0, NULLs included', async () => {
    const res = await post(
      'mult',
      encodeArrow(
        [8, 5, 254],
        [10n, 11n, 12n],
        [
          [2n, 1.5, 'ab'],
          [3n, null, 'c'],
          [1n, 2, 'ü🥷'],
        ],
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(ARROW);
    expect(rowsOf(res.rawPayload)).toEqual([
      [10n, 'ababab'],
      [11n, null],
      [12n, 'ü🥷ü🥷'],
    ]);
  });

  it('vectorized: typed columns in, a column with its mask out', async () => {
    const res = await post(
      'vadd',
      encodeArrow(
        [8, 5],
        [1n, 2n, 3n],
        [
          [1n, 0.5],
          [null, 1],
          [3n, 2],
        ],
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(rowsOf(res.rawPayload)).toEqual([
      [1n, 1.5],
      [2n, null],
      [3n, 5],
    ]);
  });

  it('table functions: per-row TVF rows tagged with their input row ids; a vectorized TVF answers the batch', async () => {
    const res = await post('series', encodeArrow([8], [5n, 7n], [[2n], [1n]]));
    expect(rowsOf(res.rawPayload)).toEqual([
      [5n, 0n, '#0'],
      [5n, 1n, '#1'],
      [7n, 0n, '#0'],
    ]);
    const vres = await post('vseries', encodeArrow([8], [4n, 9n], [[1n], [0n]]));
    const table = tableFromIPC(vres.rawPayload);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Int64', 'Int64', 'Timestamp<MICROSECOND>']);
    expect(decodeArrow([8, 12], vres.rawPayload).rows.map(([a, b]) => [a, b && (b as SqlDateTime).toSqlString()])).toEqual([
      [1n, '2024-01-01 00:00:00.000001'],
      [0n, null],
    ]);
  });

  it('unsigned BIGINT beyond 2^63 both ways', async () => {
    const res = await post('big', encodeArrow([-8], [1n], [[18446744073709551615n]]));
    expect(rowsOf(res.rawPayload)).toEqual([[1n, 18446744073709551614n]]);
  });

  it('mixes with the other formats through content-type and accepts', async () => {
    const fromRowdat = await post('mult', encodeRowdat1([8, 5, 254], [10], [[2n, 1.5, 'ab']]), { 'content-type': 'x-application/rowdat_1', accepts: ARROW });
    expect(rowsOf(fromRowdat.rawPayload)).toEqual([[10n, 'ababab']]);
    const toJson = await post('mult', encodeArrow([8, 5, 254], [10n], [[2n, 1.5, 'ab']]), { accepts: 'application/json' });
    expect(decodeJsonRows([254], toJson.body)).toEqual({ rowIds: [10n], rows: [['ababab']] });
    const toRowdat = await post('mult', encodeArrow([8, 5, 254], [10n], [[2n, 1.5, 'ab']]), { accepts: 'application/octet-stream' });
    expect(toRowdat.headers['content-type']).toBe('x-application/rowdat_1');
    expect(decodeRowdat1([254], toRowdat.rawPayload)).toEqual({ rowIds: [10n], rows: [['ababab']] });
  });

  it('zero rows in, a schema-only Arrow file out', async () => {
    const res = await post('mult', encodeArrow([8, 5, 254], [], []));
    expect(res.statusCode).toBe(200);
    const table = tableFromIPC(res.rawPayload);
    expect([table.numRows, table.schema.fields.map((f) => f.name)]).toEqual([0, ['__index__', 'col0']]);
  });

  it('garbage, truncated or stream-format bodies are 400 with a clear message; unknown formats 415', async () => {
    const garbage = await post('mult', 'this is not an arrow file');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.headers['content-type']).toMatch(/^text\/plain/);
    expect(garbage.body).toBe('DataError: request body is not an Arrow IPC file (ARROW1 magic missing at the start or end)');
    const good = encodeArrow([8, 5, 254], [1n], [[2n, 1.5, 'ab']]);
    const truncated = await post('mult', good.subarray(0, good.length - 30));
    expect(truncated.statusCode).toBe(400);
    const magicOnly = await post('mult', Buffer.concat([Buffer.from('ARROW1\0\0'), Buffer.alloc(64, 0xff), Buffer.from('ARROW1')]));
    expect(magicOnly.statusCode).toBe(400);
    expect(magicOnly.body).toMatch(/^DataError: corrupt Arrow IPC/);
    const wrongShape = await post('mult', encodeArrow([8], [1n], [[2n]]));
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.body).toMatch(/expected the row ids and 3 argument/);
    expect((await post('mult', good, { 'content-type': 'application/vnd.apache.arrow.stream' })).statusCode).toBe(415);
  });
});

describe('invoke() without a server', () => {
  const add = udf({ name: 'add', args: { a: t.bigint(), b: t.bigint() }, returns: t.bigint() }, (a: bigint, b: bigint) => a + b);

  it('maps content types to formats and back', () => {
    expect(['application/octet-stream', 'x-application/rowdat_1', 'application/json', ARROW, 'application/json; charset=utf-8'].map(formatOf)).toEqual([
      'rowdat_1',
      'rowdat_1',
      'json',
      'arrow',
      null,
    ]);
    expect((['rowdat_1', 'json', 'arrow'] as const).map(contentTypeOf)).toEqual(['x-application/rowdat_1', 'application/json', ARROW]);
  });

  it('runs a batch the way the collocated server will, and reports bad input as UdfCallError(400)', async () => {
    const signal = new AbortController().signal;
    const out = await invoke(
      add,
      encodeRowdat1(
        [8, 8],
        [1, 2],
        [
          [1n, 2n],
          [3n, 4n],
        ],
      ),
      'rowdat_1',
      'rowdat_1',
      signal,
    );
    expect(out.rows).toBe(2);
    expect(decodeRowdat1([8], out.body as Uint8Array).rows).toEqual([[3n], [7n]]);
    const arrow = await invoke(add, encodeArrow([8, 8], [1n], [[1n, 2n]]), 'arrow', 'json', signal);
    expect(arrow.body).toBe('{"data": [[1, 3]]}');
    const bad = await invoke(add, new Uint8Array([1, 2, 3]), 'arrow', 'arrow', signal).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UdfCallError);
    expect((bad as UdfCallError).status).toBe(400);
  });

  it('an abort wins over a function that ignores its signal; unencodable results are 500', async () => {
    const stuck = udf({ name: 'stuck', args: {}, returns: t.bigint() }, () => new Promise(() => {}));
    const controller = new AbortController();
    const pending = invoke(stuck, encodeArrow([], [1n], [[]]), 'arrow', 'arrow', controller.signal);
    controller.abort(new UdfCallError(504, 'TimeoutError: Function call timed out after 1 seconds'));
    await expect(pending).rejects.toMatchObject({ status: 504 });
    const wrong = udf({ name: 'wrong', args: {}, returns: t.text() }, () => 42);
    await expect(invoke(wrong, encodeArrow([], [1n], [[]]), 'arrow', 'arrow', new AbortController().signal)).rejects.toMatchObject({
      status: 500,
      message: expect.stringMatching(/^ParameterError: column 0 row 0 is text/),
    });
  });
});

/**
 * Cross-check with the official Python SDK's own arrow codec. Its venv is prepared at collection
 * time (top-level await) so the describe can skip visibly when pyarrow cannot be had.
 */
// The SDK's arrow codec imports pyarrow lazily; it is not one of its dependencies.
const found = await pythonSdk(['pyarrow']);
const unavailable = 'unavailable' in found ? `Arrow cross-check: Python SDK with pyarrow: ${found.unavailable}` : null;
const sdk = found as PythonSdk;

type PyRows = { row_ids: number[]; rows: unknown[][] };
interface PyAnswer {
  dumped_hex?: string;
  schema?: string[];
  loaded?: PyRows;
  own?: PyRows;
}

function viaPython(input: unknown): Promise<PyAnswer> {
  return runPythonJson<PyAnswer>(sdk, fileURLToPath(new URL('./python/arrow.py', import.meta.url)), input, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
}

describe("against the official Python SDK's arrow codec", skipUnless(unavailable, 'missing-tool'), () => {
  it('we read its requests and it reads our answers, for every type', async () => {
    // Its encoder cannot write integers beyond int64 (it infers the column type from the values).
    const forPython = [
      ['9007199254740993', '9223372036854775807', -2.5, '-12.345600', 'héllo 🥷 ünïcödé', '0001ff', '2024-03-15 10:30:45.123456', '2024-02-29', -3723100000],
      NULLS,
    ];
    const ours = [[...ROW.slice(0, 1), 9223372036854775807n, ...ROW.slice(2)], NULLS];
    const payload = encodeArrow(TYPES, [1n, 2n], ours);
    const py = await viaPython({ types: TYPES, row_ids: [1, 2], rows: forPython, payload_hex: Buffer.from(payload).toString('hex') });
    const theirs = decodeArrow(TYPES, Buffer.from(py.dumped_hex!, 'hex'));
    // We read its file as we read our own file of the same rows (same run); then the recorded values.
    expect(theirs.rows).toHaveLength(ours.length);
    expect(theirs).toEqual(decodeArrow(TYPES, payload));
    expect(theirs.rowIds).toEqual([1n, 2n]);
    expect(theirs.rows[0].slice(0, 6)).toEqual([9007199254740993n, 9223372036854775807n, -2.5, '-12.345600', 'héllo 🥷 ünïcödé', new Uint8Array([0, 1, 255])]);
    expect((theirs.rows[0][6] as SqlDateTime).toSqlString()).toBe('2024-03-15 10:30:45.123456');
    expect((theirs.rows[0][7] as Date).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(String(theirs.rows[0][8])).toBe('-01:02:03.100000');
    expect(theirs.rows[1]).toEqual(NULLS);

    expect(py.schema).toEqual([
      '__index__:int64',
      'col0:int64',
      'col1:uint64',
      'col2:double',
      'col3:string',
      'col4:string',
      'col5:binary',
      'col6:timestamp[us]',
      'col7:date32[day]',
      'col8:duration[us]',
    ]);
    // It reads our file as it reads its own file of the same rows (same run); then the recorded values.
    // One known difference: we send DECIMAL as text (col3:string above), its encoder as decimal128,
    // so its decoder gives str for ours and Decimal for its own.
    expect(py.loaded!.rows).toHaveLength(ours.length);
    const own = structuredClone(py.own!);
    expect(own.rows[0][3]).toEqual({ decimal: py.loaded!.rows[0][3] });
    own.rows[0][3] = py.loaded!.rows[0][3];
    expect(py.loaded).toEqual(own);
    expect(py.loaded!.row_ids).toEqual([1, 2]);
    expect(py.loaded!.rows[0]).toEqual([
      { int: '9007199254740993' },
      { int: '9223372036854775807' },
      { float: '-2.5' },
      '-12.345600',
      'héllo 🥷 ünïcödé',
      { hex: '0001ff' },
      { datetime: '2024-03-15 10:30:45.123456' },
      { date: '2024-02-29' },
      { micros: -3723100000 },
    ]);
    expect(py.loaded!.rows[1].every((v) => v === null)).toBe(true);
  }, 120_000);

  it('the server over HTTP, called with a request its encoder built and answered to its decoder', async () => {
    const mult = udf(
      { name: 'mult', args: { x: t.bigint(), y: t.double().nullable(), s: t.text() }, returns: t.text().nullable() },
      (x: bigint, y: number | null, s: string) => (y === null ? null : s.repeat(Number(x) * y)),
    );
    const series = udf({ name: 'series', args: { n: t.bigint() }, returns: { a: t.bigint(), b: t.text() } }, (n: bigint) =>
      Array.from({ length: Number(n) }, (_, i) => [BigInt(i), `#${i}`]),
    );
    const app = await createUdfServer({ functions: [mult, series] });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const call = async (name: string, hex: string) => {
      const res = await fetch(`${address}/invoke`, {
        method: 'POST',
        headers: { 'content-type': ARROW, 's2-ef-name': name, 's2-ef-version': '1.0' },
        body: Buffer.from(hex, 'hex'),
      });
      expect([res.status, res.headers.get('content-type')]).toEqual([200, ARROW]);
      return Buffer.from(await res.arrayBuffer()).toString('hex');
    };
    try {
      const request = await viaPython({
        types: [8, 5, 254],
        row_ids: [10, 11, 12],
        rows: [
          [2, 1.5, 'ab'],
          [3, null, 'c'],
          [1, 2, 'ü🥷'],
        ],
      });
      const answer = await viaPython({ types: [254], payload_hex: await call('mult', request.dumped_hex!) });
      expect(answer.loaded).toEqual({ row_ids: [10, 11, 12], rows: [['ababab'], [null], ['ü🥷ü🥷']] });
      // Row ids that are not 0, 1, 2… (the reference's own TVF path mixes them up, spec 5.7).
      const tvfRequest = await viaPython({ types: [8], row_ids: [5, 7], rows: [[2], [1]] });
      const tvfAnswer = await viaPython({ types: [8, 254], payload_hex: await call('series', tvfRequest.dumped_hex!) });
      expect(tvfAnswer.loaded).toEqual({
        row_ids: [5, 5, 7],
        rows: [
          [0, '#0'],
          [1, '#1'],
          [0, '#0'],
        ],
      });
    } finally {
      await app.close();
    }
  }, 60_000);
});

// Writers may split a table into several record batches; the decoder reads them all, in order.
describe('multi-batch files', () => {
  it('concatenates record batches in order', () => {
    const fields = [new Field('ids', new Int64(), false), new Field('x', new Int64(), true)];
    const batch = (ids: bigint[], xs: (bigint | null)[]) =>
      new RecordBatch(
        new Schema(fields),
        makeData({
          type: new Struct(fields),
          length: ids.length,
          nullCount: 0,
          children: [vectorFromArray(ids, new Int64()).data[0], vectorFromArray(xs, new Int64()).data[0]],
        }),
      );
    const body = tableToIPC(new Table(new Schema(fields), [batch([1n, 2n], [10n, null]), batch([3n], [30n])]), 'file');
    expect(decodeArrow([8], body)).toEqual({ rowIds: [1n, 2n, 3n], rows: [[10n], [null], [30n]] });
  });
});

describe("vectorized: 'arrow' — functions that take and return apache-arrow data", () => {
  it('gets a RecordBatch of typed argument columns (NULLs as validity) and returns Arrow vectors', async () => {
    const { vectorFromArray, Float64, Table: ArrowTable, Int64, Utf8 } = await import('apache-arrow');
    const { createUdfServer, encodeRowdat1, decodeRowdat1, t, udf } = await import('../src/index.js');
    let seen: InstanceType<typeof RecordBatch> | null = null;
    const scaled = udf(
      { name: 'scaled', args: { x: t.bigint().nullable(), f: t.double() }, returns: t.double().nullable(), vectorized: 'arrow' },
      (batch: InstanceType<typeof RecordBatch>) => {
        seen = batch;
        const x = batch.getChild('x')!;
        const f = batch.getChild('f')!;
        return vectorFromArray(
          Array.from({ length: batch.numRows }, (_, i) => (x.get(i) === null ? null : Number(x.get(i)) * f.get(i))),
          new Float64(),
        );
      },
    );
    const split = udf(
      { name: 'split', args: { s: t.text() }, returns: { n: t.bigint(), part: t.text() }, vectorized: 'arrow' },
      (batch: InstanceType<typeof RecordBatch>) => {
        const parts = Array.from({ length: batch.numRows }, (_, i) => String(batch.getChild('s')!.get(i)).split(','));
        return new ArrowTable({
          n: vectorFromArray(
            parts.map((p) => BigInt(p.length)),
            new Int64(),
          ),
          part: vectorFromArray(
            parts.map((p) => p[0]),
            new Utf8(),
          ),
        });
      },
    );
    const app = await createUdfServer({ functions: [scaled, split] });
    try {
      const call = async (name: string, types: number[], rows: unknown[][]) => {
        const res = await app.inject({
          method: 'POST',
          url: '/invoke',
          headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
          payload: Buffer.from(
            encodeRowdat1(
              types,
              rows.map((_, i) => BigInt(i + 1)),
              rows,
            ),
          ),
        });
        expect(res.statusCode, res.body).toBe(200);
        return res.rawPayload;
      };
      const out = await call(
        'scaled',
        [8, 5],
        [
          [2n, 1.5],
          [null, 2],
          [-4n, 0.25],
        ],
      );
      expect(decodeRowdat1([5], out)).toEqual({ rowIds: [1n, 2n, 3n], rows: [[3], [null], [-1]] });
      expect(String(seen!.schema.fields.map((f) => `${f.name}:${f.type}`))).toBe('x:Int64,f:Float64');
      expect(seen!.getChild('x')!.nullCount).toBe(1);
      const tvf = await call('split', [254], [['a,b,c'], ['d']]);
      expect(decodeRowdat1([8, 254], tvf).rows).toEqual([
        [3n, 'a'],
        [1n, 'd'],
      ]);
    } finally {
      await app.close();
    }
  });
});
