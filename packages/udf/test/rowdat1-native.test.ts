import { describe, expect, it } from 'vitest';
import { DataError, ParameterError } from '@s2/base';
import { loadNative, nativeStatus } from '@s2/native';
import { decodeRowdat1 } from '../src/codecs/index.js';
import { decodeRowdat1Rows, decodeRowdat1Vectors, encodeRowdat1Vectors } from '../src/codecs/rowdat1-native.js';
import { decodeWide } from '../src/codecs/rowdat1-fixed.js';
import { batch, CODES, int, pick } from './rowdat1-gen.js';

const native = loadNative();
if (!native) console.warn(`[udf] native ROWDAT_1 differential skipped: ${nativeStatus().source}`);

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    return { ok: false, error: (err as Error).constructor.name };
  }
}

describe.skipIf(!native)('native and pure ROWDAT_1 codecs agree', () => {
  it('decode: every wire code, with NULLs, to the same rows and the same columns', () => {
    for (let trial = 0; trial < 20; trial++) {
      const codes = Array.from({ length: int(1, 6) }, () => pick(CODES));
      const { body } = batch(codes, int(0, 200));
      expect(decodeRowdat1Rows(codes, body, 'native')).toEqual(decodeRowdat1(codes, body));
      expect(decodeRowdat1Vectors(codes, body, 'native')).toEqual(decodeRowdat1Vectors(codes, body, 'pure'));
    }
  });

  it('encode: columns (typed arrays of any element type, or plain arrays) give byte-identical payloads', () => {
    for (let trial = 0; trial < 20; trial++) {
      const codes = Array.from({ length: int(1, 6) }, () => pick(CODES));
      const { ids, body } = batch(codes, int(0, 200));
      const { rowIds, columns } = decodeRowdat1Vectors(codes, body, 'native');
      const fromNative = encodeRowdat1Vectors(codes, rowIds, columns, 'native');
      const fromPure = encodeRowdat1Vectors(codes, ids, columns, 'pure');
      expect(Buffer.from(fromNative).equals(Buffer.from(body))).toBe(true);
      expect(Buffer.from(fromPure).equals(Buffer.from(body))).toBe(true);
    }
    // Narrow and float element types into wide codes, and the reverse within range.
    const ids = BigInt64Array.from([1n, 2n, 3n]);
    const cases: [number, ArrayBufferView & ArrayLike<unknown>][] = [
      [8, Int16Array.from([-5, 0, 7])], [5, Int32Array.from([1, 2, 3])], [1, Float64Array.from([-128, 0, 127])],
      [-8, BigUint64Array.from([0n, 1n, 2n ** 64n - 1n])], [4, Float64Array.from([0.1, 1e-50, 3e38])], [13, Int32Array.from([0, 1901, 2155])],
    ];
    for (const [code, values] of cases) {
      const vec = [{ values, nulls: null }];
      const a = encodeRowdat1Vectors([code], ids, vec, 'native');
      const b = encodeRowdat1Vectors([code], ids, vec, 'pure');
      expect(Buffer.from(a).toString('hex'), `code ${code}`).toBe(Buffer.from(b).toString('hex'));
    }
  });

  it('encode errors are the same typed errors on both paths; values under NULL are not checked', () => {
    const ids = [1n, 2n];
    const bad: [number, ArrayBufferView & ArrayLike<unknown>][] = [
      [1, Int32Array.from([1, 300])], [-1, Int8Array.from([1, -1])], [8, Float64Array.from([1, 1.5])], [13, Int32Array.from([1, 1900])], [-3, Float64Array.from([1, NaN])],
    ];
    for (const [code, values] of bad) {
      const vec = [{ values, nulls: null }];
      expect(outcome(() => encodeRowdat1Vectors([code], ids, vec, 'native')), `code ${code}`).toEqual({ ok: false, error: 'ParameterError' });
      expect(outcome(() => encodeRowdat1Vectors([code], ids, vec, 'pure')), `code ${code}`).toEqual({ ok: false, error: 'ParameterError' });
      const masked = [{ values, nulls: Uint8Array.from([0, 1]) }];
      expect(Buffer.from(encodeRowdat1Vectors([code], ids, masked, 'native'))).toEqual(Buffer.from(encodeRowdat1Vectors([code], ids, masked, 'pure')));
    }
    expect(() => encodeRowdat1Vectors([254], ids, [{ values: ['a', 5], nulls: null }], 'native')).toThrow(ParameterError);
  });

  it('plain arrays of results (what row-at-a-time functions give): same bytes and same errors on both paths', () => {
    const ids = BigInt64Array.from([1n, 2n, 3n]);
    const good: [number, unknown[]][] = [
      [8, [-(2n ** 63n), null, 2n ** 63n - 1n]], [8, [1, 2n, 3]], [-8, [2n ** 64n - 1n, 0n, undefined]], [1, [true, false, -128]],
      [5, [0.5, null, -0]], [5, [1n, 2, 3]], [4, [0.1, 3e38, null]], [-3, [0, 4294967295, null]], [9, [-8388608, 8388607, 0]], [13, [0, 99, 2155]],
    ];
    for (const [code, values] of good) {
      const vec = [{ values, nulls: null }];
      const a = encodeRowdat1Vectors([code], ids, vec, 'native');
      expect(Buffer.from(a).toString('hex'), `code ${code}`).toBe(Buffer.from(encodeRowdat1Vectors([code], ids, vec, 'pure')).toString('hex'));
    }
    const bad: [number, unknown[]][] = [
      [8, [1n, 2n ** 63n, 0n]], [-8, [-1n, 0n, 0n]], [1, [128, 0, 0]], [3, [1.5, 0, 0]], [-2, [NaN, 0, 0]], [5, ['1', 0, 0]], [8, [0.5, 0n, 0n]],
    ];
    for (const [code, values] of bad) {
      const vec = [{ values, nulls: null }];
      const pure = outcome(() => encodeRowdat1Vectors([code], ids, vec, 'pure'));
      expect(pure.ok, `code ${code}`).toBe(false);
      expect(outcome(() => encodeRowdat1Vectors([code], ids, vec, 'native')), `code ${code}`).toEqual(pure);
    }
    // Text: lone surrogates, even two that would pair up across values, are refused on both paths;
    // a string under a NULL mask is not written; non-ASCII offsets are counted in bytes.
    for (const values of [['a\uD83D', '\uDE1Cb', ''], ['ok', '\uDE1C', null]]) {
      for (const path of ['native', 'pure'] as const) {
        expect(() => encodeRowdat1Vectors([254], ids, [{ values, nulls: null }], path)).toThrow(ParameterError);
      }
    }
    const text = [{ values: ['héllo', 'hidden', '😜x'], nulls: Uint8Array.from([0, 1, 0]) }];
    const bytes = encodeRowdat1Vectors([254], ids, text, 'native');
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(encodeRowdat1Vectors([254], ids, text, 'pure')).toString('hex'));
    expect(decodeRowdat1([254], bytes).rows).toEqual([['héllo'], [null], ['😜x']]);
  });

  it('hostile payloads: truncations and mutations give the same outcome on both paths', () => {
    const codes = [8, 5, 254, -254, 12, 246];
    const { body } = batch(codes, 50);
    for (let cut = 0; cut < body.length; cut += 7) {
      const part = body.subarray(0, cut);
      expect(outcome(() => decodeRowdat1Rows(codes, part, 'native')), `cut ${cut}`).toEqual(outcome(() => decodeRowdat1(codes, part)));
    }
    let errors = 0;
    for (let trial = 0; trial < 300; trial++) {
      const m = Buffer.from(body);
      for (let k = 0; k < int(1, 3); k++) m[int(0, m.length - 1)] = int(0, 255);
      const a = outcome(() => decodeRowdat1Rows(codes, m, 'native'));
      expect(a).toEqual(outcome(() => decodeRowdat1(codes, m)));
      if (!a.ok) {
        errors++;
        expect(['DataError', 'DecodeError']).toContain(a.error);
      }
    }
    expect(errors).toBeGreaterThan(20);
    expect(() => decodeRowdat1Rows([77], body, 'native')).toThrow(DataError);
  });
});

