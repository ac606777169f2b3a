import { afterEach, describe, expect, it } from 'vitest';
import { options } from '@s2/base';
import { loadNative, nativeStatus } from '@s2/native';
import { columnDefinitionPacket, eofPacket, okPacket, rowPacket, startFakeMysqlServer, type ColumnSpec, type FakeServer } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';
import { connect, type Connection } from '@s2/core';

/**
 * Frame formats decode the packets of a result themselves, after the transport handed them
 * over. A malformed row found there must end the session as it does on the row paths (where
 * the transport finds it): the caller gets the 2027 at once, instead of waiting for the end of
 * a result that may never come while the rest is drained. A value error leaves the session
 * usable, as it does for rows.
 */

const native = loadNative();

let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const TEXT: ColumnSpec[] = [
  { name: 'id', type: 3 },
  { name: 'label', type: 253 },
];
const NUMBERS: ColumnSpec[] = [
  { name: 'id', type: 3 },
  { name: 'n', type: 8 },
];

/** 40 rows of `columns` (`cells` makes row i), row 12 replaced by `odd`, then `tail` where the end of the result goes. */
function result(columns: ColumnSpec[], cells: (i: number) => string[], odd: Buffer, tail: Buffer[]): Buffer[] {
  const rows = Array.from({ length: 40 }, (_, i) => (i === 12 ? odd : rowPacket(cells(i))));
  return [Buffer.from([columns.length]), ...columns.map(columnDefinitionPacket), eofPacket(), ...rows, ...tail];
}

/** A row whose last cell is missing: the packet ends after the first column. */
const MISSING_CELL = rowPacket(['12']);
/** An OK packet where the EOF goes reads as one more row, so the result never ends. */
const ROW_SHAPED_OK = Buffer.from([0, 0, 0, 2, 0, 0, 0]);

const ENDINGS: [string, Buffer[]][] = [
  ['a row-shaped OK where the EOF goes, then silence', [ROW_SHAPED_OK]],
  ['the EOF', [eofPacket()]],
];

/** Serves `payloads` for `SELECT v`, and `SELECT 1` answers 1. */
async function serve(payloads: Buffer[], pureJs: boolean): Promise<Connection> {
  server = await startFakeMysqlServer(async (s) => {
    await s.login();
    await s.serveQueries((sql) => {
      if (sql === 'SELECT v') s.sendAll(payloads);
      else if (sql === 'SELECT 1') s.sendResultSet([{ name: '1', type: 8 }], [['1']]);
      else s.send(okPacket());
    });
  });
  return connect(`mysql://u:p@127.0.0.1:${server.port}`, { pureJs });
}

/** Every way core decodes a result's packets itself. */
const READS: Record<string, (conn: Connection) => Promise<unknown>> = {
  queryFrame: (conn) => conn.queryFrame('SELECT v'),
  streamFrames: async (conn) => {
    for await (const _ of conn.streamFrames('SELECT v', [], { batchRows: 20 }));
  },
  'fetchframe(20) on a streaming cursor': async (conn) => {
    const cur = conn.cursor({ resultsType: 'columns', buffered: false });
    try {
      await cur.execute('SELECT v');
      while (((await cur.fetchframe(20)) as { length: number }).length > 0);
    } finally {
      await cur.close();
    }
  },
  'fetchframe() on a buffered cursor': async (conn) => {
    const cur = conn.cursor({ resultsType: 'columns', buffered: true });
    try {
      await cur.execute('SELECT v');
      await cur.fetchframe();
    } finally {
      await cur.close();
    }
  },
  'fetchmany(20) on a streaming columns cursor': async (conn) => {
    const cur = conn.cursor({ resultsType: 'columns', buffered: false });
    try {
      await cur.execute('SELECT v');
      while ((await cur.fetchmany(20)).length > 0);
    } finally {
      await cur.close();
    }
  },
};

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ ok: true }),
    (err: unknown) => ({ ok: false, error: (err as Error).constructor.name, errno: (err as { errno?: number }).errno }),
  );

const DECODERS: [string, boolean, ReturnType<typeof skipUnless> | undefined][] = [
  ['the TypeScript decoder', true, undefined],
  [
    'the native decoder',
    false,
    skipUnless(native ? null : `the native addon is not loaded: ${nativeStatus().source}`, options.get('pure_js') === true ? 'opt-in' : 'missing-tool'),
  ],
];

for (const [decoder, pureJs, skip] of DECODERS) {
  describe(`a malformed row in a frame, with ${decoder}`, { ...skip, timeout: 10_000 }, () => {
    for (const [how, read] of Object.entries(READS)) {
      for (const [ending, tail] of ENDINGS) {
        it(`${how}, ${ending}: fails with 2027 and discards the session`, async () => {
          const conn = await serve(
            result(TEXT, (i) => [String(i), `row ${i}`], MISSING_CELL, tail),
            pureJs,
          );
          try {
            expect(await failure(read(conn))).toEqual({ ok: false, error: 'InternalError', errno: 2027 });
            expect(conn.isConnected()).toBe(false);
            expect(await failure(conn.query('SELECT 1'))).toEqual({ ok: false, error: 'OperationalError', errno: 2006 });
          } finally {
            conn.destroy();
          }
        });
      }
      it(`${how}: a BIGINT cell that is not an integer is a DataError, and the session goes on`, async () => {
        const conn = await serve(
          result(NUMBERS, (i) => [String(i), String(i * 3)], rowPacket(['12', '']), [eofPacket()]),
          pureJs,
        );
        try {
          expect(await failure(read(conn))).toEqual({ ok: false, error: 'DataError', errno: null });
          expect(await conn.query('SELECT 1')).toEqual([[1]]);
        } finally {
          conn.destroy();
        }
      });
    }
  });
}
