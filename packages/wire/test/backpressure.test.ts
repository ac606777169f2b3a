import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { open } from './support/server.js';

/** What the socket pause allows: the limit, plus the one socket read that crossed it. */
const MAX_QUEUED_PACKETS = 1024;
/** Node reads a TCP socket 64 KiB at a time. */
const SOCKET_READ = 64 * 1024;

describe('backpressure of a streaming result', () => {
  it('a slow consumer of a 1M-row stream keeps the queued packets bounded, and every row arrives', async () => {
    const conn = await open();
    // 100-byte strings: a row packet is ~110 bytes, so one socket read holds at most ~600 of them.
    const r = await conn.query("SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000", { streaming: true });
    let n = 0;
    let sum = 0;
    for (let batch = 0; ; batch++) {
      const rows = await r.current.read(1000);
      if (rows.length === 0) break;
      for (const row of rows) sum += row[0] as number;
      n += rows.length;
      // Slow: the socket keeps delivering while the consumer waits on something else.
      if (batch % 8 === 0) await sleep(1);
    }
    expect(n).toBe(1_000_000);
    expect(sum).toBe((1_000_000 * 1_000_001) / 2);
    const { peakPackets } = conn.queueStats;
    // The limit was reached (the consumer really was slower than the server) ...
    expect(peakPackets).toBeGreaterThan(MAX_QUEUED_PACKETS);
    // ... and held: a limit in bytes alone (4 MiB) would have let ~38,000 such packets queue up.
    expect(peakPackets).toBeLessThanOrEqual(MAX_QUEUED_PACKETS + Math.ceil(SOCKET_READ / 110));
    expect(conn.queueStats.paused).toBe(false);
    await conn.close();
  });

  it('large rows are bounded by highWaterMark in bytes', async () => {
    const highWaterMark = 256 * 1024;
    const conn = await open({ highWaterMark });
    const r = await conn.query("SELECT seq, REPEAT('y', 20000) FROM seq_1_to_3000", { streaming: true });
    let n = 0;
    for (;;) {
      const rows = await r.current.read(10);
      if (rows.length === 0) break;
      expect((rows[0][1] as string).length).toBe(20000);
      n += rows.length;
      await sleep(1);
    }
    expect(n).toBe(3000);
    const { peakBytes } = conn.queueStats;
    expect(peakBytes).toBeGreaterThan(highWaterMark);
    expect(peakBytes).toBeLessThanOrEqual(highWaterMark + SOCKET_READ + 20_100);
    await conn.close();
  });
});
