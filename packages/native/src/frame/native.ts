import { BINARY_CHARSET, columnDecoder, FieldType, type ColumnDefinition, type DecodeOptions } from '@s2/base';
import type { NativeBinding, NativeColumn } from '../binding.js';
import { fromNativeError } from '../errors.js';
import { FRAME_KINDS, NUMERIC_ARRAY_OF_KIND, type NumericArrayCtor, type ColumnPlan, type DecodedColumn, type NumericArray, type RawBatch } from '@s2/base';

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

/** Text columns whose values come back as the server's text: the plain string decoder. */
export function isPlainText(col: ColumnDefinition, options: DecodeOptions): boolean {
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

/** JS values of a 'values' column, decoded from the addon's bytes by the TypeScript decoders. */
function valuesOf(col: ColumnDefinition, options: DecodeOptions, c: NativeColumn, n: number): unknown[] {
  const nulls = c.nulls;
  const offsets = c.offsets!;
  const items = new Array<unknown>(n);
  if (c.ascii && isPlainText(col, options)) {
    // ASCII text decodes the same as Latin-1: one string for the column, then slices.
    const all = c.data.toString('latin1');
    for (let r = 0; r < n; r++) items[r] = nulls && nulls[r] ? null : all.substring(offsets[r], offsets[r + 1]);
    return items;
  }
  const decode = columnDecoder(col, options);
  for (let r = 0; r < n; r++) items[r] = nulls && nulls[r] ? null : decode(c.data, offsets[r], offsets[r + 1]);
  return items;
}

/**
 * One batch through the addon: `kinds`/`scales` are the Rust kind codes of the columns
 * (textrow.rs, `Kind::from_code`). Null when a value needs the TypeScript rules.
 */
export function decodeColumnsNative(binding: NativeBinding, kinds: Uint32Array, scales: Uint32Array, packets: RawBatch): NativeColumn[] | null {
  // Segments as they came off the socket: bare payloads and runs of framed packets; no copy.
  const n = packets.length;
  const segments: Uint8Array[] = [];
  const framed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const item = packets[i];
    if (item === undefined) continue;
    if (item instanceof Uint8Array) {
      segments.push(item);
    } else {
      framed[segments.length] = 1;
      segments.push(item.framed);
    }
  }
  try {
    return binding.decodeTextSegments(kinds, scales, segments, framed.subarray(0, segments.length), n);
  } catch (err) {
    throw fromNativeError(err, 'packets');
  }
}

/** The addon's 1-per-row NULL mask as a plain Uint8Array view, or null when nothing is NULL. */
export const nullMask = (c: NativeColumn): Uint8Array | null => (c.nulls ? new Uint8Array(c.nulls.buffer, c.nulls.byteOffset, c.nulls.byteLength) : null);

/**
 * Decodes with the addon. Returns null when a value needs the TypeScript rules (the caller
 * then decodes the batch in TypeScript), so both paths always produce the same frame.
 */
export function decodeFrameNative(
  binding: NativeBinding,
  columns: readonly ColumnDefinition[],
  plans: readonly ColumnPlan[],
  options: DecodeOptions,
  packets: RawBatch,
): DecodedColumn[] | null {
  const n = packets.length;
  const kinds = Uint32Array.from(plans, (p) => FRAME_KINDS[p.kind]);
  const scales = Uint32Array.from(plans, (p) => p.scale);
  const out = decodeColumnsNative(binding, kinds, scales, packets);
  if (!out) return null;
  return out.map((c, i): DecodedColumn => {
    const plan = plans[i];
    const nulls = nullMask(c);
    const base = { kind: plan.kind, length: n, nulls, nullCount: c.nullCount };
    const validity = c.validity ? new Uint8Array(c.validity.buffer, c.validity.byteOffset, c.validity.byteLength) : undefined;
    if (plan.kind === 'utf8' || plan.kind === 'binary') return { ...base, validity, offsets: c.offsets!, data: c.data };
    if (plan.kind === 'values') return { ...base, items: valuesOf(columns[i], options, c, n) };
    return { ...base, validity, values: typedView(NUMERIC_ARRAY_OF_KIND[plan.kind], c.data) };
  });
}
