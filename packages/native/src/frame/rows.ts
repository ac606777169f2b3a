import {
  appendRows,
  columnDecoder,
  dateTimeFromUtcParts,
  FieldType,
  fillNumericCells,
  FRAME_KINDS,
  NUMERIC_ARRAY_OF_KIND,
  parseTimezone,
  rowPlans,
  type ColumnDefinition,
  type DecodeOptions,
  type RawBatch,
} from '@s2/base';
import type { NativeBinding, NativeColumn } from '../binding.js';
import { decodeColumnsNative, isPlainText, nullMask, typedView } from './native.js';

/**
 * The addon's kind for DATETIME/TIMESTAMP cells of rows (textrow.rs, `Kind::DateTimeParts`):
 * per value the epoch ms of the fields read as UTC, then (µs of the second) × 8 + fraction digits.
 */
const DATETIME_PARTS = 16;

/** DATETIME/TIMESTAMP columns that become SqlDateTime values (no dateStrings, no conv override). */
function isDateTimeValue(col: ColumnDefinition, options: DecodeOptions): boolean {
  const c = col.typeCode;
  return (c === FieldType.DATETIME || c === FieldType.TIMESTAMP) && !options.dateStrings && !options.conv?.[c];
}

/** Cell `c` of each row from a DATETIME_PARTS column: the SqlDateTime the row decoder makes of the text. */
function fillDateTimes(out: unknown[][], start: number, c: number, col: NativeColumn, n: number, offset: number | null): void {
  const parts = typedView(Float64Array, col.data) as Float64Array;
  const nulls = nullMask(col);
  for (let r = 0; r < n; r++) {
    if (nulls?.[r]) {
      out[start + r][c] = null;
      continue;
    }
    const micro = parts[2 * r + 1];
    out[start + r][c] = dateTimeFromUtcParts(parts[2 * r], micro >> 3, micro & 7, offset);
  }
}

/** Cell `c` of each row from a 'values' column: its bytes decoded by the TypeScript value decoder. */
function fillValues(out: unknown[][], start: number, c: number, def: ColumnDefinition, options: DecodeOptions, col: NativeColumn, n: number): void {
  const nulls = nullMask(col);
  const offsets = col.offsets!;
  if (col.ascii && isPlainText(def, options)) {
    // ASCII text decodes the same as Latin-1: one string for the column, then slices.
    const all = col.data.toString('latin1');
    for (let r = 0; r < n; r++) out[start + r][c] = nulls?.[r] ? null : all.substring(offsets[r], offsets[r + 1]);
    return;
  }
  const decode = columnDecoder(def, options);
  for (let r = 0; r < n; r++) out[start + r][c] = nulls?.[r] ? null : decode(col.data, offsets[r], offsets[r + 1]);
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
  const plans = rowPlans(columns, options);
  const dateTimes = columns.map((col, i) => plans[i].kind === 'values' && isDateTimeValue(col, options));
  const kinds = Uint32Array.from(plans, (p, i) => (dateTimes[i] ? DATETIME_PARTS : FRAME_KINDS[p.kind]));
  const scales = Uint32Array.from(plans, (p) => p.scale);
  const decoded = decodeColumnsNative(binding, kinds, scales, packets);
  if (!decoded) return false;
  const n = packets.length;
  const start = appendRows(out, n, columns.length);
  const offset = dateTimes.includes(true) ? parseTimezone(options.timezone) : null;
  decoded.forEach((col, c) => {
    const kind = plans[c].kind;
    if (dateTimes[c]) fillDateTimes(out, start, c, col, n, offset);
    else if (kind === 'values') fillValues(out, start, c, columns[c], options, col, n);
    else {
      const nulls = nullMask(col);
      fillNumericCells(out, start, c, { kind, length: n, nulls, nullCount: col.nullCount, values: typedView(NUMERIC_ARRAY_OF_KIND[kind], col.data) }, options);
    }
  });
  return true;
}
