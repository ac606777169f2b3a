import {
  planColumns,
  pureDecoder,
  type BatchDecoder,
  type ColumnDefinition,
  type DecodedColumn,
  type DecodeOptions,
  type FrameTarget,
  type RawBatch,
} from '@s2/base';
import type { NativeBinding } from '../binding.js';
import { decodeFrameNative } from './native.js';
import { isAddonRejection } from './rejection.js';
import { decodeRowsNative } from './rows.js';

/** Batches this small cost less in TypeScript than one call across Node-API (fetchone on a stream). */
const NATIVE_MIN_ROWS = 16;

/**
 * The addon's batch decoder. A batch holding a value outside the canonical text forms is
 * handed back by the addon and decoded by the TypeScript decoder, so edge cases behave the
 * same on both paths. Row batches under `minRows` rows go to the TypeScript decoder.
 */
export function nativeDecoder(binding: NativeBinding, minRows = NATIVE_MIN_ROWS): BatchDecoder {
  return {
    kind: 'native',
    decodeFrame(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch, target: FrameTarget): DecodedColumn[] {
      if (packets.length > 0) {
        let out: DecodedColumn[] | null;
        try {
          out = decodeFrameNative(binding, columns, planColumns(columns, options, target), options, packets);
        } catch (err) {
          // Rejected batches are rare enough that decoding one twice costs nothing measurable.
          if (isAddonRejection(err)) return pureDecoder.decodeFrame(columns, options, packets, target);
          throw err;
        }
        if (out) return out;
      }
      return pureDecoder.decodeFrame(columns, options, packets, target);
    },
    decodeRows(columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch, out: unknown[][] = []): unknown[][] {
      if (packets.length >= minRows && packets.length > 0) {
        try {
          if (decodeRowsNative(binding, columns, options, packets, out)) return out;
        } catch (err) {
          // The addon throws before any row is appended, so `out` is as the caller left it.
          if (!isAddonRejection(err)) throw err;
        }
      }
      return pureDecoder.decodeRows(columns, options, packets, out);
    },
  };
}
