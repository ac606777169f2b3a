import { registerResultFormat } from '@s2/core';
import { rowsToArrow } from './table.js';

/** Importing this package makes `resultsType: 'arrow'` (and `conn.queryFrame(sql, p, { resultsType: 'arrow' })`) available. */
registerResultFormat({ name: 'arrow', prepare: (columns) => ({ frame: (batch) => rowsToArrow(columns, batch) }) });

export { rowsToArrow };
