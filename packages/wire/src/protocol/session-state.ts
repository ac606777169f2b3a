import { malformed } from './malformed.js';
import { PacketCursor } from './packet-cursor.js';

/**
 * Server status flag SERVER_SESSION_STATE_CHANGED: with CLIENT_SESSION_TRACK in effect, the OK
 * packet carrying it ends in a block of session state changes.
 */
export const SESSION_STATE_CHANGED = 0x4000;

/** Session state entry SESSION_TRACK_SCHEMA: the session's current database changed. */
const TRACK_SCHEMA = 1;

/**
 * The current database an OK packet (0x00 or, with CLIENT_DEPRECATE_EOF, the 0xFE end of rows)
 * reports in its session state block: the last schema entry's name, null for an empty name (the
 * session has none), undefined when the block holds no schema entry. Only for a packet whose
 * status has SESSION_STATE_CHANGED on a session with CLIENT_SESSION_TRACK: only then is the info
 * length-prefixed and followed by the block. Bytes that do not form one raise a malformed packet
 * error.
 */
export function reportedSchema(ok: Uint8Array): string | null | undefined {
  const c = new PacketCursor(ok, 1);
  c.lenencInt('affected rows');
  c.lenencInt('last insert id');
  c.skip(4, 'status and warnings');
  c.lenencBytes('info');
  const size = c.lenencLength('session state');
  if (size > c.remaining) throw malformed('session state runs past the end of the packet');
  const block = new PacketCursor(ok, c.pos, c.pos + size);
  let schema: string | null | undefined;
  while (block.remaining > 0) {
    const type = block.lenencInt('session state type');
    const data = block.lenencBytes('session state entry');
    if (type !== TRACK_SCHEMA) continue;
    const name = new PacketCursor(data).lenencString('schema name');
    schema = name === '' ? null : name;
  }
  return schema;
}
