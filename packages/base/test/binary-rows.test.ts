import { describe, expect, it } from 'vitest';
import { bindable, encodeExecute, rowsBindable } from '@s2/base';

type Param = { type: number; unsigned: boolean; value: unknown };

/** Reads a COM_STMT_EXECUTE body (without its command byte) the way the server does; throws on a short body. */
function decodeExecute(body: Uint8Array, count: number): { statementId: number; params: Param[] } {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let p = 0;
  const need = (n: number) => {
    if (p + n > body.length) throw new Error(`body ends at ${body.length}, needed ${p + n}`);
  };
  need(10);
  const statementId = view.getUint32(0, true);
  expect(body[4]).toBe(0);
  expect(view.getUint32(5, true)).toBe(1);
  p = 9;
  const nulls = body.subarray(p, p + ((count + 7) >> 3));
  p += nulls.length;
  need(1 + 2 * count);
  expect(body[p++]).toBe(1);
  const types = Array.from({ length: count }, (_, i) => [body[p + 2 * i], body[p + 2 * i + 1]]);
  p += 2 * count;
  const lengthAt = (): number => {
    need(1);
    const first = body[p++];
    if (first < 251) return first;
    const width = first === 0xfc ? 2 : first === 0xfd ? 3 : 8;
    need(width);
    let n = 0;
    for (let i = width - 1; i >= 0; i--) n = n * 256 + body[p + i];
    p += width;
    return n;
  };
  const params = types.map(([type, flags], i): Param => {
    const unsigned = (flags & 0x80) !== 0;
    if (nulls[i >> 3] & (1 << (i & 7))) return { type, unsigned, value: null };
    if (type === 0x08) {
      need(8);
      const value = unsigned ? view.getBigUint64(p, true) : view.getBigInt64(p, true);
      p += 8;
      return { type, unsigned, value };
    }
    if (type === 0x05) {
      need(8);
      const value = view.getFloat64(p, true);
      p += 8;
      return { type, unsigned, value };
    }
    const n = lengthAt();
    need(n);
    const bytes = body.slice(p, p + n);
    p += n;
    return { type, unsigned, value: type === 0xfc ? bytes : new TextDecoder().decode(bytes) };
  });
  expect(p).toBe(body.length);
  return { statementId, params };
}

const LONGLONG = 0x08;
const DOUBLE = 0x05;
const NEWDECIMAL = 0xf6;
const VAR_STRING = 0xfd;
const BLOB = 0xfc;
const NULL = 0x06;

