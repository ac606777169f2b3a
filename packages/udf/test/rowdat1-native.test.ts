import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DataError, ParameterError } from '@s2/base';
import { loadNative } from '@s2/native';
import { decodeRowdat1 } from '../src/codecs/index.js';
import { decodeRowdat1Rows, decodeRowdat1Vectors, encodeRowdat1Vectors } from '../src/codecs/rowdat1-native.js';
import { decodeWide } from '../src/codecs/rowdat1-fixed.js';
import { batch, CODES, int, pick } from './rowdat1-gen.js';
import { countRowdat1Calls, needsAddon } from './support/addon.js';

const native = loadNative();

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; message: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    return { ok: false, error: (err as Error).constructor.name, message: (err as Error).message };
  }
}

describe('native and pure ROWDAT_1 codecs agree', needsAddon(), () => {
  // Every comparison below also checks that the addon itself ran (or, where the native path is
  // meant to leave a batch to the pure codec, that it did not): otherwise it could compare the
  // pure codec with itself.
  const calls = native ? countRowdat1Calls(native) : null;
  beforeEach(() => void calls?.take());
  afterAll(() => calls?.restore());
  const addon = () => calls!.take();

  it('decode: every wire code, with NULLs, to the same rows and the same columns', () => {
    for (let trial = 0; trial < 20; trial++) {
      const codes = Array.from({ length: int(1, 6) }, () => pick(CODES));
      const { body } = batch(codes, int(0, 200));
      expect(decodeRowdat1Rows(codes, body, 'native')).toEqual(decodeRowdat1(codes, body));
      expect(decodeRowdat1Vectors(codes, body, 'native')).toEqual(decodeRowdat1Vectors(codes, body, 'pure'));
    }
    expect(addon()).toEqual({ decoded: 40, decodeThrew: 0, encoded: 0, encodeThrew: 0 });
  });

  it('encode: columns (typed arrays of any element type, or plain arrays) give byte-identical payloads', () => {
    let withYear = 0;
    for (let trial = 0; trial < 20; trial++) {
      const codes = Array.from({ length: int(1, 6) }, () => pick(CODES));
      if (codes.includes(13)) withYear++;
      const { ids, body } = batch(codes, int(0, 200));
      const { rowIds, columns } = decodeRowdat1Vectors(codes, body, 'native');
      const fromNative = encodeRowdat1Vectors(codes, rowIds, columns, 'native');
      const fromPure = encodeRowdat1Vectors(codes, ids, columns, 'pure');
      expect(Buffer.from(fromNative).equals(Buffer.from(body))).toBe(true);
      expect(Buffer.from(fromPure).equals(Buffer.from(body))).toBe(true);
    }
    // Every column a native decode gives (typed arrays, plain arrays, strings, temporals) goes
    // back through the addon, except YEAR as a plain array, which the native path leaves to the
    // pure codec (it has no range check of its own for YEAR numbers).
    expect(addon()).toEqual({ decoded: 20, decodeThrew: 0, encoded: 20 - withYear, encodeThrew: 0 });
    // Narrow and float element types into wide codes, and the reverse within range.
    const ids = BigInt64Array.from([1n, 2n, 3n]);
    const cases: [number, ArrayBufferView & ArrayLike<unknown>][] = [
      [8, Int16Array.from([-5, 0, 7])],
      [5, Int32Array.from([1, 2, 3])],
      [1, Float64Array.from([-128, 0, 127])],
      [-8, BigUint64Array.from([0n, 1n, 2n ** 64n - 1n])],
      [4, Float64Array.from([0.1, 1e-50, 3e38])],
      [13, Int32Array.from([0, 1901, 2155])],
      // Integral doubles up to the last one below 2^64 are UNSIGNED BIGINTs.
      [-8, Float64Array.from([0, 1.8e19, 18446744073709549568])],
    ];
    for (const [code, values] of cases) {
      const vec = [{ values, nulls: null }];
      const a = encodeRowdat1Vectors([code], ids, vec, 'native');
      const b = encodeRowdat1Vectors([code], ids, vec, 'pure');
      expect(Buffer.from(a).toString('hex'), `code ${code}`).toBe(Buffer.from(b).toString('hex'));
    }
    expect(addon().encoded).toBe(cases.length);
  });

  it('encode errors are the same typed errors on both paths; values under NULL are not checked', () => {
    const ids = [1n, 2n];
    const bad: [number, ArrayBufferView & ArrayLike<unknown>][] = [
      [1, Int32Array.from([1, 300])],
      [-1, Int8Array.from([1, -1])],
      [8, Float64Array.from([1, 1.5])],
      [13, Int32Array.from([1, 1900])],
      [-3, Float64Array.from([1, NaN])],
      [8, Float64Array.from([1, Infinity])],
      [8, Float64Array.from([1, 1e21])],
      [-8, Float64Array.from([1, 2 ** 64])],
      [1, Float64Array.from([1, 1e-7])],
    ];
    for (const [code, values] of bad) {
      const vec = [{ values, nulls: null }];
      const pure = outcome(() => encodeRowdat1Vectors([code], ids, vec, 'pure'));
      expect(pure, `code ${code}`).toMatchObject({ ok: false, error: 'ParameterError' });
      expect(
        outcome(() => encodeRowdat1Vectors([code], ids, vec, 'native')),
        `code ${code}`,
      ).toEqual(pure);
      // The typed column went to the addon, and the addon itself refused it.
      expect(addon(), `code ${code}`).toMatchObject({ encoded: 0, encodeThrew: 1 });
      const masked = [{ values, nulls: Uint8Array.from([0, 1]) }];
      expect(Buffer.from(encodeRowdat1Vectors([code], ids, masked, 'native'))).toEqual(Buffer.from(encodeRowdat1Vectors([code], ids, masked, 'pure')));
      expect(addon(), `code ${code} masked`).toMatchObject({ encoded: 1, encodeThrew: 0 });
    }
    // A non-string in a text column is left to the pure codec, whose error it is.
    expect(() => encodeRowdat1Vectors([254], ids, [{ values: ['a', 5], nulls: null }], 'native')).toThrow(ParameterError);
    expect(addon()).toMatchObject({ encoded: 0, encodeThrew: 0 });
  });

  it('plain arrays of results (what row-at-a-time functions give): same bytes and same errors on both paths', () => {
    const ids = BigInt64Array.from([1n, 2n, 3n]);
    // Values already exactly of the column's type go to the addon; others (numbers for BIGINT,
    // bigints for DOUBLE, booleans, YEAR numbers) are converted by the pure codec: `viaAddon` says which.
    const good: [number, unknown[], boolean][] = [
      [8, [-(2n ** 63n), null, 2n ** 63n - 1n], true],
      [8, [1, 2n, 3], false],
      [-8, [2n ** 64n - 1n, 0n, undefined], true],
      [1, [true, false, -128], false],
      [5, [0.5, null, -0], true],
      [5, [1n, 2, 3], false],
      [4, [0.1, 3e38, null], true],
      [-3, [0, 4294967295, null], true],
      [9, [-8388608, 8388607, 0], true],
      [13, [0, 99, 2155], false],
    ];
    for (const [code, values, viaAddon] of good) {
      const vec = [{ values, nulls: null }];
      const a = encodeRowdat1Vectors([code], ids, vec, 'native');
      expect(addon().encoded, `code ${code} through the addon`).toBe(viaAddon ? 1 : 0);
      expect(Buffer.from(a).toString('hex'), `code ${code}`).toBe(Buffer.from(encodeRowdat1Vectors([code], ids, vec, 'pure')).toString('hex'));
    }
    // A bad value in a plain array sends the column to the pure codec (its checks and messages
    // define the errors), so the addon never sees it there. Its own checks are reached with the
    // same values in a typed array (`typed`): the same class and message must come back from it.
    const bad: [number, unknown[], (ArrayBufferView & ArrayLike<unknown>) | null][] = [
      [8, [1n, 2n ** 63n, 0n], BigUint64Array.from([1n, 2n ** 63n, 0n])],
      [-8, [-1n, 0n, 0n], BigInt64Array.from([-1n, 0n, 0n])],
      [1, [128, 0, 0], Int16Array.from([128, 0, 0])],
      [3, [1.5, 0, 0], Float64Array.from([1.5, 0, 0])],
      [-2, [NaN, 0, 0], Float64Array.from([NaN, 0, 0])],
      [5, ['1', 0, 0], null],
      [8, [0.5, 0n, 0n], Float64Array.from([0.5, 0, 0])],
    ];
    for (const [code, values, typed] of bad) {
      const vec = [{ values, nulls: null }];
      const pure = outcome(() => encodeRowdat1Vectors([code], ids, vec, 'pure'));
      expect(pure, `code ${code}`).toMatchObject({ ok: false, error: 'ParameterError' });
      expect(
        outcome(() => encodeRowdat1Vectors([code], ids, vec, 'native')),
        `code ${code}`,
      ).toEqual(pure);
      expect(addon(), `code ${code}: a plain array with a bad value stays out of the addon`).toMatchObject({ encoded: 0, encodeThrew: 0 });
      if (typed === null) continue; // a string has no typed-array form: see the direct check below
      expect(
        outcome(() => encodeRowdat1Vectors([code], ids, [{ values: typed, nulls: null }], 'native')),
        `code ${code} typed`,
      ).toEqual(pure);
      expect(addon(), `code ${code} typed: refused by the addon itself`).toMatchObject({ encoded: 0, encodeThrew: 1 });
    }
    // The addon refuses a DOUBLE column handed over as text, whatever the caller does.
    const asText = { code: 5, data: Buffer.from('1'), offsets: Uint32Array.from([0, 1, 1, 1]) };
    expect(() => native!.rowdat1Encode(Buffer.from(ids.buffer), [asText])).toThrow(/column 1 needs numeric values/);
    addon();
    // Text: lone surrogates, even two that would pair up across values, are refused on both paths;
    // a string under a NULL mask is not written; non-ASCII offsets are counted in bytes.
    for (const values of [
      ['a\uD83D', '\uDE1Cb', ''],
      ['ok', '\uDE1C', null],
    ]) {
      for (const path of ['native', 'pure'] as const) {
        expect(() => encodeRowdat1Vectors([254], ids, [{ values, nulls: null }], path)).toThrow(ParameterError);
      }
    }
    expect(addon()).toMatchObject({ encoded: 0, encodeThrew: 0 });
    const text = [{ values: ['héllo', 'hidden', '😜x'], nulls: Uint8Array.from([0, 1, 0]) }];
    const bytes = encodeRowdat1Vectors([254], ids, text, 'native');
    expect(addon().encoded).toBe(1);
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(encodeRowdat1Vectors([254], ids, text, 'pure')).toString('hex'));
    expect(decodeRowdat1([254], bytes).rows).toEqual([['héllo'], [null], ['😜x']]);
  });

  it('hostile payloads: truncations and mutations give the same outcome on both paths', () => {
    const codes = [8, 5, 254, -254, 12, 246];
    const { body } = batch(codes, 50);
    for (let cut = 0; cut < body.length; cut += 7) {
      const part = body.subarray(0, cut);
      expect(
        outcome(() => decodeRowdat1Rows(codes, part, 'native')),
        `cut ${cut}`,
      ).toEqual(outcome(() => decodeRowdat1(codes, part)));
    }
    const cuts = Math.ceil(body.length / 7);
    const seen = addon();
    expect(seen.decoded + seen.decodeThrew, 'every cut went to the addon').toBe(cuts);
    expect(seen.decodeThrew, 'the addon itself rejected the cuts inside a row').toBeGreaterThan(cuts / 2);
    let errors = 0;
    let addonRejected = 0;
    for (let trial = 0; trial < 300; trial++) {
      const m = Buffer.from(body);
      for (let k = 0; k < int(1, 3); k++) m[int(0, m.length - 1)] = int(0, 255);
      const a = outcome(() => decodeRowdat1Rows(codes, m, 'native'));
      const calls = addon();
      expect(calls.decoded + calls.decodeThrew, `trial ${trial} reached the addon`).toBe(1);
      expect(a).toEqual(outcome(() => decodeRowdat1(codes, m)));
      if (!a.ok) {
        errors++;
        addonRejected += calls.decodeThrew;
        expect(['DataError', 'DecodeError']).toContain(a.error);
      }
    }
    expect(errors).toBeGreaterThan(20);
    // Most are the addon's own rejections; the rest passed its framing checks and failed the
    // shared value conversion (a temporal out of range), on both paths alike.
    expect(addonRejected).toBeGreaterThan(errors * 0.8);
    expect(() => decodeRowdat1Rows([77], body, 'native')).toThrow(DataError);
  });

  it("the native decoder gives the fixed-width lane's columns (BIGINT, UNSIGNED BIGINT, DOUBLE), NULLs included", () => {
    for (let trial = 0; trial < 30; trial++) {
      const codes = Array.from({ length: int(1, 4) }, () => pick([8, -8, 5]));
      const { body } = batch(codes, int(0, 300));
      expect(decodeRowdat1Vectors(codes, body, 'native')).toEqual(decodeWide(codes, body));
    }
    expect(addon()).toMatchObject({ decoded: 30, decodeThrew: 0 });
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
