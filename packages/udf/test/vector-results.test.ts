import { afterAll, describe, expect, it } from 'vitest';
import {
  DateDay,
  DateMillisecond,
  Decimal,
  DurationMicrosecond,
  makeData,
  makeVector,
  type RecordBatch,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  vectorFromArray,
} from 'apache-arrow';
import { options, ParameterError, SqlTime } from '@s2/base';
import { loadNative, resetNativeLoader } from '@s2/native';
import {
  createUdfServer,
  decodeArrow,
  decodeRowdat1,
  encodeJsonRows,
  encodeRowdat1,
  invoke,
  packDatetime,
  t,
  udf,
  unpackDatetime,
  type SqlType,
  type UdfDefinition,
  type UdfFormat,
} from '../src/index.js';
import { needsAddon } from './support/addon.js';

/**
 * What vectorized functions return, on every path an answer takes: the native codec (the
 * combined ROWDAT_1 call, and its encoder after a JSON request) and the pure one, answering
 * ROWDAT_1, JSON and Arrow.
 */
const pureBefore = options.get('pure_js');
afterAll(() => {
  options.set('pure_js', pureBefore);
  resetNativeLoader();
});

/** Runs `body` with the native codec on or off; the loader is asked again either way. */
async function onPath<T>(path: 'native' | 'pure', body: () => Promise<T>): Promise<T> {
  options.set('pure_js', path === 'pure');
  resetNativeLoader();
  try {
    if (path === 'native') expect(loadNative(), 'the native addon').not.toBeNull();
    return await body();
  } finally {
    options.set('pure_js', pureBefore);
    resetNativeLoader();
  }
}

const signal = new AbortController().signal;
const OUTPUTS: UdfFormat[] = ['rowdat_1', 'json', 'arrow'];

/** The answer to `rows` (ROWDAT_1 or JSON in) as rows, whatever the output format. */
async function answer(def: UdfDefinition, input: 'rowdat_1' | 'json', output: UdfFormat, rows: unknown[][]): Promise<unknown> {
  const argCodes = def.args.map(([, type]) => type.wireCode);
  const resultCodes = def.returns.map(([, type]) => type.wireCode);
  const ids = rows.map((_, i) => BigInt(i + 1));
  const body = input === 'rowdat_1' ? encodeRowdat1(argCodes, ids, rows) : Buffer.from(encodeJsonRows(argCodes, ids, rows));
  const out = await invoke(def, body, input, output, signal);
  if (output === 'json') return out.body;
  return (output === 'arrow' ? decodeArrow(resultCodes, out.body as Uint8Array) : decodeRowdat1(resultCodes, out.body as Uint8Array)).rows;
}

const masked = (type: SqlType, nulls: unknown) =>
  udf({ name: 'masked', args: { x: type }, returns: type, vectorized: true }, (x: { values: ArrayLike<unknown> }) => ({ values: x.values, nulls }));

const MASK_CASES: [string, SqlType, unknown[]][] = [
  ['BIGINT', t.bigint().nullable(), [1n, 2n, 3n]],
  ['TEXT', t.text().nullable(), ['a', 'b', 'c']],
];

