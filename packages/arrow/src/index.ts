import { registerResultFormat } from '@s2/core';
import { decodeFrame } from '@s2/native';
import { decodedToArrow } from './decoded.js';
import { rowsToArrow } from './table.js';

/**
 * Importing this package makes `resultsType: 'arrow'` (and `conn.queryFrame(sql, p, { resultsType: 'arrow' })`)
 * available. Over the wire protocol the table is built straight from the decoder's buffers.
 */
registerResultFormat({
  name: 'arrow',
  packets: true,
  prepare: (columns) => ({
    frame: (batch) => rowsToArrow(columns, batch),
    framePackets: (packets, options, path) => decodedToArrow(columns, decodeFrame(columns, options, packets, 'arrow', path)),
  }),
});

export { rowsToArrow, decodedToArrow };
