/**
 * 100,000 rows through drizzle's `iterator()` on s2: over the wire the heap stays flat (rows
 * are pulled from an unbuffered cursor as drizzle asks for them); over the Data API every row
 * arrives, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Connection } from '@s2/core';
import { drizzle } from '@s2/drizzle';
import { readWideStream, Scratch, type Route } from './support.js';

const ROWS = 100_000;
const scratch = new Scratch('dz');
beforeAll(() => scratch.start());
afterAll(() => scratch.stop());

async function withDb<T>(route: Route, fn: (db: ReturnType<typeof drizzle>) => Promise<T>): Promise<T> {
  const conn: Connection = await scratch.open(route);
  try {
    return await fn(drizzle(conn));
  } finally {
    await conn.close();
  }
}

describe('drizzle iterator() over 100,000 rows', () => {
  it('over the wire: every row, with the heap growing far less than the rows would take', async () => {
    await withDb('mysql', async (db) => {
      // ~1 KiB of text per row: 100 MB if the result were held.
      const q = db
        .select({ seq: sql<number>`seq`, pad: sql<string>`repeat('x', 1000)` })
        .from(sql`seq_1_to_${sql.raw(String(ROWS))}`)
        .orderBy(sql`seq`);
      const { count, last, peakGrowthMb } = await readWideStream(q.iterator());
      expect(count).toBe(ROWS);
      expect(last).toBe(ROWS);
      console.info(`drizzle iterator over ${ROWS} rows (~100 MB of text): peak live-heap growth ${peakGrowthMb.toFixed(1)} MB`);
      expect(peakGrowthMb).toBeLessThan(30);
    });
  });

  it('over the Data API: every row arrives, in order', async () => {
    await withDb('http', async (db) => {
      let count = 0;
      let sum = 0;
      for await (const row of db
        .select({ seq: sql<number>`seq` })
        .from(sql`seq_1_to_${sql.raw(String(ROWS))}`)
        .orderBy(sql`seq`)
        .iterator()) {
        count++;
        sum += row.seq;
      }
      expect(count).toBe(ROWS);
      expect(sum).toBe((ROWS * (ROWS + 1)) / 2);
    });
  });
});
