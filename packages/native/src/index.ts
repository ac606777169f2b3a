export { loadNative, nativeStatus, requireNative, resetNativeLoader, type NativeStatus } from './loader.js';
export { fromNativeError } from './errors.js';
export { decodeFrame, decodeFramePure, planColumns, decimalPrecision, type DecodePath, type ColumnPlan, type DecodedColumn, type FrameKind, type FrameTarget, type NumericArray, type RawBatch } from './frame/index.js';
export type { NativeBinding, NativeCallArguments, NativeCallOutcome, NativeColumn, NativeEncodeColumn, NativeRowdat1Batch, CollocatedConnection, CollocatedListener } from './binding.js';
export { typedView, type TypedArrayCtor } from './frame/native.js';
export { decodeRows } from './frame/rows.js';
