import type { ColumnDefinition } from '../contracts/columns.js';
import type { DecodeOptions, RowDecoder } from '../contracts/decoding.js';
import { createTextRowDecoder } from '../decode/text-row-decoder.js';
import { expandRawRows } from '../decode/raw-rows.js';
import { planColumns } from './plan.js';
import { decodeFramePure } from './pure.js';
import type { DecodedColumn, FrameTarget, RawBatch } from './types.js';

/**
 * Decodes batches of undecoded text-protocol rows. A connection picks one when it opens (the
 * addon's when `@s2/native` is installed and allowed, else `pureDecoder`) and hands it to its
 * cursors and result formats; both produce identical values.
 */
export interface BatchDecoder {
  /** 'pure' (TypeScript) or 'native' (the Rust addon). */
  readonly kind: 'pure' | 'native';
  /** Columns of a frame format ('columns' keeps JS values for non-numeric columns; 'arrow' uses Arrow layouts). */
  decodeFrame(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch, target: FrameTarget): DecodedColumn[];
  /** Rows (one array per row), appended to `out`. */
  decodeRows(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch, out?: unknown[][]): unknown[][];
}

/**
 * The row decoder of the last result seen: a result's batches share one (compiled once, its
 * call sites warm) instead of one per batch.
 */
let lastRows: { columns: readonly ColumnDefinition[]; options: DecodeOptions; decoder: RowDecoder } | null = null;

function rowDecoderFor(columns: readonly ColumnDefinition[], options: DecodeOptions): RowDecoder {
  if (lastRows === null || lastRows.columns !== columns || lastRows.options !== options) {
    lastRows = { columns, options, decoder: createTextRowDecoder(columns, options) };
  }
  return lastRows.decoder;
}

/** The TypeScript decoders: the behaviour that the native decoder matches value for value. */
export const pureDecoder: BatchDecoder = Object.freeze({
  kind: 'pure' as const,
  decodeFrame(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch, target: FrameTarget): DecodedColumn[] {
    return decodeFramePure(columns, planColumns(columns, options, target), options, expandRawRows(packets));
  },
  decodeRows(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch, out: unknown[][] = []): unknown[][] {
    const decoder = rowDecoderFor(columns, options);
    for (const payload of expandRawRows(packets)) out.push(decoder.decodeRow(payload));
    return out;
  },
});
