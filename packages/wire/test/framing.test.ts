import { describe, expect, it } from 'vitest';
import { framePayload, MAX_PACKET_PAYLOAD, PacketFramer, type Packet } from '@s2/wire';

function frames(payloads: Buffer[]): Buffer {
  let seq = 0;
  const out: Buffer[] = [];
  for (const p of payloads) {
    const f = framePayload(p, seq);
    seq = f.nextSeq;
    out.push(...f.frames);
  }
  return Buffer.concat(out);
}

function feed(bytes: Buffer, cut: (i: number) => number): Packet[] {
  const framer = new PacketFramer();
  const got: Packet[] = [];
  for (let off = 0; off < bytes.length; ) {
    const n = Math.max(1, cut(off));
    framer.push(bytes.subarray(off, off + n), (payload, firstSeq, seq) => got.push({ seq, firstSeq, payload: Buffer.from(payload) }));
    off += n;
  }
  expect(framer.pendingBytes).toBe(0);
  return got;
}

describe('packet framing', () => {
  const payloads = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(300, 7), Buffer.from([0xfe, 0, 0, 2, 0])];

  it('reassembles packets from chunks of every size, including one byte at a time', () => {
    const bytes = frames(payloads);
    for (const size of [1, 2, 3, 4, 5, 7, 64, bytes.length]) {
      const got = feed(bytes, () => size);
      expect(got.map((p) => p.payload)).toEqual(payloads);
      expect(got.map((p) => p.seq)).toEqual([0, 1, 2, 3]);
    }
  });

  it('reassembles from random splits', () => {
    const bytes = frames(payloads);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 40) + 1;
    for (let round = 0; round < 50; round++) expect(feed(bytes, rand).map((p) => p.payload)).toEqual(payloads);
  });

  it('splits a payload of 16 MiB and more and joins it back', () => {
    const big = Buffer.alloc(MAX_PACKET_PAYLOAD * 2 + 10);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    const { frames: f, nextSeq } = framePayload(big, 5);
    expect(f).toHaveLength(3);
    expect(f.map((x) => x.readUIntLE(0, 3))).toEqual([MAX_PACKET_PAYLOAD, MAX_PACKET_PAYLOAD, 10]);
    expect(nextSeq).toBe(8);
    const got = feed(Buffer.concat(f), () => 1 << 20);
    expect(got).toHaveLength(1);
    expect(got[0].firstSeq).toBe(5);
    expect(got[0].seq).toBe(7);
    expect(got[0].payload.equals(big)).toBe(true);
  });

  it('terminates an exact multiple of 16 MiB with an empty packet', () => {
    const exact = Buffer.alloc(MAX_PACKET_PAYLOAD, 1);
    const { frames: f } = framePayload(exact, 0);
    expect(f.map((x) => x.readUIntLE(0, 3))).toEqual([MAX_PACKET_PAYLOAD, 0]);
    const got = feed(Buffer.concat(f), () => 65536);
    expect(got).toHaveLength(1);
    expect(got[0].payload.length).toBe(MAX_PACKET_PAYLOAD);
  });

  it('wraps sequence ids at 256', () => {
    const { nextSeq } = framePayload(Buffer.from('x'), 255);
    expect(nextSeq).toBe(0);
  });
});
