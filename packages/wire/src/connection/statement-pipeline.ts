import type { StatementStatus } from '@s2/base';
import { framedCommand, packetCount } from '../protocol/client-messages.js';
import { MAX_PACKET_PAYLOAD } from '../protocol/packet-framer.js';

/** One statement of a pipelined run (see WireConnection.pipeline). */
export interface PipelinedStatement {
  /**
   * The statement's text, or that text already UTF-8 encoded (then `holdFrom` is a byte offset).
   * holdCommand copies the bytes into the command it frames, before `render` is asked for the
   * next statement: the producer may write the next statement into the same buffer.
   */
  sql: string | Uint8Array;
  /**
   * Where the text held back until the statement before has succeeded begins. The producer
   * guarantees that replacing `sql.slice(holdFrom)` with `)` and spaces makes the statement a
   * syntax error (for a multi-row INSERT: hold back the last row, so the text sent ahead ends
   * in `VALUES ` or `,`). That is how a statement already on the wire is called off.
   */
  holdFrom: number;
  /** The NO_BACKSLASH_ESCAPES mode its values were quoted for. */
  noBackslashEscapes: boolean;
}

export interface StatementSource {
  /**
   * Statement `index` rendered for this escaping mode, or null when there are no more. Asked
   * again for the same index when the mode changed before that statement was released.
   */
  render(index: number, noBackslashEscapes: boolean): PipelinedStatement | null;
  /** The server's summary of statement `index` (called in order). */
  done(index: number, status: StatementStatus): void;
}

/** A COM_QUERY packet split into the part written ahead and the part held back. */
export interface HeldCommand {
  head: Buffer;
  tail: Buffer;
  /** Sequence id of the server's first reply packet. */
  replySeq: number;
}

const COM_QUERY = 0x03;

/**
 * Frames `sql` as a COM_QUERY (the same bytes `sendCommand` writes), a copy: nothing of the
 * command refers to `statement.sql` afterwards. A statement of more than
 * one packet is not written ahead at all (its head is empty): a held-back tail could then span
 * a packet header.
 */
export function holdCommand(statement: PipelinedStatement): HeldCommand {
  const { sql, holdFrom } = statement;
  const framed = framedCommand(COM_QUERY, sql);
  if (framed.length >= 4 + MAX_PACKET_PAYLOAD) return { head: Buffer.alloc(0), tail: framed, replySeq: packetCount(framed) & 0xff };
  const heldBytes = typeof sql === 'string' ? Buffer.byteLength(sql.slice(holdFrom), 'utf8') : sql.length - holdFrom;
  const split = framed.length - heldBytes;
  // Nothing held back: nothing could call it off, so none of it goes ahead.
  if (split >= framed.length) return { head: Buffer.alloc(0), tail: framed, replySeq: 1 };
  return { head: framed.subarray(0, split), tail: framed.subarray(split), replySeq: 1 };
}

/** The bytes that replace a held-back tail to call its statement off: `)` and spaces. */
export function cancelledTail(tail: Buffer): Buffer {
  const out = Buffer.alloc(tail.length, 0x20);
  if (out.length) out[0] = 0x29;
  return out;
}
