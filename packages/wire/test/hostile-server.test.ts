import { afterEach, describe, expect, it } from 'vitest';
import { InternalError, MySQLError, OperationalError } from '@s2/base';
import { columnDefinitionPacket, eofPacket, handshakePacket, okPacket, rowPacket, startFakeMysqlServer, type FakeServer, type FakeSession } from '@s2/testing';
import { connectWire, type WireConnection, type WireOptions } from '@s2/wire';

let server: FakeServer | null = null;
afterEach(async () => {
  // A scripted `expect` that failed inside the fake server surfaces here, not as a vague connect error.
  const scriptErrors = server?.errors ?? [];
  await server?.close();
  server = null;
  expect(scriptErrors).toEqual([]);
});

/** Logs the client in, answers setup statements, then lets `onQuery` answer the first real query. */
async function serve(onQuery: (s: FakeSession, sql: string) => Promise<void> | void, extra: Partial<WireOptions> = {}): Promise<WireConnection> {
  server = await startFakeMysqlServer(async (s) => {
    s.send(handshakePacket());
    await s.read();
    s.send(okPacket());
    for (;;) {
      const p = await s.read();
      if (!p || p.payload[0] === 0x01) return;
      const sql = p.payload.subarray(1).toString('utf8');
      if (/^SET /i.test(sql)) s.send(okPacket());
      else await onQuery(s, sql);
    }
  });
  return connectWire({ host: server.host, port: server.port, user: 'u', password: 'p', tls: { mode: 'disabled' }, deprecateEof: false, ...extra });
}

function resultHeader(s: FakeSession, n: number) {
  s.send(Buffer.from([n]));
}

const cases: [string, (s: FakeSession) => void][] = [
  [
    'a row whose value runs past the packet',
    (s) => {
      resultHeader(s, 1);
      s.send(columnDefinitionPacket({ name: 'a', type: 253 }));
      s.send(eofPacket());
      s.send(Buffer.from([0x05, 0x61]));
    },
  ],
  [
    'a row with fewer columns than announced',
    (s) => {
      resultHeader(s, 2);
      s.send(columnDefinitionPacket({ name: 'a', type: 3 }));
      s.send(columnDefinitionPacket({ name: 'b', type: 3 }));
      s.send(eofPacket());
      s.send(rowPacket(['1']));
    },
  ],
  [
    'a truncated column definition',
    (s) => {
      resultHeader(s, 1);
      s.send(columnDefinitionPacket({ name: 'a', type: 3 }).subarray(0, 9));
    },
  ],
  [
    'an invalid length prefix 0xff in a row',
    (s) => {
      resultHeader(s, 1);
      s.send(columnDefinitionPacket({ name: 'a', type: 3 }));
      s.send(eofPacket());
      s.send(Buffer.from([0xff, 0x01]));
    },
  ],
  [
    'a column count of 2^32',
    (s) => {
      s.send(Buffer.from([0xfe, 0, 0, 0, 0, 1, 0, 0, 0]));
    },
  ],
  [
    'a wrong sequence id',
    (s) => {
      s.send(okPacket(), 9);
    },
  ],
  [
    'a socket closed mid-result',
    (s) => {
      resultHeader(s, 1);
      s.send(columnDefinitionPacket({ name: 'a', type: 3 }));
      s.send(eofPacket());
      s.send(rowPacket(['1']));
      s.destroy();
    },
  ],
  [
    'a packet header cut in the middle, then silence and close',
    (s) => {
      s.sendRaw(Buffer.from([0x10, 0x00]));
      setTimeout(() => s.destroy(), 50);
    },
  ],
];

