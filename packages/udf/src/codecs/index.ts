export { decodeRowdat1, encodeRowdat1, type Rowdat1Batch } from './rowdat1.js';
export { decodeJsonColumns, decodeJsonRows, encodeJsonColumns, encodeJsonRows } from './json.js';
export { packDate, packDatetime, packTime, unpackDate, unpackDatetime, unpackTime } from './temporal.js';
export { decodeArrow, decodeArrowColumns, encodeArrow, type ArrowColumnsBatch } from './arrow.js';
