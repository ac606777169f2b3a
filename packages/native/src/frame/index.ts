import { pureDecoder, type BatchDecoder, type ColumnDefinition, type DecodedColumn, type DecodeOptions, type FrameTarget, type RawBatch } from '@s2/base';
import { loadNative, requireNative } from '../loader.js';
import { nativeDecoder } from './decoder.js';

/** 'auto': native when available; 'pure': TypeScript only; 'native': fail without the addon. */
export type DecodePath = 'auto' | 'pure' | 'native';

/** The batch decoder for a path ('native' throws when the addon is unavailable). */
export function decoderFor(path: DecodePath = 'auto', minRows?: number): BatchDecoder {
  const binding = path === 'pure' ? null : path === 'native' ? requireNative() : loadNative();
  return binding ? nativeDecoder(binding, minRows) : pureDecoder;
}

/** Frame columns of a packet batch through the given path (tests and benchmarks compare the two). */
export function decodeFrame(
  columns: readonly ColumnDefinition[],
  options: DecodeOptions,
  packets: RawBatch,
  target: FrameTarget,
  path: DecodePath = 'auto',
): DecodedColumn[] {
  return decoderFor(path).decodeFrame(columns, options, packets, target);
}

/** Rows of a packet batch through the given path, appended to `out`. */
export function decodeRows(
  columns: readonly ColumnDefinition[],
  options: DecodeOptions,
  packets: RawBatch,
  path: DecodePath = 'auto',
  out: unknown[][] = [],
): unknown[][] {
  // Every batch through the chosen path, however small: differential tests compare the two.
  return decoderFor(path, 1).decodeRows(columns, options, packets, out);
}

export { nativeDecoder } from './decoder.js';
