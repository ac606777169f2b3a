import type { Table } from 'apache-arrow';
import { registerResultFormat } from '@s2/core';
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
    // Batches of one result share a schema: the merged table keeps each as a record batch.
    mergeFrames: (frames) => ((frames as Table[]).length === 1 ? frames[0] : (frames[0] as Table).concat(...(frames as Table[]).slice(1))),
    frame: (batch) => rowsToArrow(columns, batch),
    framePackets: (packets, options, decoder) => decodedToArrow(columns, decoder.decodeFrame(columns, options, packets, 'arrow')),
  }),
});

export { rowsToArrow, decodedToArrow };
