/**
 * The pure codec's fast lane for requests and answers whose every column is a fixed-width
 * number that vectorized functions see as a typed array (BIGINT, UNSIGNED BIGINT, DOUBLE):
 * rows have one size, so each value's bytes are copied straight between the body and the
 * column, with no per-row objects. The Rust codec has the same lane (decode_fixed /
 * encode_direct); anything else — including every malformed body — takes the general codec,
 * which explains what is wrong.
 */

type Wide = BigInt64Array | BigUint64Array | Float64Array;
const WIDE: Record<number, new (n: number) => Wide> = { 8: BigInt64Array, [-8]: BigUint64Array, 5: Float64Array };

/** Whether `codes` can use this lane. */
export function allWide(codes: readonly number[]): boolean {
  return codes.length > 0 && codes.every((c) => WIDE[c] !== undefined);
}

/** Columns of a request; null when the body is not a whole number of rows. */
export function decodeWide(
  codes: readonly number[],
  body: Uint8Array,
): { rowIds: BigInt64Array; columns: { values: Wide; nulls: Uint8Array | null }[] } | null {
  const stride = 8 + 9 * codes.length;
  if (body.length % stride !== 0) return null;
  const n = body.length / stride;
  const rowIds = new BigInt64Array(n);
  copyStrided(body, 0, stride, new Uint8Array(rowIds.buffer), n);
  const columns = codes.map((code, c) => {
    const values = new WIDE[code](n);
    const at = 8 + 9 * c;
    copyStrided(body, at + 1, stride, new Uint8Array(values.buffer), n);
    let nulls: Uint8Array | null = null;
    for (let r = 0, p = at; r < n; r++, p += stride) {
      if (body[p] !== 1) continue;
      nulls ??= new Uint8Array(n);
      nulls[r] = 1;
      // The fill values of a NULL slot (udf.md §6.7): 0, or NaN for DOUBLE.
      if (code === 5) (values as Float64Array)[r] = NaN;
      else (values as BigInt64Array)[r] = 0n;
    }
    return { values, nulls };
  });
  return { rowIds, columns };
}

/** An answer from typed result columns (the caller checked codes and element types). */
export function encodeWide(rowIds: BigInt64Array, columns: readonly { values: Wide; nulls: Uint8Array | null }[]): Uint8Array {
  const n = rowIds.length;
  const stride = 8 + 9 * columns.length;
  const out = new Uint8Array(n * stride);
  scatterStrided(new Uint8Array(rowIds.buffer, rowIds.byteOffset, n * 8), out, 0, stride, n);
  columns.forEach(({ values, nulls }, c) => {
    const at = 8 + 9 * c;
    scatterStrided(new Uint8Array(values.buffer, values.byteOffset, n * 8), out, at + 1, stride, n);
    if (!nulls) return;
    for (let r = 0, p = at; r < n; r++, p += stride) {
      if (!nulls[r]) continue;
      out[p] = 1;
      out.fill(0, p + 1, p + 9);
    }
  });
  return out;
}

/** 8 bytes from every `stride`-th position of `from` (starting at `at`) into consecutive slots of `to`. */
function copyStrided(from: Uint8Array, at: number, stride: number, to: Uint8Array, n: number): void {
  for (let r = 0, p = at, q = 0; r < n; r++, p += stride, q += 8) {
    to[q] = from[p];
    to[q + 1] = from[p + 1];
    to[q + 2] = from[p + 2];
    to[q + 3] = from[p + 3];
    to[q + 4] = from[p + 4];
    to[q + 5] = from[p + 5];
    to[q + 6] = from[p + 6];
    to[q + 7] = from[p + 7];
  }
}

/** The reverse of copyStrided. */
function scatterStrided(from: Uint8Array, to: Uint8Array, at: number, stride: number, n: number): void {
  for (let r = 0, p = at, q = 0; r < n; r++, p += stride, q += 8) {
    to[p] = from[q];
    to[p + 1] = from[q + 1];
    to[p + 2] = from[q + 2];
    to[p + 3] = from[q + 3];
    to[p + 4] = from[q + 4];
    to[p + 5] = from[q + 5];
    to[p + 6] = from[q + 6];
    to[p + 7] = from[q + 7];
  }
}
