import { SqlTime } from '@s2/base';
import { encodeRowdat1, packDatetime, unpackDatetime } from '../src/codecs/index.js';

/** Seeded random ROWDAT_1 batches over every wire code (edges included), for differential tests. */
let seed = 12345;
export const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
export const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
export const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];

/** Random values of each wire code, edges included. */
export const GEN: Record<number, () => unknown> = {
  1: () => pick([-128, 127, int(-128, 127)]),
  [-1]: () => pick([0, 255, int(0, 255)]),
  2: () => pick([-32768, 32767, int(-32768, 32767)]),
  [-2]: () => pick([0, 65535]),
  3: () => pick([-(2 ** 31), 2 ** 31 - 1, int(-1e9, 1e9)]),
  [-3]: () => pick([0, 2 ** 32 - 1]),
  9: () => pick([-8388608, 8388607]),
  [-9]: () => pick([0, 16777215]),
  8: () => pick([-(2n ** 63n), 2n ** 63n - 1n, BigInt(int(-1e9, 1e9)) * 1000003n]),
  [-8]: () => pick([0n, 2n ** 64n - 1n, 9007199254740993n]),
  4: () => Math.fround((rnd() - 0.5) * 1e6),
  5: () => pick([-0, 5e-324, 1.7976931348623157e308, (rnd() - 0.5) * 1e300]),
  13: () => pick([0, 99, 1901, 2155]),
  10: () => new Date(Date.UTC(int(1, 9999), int(0, 11), int(1, 28))),
  11: () => new SqlTime(pick([1, -1]), int(0, 838), int(0, 59), int(0, 59), int(0, 999999)),
  12: () =>
    unpackDatetime(
      packDatetime(
        `${String(int(1, 9999)).padStart(4, '0')}-0${int(1, 9)}-1${int(0, 9)} 1${int(0, 9)}:3${int(0, 9)}:0${int(0, 9)}.${String(int(0, 999999)).padStart(6, '0')}`,
      ),
    ),
  246: () => pick(['-99.99', '0', '12345678901234567890.123456789']),
  254: () => pick(['', 'héllo', '😜'.repeat(int(1, 40)), 'x'.repeat(300)]),
  [-254]: () => Uint8Array.from({ length: int(0, 40) }, () => int(0, 255)),
};
export const CODES = Object.keys(GEN).map(Number);

export function batch(codes: number[], n: number) {
  const ids = Array.from({ length: n }, (_, i) => BigInt(i * 7 - 3));
  const rows = ids.map(() => codes.map((c) => (rnd() < 0.15 ? null : GEN[c]())));
  return { ids, rows, body: encodeRowdat1(codes, ids, rows) };
}
