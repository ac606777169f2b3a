import type { ColumnDefinition } from '../contracts/columns.js';
import type { DecodeOptions } from '../contracts/decoding.js';
import { FieldType } from '../constants/index.js';
import { planColumns } from './plan.js';
import type { ColumnPlan, DecodedColumn } from './types.js';

/**
 * Rows from decoded columns, for decoders that decode a batch column-wise (the addon) and
 * then hand rows to row formats. Numbers come from typed arrays only where the text-to-number
 * rules agree with the row decoder's (canonical integers and doubles); everything else is a
 * 'values' column decoded by the row decoder's own per-value functions.
 */

const SAFE_MAX = 9007199254740991n;
const SAFE_MIN = -9007199254740991n;
const SAFE = Number.MAX_SAFE_INTEGER;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Frame plans, narrowed to what a row holds: FLOAT rows are the double of the text, not float32. */
export function rowPlans(columns: readonly ColumnDefinition[], options: DecodeOptions): ColumnPlan[] {
  return planColumns(columns, options, 'columns').map((plan, i) => {
    const code = columns[i].typeCode;
    if (code === FieldType.FLOAT) return { kind: 'values', scale: 0, precision: 0 };
    // int64 'string' keeps the server's text, which a parsed number cannot give back.
    if (code === FieldType.LONGLONG && options.int64 === 'string') return { kind: 'values', scale: 0, precision: 0 };
    return plan;
  });
}

/** Appends `n` empty rows of `width` cells to `out`; returns the index of the first. */
export function appendRows(out: unknown[][], n: number, width: number): number {
  const start = out.length;
  for (let r = 0; r < n; r++) out.push(new Array<unknown>(width));
  return start;
}

/**
 * Fills cell `c` of rows `start`… from a typed-array column as the row decoder gives it: int64
 * per `options.int64`, other numbers as they are. Column by column, so each loop stays
 * monomorphic instead of calling a reader per cell.
 */
export function fillNumericCells(out: unknown[][], start: number, c: number, col: DecodedColumn, options: DecodeOptions): void {
  const n = col.length;
  const nulls = col.nullCount ? col.nulls : null;
  const values = col.values!;
  if (col.kind === 'int64' || col.kind === 'uint64') {
    const big = values as BigInt64Array | BigUint64Array;
    const mode = options.int64;
    if (mode === 'bigint' || !LITTLE_ENDIAN) {
      for (let r = 0; r < n; r++) {
        if (nulls?.[r]) {
          out[start + r][c] = null;
          continue;
        }
        const v = big[r];
        out[start + r][c] = mode === 'bigint' ? v : mode === 'number' || (v >= SAFE_MIN && v <= SAFE_MAX) ? Number(v) : v;
      }
      return;
    }
    // Numbers from the two 32-bit halves: reading the BigInt64Array would allocate a BigInt per
    // cell. high × 2^32 is exact and the sum rounds once, as Number(bigint) does.
    const words = col.kind === 'int64' ? new Int32Array(big.buffer, big.byteOffset, 2 * n) : new Uint32Array(big.buffer, big.byteOffset, 2 * n);
    for (let r = 0; r < n; r++) {
      if (nulls?.[r]) {
        out[start + r][c] = null;
        continue;
      }
      const v = words[2 * r + 1] * 4_294_967_296 + (words[2 * r] >>> 0);
      out[start + r][c] = mode === 'number' || (v >= -SAFE && v <= SAFE) ? v : big[r];
    }
    return;
  }
  for (let r = 0; r < n; r++) out[start + r][c] = nulls?.[r] ? null : values[r];
}

/** Appends `n` rows built from decoded columns (made with `rowPlans`) to `out`. */
export function columnsToRows(decoded: readonly DecodedColumn[], options: DecodeOptions, n: number, out: unknown[][]): void {
  const start = appendRows(out, n, decoded.length);
  decoded.forEach((col, c) => {
    if (col.kind !== 'values') return fillNumericCells(out, start, c, col, options);
    const items = col.items!;
    const nulls = col.nullCount ? col.nulls : null;
    for (let r = 0; r < n; r++) out[start + r][c] = nulls?.[r] ? null : items[r];
  });
}
