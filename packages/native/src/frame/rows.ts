import {
  appendRows,
  fillNumericCells,
  NUMERIC_ARRAY_OF_KIND,
  parseTimezone,
  rowPlans,
  type ColumnDefinition,
  type DecodeOptions,
  type RawBatch,
} from '@s2/base';
import type { NativeBinding } from '../binding.js';
import { addonKind, DATETIME_PARTS, fillValues, nullMask, RowCells, typedView } from './cells.js';
import { withColumnsNative } from './native.js';

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
  const plans = rowPlans(columns, options);
  const kinds = Uint32Array.from(plans, (p, i) => addonKind(p, columns[i], options));
  const scales = Uint32Array.from(plans, (p) => p.scale);
  const n = packets.length;
  // Every value becomes a JS value before this returns, so the columns may be views of the
  // addon's reused buffer.
  const filled = withColumnsNative(binding, kinds, scales, packets, (decoded) => {
    const start = appendRows(out, n, columns.length);
    const offset = kinds.includes(DATETIME_PARTS) ? parseTimezone(options.timezone) : null;
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
