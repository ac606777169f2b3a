export { runLoad, loadStatement, quoteTableName, quoteIdentifier, type LoadOptions, type LoadResult } from './load.js';
export { LoadEncoder } from './encode.js';
export { isArrowTable, isPolarsFrame, type LoadSource, type LoadRow, type ArrowTableLike, type PolarsFrameLike } from './sources.js';
