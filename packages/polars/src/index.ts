import { registerResultFormat } from '@s2/core';
import pl, { type DataFrame } from 'nodejs-polars';
import { decodedToArrow, rowsToArrow } from '@s2/arrow/convert';
import { toPolars } from './polars.js';

/**
 * Importing this package makes `resultsType: 'polars'` available:
 * `conn.queryFrame<pl.DataFrame>(sql, params, { resultsType: 'polars' })` returns a nodejs-polars
 * DataFrame (decimals as exact polars Decimal; see the README for every type).
 */
registerResultFormat({
  name: 'polars',
  packets: true,
  // Int64 and Decimal columns keep every digit: rows decoded without packets must too.
  frameRowOptions: { int64: 'bigint', decimal: 'string', parseJson: false },
  prepare: (columns) => ({
    // Rows (the Data API) take the packets' way from the Arrow table on: the same frame.
    frame: (batch, options) => toPolars(rowsToArrow(columns, batch, options)),
    // Over the wire: the Arrow table built on the frame decoder's buffers, handed to polars.
    framePackets: (packets, options, decoder) => toPolars(decodedToArrow(columns, decoder.decodeFrame(columns, options, packets, 'arrow'))),
    mergeFrames: (frames) => ((frames as DataFrame[]).length === 1 ? frames[0] : pl.concat(frames as DataFrame[], { how: 'vertical', rechunk: true })),
  }),
});

export { rowsToPolars, toPolars, polarsToArrow, decimalPrecision, type DecimalMode, type PolarsOptions } from './polars.js';
