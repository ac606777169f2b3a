import { describe, expect, it } from 'vitest';
import { Command } from '@s2/base';
import { framePayload, MAX_PACKET_PAYLOAD } from '@s2/wire';
import { commandPacket, framedCommand, packetCount } from '../src/protocol/client-messages.js';
import { open, rows } from './support/server.js';

/** The reference framing: the command payload, then framePayload's packets from seq 0. */
function referenceFrames(command: number, body: string | Uint8Array): { bytes: Buffer; packets: number } {
  const { frames } = framePayload(commandPacket(command, body), 0);
  return { bytes: Buffer.concat(frames), packets: frames.length };
}

describe('framedCommand: a command in one buffer', () => {
  const cases: [string, string | Uint8Array][] = [
    ['empty body', ''],
    ['ASCII SQL', 'SELECT 1 + 1'],
    ['multi-byte UTF-8 (2, 3 and 4 bytes, a lone surrogate)', "SELECT 'é€😀\uD800'"],
    ['bytes', Uint8Array.from([0, 1, 0xff, 0xfe])],
  ];
  for (const [what, body] of cases) {
    it(`matches the packet framing for ${what}`, () => {
      const framed = framedCommand(Command.QUERY, body);
      const want = referenceFrames(Command.QUERY, body);
      expect(framed.equals(want.bytes)).toBe(true);
      expect(packetCount(framed)).toBe(1);
    });
  }

  it('splits payloads at 2^24 - 1 bytes, with an empty packet after one that fills its last packet exactly', () => {
    // Payload = command byte + body.
    for (const payload of [MAX_PACKET_PAYLOAD - 1, MAX_PACKET_PAYLOAD, MAX_PACKET_PAYLOAD + 1, 2 * MAX_PACKET_PAYLOAD + 5]) {
      const body = 'x'.repeat(payload - 1);
      const framed = framedCommand(Command.QUERY, body);
      const want = referenceFrames(Command.QUERY, body);
      expect(framed.length).toBe(want.bytes.length);
      expect(framed.equals(want.bytes)).toBe(true);
      expect(packetCount(framed)).toBe(want.packets);
    }
    // A multi-byte character straddling the packet boundary.
    const straddle = 'y'.repeat(MAX_PACKET_PAYLOAD - 3) + '😀z';
    expect(framedCommand(Command.QUERY, straddle).equals(referenceFrames(Command.QUERY, straddle).bytes)).toBe(true);
  });
});

describe('sending commands on a session', () => {
  it('an idle session has the statement on the wire as soon as query() is called', async () => {
    const conn = await open();
    try {
      const before = conn.commandsSent;
      const pending = conn.query('SELECT 1');
      expect(conn.commandsSent).toBe(before + 1);
      await (await pending).drain();
    } finally {
      await conn.close();
    }
  });

  it('statements issued together run one at a time in call order, and a failing one hands the session on', async () => {
    const conn = await open();
    try {
      await (await conn.query("SET @trail = ''")).drain();
      const all = Array.from({ length: 40 }, (_, i) => (i === 17 ? conn.query('SELEC broken') : conn.query(`SELECT @trail := CONCAT(@trail, ',', ${i})`)));
      conn.ping().catch(() => {});
      const settled = await Promise.allSettled(all);
      expect(settled.filter((s) => s.status === 'rejected').length).toBe(1);
      expect(settled[17].status).toBe('rejected');
      const trail = (await rows(conn, 'SELECT @trail'))[0][0] as string;
      expect(trail).toBe(
        Array.from({ length: 40 }, (_, i) => i)
          .filter((i) => i !== 17)
          .map((i) => `,${i}`)
          .join(''),
      );
    } finally {
      await conn.close();
    }
  });

  it('a statement of more than one packet reaches the server whole', async () => {
    const conn = await open();
    try {
      const text = 'é'.repeat(9_000_000); // 18 MB of UTF-8: two packets
      const got = await rows(conn, `SELECT CHAR_LENGTH('${text}'), LENGTH('${text}')`);
      expect(got[0].map(Number)).toEqual([9_000_000, 18_000_000]);
      // The session is in step afterwards.
      expect((await rows(conn, 'SELECT 2'))[0].map(Number)).toEqual([2]);
    } finally {
      await conn.close();
    }
  });
});
