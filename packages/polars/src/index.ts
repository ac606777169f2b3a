import { registerResultFormat } from '@s2/core';
import { rowsToPolars } from './polars.js';

/**
 * Importing this package makes `resultsType: 'polars'` available:
 * `conn.queryFrame<pl.DataFrame>(sql, params, { resultsType: 'polars' })` returns a nodejs-polars
 * DataFrame (decimals as exact polars Decimal; see the README for every type).
 */
registerResultFormat({ name: 'polars', prepare: (columns) => ({ frame: (batch) => rowsToPolars(columns, batch) }) });

export { rowsToPolars, toPolars, polarsToArrow, decimalPrecision, type DecimalMode, type PolarsOptions } from './polars.js';
