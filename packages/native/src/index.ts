/**
 * @s2/native: the loader of the Rust accelerator and its binding. Importing this package
 * registers the accelerator with @s2/base, so connections opened afterwards decode through the
 * addon when it loads (and through the TypeScript decoders, with `nativeStatus()` saying why,
 * when it does not). @s2/core's Node entry imports it on its own when it is installed.
 */
import { registerAccelerator } from '@s2/base';
import { loadNative, nativeStatus } from './loader.js';
import { nativeDecoder } from './frame/decoder.js';

registerAccelerator({
  status: nativeStatus,
  decoder: () => {
    const binding = loadNative();
    return binding ? nativeDecoder(binding) : null;
  },
});

export { loadNative, nativeStatus, requireNative, resetNativeLoader, type NativeStatus } from './loader.js';
export { fromNativeError } from './errors.js';
export { decodeFrame, decodeRows, decoderFor, nativeDecoder, type DecodePath } from './frame/index.js';
export type {
  NativeBinding,
  NativeCallArguments,
  NativeCallOutcome,
  NativeColumn,
  NativeEncodeColumn,
  NativeRowdat1Batch,
  CollocatedConnection,
  CollocatedEvent,
  CollocatedListener,
} from './binding.js';
export { typedView, type TypedArrayCtor } from './frame/cells.js';
// The TypeScript decoders live in @s2/base; these names stay here for existing importers.
export {
  decodeFramePure,
  planColumns,
  decimalPrecision,
  type ColumnPlan,
  type DecodedColumn,
  type FrameKind,
  type FrameTarget,
  type NumericArray,
  type RawBatch,
} from '@s2/base';
