import type { Table } from 'apache-arrow';
import { isMissingModule, MissingPackageError, registerResultFormat } from '@s2/core';
import { InterfaceError, type DecodedColumn } from '@s2/base';

type Converters = typeof import('./convert.js');

/**
 * apache-arrow is ~200 ES modules: loading it takes tens of milliseconds of a process's start.
 * Importing this package starts that load without waiting for it, so it overlaps whatever the
 * program does next (connecting, sending the query, waiting for the first rows); a frame that
 * is ready before the load finishes waits for it.
 */
let converters: Converters | undefined;
const loading: Promise<Converters> = import('./convert.js').then(
  (m) => (converters = m),
  (err: unknown) => {
    throw loadFailure(err);
  },
);
// A failed load is reported by the first frame that needs it, not as an unhandled rejection.
loading.catch(() => {});

/** What a query in the arrow format fails with when apache-arrow cannot be loaded. */
function loadFailure(err: unknown): Error {
  if (isMissingModule(err, 'apache-arrow')) return new MissingPackageError('apache-arrow', "resultsType 'arrow' (@s2/arrow)", err);
  return new InterfaceError(`@s2/arrow could not load apache-arrow: ${(err as Error | null)?.message ?? String(err)}`, { cause: err });
}

/** Resolves once apache-arrow is loaded (rejects if it cannot be): for callers that want start-up done up front. */
export function arrowReady(): Promise<void> {
  return loading.then(() => undefined);
}

/** `build` with the converters: at once when they are loaded, else when the load completes. */
function withConverters(build: (c: Converters) => Table): Table | Promise<Table> {
  return converters ? build(converters) : loading.then(build);
}

/**
 * Importing this package makes `resultsType: 'arrow'` (and `conn.queryFrame(sql, p, { resultsType: 'arrow' })`)
 * available. Over the wire protocol the table is built straight from the decoder's buffers.
 */
registerResultFormat({
  name: 'arrow',
  packets: true,
  // Int64 and Decimal128 columns keep every digit, JSON its server text: rows decoded without packets must too.
  frameRowOptions: { int64: 'bigint', decimal: 'string', parseJson: false },
  prepare: (columns) => ({
    // Batches of one result share a schema: the merged table keeps each as a record batch.
    mergeFrames: (frames) => ((frames as Table[]).length === 1 ? frames[0] : (frames[0] as Table).concat(...(frames as Table[]).slice(1))),
    frame: (batch, options) => withConverters((c) => c.rowsToArrow(columns, batch, options)),
    framePackets: (packets, options, decoder) => {
      // Decoded now, while the packets are current; only the wrapping in Arrow may wait.
      const decoded: DecodedColumn[] = decoder.decodeFrame(columns, options, packets, 'arrow');
      return withConverters((c) => c.decodedToArrow(columns, decoded));
    },
  }),
});
