export { createTextRowDecoder, columnDecoder, defaultDecodeOptions, describeColumn, resolveDecodeOptions } from './text-row-decoder.js';
export { SqlDateTime, SqlTime, dateTimeFromUtcParts, parseDate, parseDateTime, parseTimezone, type DateTimeFields } from './temporal.js';
export { parseJsonLossless } from './lossless-json.js';
export { decodeBinaryVector, decodeJsonVector, halfToFloat, type VectorArray } from './vectors.js';
export { expandRawRows } from './raw-rows.js';
export { checkRowShape } from './row-shape.js';
export { columnDefinition } from './column-definition.js';
