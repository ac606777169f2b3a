import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PacketQueue, PacketRun } from '../src/connection/packet-queue.js';
import { framePayload, PacketFramer } from '../src/protocol/packet-framer.js';

/** One socket read holding `n` framed packets with sequence ids from `seq`. */
function read(n: number, seq = 0): { chunk: Buffer; payloads: Buffer[] } {
  const payloads = Array.from({ length: n }, (_, i) => Buffer.from(`row ${i} ${'x'.repeat(i % 7)}`));
  const chunk = Buffer.concat(payloads.flatMap((p, i) => framePayload(p, (seq + i) & 0xff).frames));
  return { chunk, payloads };
}

function feed(chunk: Buffer): PacketQueue {
  const queue = new PacketQueue();
  const framer = new PacketFramer();
  framer.runs = (framed, count, first, last) => queue.pushRun(framed, count, first, last);
  framer.push(chunk, (payload, first, last) => queue.push(payload, first, last));
  return queue;
}

describe('PacketQueue', () => {
  it('holds the packets of one socket read as one item and hands them out one by one, in sequence', () => {
    const { chunk, payloads } = read(300, 250);
    const queue = feed(chunk);
    // One object for the whole read, however many packets it carries.
    expect(queue.size).toBe(1);
    expect(queue.queuedPackets).toBe(300);
    expect(queue.queuedBytes).toBe(chunk.length);
    for (let i = 0; i < payloads.length; i++) {
      const p = queue.shift();
      expect(p?.equals(payloads[i])).toBe(true);
      expect(queue.firstSeq).toBe((250 + i) & 0xff);
      expect(queue.lastSeq).toBe((250 + i) & 0xff);
      expect(queue.queuedPackets).toBe(299 - i);
    }
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(0);
    expect(queue.queuedBytes).toBe(0);
    expect(queue.peakPackets).toBe(300);
  });

  it('a bulk reader takes a prefix of the run and a packet reader continues after it', () => {
    const { chunk, payloads } = read(10);
    const queue = feed(chunk);
    const run = queue.peek();
    expect(run instanceof PacketRun ? run.count : 0).toBe(10);
    // The first four packets in bulk (as the raw row path does).
    let bytes = 0;
    for (let i = 0; i < 4; i++) bytes += 4 + payloads[i].length;
    queue.takeFromRun(bytes, 4, 3);
    expect(queue.headSeq).toBe(4);
    expect(queue.queuedPackets).toBe(6);
    const rest = queue.peek();
    expect(rest instanceof PacketRun ? rest.framed.length : 0).toBe(chunk.length - bytes);
    for (let i = 4; i < 10; i++) expect(queue.shift()?.equals(payloads[i])).toBe(true);
    expect(queue.size).toBe(0);
  });

  it('lets go of each socket read once it is taken, though the queue never runs empty', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new PacketQueue();
    const reads: WeakRef<Buffer>[] = [];
    // A consumer one read behind the socket: a new read is queued before the oldest is taken,
    // so the queue holds an item at every moment (its array is never reset).
    for (let i = 0; i < 40; i++) {
      const { chunk } = read(4, (4 * i) & 0xff);
      reads.push(new WeakRef(chunk));
      queue.pushRun(chunk, 4, (4 * i) & 0xff, (4 * i + 3) & 0xff);
      if (i > 0) for (let k = 0; k < 4; k++) expect(queue.shift()).toBeDefined();
    }
    expect(queue.size).toBe(1);
    // WeakRef targets are held until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    const alive = reads.map((r) => r.deref() !== undefined);
    // Only the read still queued is reachable; a taken slot kept its whole read alive before.
    expect(alive.slice(0, 39).filter(Boolean)).toHaveLength(0);
    expect(alive[39]).toBe(true);
  });
});
