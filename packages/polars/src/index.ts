import { registerResultFormat } from '@s2/core';
import pl, { type DataFrame } from 'nodejs-polars';
import { decodedToArrow } from '@s2/arrow/convert';
import { rowsToPolars, toPolars } from './polars.js';

/**
 * Importing this package makes `resultsType: 'polars'` available:
 * `conn.queryFrame<pl.DataFrame>(sql, params, { resultsType: 'polars' })` returns a nodejs-polars
 * DataFrame (decimals as exact polars Decimal; see the README for every type).
 */
registerResultFormat({
  name: 'polars',
  packets: true,
  prepare: (columns) => ({
    frame: (batch) => rowsToPolars(columns, batch),
    // Over the wire: the Arrow table built on the frame decoder's buffers, handed to polars.
    framePackets: (packets, options, decoder) => toPolars(decodedToArrow(columns, decoder.decodeFrame(columns, options, packets, 'arrow'))),
    mergeFrames: (frames) => ((frames as DataFrame[]).length === 1 ? frames[0] : pl.concat(frames as DataFrame[], { how: 'vertical', rechunk: true })),
  }),
});

export { rowsToPolars, toPolars, polarsToArrow, decimalPrecision, type DecimalMode, type PolarsOptions } from './polars.js';
