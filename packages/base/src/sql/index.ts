export { escapeLiteral, checkLiteral, quoteString, hexLiteral, vectorJson, type LiteralContext } from './escape.js';
export { formatQuery, spliceParams, type FormatContext, type QueryParams } from './format.js';
export { scanPlaceholders, type Placeholder } from './placeholders.js';
export { batchInsertStatements, BulkInsert, DEFAULT_BATCH_BYTES, utf8Length } from './executemany.js';
export { bindable, encodeExecute, rowsBindable } from './binary-rows.js';
export { databaseChange, type DatabaseChange } from './database-change.js';
