import type { RawBatch } from '../contracts/transport.js';

/**
 * Column layouts of a decoded frame. Numbers are the kind codes the Rust decoder shares
 * (crates/codec/src/textrow.rs, `Kind::from_code`); 'values' columns are decoded by the
 * TypeScript value decoders on both paths.
 */
export const FRAME_KINDS = {
  utf8: 0,
  binary: 1,
  int8: 2,
  uint8: 3,
  int16: 4,
  uint16: 5,
  int32: 6,
  uint32: 7,
  int64: 8,
  uint64: 9,
  float32: 10,
  float64: 11,
  decimal128: 12,
  timestamp_us: 13,
  date32: 14,
  duration_us: 15,
  values: 1,
} as const;

export type FrameKind = keyof typeof FRAME_KINDS;

export type { RawBatch };

/** Which consumer the frame is for: 'columns' keeps JS values for non-numeric columns. */
export type FrameTarget = 'columns' | 'arrow';

export interface ColumnPlan {
  kind: FrameKind;
  /** Decimal scale for decimal128, 0 otherwise. */
  scale: number;
  /** Decimal precision for decimal128. */
  precision: number;
  /**
   * 'values' only: each value is the column's text (lossy UTF-8 per `encodingErrors`) rather
   * than the value the row decoders make of it. See `valueDecodeOptions`.
   */
  text?: boolean;
}

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A typed-array class of a numeric frame kind: new (length) or a view over a buffer. */
export interface NumericArrayCtor {
  new (length: number): NumericArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
}

/** The typed array holding each numeric kind's values (decimal128: four 32-bit words per value). */
export const NUMERIC_ARRAY_OF_KIND: Readonly<Record<string, NumericArrayCtor>> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
  decimal128: Uint32Array,
  timestamp_us: BigInt64Array,
  date32: Int32Array,
  duration_us: BigInt64Array,
};

/** One decoded column; identical whichever path produced it. */
export interface DecodedColumn {
  kind: FrameKind;
  length: number;
  /** 1 where the value is NULL (or, in 'values' columns, decodes to null: a zero date); null when none is. */
  nulls: Uint8Array | null;
  nullCount: number;
  /** The NULLs as an Arrow validity bitmap, when the decoder made one (absent: build it from `nulls`). */
  validity?: Uint8Array;
  /**
   * Numeric kinds: the typed array of that width (NULL slots hold 0, or NaN for floats).
   * decimal128: four little-endian 32-bit words per value. timestamp_us / duration_us:
   * BigInt64Array. date32: Int32Array.
   */
  values?: NumericArray;
  /** utf8 / binary: rows + 1 positions into `data`. */
  offsets?: Int32Array;
  data?: Uint8Array;
  /** 'values': one decoded JavaScript value per row (null for NULL). */
  items?: unknown[];
}
