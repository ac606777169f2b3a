import { describe, expect, it } from 'vitest';
import { framePayload, MAX_PACKET_PAYLOAD } from '@s2/wire';
import { commandPacket } from '../src/protocol/client-messages.js';
import { cancelledTail, holdCommand } from '../src/connection/statement-pipeline.js';

const COM_QUERY = 0x03;

/** The reference framing of a COM_QUERY: framePayload's packets from seq 0. */
function reference(sql: string): { bytes: Buffer; nextSeq: number } {
  const { frames, nextSeq } = framePayload(commandPacket(COM_QUERY, sql), 0);
  return { bytes: Buffer.concat(frames), nextSeq };
}

describe('holdCommand: a pipelined COM_QUERY split into the part sent ahead and the held-back tail', () => {
  it('head + tail are the framed command; the tail is the held-back text', () => {
    const sql = "INSERT INTO t VALUES ('é€'),('😀')";
    const holdFrom = sql.lastIndexOf('(');
    const held = holdCommand({ sql, holdFrom, noBackslashEscapes: false });
    expect(Buffer.concat([held.head, held.tail]).equals(reference(sql).bytes)).toBe(true);
    expect(held.tail.toString('utf8')).toBe("('😀')");
    expect(held.replySeq).toBe(1);
    // Calling it off keeps the byte length and starts with ')'.
    const off = cancelledTail(held.tail);
    expect(off.length).toBe(held.tail.length);
    expect(off.toString('latin1')).toBe(')' + ' '.repeat(held.tail.length - 1));
  });

  it('takes the statement as UTF-8 bytes too, holdFrom then a byte offset: the same head and tail', () => {
    const sql = "INSERT INTO t VALUES ('é€'),('😀')";
    const holdFrom = sql.lastIndexOf('(');
    const fromText = holdCommand({ sql, holdFrom, noBackslashEscapes: false });
    const bytes = Buffer.from(`pad${sql}`, 'utf8').subarray(3);
    const fromBytes = holdCommand({ sql: bytes, holdFrom: Buffer.byteLength(sql.slice(0, holdFrom)), noBackslashEscapes: false });
    expect(fromBytes.head.equals(fromText.head)).toBe(true);
    expect(fromBytes.tail.equals(fromText.tail)).toBe(true);
    expect(fromBytes.replySeq).toBe(1);
    // The command is a copy: executemany writes its next statement over the same buffer.
    bytes.fill(0x20);
    expect(Buffer.concat([fromBytes.head, fromBytes.tail]).equals(reference(sql).bytes)).toBe(true);
  });

  it('holds everything back when nothing is held back from the text', () => {
    const sql = 'INSERT INTO t VALUES (1)';
    const held = holdCommand({ sql, holdFrom: sql.length, noBackslashEscapes: false });
    expect(held.head.length).toBe(0);
    expect(held.tail.equals(reference(sql).bytes)).toBe(true);
  });

  it('sends a statement of more than one packet whole, with the sequence id the reply starts at', () => {
    for (const payload of [MAX_PACKET_PAYLOAD - 1, MAX_PACKET_PAYLOAD, MAX_PACKET_PAYLOAD + 1]) {
      const sql = 'x'.repeat(payload - 1);
      const held = holdCommand({ sql, holdFrom: sql.length - 1, noBackslashEscapes: false });
      const want = reference(sql);
      const whole = Buffer.concat([held.head, held.tail]);
      expect(whole.equals(want.bytes)).toBe(true);
      expect(held.replySeq).toBe(want.nextSeq);
      // One packet: the last character is held back; more: nothing goes ahead.
      expect(held.tail.length).toBe(payload >= MAX_PACKET_PAYLOAD ? want.bytes.length : 1);
    }
  });
});
