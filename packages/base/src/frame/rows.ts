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

/** Reads one cell of a decoded column as the row decoder would give it (nulls handled by the caller). */
type Cell = (r: number) => unknown;

function cellReader(col: DecodedColumn, options: DecodeOptions): Cell {
  if (col.kind === 'values') {
    const items = col.items!;
    return (r) => items[r];
  }
  const values = col.values!;
  if (col.kind === 'int64' || col.kind === 'uint64') {
    const big = values as BigInt64Array | BigUint64Array;
    switch (options.int64) {
      case 'bigint':
        return (r) => big[r];
      case 'number':
        return (r) => Number(big[r]);
      default:
        return (r) => {
          const v = big[r];
          return v >= SAFE_MIN && v <= SAFE_MAX ? Number(v) : v;
        };
    }
  }
  return (r) => values[r];
}

/** Appends `n` rows built from decoded columns (made with `rowPlans`) to `out`. */
export function columnsToRows(decoded: readonly DecodedColumn[], options: DecodeOptions, n: number, out: unknown[][]): void {
  const width = decoded.length;
  const cells = decoded.map((c) => cellReader(c, options));
  const nulls = decoded.map((c) => (c.nullCount ? c.nulls : null));
  for (let r = 0; r < n; r++) {
    const row = new Array<unknown>(width);
    for (let c = 0; c < width; c++) {
      const mask = nulls[c];
      row[c] = mask !== null && mask[r] ? null : cells[c](r);
    }
    out.push(row);
  }
}
