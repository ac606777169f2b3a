import { expandRawRows, type ColumnDefinition, type DecodeOptions } from '@s2/base';
import { loadNative, requireNative } from '../loader.js';
import { decodeFrameNative } from './native.js';
import { planColumns } from './plan.js';
import { decodeFramePure } from './pure.js';
import type { DecodedColumn, FrameTarget, RawBatch } from './types.js';

/** 'auto': native when available; 'pure': TypeScript only; 'native': fail without the addon. */
export type DecodePath = 'auto' | 'pure' | 'native';

/**
 * Decodes a batch of text-protocol row packets into columns for a frame format. The native
 * and TypeScript paths return identical columns; the native one is used when it is loaded.
 */
export function decodeFrame(
  columns: readonly ColumnDefinition[],
  options: DecodeOptions,
  packets: RawBatch,
  target: FrameTarget,
  path: DecodePath = 'auto',
): DecodedColumn[] {
  const plans = planColumns(columns, options, target);
  const binding = path === 'pure' ? null : path === 'native' ? requireNative() : loadNative();
  if (binding && packets.length > 0) {
    const out = decodeFrameNative(binding, columns, plans, options, packets);
    if (out) return out;
  }
  return decodeFramePure(columns, plans, options, expandRawRows(packets));
}

export { planColumns, decimalPrecision } from './plan.js';
export { decodeFramePure } from './pure.js';
export type { ColumnPlan, DecodedColumn, FrameKind, FrameTarget, NumericArray, RawBatch } from './types.js';