describe('encodeExecute', () => {
  it('rows of nothing but integers beyond 2^53 fit the buffer (their digits were written past its end and dropped)', () => {
    // Each value used to be bounded at 8 bytes but written as up to 21 digits: the body was cut short.
    const row = [2 ** 60, -(2 ** 62), 2 ** 64, 1e20, -(2 ** 63) - 4096, 10n ** 40n, -(10n ** 64n) - 7n];
    const { body, end } = encodeExecute(7, [row, row], 0, 2, row.length, 1 << 20);
    expect(end).toBe(2);
    const { statementId, params } = decodeExecute(body, 2 * row.length);
    expect(statementId).toBe(7);
    expect(params.slice(0, row.length)).toEqual([
      // The text path's literal is String(n), the shortest digits that round-trip, not n's exact value.
      { type: LONGLONG, unsigned: false, value: 1152921504606847000n },
      { type: LONGLONG, unsigned: false, value: -4611686018427388000n },
      { type: NEWDECIMAL, unsigned: false, value: '18446744073709552000' },
      { type: NEWDECIMAL, unsigned: false, value: '100000000000000000000' },
      { type: NEWDECIMAL, unsigned: false, value: '-9223372036854780000' },
      { type: NEWDECIMAL, unsigned: false, value: `1${'0'.repeat(40)}` },
      { type: NEWDECIMAL, unsigned: false, value: `-1${'0'.repeat(63)}7` },
    ]);
  });

  it('integers take the type of their literal: 64-bit LONGLONG (unsigned from 2^63), then NEWDECIMAL; non-integers DOUBLE', () => {
    const row = [2 ** 63, -(2 ** 63), 2 ** 53 + 2, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 63n), -(2n ** 63n) - 1n, 0.1, -0, 1e21, 5e-324, true, false];
    const { params } = decodeExecute(encodeExecute(1, [row], 0, 1, row.length, 1 << 20).body, row.length);
    expect(params.map((p) => [p.type, p.unsigned, p.value])).toEqual([
      [LONGLONG, true, 9223372036854776000n],
      [NEWDECIMAL, false, '-9223372036854776000'],
      [LONGLONG, false, 9007199254740994n],
      [LONGLONG, true, 9223372036854775808n],
      [LONGLONG, true, 18446744073709551615n],
      [NEWDECIMAL, false, '18446744073709551616'],
      [LONGLONG, false, -9223372036854775808n],
      [NEWDECIMAL, false, '-9223372036854775809'],
      [DOUBLE, false, 0.1],
      [LONGLONG, false, 0n],
      [DOUBLE, false, 1e21],
      [DOUBLE, false, 5e-324],
      [LONGLONG, false, 1n],
      [LONGLONG, false, 0n],
    ]);
  });

  it('strings, bytes and NULLs: UTF-8 with its byte length, raw bytes, the null bitmap', () => {
    const row = ['', 'a\u0000b', '😀', 'é'.repeat(300), new Uint8Array([0, 0xff]), Buffer.from('xy'), null, undefined, 'x'.repeat(70_000)];
    const { params } = decodeExecute(encodeExecute(1, [row], 0, 1, row.length, 1 << 20).body, row.length);
    expect(params.map((p) => p.type)).toEqual([VAR_STRING, VAR_STRING, VAR_STRING, VAR_STRING, BLOB, BLOB, NULL, NULL, VAR_STRING]);
    expect(params.map((p) => p.value)).toEqual([
      '',
      'a\u0000b',
      '😀',
      'é'.repeat(300),
      new Uint8Array([0, 0xff]),
      new Uint8Array([0x78, 0x79]),
      null,
      null,
      'x'.repeat(70_000),
    ]);
  });

  it('a row larger than the byte bound is a chunk of its own; chunks never leave a row out', () => {
    const rows = [
      [1, 'a'],
      [2, 'b'.repeat(5000)],
      [3, 'c'],
      [4, 'd'],
    ];
    const ends: number[] = [];
    for (let from = 0; from < rows.length; ) {
      const { body, end } = encodeExecute(1, rows, from, rows.length, 2, 1000);
      const { params } = decodeExecute(body, 2 * (end - from));
      expect(params.filter((_, i) => i % 2 === 0).map((p) => p.value)).toEqual(rows.slice(from, end).map((r) => BigInt(r[0] as number)));
      ends.push(end);
      from = end;
    }
    expect(ends).toEqual([1, 2, 4]);
  });
});

describe('bindable', () => {
  it('says which values have a binary form with their literal meaning', () => {
    const ctx = {};
    expect([1, 0.5, 'x', true, null, undefined, 2n ** 70n, new Uint8Array(1), Buffer.from('a')].every((v) => bindable(v, ctx))).toBe(true);
    // A NEWDECIMAL of 66+ digits loses its sign on MariaDB: such bigints take the text path.
    expect(bindable(10n ** 65n - 1n, ctx)).toBe(true);
    expect(bindable(-(10n ** 65n) + 1n, ctx)).toBe(true);
    expect(bindable(10n ** 65n, ctx)).toBe(false);
    expect(bindable(-(10n ** 85n), ctx)).toBe(false);
    for (const v of [new Date(0), { a: 1 }, [1], new Set(['a']), new Float32Array(1), new ArrayBuffer(2), Symbol('s'), () => 1, NaN, Infinity]) {
      expect(bindable(v, ctx)).toBe(false);
    }
    expect(bindable(NaN, { nanAsNull: true })).toBe(true);
    expect(bindable(-Infinity, { infAsNull: true })).toBe(true);
    expect(bindable(Infinity, { nanAsNull: true })).toBe(false);
    expect(
      rowsBindable(
        [
          [1, 'a'],
          [2, 10n ** 70n],
        ],
        ctx,
      ),
    ).toBe(false);
    expect(
      rowsBindable(
        [
          [1, 'a'],
          [2, 10n ** 60n],
        ],
        ctx,
      ),
    ).toBe(true);
  });
});
