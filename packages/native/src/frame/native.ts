import { NUMERIC_ARRAY_OF_KIND, parseTimezone, type ColumnDefinition, type ColumnPlan, type DecodedColumn, type DecodeOptions, type RawBatch } from '@s2/base';
import type { NativeBinding, NativeColumn } from '../binding.js';
import { fromNativeError } from '../errors.js';
import { addonKind, DATETIME_PARTS, fillValues, ItemCells, nullMask, typedView } from './cells.js';

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
      fillValues(cells, kinds[i], columns[i], options, c, n, offset);
      return { ...base, items: cells.items };
    }
    return { ...base, validity, values: typedView(NUMERIC_ARRAY_OF_KIND[plan.kind], c.data) };
  });
}