for (const path of ['native', 'pure'] as const) {
  describe(`result masks (${path} codec)`, path === 'native' ? needsAddon() : {}, () => {
    it('a mask of another length than the batch is a ParameterError on every path, never NULLs read past its end', async () => {
      await onPath(path, async () => {
        for (const [name, type, values] of MASK_CASES) {
          for (const nulls of [Uint8Array.of(1), Uint8Array.of(0, 1, 0, 1, 1), [true], []]) {
            for (const input of ['rowdat_1', 'json'] as const) {
              for (const output of OUTPUTS) {
                const run = answer(
                  masked(type, nulls),
                  input,
                  output,
                  values.map((v) => [v]),
                );
                await expect(run, `${name} ${input}→${output} mask of ${nulls.length}`).rejects.toThrow(ParameterError);
                await expect(run).rejects.toThrow(`a result mask (nulls) has ${nulls.length} entries for 3 input rows`);
              }
            }
          }
        }
      });
    });

    it('a mask of booleans (or numbers) works like a Uint8Array, nonzero meaning NULL', async () => {
      await onPath(path, async () => {
        for (const [name, type, values] of MASK_CASES) {
          const json = `{"data": [[1, ${name === 'TEXT' ? '"a"' : 1}], [2, null], [3, ${name === 'TEXT' ? '"c"' : 3}]]}`;
          for (const nulls of [[false, true, false], [0, 2, 0], Uint8Array.of(0, 1, 0)] as ArrayLike<unknown>[]) {
            for (const input of ['rowdat_1', 'json'] as const) {
              const what = `${name} ${input} ${JSON.stringify(Array.from(nulls))}`;
              const rows = values.map((v) => [v]);
              expect(await answer(masked(type, nulls), input, 'rowdat_1', rows), what).toEqual([[values[0]], [null], [values[2]]]);
              expect(await answer(masked(type, nulls), input, 'json', rows), what).toBe(json);
              expect(await answer(masked(type, nulls), input, 'arrow', rows), what).toEqual([[values[0]], [null], [values[2]]]);
            }
          }
          await expect(answer(masked(type, 'yes'), 'rowdat_1', 'rowdat_1', [[values[0]]])).rejects.toThrow(/must be null, a Uint8Array or an array/);
        }
      });
    });

    it('the server answers a bad mask with a 500 naming it', async () => {
      await onPath(path, async () => {
        const app = await createUdfServer({ functions: [masked(t.bigint().nullable(), Uint8Array.of(1))] });
        try {
          const res = await app.inject({
            method: 'POST',
            url: '/invoke',
            payload: Buffer.from(encodeRowdat1([8], [1n, 2n, 3n], [[1n], [2n], [3n]])),
            headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'masked', 's2-ef-version': '1.0' },
          });
          expect(res.statusCode).toBe(500);
          expect(res.body).toBe('ParameterError: a result mask (nulls) has 1 entries for 3 input rows');
        } finally {
          await app.close();
        }
      });
    });
  });

  describe(`vectorized: 'arrow' temporal and decimal answers (${path} codec)`, path === 'native' ? needsAddon() : {}, () => {
    const datetime = unpackDatetime(packDatetime('2024-03-15 10:30:45.123456'));
    const day = new Date(Date.UTC(2024, 1, 29));
    const time = new SqlTime(-1, 101, 2, 3, 4);

    it('arguments passed straight through come back as the values that went in', async () => {
      await onPath(path, async () => {
        const cases: [SqlType, unknown, string][] = [
          [t.date().nullable(), day, '"2024-02-29"'],
          [t.time(6).nullable(), time, '"-101:02:03.000004"'],
          [t.datetime(6).nullable(), datetime, '"2024-03-15 10:30:45.123456"'],
          [t.timestamp(6).nullable(), datetime, '"2024-03-15 10:30:45.123456"'],
          [t.decimal(20, 6).nullable(), '-12.345600', '"-12.345600"'],
        ];
        for (const [type, value, json] of cases) {
          const same = udf({ name: 'same', args: { x: type }, returns: type, vectorized: 'arrow' }, (batch: RecordBatch) => batch.getChildAt(0));
          const rows = [[value], [null]];
          for (const input of ['rowdat_1', 'json'] as const) {
            expect(await answer(same, input, 'rowdat_1', rows), `${type.base} ${input}`).toEqual(rows);
            expect(await answer(same, input, 'json', rows), `${type.base} ${input}`).toBe(`{"data": [[1, ${json}], [2, null]]}`);
            expect(await answer(same, input, 'arrow', rows), `${type.base} ${input}`).toEqual(rows);
          }
        }
      });
    });

    it('vectors the function builds: date32/date64, timestamp µs/ns, duration/time64 µs, decimal128', async () => {
      await onPath(path, async () => {
        const built: [SqlType, () => unknown, string][] = [
          [t.date().nullable(), () => vectorFromArray([day, null], new DateDay()), '"2024-02-29"'],
          [t.date().nullable(), () => vectorFromArray([day, null], new DateMillisecond()), '"2024-02-29"'],
          [
            t.datetime(6).nullable(),
            () => vectorFromArray([new Date(Date.UTC(2024, 2, 15, 10, 30, 45, 123)), null], new TimestampMicrosecond()),
            '"2024-03-15 10:30:45.123000"',
          ],
          [
            t.datetime(6).nullable(),
            () =>
              makeVector(
                makeData({
                  type: new TimestampNanosecond(),
                  length: 2,
                  nullCount: 1,
                  nullBitmap: Uint8Array.of(1),
                  data: BigInt64Array.of(1710498645123456789n, 0n),
                }),
              ),
            '"2024-03-15 10:30:45.123456"',
          ],
          [
            t.time(6).nullable(),
            () =>
              makeVector(
                makeData({ type: new DurationMicrosecond(), length: 2, nullCount: 1, nullBitmap: Uint8Array.of(1), data: BigInt64Array.of(-3723000004n, 0n) }),
              ),
            '"-1:02:03.000004"',
          ],
          [
            t.time(6).nullable(),
            () =>
              makeVector(
                makeData({ type: new TimeMicrosecond(), length: 2, nullCount: 1, nullBitmap: Uint8Array.of(1), data: BigInt64Array.of(3723000004n, 0n) }),
              ),
            '"1:02:03.000004"',
          ],
          [
            t.decimal(10, 3).nullable(),
            () =>
              makeVector(
                makeData({
                  type: new Decimal(3, 10, 128),
                  length: 2,
                  nullCount: 1,
                  nullBitmap: Uint8Array.of(1),
                  data: Uint32Array.of(0xfffffc18, ~0, ~0, ~0, 0, 0, 0, 0),
                }),
              ),
            '"-1.000"',
          ],
        ];
        for (const [type, make, json] of built) {
          const made = udf({ name: 'made', args: { x: t.bigint() }, returns: type, vectorized: 'arrow' }, make);
          const what = `${type.base} ${String((make() as { type: unknown }).type)}`;
          for (const input of ['rowdat_1', 'json'] as const) {
            expect(await answer(made, input, 'json', [[1n], [2n]]), what).toBe(`{"data": [[1, ${json}], [2, null]]}`);
            const viaRowdat = (await answer(made, input, 'rowdat_1', [[1n], [2n]])) as unknown[][];
            expect(viaRowdat[1], what).toEqual([null]);
            expect(viaRowdat[0][0], what).not.toBeNull();
          }
        }
      });
    });

    it('a slice of an argument keeps its own values and NULLs', async () => {
      await onPath(path, async () => {
        const tail = udf({ name: 'tail', args: { x: t.date().nullable() }, returns: t.date().nullable(), vectorized: 'arrow' }, (batch: RecordBatch) => {
          const x = batch.getChildAt(0)!;
          return x.slice(1).concat(x.slice(0, 1));
        });
        const other = new Date(Date.UTC(1999, 11, 31));
        expect(await answer(tail, 'rowdat_1', 'json', [[day], [null], [other]])).toBe('{"data": [[1, null], [2, "1999-12-31"], [3, "2024-02-29"]]}');
      });
    });
  });
}
