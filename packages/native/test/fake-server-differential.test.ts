import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pureDecoder, type BatchDecoder, type QueryOptions, type ResultSet } from '@s2/base';
import { columnDefinitionPacket, eofPacket, rowPacket, startFakeMysqlServer, type ColumnSpec, type FakeServer, type FakeSession } from '@s2/testing';
import { connectWire } from '@s2/wire';
import { loadNative, nativeDecoder } from '@s2/native';
import { countAddonCalls, needsAddon } from './support.js';

/**
 * The addon's paths against the TypeScript ones on results no real server sends (a fake MySQL
 * server writes them): rows and frames must fail with the same error class and code, and a
 * value error must leave the session usable on both.
 */

const native = loadNative();
const calls = native ? countAddonCalls(native) : null;
afterAll(() => calls?.restore());

let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A result of one column with `cells` as its rows, then `tail` where the end packet goes. */
function result(column: ColumnSpec, cells: (string | Buffer)[], tail: Buffer[] = [eofPacket()]): Buffer[] {
  return [Buffer.from([1]), columnDefinitionPacket(column), eofPacket(), ...cells.map((c) => (typeof c === 'string' ? rowPacket([c]) : c)), ...tail];
}

async function serve(payloads: Buffer[], after?: (s: FakeSession) => void) {
  server = await startFakeMysqlServer(async (s) => {
    await s.login();
    await s.serveQueries(() => {
      s.sendAll(payloads);
      after?.(s);
    });
  });
  return connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, deprecateEof: false });
}

type Outcome = { ok: true } | { ok: false; error: string; errno: number | undefined };

/** How core reads a result: rows through the batch decoder (addon) or row by row, frames from packets. */
const READS: Record<string, (decoder: BatchDecoder) => { options: QueryOptions; read: (r: ResultSet) => Promise<unknown> }> = {
  rows: (decoder) =>
    decoder.kind === 'native'
      ? { options: { decodeBatch: (c, o, p) => decoder.decodeRows(c, o, p) }, read: (r) => r.decoded!.read() }
      : { options: {}, read: (r) => r.read() },
  columns: (decoder) => ({
    options: { rawRows: true },
    read: async (r) => decoder.decodeFrame(r.columns!, r.packets!.decodeOptions, await r.packets!.read(), 'columns'),
  }),
  arrow: (decoder) => ({
    options: { rawRows: true },
    read: async (r) => decoder.decodeFrame(r.columns!, r.packets!.decodeOptions, await r.packets!.read(), 'arrow'),
  }),
};

/** What reading the result gave, and whether the session then answered the same query again. */
async function outcomes(payloads: Buffer[], after: ((s: FakeSession) => void) | undefined, how: string, decoder: BatchDecoder) {
  const conn = await serve(payloads, after);
  const { options, read } = READS[how](decoder);
  const once = async (): Promise<Outcome> => {
    try {
      await read((await conn.query('SELECT v', options)).current);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).constructor.name, errno: (err as { errno?: number }).errno };
    }
  };
  try {
    const first = await once();
    return { first, open: conn.isOpen, again: conn.isOpen ? await once() : null };
  } finally {
    conn.destroy();
  }
}

const INT: ColumnSpec = { name: 'v', type: 3 };
const BIGINT: ColumnSpec = { name: 'v', type: 8 };
const counting = (n: number, at: number, cell: string | Buffer) => Array.from({ length: n }, (_, i) => (i === at ? cell : String(i)));

const BROKEN: [string, Buffer[], ((s: FakeSession) => void) | undefined][] = [
  [
    'a row with a byte too many, then the connection is cut',
    result(INT, counting(20, 3, Buffer.concat([rowPacket(['3']), Buffer.from([0xfb])])), []),
    (s) => s.destroy(),
  ],
  ['a row with a byte too many, then silence', result(INT, counting(20, 3, Buffer.concat([rowPacket(['3']), Buffer.from([0xfb])])), []), undefined],
  ['an end packet with a 0x00 header (a row to the client), then silence', result(INT, counting(20, -1, ''), [Buffer.from([0, 0, 0, 2, 0, 0, 0])]), undefined],
];

const VALUES: [string, Buffer[]][] = [
  // '' is a cell of length 0 (not NULL); BigInt would read it as 0, and ' 1', '+1', '0x10' as numbers.
  ...['', '12345678901234567.5', '12a', '1.5', '1e3', '-', ' 1', '+1', '0x10'].map((text): [string, Buffer[]] => [
    `BIGINT cell ${JSON.stringify(text)}`,
    result(BIGINT, counting(20, 10, text)),
  ]),
  ...['[1,300]', '["x",2]', '[1,2,3]', `${'['.repeat(20000)}1${']'.repeat(20000)}`].map((text): [string, Buffer[]] => [
    `VECTOR(2, I8) JSON cell ${JSON.stringify(text.slice(0, 12))}`,
    result(
      { name: 'v', type: 0xfc, charset: 45, extendedType: 2, vectorDimension: 2, vectorElementType: 3 },
      counting(20, 10, text).map((c, i) => (i === 10 ? c : '[1,2]')),
    ),
  ]),
  ...['[1.5,2]', '["a",2]'].map((text): [string, Buffer[]] => [
    `VECTOR(2, I64) JSON cell ${text}`,
    result(
      { name: 'v', type: 0xfc, charset: 45, extendedType: 2, vectorDimension: 2, vectorElementType: 6 },
      counting(20, 10, text).map((c, i) => (i === 10 ? c : '[1,2]')),
    ),
  ]),
];

describe('the addon and the TypeScript decoders on results a fake server breaks', needsAddon(), () => {
  const addon = native ? nativeDecoder(native) : pureDecoder;
  for (const how of Object.keys(READS)) {
    for (const [name, payloads, after] of BROKEN)
      it(`${how}: ${name} is the broken row (2027) on both, and ends the session`, { timeout: 10_000 }, async () => {
        const pure = await outcomes(payloads, after, how, pureDecoder);
        calls!.take();
        const fast = await outcomes(payloads, after, how, addon);
        expect(pure.first).toEqual({ ok: false, error: 'InternalError', errno: 2027 });
        expect(fast.first).toEqual(pure.first);
        expect([pure.open, fast.open]).toEqual([false, false]);
      });
    for (const [name, payloads] of VALUES)
      it(`${how}: ${name} is a DataError on both, and the session goes on`, async () => {
        const pure = await outcomes(payloads, undefined, how, pureDecoder);
        calls!.take();
        const fast = await outcomes(payloads, undefined, how, addon);
        // The addon was handed the rows (a path that never reached it would compare TypeScript with itself).
        const seen = calls!.take();
        expect(seen.decoded + seen.declined + seen.threw).toBeGreaterThan(0);
        expect(pure.first).toMatchObject({ ok: false, error: expect.stringMatching(/^(DataError|DecodeError)$/) });
        expect(fast).toEqual(pure);
        expect(fast.again).toEqual(fast.first);
      });
  }
});
