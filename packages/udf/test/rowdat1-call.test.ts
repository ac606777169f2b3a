import { describe, expect, it } from 'vitest';
import { DataError, ParameterError } from '@s2/base';
import { loadNative } from '@s2/native';
import { createUdfServer, decodeRowdat1, encodeRowdat1, t, udf, type Vector } from '../src/index.js';
import { callRowdat1Vectors, decodeRowdat1Vectors, encodeRowdat1Vectors } from '../src/codecs/rowdat1-native.js';
import { batch, CODES, int, pick } from './rowdat1-gen.js';
import { needsAddon } from './support/addon.js';

/**
 * The combined decode → call → encode of the addon (rowdat1Call) against the two-step native
 * path and the pure codec: same columns in, same bytes out, same errors in the same phase.
 */
const native = loadNative();

/** A column-wise "function": each argument column comes back as a result column, as it is. */
const echo = (columns: Vector[]) => columns;

describe('combined ROWDAT_1 call', needsAddon(), () => {
  it('answers every wire code, NULLs included, with the bytes of the two-step and pure paths', () => {
    for (let trial = 0; trial < 40; trial++) {
      const codes = Array.from({ length: int(1, 5) }, () => pick(CODES));
      const { ids, body } = batch(codes, pick([0, 1, int(2, 300)]));
      let seen: Vector[] = [];
      const outcome = callRowdat1Vectors(codes, codes, body, (columns, rows) => {
        expect(rows).toBe(ids.length);
        seen = columns;
        return echo(columns);
      });
      const twoStep = decodeRowdat1Vectors(codes, body, 'native');
      expect(seen).toEqual(twoStep.columns);
      const expected = encodeRowdat1Vectors(codes, twoStep.rowIds, twoStep.columns, 'pure');
      expect(Buffer.from(expected)).toEqual(Buffer.from(body));
      if (outcome && 'body' in outcome) expect(Buffer.from(outcome.body)).toEqual(Buffer.from(expected));
      else {
        // Results the native encoder leaves to the pure codec come back to be encoded here.
        expect(outcome).toMatchObject({ rows: ids.length });
        const deferred = outcome as unknown as { rowIds: BigInt64Array; result: Vector[] };
        expect(Array.from(deferred.rowIds)).toEqual(ids);
        expect(Buffer.from(encodeRowdat1Vectors(codes, deferred.rowIds, deferred.result))).toEqual(Buffer.from(expected));
      }
    }
  });

  it("keeps the phases apart: request errors, the function's own exception, answer errors, deferral", () => {
    const body = Buffer.from(
      encodeRowdat1(
        [8, 254],
        [5n, 6n],
        [
          [1n, 'a'],
          [null, 'b'],
        ],
      ),
    );
    const truncated = callRowdat1Vectors([8, 254], [8], body.subarray(0, 20), () => {
      throw new Error('not called');
    });
    expect(truncated).toMatchObject({ failed: 'request' });
    const twoStepError = (() => {
      try {
        decodeRowdat1Vectors([8, 254], body.subarray(0, 20), 'native');
      } catch (e) {
        return e as Error;
      }
    })();
    expect((truncated as { error: Error }).error).toBeInstanceOf(DataError);
    expect((truncated as { error: Error }).error.message).toBe(twoStepError!.message);

    const mine = new RangeError('no good');
    const thrown = (() => {
      try {
        callRowdat1Vectors([8, 254], [8], body, () => {
          throw mine;
        });
        return 'nothing thrown';
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBe(mine);

    // TINYINT answers beyond 127: the encoder's range check, as the pure codec words it.
    const outOfRange = callRowdat1Vectors([8, 254], [1], body, () => [{ values: Int16Array.of(1, 300), nulls: null }]);
    expect(outOfRange).toMatchObject({ failed: 'answer' });
    expect((outOfRange as { error: Error }).error).toBeInstanceOf(ParameterError);
    expect(() => encodeRowdat1Vectors([1], BigInt64Array.of(5n, 6n), [{ values: Int16Array.of(1, 300), nulls: null }], 'pure')).toThrow(
      (outOfRange as { error: Error }).error.message,
    );
    const short = callRowdat1Vectors([8, 254], [8], body, () => [{ values: BigInt64Array.of(1n), nulls: null }]);
    expect(short).toMatchObject({ failed: 'answer' });
    const surrogate = callRowdat1Vectors([8, 254], [254], body, () => [{ values: ['ok', '\ud800'], nulls: null }]);
    expect(surrogate).toMatchObject({ failed: 'answer' });
    expect((surrogate as { error: Error }).error.message).toMatch(/lone surrogate/);

    const deferred = callRowdat1Vectors([8, 254], [8], body, () => null);
    expect(deferred).toMatchObject({ result: null, rows: 2 });
    expect(Array.from((deferred as { rowIds: BigInt64Array }).rowIds)).toEqual([5n, 6n]);
  });

  it('an impossible date in the request is a request error (400), not the function failing (500)', async () => {
    const le = (n: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(n);
      return b;
    };
    // Month 13, packed as the database packs a DATETIME, and a DATE written as YYYYMMDD.
    const datetime = Buffer.concat([le(1n), Buffer.from([0]), le(((2020n * 16n + 13n) * 32n + 1n) * 32n * 64n * 64n * (1n << 20n))]);
    const date = Buffer.concat([le(1n), Buffer.from([0]), le(20201301n)]);
    let called = false;
    const outcome = callRowdat1Vectors([12], [8], datetime, () => {
      called = true;
      return null;
    });
    expect(called).toBe(false);
    expect(outcome).toMatchObject({ failed: 'request' });
    expect((outcome as { error: Error }).error).toBeInstanceOf(DataError);

    const zeros = (d: Vector) => new BigInt64Array(d.values.length);
    const app = await createUdfServer({
      functions: [
        udf({ name: 'scalar_dt', args: { d: t.datetime(6) }, returns: t.bigint() }, () => 1n),
        udf({ name: 'vector_dt', args: { d: t.datetime(6) }, returns: t.bigint(), vectorized: true }, zeros),
        udf({ name: 'vector_date', args: { d: t.date() }, returns: t.bigint(), vectorized: true }, zeros),
      ],
    });
    try {
      for (const [name, payload] of [
        ['scalar_dt', datetime],
        ['vector_dt', datetime],
        ['vector_date', date],
      ] as const) {
        const res = await app.inject({
          method: 'POST',
          url: '/invoke',
          payload,
          headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
        });
        expect([name, res.statusCode, res.body]).toEqual([name, 400, expect.stringMatching(/^DataError: packed DATE(TIME)? \d+ is not a valid date/)]);
      }
    } finally {
      await app.close();
    }
  });

  it('serves vectorized functions through it: sync, async, pure-encoded results, timeouts', async () => {
    const inc = udf({ name: 'inc', args: { x: t.bigint().nullable() }, returns: t.bigint().nullable(), vectorized: true }, (x: Vector<bigint>) => ({
      values: (x.values as BigInt64Array).map((v) => v + 1n),
      nulls: x.nulls,
    }));
    // Plain numbers for a BIGINT answer: the native encoder leaves those to the pure codec.
    const asNumbers = udf({ name: 'as_numbers', args: { x: t.bigint() }, returns: t.bigint(), vectorized: true }, (x: Vector<bigint>) =>
      Array.from(x.values as BigInt64Array, (v) => Number(v) * 2),
    );
    const later = udf({ name: 'later', args: { x: t.bigint() }, returns: t.text(), vectorized: true }, async (x: Vector<bigint>) => {
      await new Promise((r) => setTimeout(r, 2));
      return Array.from(x.values as BigInt64Array, (v) => `#${v}`);
    });
    const stuck = udf({ name: 'stuck', args: { x: t.bigint() }, returns: t.bigint(), vectorized: true, timeoutMs: 1000 }, () => new Promise(() => {}));
    const app = await createUdfServer({ functions: [inc, asNumbers, later, stuck] });
    // Count the addon's combined calls, so a silent fallback to the two-step path would show.
    const binding = native!;
    const original = binding.rowdat1Call!;
    let combined = 0;
    binding.rowdat1Call = (...args) => {
      combined++;
      return original.apply(binding, args);
    };
    try {
      const body = Buffer.from(encodeRowdat1([8], [9n, 8n, 7n], [[1n], [null], [2n ** 62n]]));
      const post = (name: string, payload: Buffer = body) =>
        app.inject({
          method: 'POST',
          url: '/invoke',
          payload,
          headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
        });
      expect(decodeRowdat1([8], (await post('inc')).rawPayload)).toEqual({ rowIds: [9n, 8n, 7n], rows: [[2n], [null], [2n ** 62n + 1n]] });
      const numbers = Buffer.from(encodeRowdat1([8], [9n, 8n], [[1n], [21n]]));
      expect(decodeRowdat1([8], (await post('as_numbers', numbers)).rawPayload)).toEqual({ rowIds: [9n, 8n], rows: [[2n], [42n]] });
      expect(decodeRowdat1([254], (await post('later', numbers)).rawPayload)).toEqual({ rowIds: [9n, 8n], rows: [['#1'], ['#21']] });
      const timedOut = await post('stuck');
      expect([timedOut.statusCode, timedOut.body]).toEqual([504, 'TimeoutError: Function call timed out after 1 seconds']);
      const bad = await post('inc', body.subarray(0, 12));
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toMatch(/^DataError: ROWDAT_1 payload truncated/);
      expect(combined).toBe(5);
    } finally {
      binding.rowdat1Call = original;
      await app.close();
    }
  });
});
