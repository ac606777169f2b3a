import {
  NUMERIC_ARRAY_OF_KIND,
  parseTimezone,
  valueDecodeOptions,
  type ColumnDefinition,
  type ColumnPlan,
  type DecodedColumn,
  type DecodeOptions,
  type RawBatch,
} from '@s2/base';
import type { NativeBinding, NativeColumn } from '../binding.js';
import { addonKind, DATETIME_PARTS, fillValues, ItemCells, nullMask, typedView } from './cells.js';
import { addonRejection } from './rejection.js';
import { withScratchColumns } from './scratch.js';

/**
 * One batch through the addon: `kinds`/`scales` are the Rust kind codes of the columns
 * (textrow.rs, `Kind::from_code`). Null when a value needs the TypeScript rules.
 */
export function decodeColumnsNative(binding: NativeBinding, kinds: Uint32Array, scales: Uint32Array, packets: RawBatch): NativeColumn[] | null {
  const { segments, framed } = segmentsOf(packets);
  try {
    return binding.decodeTextSegments(kinds, scales, segments, framed, packets.length) as NativeColumn[] | null;
  } catch (err) {
    throw addonRejection(err);
  }
}

/**
 * One batch through the addon, its columns valid only while `use` runs (they are views of a
 * reused buffer when the addon has `decodeTextInto`): for consumers that turn every value into a
 * JS value at once. Null when a value needs the TypeScript rules.
 */
export function withColumnsNative<T>(
  binding: NativeBinding,
  kinds: Uint32Array,
  scales: Uint32Array,
  packets: RawBatch,
  use: (columns: NativeColumn[]) => T,
): T | null {
  const { segments, framed, bytes } = segmentsOf(packets);
  const reused = withScratchColumns(binding, kinds, scales, segments, framed, packets.length, bytes, use);
  if (reused !== undefined) return reused;
  let columns: NativeColumn[] | null;
  try {
    columns = binding.decodeTextSegments(kinds, scales, segments, framed, packets.length) as NativeColumn[] | null;
  } catch (err) {
    throw addonRejection(err);
  }
  return columns && use(columns);
}

/** The framed flags of a batch's segments, reused: the addon reads them during the call only. */
let flags = new Uint8Array(64);

/** Segments as they came off the socket (bare payloads and runs of framed packets; no copy) and their bytes. */
function segmentsOf(packets: RawBatch): { segments: Uint8Array[]; framed: Uint8Array; bytes: number } {
  const n = packets.length;
  const segments: Uint8Array[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const item = packets[i];
    if (item === undefined) continue;
    const bare = item instanceof Uint8Array;
    const segment = bare ? item : item.framed;
    if (segments.length === flags.length) {
      const grown = new Uint8Array(2 * flags.length);
      grown.set(flags);
      flags = grown;
    }
    flags[segments.length] = bare ? 0 : 1;
    segments.push(segment);
    bytes += segment.byteLength;
  }
  return { segments, framed: flags.subarray(0, segments.length), bytes };
}

/**
 * The NULL mask of a 'values' column with the rows whose value decoded to null (zero dates,
 * which the addon sent as text) marked too, as the TypeScript frame decoder marks them.
 */
function nullItemsMasked(items: unknown[], nulls: Uint8Array | null, nullCount: number): { nulls: Uint8Array | null; nullCount: number } {
  let mask = nulls;
  let count = nullCount;
  for (let r = 0; r < items.length; r++) {
    if (items[r] !== null && items[r] !== undefined) continue;
    items[r] = null;
    if (mask?.[r]) continue;
    mask ??= new Uint8Array(items.length);
    mask[r] = 1;
    count++;
  }
  return { nulls: mask, nullCount: count };
}

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
  const kinds = Uint32Array.from(plans, (p, i) => addonKind(p, columns[i], options));
  const scales = Uint32Array.from(plans, (p) => p.scale);
  const out = decodeColumnsNative(binding, kinds, scales, packets);
  if (!out) return null;
  const offset = kinds.includes(DATETIME_PARTS) ? parseTimezone(options.timezone) : null;
  return out.map((c, i): DecodedColumn => {
    const plan = plans[i];
    const nulls = nullMask(c);
    const base = { kind: plan.kind, length: n, nulls, nullCount: c.nullCount };
    const validity = c.validity ? new Uint8Array(c.validity.buffer, c.validity.byteOffset, c.validity.byteLength) : undefined;
    if (plan.kind === 'utf8' || plan.kind === 'binary') return { ...base, validity, offsets: c.offsets!, data: c.data };
    if (plan.kind === 'values') {
      const cells = new ItemCells(n);
      fillValues(cells, kinds[i], columns[i], valueDecodeOptions(plan, options), c, n, offset);
      return { ...base, items: cells.items, ...nullItemsMasked(cells.items, nulls, c.nullCount) };
    }
    return { ...base, validity, values: typedView(NUMERIC_ARRAY_OF_KIND[plan.kind], c.data) };
  });
}
