import { describe, expect, it } from 'vitest';
import { columnDefinitionAt } from '../src/connection/column-cache.js';

/** A column definition packet (protocol 4.1) for a column `name` of type `type`. */
function columnPacket(name: string, type: number): Buffer {
  const bytes: number[] = [];
  for (const s of ['def', 's2db', 't', 't', name, name]) bytes.push(s.length, ...Buffer.from(s));
  bytes.push(0x0c, 0x3f, 0, 21, 0, 0, 0, type, 0x81, 0, 0, 0, 0);
  return Buffer.from(bytes);
}

describe('columnDefinitionAt: column definitions parsed once per session and position', () => {
  it('the same bytes at the same position give back the same definition', () => {
    const session = {};
    const first = columnDefinitionAt(session, 0, columnPacket('v', 8));
    // A new buffer with the same bytes, as the next statement's answer brings.
    expect(columnDefinitionAt(session, 0, columnPacket('v', 8))).toBe(first);
    expect(first.name).toBe('v');
  });

  it('other bytes, another position or another session are parsed anew', () => {
    const session = {};
    const v = columnDefinitionAt(session, 0, columnPacket('v', 8));
    const w = columnDefinitionAt(session, 0, columnPacket('w', 8));
    expect(w).not.toBe(v);
    expect(w.name).toBe('w');
    expect(columnDefinitionAt(session, 0, columnPacket('w', 3)).typeCode).toBe(3);
    expect(columnDefinitionAt(session, 1, columnPacket('w', 3))).not.toBe(columnDefinitionAt(session, 0, columnPacket('w', 3)));
    expect(columnDefinitionAt({}, 0, columnPacket('w', 3))).not.toBe(columnDefinitionAt(session, 0, columnPacket('w', 3)));
  });

  it('keeps a copy of the packet, not a view of the socket read', () => {
    const session = {};
    const packet = columnPacket('a', 8);
    const first = columnDefinitionAt(session, 0, packet);
    // The read's memory is reused for something else: the cache must not see the change.
    packet.fill(0);
    const again = columnDefinitionAt(session, 0, columnPacket('a', 8));
    expect(again).toBe(first);
  });

  it('a malformed packet still fails', () => {
    expect(() => columnDefinitionAt({}, 0, Buffer.from([3, 0x64, 0x65]))).toThrow();
  });
});
