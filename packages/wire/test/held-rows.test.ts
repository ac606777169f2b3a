import { afterEach, describe, expect, it } from 'vitest';
import { InternalError, pureDecoder, type QueryOptions, type ResultSet } from '@s2/base';
import { columnDefinitionPacket, eofPacket, errPacket, rowPacket, startFakeMysqlServer, type FakeServer, type FakeSession } from '@s2/testing';
import { connectWire } from '@s2/wire';

/**
 * Rows held undecoded (a decodeBatch result, or packets kept for a frame format) against rows
 * decoded one by one as they arrive: a broken row must be what both report, whatever follows it
 * (a cut connection, silence, a server error), and a pause must cost neither a row nor its order.
 */

let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** How a result's rows are delivered, and how a caller reads them all. */
const DELIVERIES: Record<string, { options: QueryOptions; read: (r: ResultSet) => Promise<readonly unknown[]> }> = {
  'row by row': { options: {}, read: (r) => r.read() },
  decodeBatch: { options: { decodeBatch: (c, o, p) => pureDecoder.decodeRows(c, o, p) }, read: (r) => r.decoded!.read() },
  rawRows: { options: { rawRows: true }, read: (r) => r.packets!.read() },
};

/** A one-INT-column result of 20 rows whose row 3 has a byte too many, as `tail` ends it. */
function brokenResult(tail: Buffer[]): Buffer[] {
  const rows = Array.from({ length: 20 }, (_, i) => (i === 3 ? Buffer.concat([rowPacket(['3']), Buffer.from([0xfb])]) : rowPacket([String(i)])));
  return [Buffer.from([1]), columnDefinitionPacket({ name: 'a', type: 3 }), eofPacket(), ...rows, ...tail];
}

/** Answers every query with `payloads` in one write, then does `after` with the session. */
async function serve(payloads: Buffer[], after: (s: FakeSession) => void = () => {}) {
  server = await startFakeMysqlServer(async (s) => {
    await s.login();
    await s.serveQueries(() => {
      s.sendAll(payloads);
      after(s);
    });
  });
  return connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, deprecateEof: false });
}

async function readAll(payloads: Buffer[], after: ((s: FakeSession) => void) | undefined, delivery: string, streaming: boolean) {
  const conn = await serve(payloads, after);
  try {
    const { options, read } = DELIVERIES[delivery];
    const outcome = await conn
      .query('SELECT a', { ...options, streaming })
      .then((r) => read(r.current))
      .catch((e: unknown) => e);
    return { outcome, open: conn.isOpen };
  } finally {
    conn.destroy();
  }
}

const ROW_SHAPED_END = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

const BROKEN: [string, Buffer[], ((s: FakeSession) => void) | undefined][] = [
  ['a broken row, then the connection is cut', brokenResult([]), (s) => s.destroy()],
  ['a broken row, then silence', brokenResult([]), undefined],
  ['a broken row, then an error packet', brokenResult([errPacket(1317, '70100', 'interrupted')]), undefined],
  [
    'an end packet with a 0x00 header (a row to the client), then silence',
    [
      Buffer.from([1]),
      columnDefinitionPacket({ name: 'a', type: 3 }),
      eofPacket(),
      ...Array.from({ length: 20 }, (_, i) => rowPacket([String(i)])),
      ROW_SHAPED_END,
    ],
    undefined,
  ],
];

describe('a broken row among rows held undecoded', () => {
  for (const [name, payloads, after] of BROKEN)
    for (const delivery of Object.keys(DELIVERIES))
      for (const streaming of [false, true])
        it(`${name}: ${delivery}${streaming ? ', streaming' : ''} reports the broken row (2027) and gives the session up`, { timeout: 10_000 }, async () => {
          const { outcome, open } = await readAll(payloads, after, delivery, streaming);
          expect(outcome).toBeInstanceOf(InternalError);
          expect(outcome).toMatchObject({ errno: 2027 });
          expect(open).toBe(false);
        });
});

describe('rows held across a pause of the server', () => {
  for (const delivery of Object.keys(DELIVERIES))
    it(`${delivery}: every row arrives once, in order`, async () => {
      server = await startFakeMysqlServer(async (s) => {
        await s.login();
        await s.serveQueries(async () => {
          s.send(Buffer.from([1]));
          s.send(columnDefinitionPacket({ name: 'a', type: 3 }));
          s.send(eofPacket());
          for (let i = 0; i < 10; i++) s.send(rowPacket([String(i)]));
          // Longer than the client waits before it looks at the rows it holds.
          await new Promise((r) => setTimeout(r, 60));
          for (let i = 10; i < 20; i++) s.send(rowPacket([String(i)]));
          s.send(eofPacket());
        });
      });
      const conn = await connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, deprecateEof: false });
      try {
        const { options, read } = DELIVERIES[delivery];
        const r = await conn.query('SELECT a', options);
        const got = await read(r.current);
        const values = delivery === 'rawRows' ? pureDecoder.decodeRows(r.current.columns!, conn.decodeOptions, got as never) : got;
        expect(values).toEqual(Array.from({ length: 20 }, (_, i) => [i]));
        expect(conn.isOpen).toBe(true);
      } finally {
        conn.destroy();
      }
    });
});
