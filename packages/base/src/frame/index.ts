export { planColumns, decimalPrecision, valueDecodeOptions } from './plan.js';
export { decodeFramePure } from './pure.js';
export { rowPlans, columnsToRows, appendRows, fillNumericCells } from './rows.js';
export { pureDecoder, type BatchDecoder } from './decoder.js';
export { registerAccelerator, registeredAccelerator, type Accelerator, type AcceleratorStatus } from './accelerator.js';
export {
  FRAME_KINDS,
  NUMERIC_ARRAY_OF_KIND,
  type NumericArrayCtor,
  type ColumnPlan,
  type DecodedColumn,
  type FrameKind,
  type FrameTarget,
  type NumericArray,
  type RawBatch,
} from './types.js';
