import {
  BINARY_CHARSET,
  columnDecoder,
  dateTimeFromUtcParts,
  FieldType,
  FRAME_KINDS,
  type ColumnDefinition,
  type ColumnPlan,
  type DecodeOptions,
} from '@s2/base';
import type { NumericArray, NumericArrayCtor } from '@s2/base';
import type { NativeColumn } from '../binding.js';

/** A typed-array constructor, as `typedView` takes it. */
export type TypedArrayCtor = NumericArrayCtor;

/** A typed view over the addon's buffer; copied only if the buffer is not aligned for it. */
export function typedView(Ctor: TypedArrayCtor, b: Uint8Array): NumericArray {
  const n = b.byteLength / Ctor.BYTES_PER_ELEMENT;
  if (b.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(b.buffer, b.byteOffset, n);
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Ctor(copy.buffer, 0, n);
}

/** The addon's 1-per-row NULL mask as a plain Uint8Array view, or null when nothing is NULL. */
export const nullMask = (c: NativeColumn): Uint8Array | null => (c.nulls ? new Uint8Array(c.nulls.buffer, c.nulls.byteOffset, c.nulls.byteLength) : null);

/**
 * The addon's kind for DATETIME/TIMESTAMP values (textrow.rs, `Kind::DateTimeParts`): per value
 * the epoch ms of the fields read as UTC, then (µs of the second) × 8 + fraction digits.
 */
export const DATETIME_PARTS = 16;

/** DATETIME/TIMESTAMP columns that become SqlDateTime values (no dateStrings, no conv override). */
function isDateTimeValue(col: ColumnDefinition, options: DecodeOptions): boolean {
  const c = col.typeCode;
  return (c === FieldType.DATETIME || c === FieldType.TIMESTAMP) && !options.dateStrings && !options.conv?.[c];
}

/** The addon's kind code for a planned column: DATETIME 'values' come back as parts, not text. */
export function addonKind(plan: ColumnPlan, col: ColumnDefinition, options: DecodeOptions): number {
  return plan.kind === 'values' && isDateTimeValue(col, options) ? DATETIME_PARTS : FRAME_KINDS[plan.kind];
}

/** Where decoded JS values go: one column of rows (row formats) or a column's own array (frames). */
export interface CellSink {
  put(r: number, value: unknown): void;
}

/** Cell `column` of the rows from `start` on. */
export class RowCells implements CellSink {
  constructor(
    private readonly rows: unknown[][],
    private readonly start: number,
    private readonly column: number,
  ) {}
  put(r: number, value: unknown): void {
    this.rows[this.start + r][this.column] = value;
  }
}

/** A column's values as one array. */
export class ItemCells implements CellSink {
  readonly items: unknown[];
  constructor(n: number) {
    this.items = new Array<unknown>(n);
  }
  put(r: number, value: unknown): void {
    this.items[r] = value;
  }
}

/** Text columns whose values come back as the server's text: the plain string decoder. */
function isPlainText(col: ColumnDefinition, options: DecodeOptions): boolean {
  const c = col.typeCode;
  if (options.conv?.[c]) return false;
  const text =
    c === FieldType.VARCHAR ||
    c === FieldType.VAR_STRING ||
    c === FieldType.STRING ||
    c === FieldType.ENUM ||
    c === FieldType.SET ||
    (c >= FieldType.TINY_BLOB && c <= FieldType.BLOB);
  const decimal = (c === FieldType.DECIMAL || c === FieldType.NEWDECIMAL) && options.decimal === 'string';
  return (text && col.charset !== BINARY_CHARSET) || decimal;
}

/**
 * The JS values of a column the addon returned as bytes or DATETIME parts ('values' plans):
 * the same values the TypeScript row decoder makes of the text, NULL as null.
 */
export function fillValues(
  sink: CellSink,
  kind: number,
  def: ColumnDefinition,
  options: DecodeOptions,
  col: NativeColumn,
  n: number,
  offset: number | null,
): void {
  const nulls = nullMask(col);
  if (kind === DATETIME_PARTS) {
    const parts = typedView(Float64Array, col.data) as Float64Array;
    for (let r = 0; r < n; r++) {
      const micro = parts[2 * r + 1];
      sink.put(r, nulls?.[r] ? null : dateTimeFromUtcParts(parts[2 * r], micro >> 3, micro & 7, offset));
    }
    return;
  }
  const offsets = col.offsets!;
  if (col.ascii && isPlainText(def, options)) {
    // ASCII text decodes the same as Latin-1: one string for the column, then slices.
    const all = col.data.toString('latin1');
    for (let r = 0; r < n; r++) sink.put(r, nulls?.[r] ? null : all.substring(offsets[r], offsets[r + 1]));
    return;
  }
  const decode = columnDecoder(def, options);
  for (let r = 0; r < n; r++) sink.put(r, nulls?.[r] ? null : decode(col.data, offsets[r], offsets[r + 1]));
}
