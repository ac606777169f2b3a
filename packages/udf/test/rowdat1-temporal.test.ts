import { describe, expect, it } from 'vitest';
import { DataError } from '@s2/base';
import { createUdfServer, decodeRowdat1, t, udf, type Vector } from '../src/index.js';
import { callRowdat1Vectors, decodeRowdat1Rows, decodeRowdat1Vectors } from '../src/codecs/rowdat1-native.js';
import { needsAddon } from './support/addon.js';

/** ROWDAT_1 requests written byte by byte, as the database sends them (udf.md §6.5). */
const le = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(n);
  return b;
};
const cell = (flag: number, packed: bigint) => Buffer.concat([Buffer.from([flag]), le(packed)]);
const packDt = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  (((((BigInt(y) * 16n + BigInt(mo)) * 32n + BigInt(d)) * 32n + BigInt(h)) * 64n + BigInt(mi)) * 64n + BigInt(s)) * 1048576n;
const DT = packDt(2024, 3, 15, 10, 30, 45);

// A zero DATE/DATETIME is a packed 0 with its NULL flag clear; it unpacks to null.
const zeroCases: [string, number, Buffer][] = [
  ['DATETIME', 12, Buffer.concat([le(1n), cell(0, DT), le(2n), cell(0, 0n), le(3n), cell(1, 0n)])],
  ['TIMESTAMP', 7, Buffer.concat([le(1n), cell(0, DT), le(2n), cell(0, 0n), le(3n), cell(1, 0n)])],
  ['DATE', 10, Buffer.concat([le(1n), cell(0, 20240315n), le(2n), cell(0, 0n), le(3n), cell(1, 0n)])],
];

describe('zero dates in vectorized arguments', () => {
  it('the pure codec marks them NULL in the mask', () => {
    for (const [name, code, body] of zeroCases) {
      const { columns } = decodeRowdat1Vectors([code], body, 'pure');
      expect([name, Array.from(columns[0].values).map((v) => v === null), columns[0].nulls]).toEqual([name, [false, true, true], Uint8Array.of(0, 1, 1)]);
    }
  });

  it('the native codec gives the same columns, mask included', needsAddon(), () => {
    for (const [name, code, body] of zeroCases) {
      expect([name, decodeRowdat1Vectors([code], body, 'native')]).toEqual([name, decodeRowdat1Vectors([code], body, 'pure')]);
      let seen: Vector[] = [];
      callRowdat1Vectors([code], [8], body, (columns) => {
        seen = columns;
        return null;
      });
      expect([name, seen]).toEqual([name, decodeRowdat1Vectors([code], body, 'pure').columns]);
    }
  });

  it('a function that reads only unmasked values gets no null (served)', async () => {
    const year = udf({ name: 'yr', args: { dt: t.datetime(6).nullable() }, returns: t.text().nullable(), vectorized: true }, (dt: Vector<Date | null>) => ({
      values: Array.from(dt.values, (v, i) => (dt.nulls?.[i] ? null : String((v as Date).getUTCFullYear()))),
      nulls: null,
    }));
    const app = await createUdfServer({ functions: [year] });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/invoke',
        payload: zeroCases[0][2],
        headers: { 'content-type': 'application/octet-stream', 's2-ef-name': 'yr', 's2-ef-version': '1.0' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(decodeRowdat1([254], res.rawPayload).rows).toEqual([['2024'], [null], [null]]);
    } finally {
      await app.close();
    }
  });
});

describe('impossible DATETIME clock fields in a request', () => {
  const bodies: [string, Buffer][] = [
    ['minute 63', Buffer.concat([le(1n), cell(0, packDt(2024, 3, 15, 10, 63, 0))])],
    ['second 60', Buffer.concat([le(1n), cell(0, packDt(2024, 3, 15, 10, 0, 60))])],
  ];

  it('are a DataError in the pure codec, not a wall clock past the hour', () => {
    for (const [name, body] of bodies) expect(() => decodeRowdat1([12], body), name).toThrow(DataError);
    expect(() => decodeRowdat1([12], Buffer.concat([le(1n), cell(0, packDt(2024, 3, 15, 23, 59, 59))]))).not.toThrow();
  });

  it('are the same DataError on the native path', needsAddon(), () => {
    for (const [name, body] of bodies) {
      expect(() => decodeRowdat1Rows([12], body, 'native'), name).toThrow(DataError);
      expect(() => decodeRowdat1Vectors([12], body, 'native'), name).toThrow(DataError);
    }
  });

  it('answer 400', async () => {
    const app = await createUdfServer({
      functions: [
        udf({ name: 'scalar_dt', args: { d: t.datetime(6) }, returns: t.bigint() }, () => 1n),
        udf({ name: 'vector_dt', args: { d: t.datetime(6) }, returns: t.bigint(), vectorized: true }, (d: Vector) => new BigInt64Array(d.values.length)),
      ],
    });
    try {
      for (const name of ['scalar_dt', 'vector_dt'])
        for (const [what, payload] of bodies) {
          const res = await app.inject({
            method: 'POST',
            url: '/invoke',
            payload,
            headers: { 'content-type': 'application/octet-stream', 's2-ef-name': name, 's2-ef-version': '1.0' },
          });
          expect([name, what, res.statusCode, res.body]).toEqual([
            name,
            what,
            400,
            expect.stringMatching(/^DataError: packed DATETIME \d+ is not a valid date and time/),
          ]);
        }
    } finally {
      await app.close();
    }
  });
});
