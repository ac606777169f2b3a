import {
  appendRows,
  fillNumericCells,
  NUMERIC_ARRAY_OF_KIND,
  parseTimezone,
  rowPlans,
  type ColumnDefinition,
  type ColumnPlan,
  type DecodeOptions,
  type RawBatch,
} from '@s2/base';
import type { NativeBinding } from '../binding.js';
import { addonKind, DATETIME_PARTS, fillValues, nullMask, RowCells, typedView } from './cells.js';
import { withColumnsNative } from './native.js';

/** What a result's row batches share: its plans and the addon's kind codes, made once. */
interface RowLayout {
  readonly columns: readonly ColumnDefinition[];
  readonly options: DecodeOptions;
  readonly plans: ColumnPlan[];
  readonly kinds: Uint32Array;
  readonly scales: Uint32Array;
  readonly hasDateTimes: boolean;
}

/** The layout of the last result seen (a stream of 256-row batches asks ~4,000 times per 1M rows). */
let lastLayout: RowLayout | null = null;

function rowLayout(columns: readonly ColumnDefinition[], options: DecodeOptions): RowLayout {
  if (lastLayout?.columns !== columns || lastLayout.options !== options) {
    const plans = rowPlans(columns, options);
    const kinds = Uint32Array.from(plans, (p, i) => addonKind(p, columns[i], options));
    const scales = Uint32Array.from(plans, (p) => p.scale);
    lastLayout = { columns, options, plans, kinds, scales, hasDateTimes: kinds.includes(DATETIME_PARTS) };
  }
  return lastLayout;
}

/**
 * Rows of a packet batch decoded by the addon, appended to `out` column by column (no
 * per-column arrays of values in between). False, with `out` untouched, when a value needs
 * the TypeScript rules: the caller then decodes the batch in TypeScript.
 */
export function decodeRowsNative(
  binding: NativeBinding,
  columns: readonly ColumnDefinition[],
  options: DecodeOptions,
  packets: RawBatch,
  out: unknown[][],
): boolean {
  const { plans, kinds, scales, hasDateTimes } = rowLayout(columns, options);
  const n = packets.length;
  // Every value becomes a JS value before this returns, so the columns may be views of the
  // addon's reused buffer.
  const filled = withColumnsNative(binding, kinds, scales, packets, (decoded) => {
    const start = appendRows(out, n, columns.length);
    const offset = hasDateTimes ? parseTimezone(options.timezone) : null;
    decoded.forEach((col, c) => {
      const kind = plans[c].kind;
      if (kind === 'values') return fillValues(new RowCells(out, start, c), kinds[c], columns[c], options, col, n, offset);
      const values = typedView(NUMERIC_ARRAY_OF_KIND[kind], col.data);
      fillNumericCells(out, start, c, { kind, length: n, nulls: nullMask(col), nullCount: col.nullCount, values }, options);
    });
    return true;
  });
  return filled === true;
}