describe('the fixed-width lane (BIGINT, UNSIGNED BIGINT, DOUBLE columns only)', () => {
  const WIDE = [8, -8, 5];
  it('decodes to the same columns as the row codec and encodes back the same bytes, NULLs included', () => {
    for (let trial = 0; trial < 30; trial++) {
      const codes = Array.from({ length: int(1, 4) }, () => pick(WIDE));
      const { ids, rows, body } = batch(codes, int(0, 300));
      const lane = decodeWide(codes, body)!;
      expect(lane).not.toBeNull();
      // The general pure path: rows first, then columns.
      const general = decodeRowdat1(codes, body);
      expect(Array.from(lane.rowIds)).toEqual(general.rowIds);
      lane.columns.forEach((col, c) => {
        general.rows.forEach((row, r) => {
          if (row[c] === null) expect(col.nulls?.[r]).toBe(1);
          else expect(col.values[r]).toEqual(row[c]);
        });
      });
      expect(decodeRowdat1Vectors(codes, body, 'pure')).toEqual(lane);
      const back = encodeRowdat1Vectors(codes, lane.rowIds, lane.columns, 'pure');
      expect(Buffer.from(back).equals(Buffer.from(body))).toBe(true);
      // Plain arrays of the same values (what a function may return) give the same bytes.
      const plain = codes.map((_, c) => ({ values: rows.map((row) => row[c]), nulls: null }));
      expect(Buffer.from(encodeRowdat1Vectors(codes, ids, plain, 'pure')).equals(Buffer.from(body))).toBe(true);
      if (native) expect(decodeRowdat1Vectors(codes, body, 'native')).toEqual(lane);
    }
  });

  it('a body that is not a whole number of rows leaves the lane, and the row codec says what is wrong', () => {
    const { body } = batch([8, 5], 10);
    const cut = body.subarray(0, body.length - 3);
    expect(decodeWide([8, 5], cut)).toBeNull();
    expect(() => decodeRowdat1Vectors([8, 5], cut, 'pure')).toThrow(DataError);
  });

  it('values the lane cannot take as they are go to the row codec: its conversions and its errors', () => {
    const ids = BigInt64Array.from([1n, 2n]);
    // Numbers for BIGINT are converted by the row codec; an out-of-range bigint is its ParameterError.
    const converted = encodeRowdat1Vectors([8], ids, [{ values: [1, 2n], nulls: null }], 'pure');
    expect(decodeRowdat1([8], converted).rows).toEqual([[1n], [2n]]);
    expect(() => encodeRowdat1Vectors([8], ids, [{ values: [1n, 2n ** 63n], nulls: null }], 'pure')).toThrow(ParameterError);
    expect(() => encodeRowdat1Vectors([-8], ids, [{ values: BigInt64Array.from([1n, -1n]), nulls: null }], 'pure')).toThrow(ParameterError);
  });
});
