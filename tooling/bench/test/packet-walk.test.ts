import { describe, expect, it } from 'vitest';
import { PacketWalk } from '../src/runners/packet-walk.js';

/** A MySQL packet: 3-byte length, sequence id, payload. */
function packet(seq: number, payload: Uint8Array): Buffer {
  const p = Buffer.alloc(4 + payload.length);
  p.writeUIntLE(payload.length, 0, 3);
  p[3] = seq & 0xff;
  p.set(payload, 4);
  return p;
}

/** A text-protocol result: column count, definitions, EOF, rows, EOF (the form without DEPRECATE_EOF). */
function resultSet(columns: number, rowSizes: number[]): Buffer {
  let seq = 1;
  const parts = [packet(seq++, Uint8Array.of(columns))];
  for (let c = 0; c < columns; c++) parts.push(packet(seq++, Buffer.from(`\x03def\x00col${c}`)));
  parts.push(packet(seq++, Uint8Array.of(0xfe, 0, 0, 2, 0)));
  for (const size of rowSizes) {
    // A row starting with 0xfe must be long (a length-encoded string of 2^24-ish): only packets under 9 bytes end the result.
    const row = Buffer.alloc(size, 0x61);
    row[0] = size >= 9 ? 0xfe : 0x01;
    parts.push(packet(seq++, row));
  }
  parts.push(packet(seq++, Uint8Array.of(0xfe, 0, 0, 2, 0)));
  return Buffer.concat(parts);
}

/** Feeds `data` in reads of the given sizes (cycled) through one reused buffer, as the socket does. */
function walk(data: Buffer, readSizes: number[]): PacketWalk {
  const w = new PacketWalk();
  const reused = Buffer.alloc(Math.max(...readSizes));
  let pos = 0;
  for (let i = 0; pos < data.length && !w.done; i++) {
    const n = Math.min(readSizes[i % readSizes.length], data.length - pos);
    reused.fill(0xee); // stale bytes from earlier reads must never be read
    data.copy(reused, 0, pos, pos + n);
    w.feed(reused, n);
    pos += n;
  }
  return w;
}

describe('the raw drain packet walk', () => {
  const sizes = Array.from({ length: 3000 }, (_, i) => [1, 3, 8, 9, 40, 200, 5_000][i % 7]);
  const data = resultSet(8, sizes);

  it.each([
    ['one read', [data.length]],
    ['1-byte reads (every header cut)', [1]],
    ['reads of 2, 3, 5 and 7 bytes', [2, 3, 5, 7]],
    ['64 KiB reads', [65_536]],
    ['odd large reads', [1_000_003, 17, 4_093]],
  ])('counts every row and stops at the final EOF: %s', (_, reads) => {
    const w = walk(data, reads);
    expect(w.done).toBe(true);
    expect(w.rows).toBe(sizes.length);
  });

  it("finishes on the final EOF's marker byte, not before", () => {
    const w = new PacketWalk();
    // The final EOF is 9 bytes: header, 0xfe, warnings and status. Everything up to its marker…
    expect(w.feed(data, data.length - 5)).toBe(false);
    expect(w.rows).toBe(sizes.length);
    // …and then the marker itself.
    expect(w.feed(data.subarray(data.length - 5), 1)).toBe(true);
    expect(w.rows).toBe(sizes.length);
  });

  it('counts empty rows (a zero-length payload) as rows', () => {
    const zero = Buffer.concat([resultSet(1, []).subarray(0, -9), packet(5, new Uint8Array(0)), packet(6, Uint8Array.of(0xfe, 0, 0, 2, 0))]);
    const w = walk(zero, [3]);
    expect(w.done).toBe(true);
    expect(w.rows).toBe(1);
  });

  it('rejects an error packet in place of the result', () => {
    expect(() => new PacketWalk().feed(packet(1, Buffer.from('\xff\x28\x04#42000syntax', 'latin1')), 20)).toThrow(/query failed/);
  });
});