describe('hostile or broken server bytes', () => {
  for (const [name, script] of cases) {
    it(`${name} gives a typed error and no hang`, async () => {
      const conn = await serve(script);
      const err = await conn.query('SELECT 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MySQLError);
      expect(err instanceof InternalError || err instanceof OperationalError).toBe(true);
      // The session is out of sync: the client must give it up, and further commands fail fast and typed.
      expect(conn.isOpen).toBe(false);
      await expect(conn.query('SELECT 1')).rejects.toBeInstanceOf(MySQLError);
      conn.destroy();
    });
  }

  it('a 16 MiB continuation chain longer than maxAllowedPacket fails the session with 2020 instead of growing without bound', async () => {
    const chunk = Buffer.alloc(0xffffff + 4, 0x41);
    chunk.writeUIntLE(0xffffff, 0, 3);
    await expect(connectWire({ host: '127.0.0.1', port: 1, maxAllowedPacket: 0 })).rejects.toThrow(/maxAllowedPacket must be a positive integer/);
    const conn = await serve(
      async (s) => {
        // A chain that never ends: only the client's cap stops it.
        for (let seq = 1; s.socket.writable; seq++) {
          chunk[3] = seq & 0xff;
          if (!s.socket.write(Buffer.from(chunk))) await new Promise((r) => s.socket.once('drain', r));
        }
      },
      { maxAllowedPacket: 40 << 20 },
    );
    await expect(conn.query('SELECT 1')).rejects.toMatchObject({ errno: 2020, message: expect.stringMatching(/bigger than 41943040 bytes/) });
    expect(conn.isOpen).toBe(false);
    conn.destroy();
  });

  it('a column count past 2^32 - 1 is a malformed packet (errno 2027)', async () => {
    const conn = await serve((s) => {
      s.send(Buffer.from([0xfe, 0, 0, 0, 0, 1, 0, 0, 0]));
    });
    await expect(conn.query('SELECT 1')).rejects.toMatchObject({ errno: 2027, message: expect.stringMatching(/column count 4294967296/) });
    conn.destroy();
  });

  it('VECTOR and BSON columns decode from SingleStore-shaped packets', async () => {
    const f32 = Buffer.from(new Float32Array([0.267261237, 0.534522474, 0.801783681]).buffer);
    const i64 = Buffer.from(new BigInt64Array([1n, -4n, 8n]).buffer);
    const f16 = Buffer.from(new Uint16Array([0x3c00, 0xc000, 0x3800]).buffer); // 1, -2, 0.5
    const bson = Buffer.from([0x05, 0, 0, 0, 0]);
    const conn = await serve((s) => {
      resultHeader(s, 6);
      s.send(columnDefinitionPacket({ name: 'f32', type: 0xfc, charset: 63, extendedType: 2, vectorDimension: 3, vectorElementType: 1 }));
      s.send(columnDefinitionPacket({ name: 'i64', type: 0xfc, charset: 63, extendedType: 2, vectorDimension: 3, vectorElementType: 6 }));
      s.send(columnDefinitionPacket({ name: 'f16', type: 0xfc, charset: 63, extendedType: 2, vectorDimension: 3, vectorElementType: 7 }));
      s.send(columnDefinitionPacket({ name: 'j8', type: 0xfc, charset: 45, extendedType: 2, vectorDimension: 3, vectorElementType: 3 }));
      s.send(columnDefinitionPacket({ name: 'doc', type: 0xfc, charset: 63, extendedType: 1 }));
      s.send(columnDefinitionPacket({ name: 'nul', type: 0xfc, charset: 63, extendedType: 2, vectorDimension: 3, vectorElementType: 2 }));
      s.send(eofPacket());
      s.send(rowPacket([f32, i64, f16, '[1,2,-3]', bson, null]));
      s.send(eofPacket());
    });
    const r = await conn.query('SELECT vectors');
    expect(r.current.columns!.map((c) => c.typeCode)).toEqual([3001, 3006, 3007, 2003, 1001, 3002]);
    const [row] = await r.current.read();
    expect(row[0]).toEqual(new Float32Array([0.267261237, 0.534522474, 0.801783681]));
    expect(row[1]).toEqual(new BigInt64Array([1n, -4n, 8n]));
    expect(row[2]).toEqual(new Float32Array([1, -2, 0.5]));
    expect(row[3]).toEqual(new Int8Array([1, 2, -3]));
    expect(Buffer.from(row[4] as Uint8Array).equals(bson)).toBe(true);
    expect(row[5]).toBeNull();
    conn.destroy();
  });

  it('a vector whose byte length does not match its dimension is a DataError, and the session survives', async () => {
    const conn = await serve((s) => {
      resultHeader(s, 1);
      s.send(columnDefinitionPacket({ name: 'v', type: 0xfc, charset: 63, extendedType: 2, vectorDimension: 3, vectorElementType: 1 }));
      s.send(eofPacket());
      s.send(rowPacket([Buffer.alloc(8)]));
      s.send(eofPacket());
    });
    await expect(conn.query('SELECT v')).rejects.toThrow(/expected 3 elements/);
    expect(conn.isOpen).toBe(true);
    conn.destroy();
  });
});
