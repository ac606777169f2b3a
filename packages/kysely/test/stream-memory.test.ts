/**
 * 100,000 rows through Kysely's `stream()` on s2: over the wire the heap stays flat (one chunk
 * at a time), measured against what the same rows take when buffered; over the Data API the
 * rows all arrive, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, sql } from 'kysely';
import { S2Dialect } from '@s2/kysely';
import { readWideStream, Scratch } from './support.js';

const ROWS = 100_000;
const scratch = new Scratch();
beforeAll(() => scratch.start());
afterAll(() => scratch.stop());

// ~1 KiB of text per row: 100 MB if the result were held, so a flat heap is unmistakable.
const wide = (db: Kysely<any>) =>
  db
    .selectFrom(sql`seq_1_to_${sql.lit(ROWS)}`.as('s'))
    .select(['s.seq', sql<string>`repeat('x', 1000)`.as('pad')])
    .orderBy('s.seq');

describe('streaming 100,000 rows', () => {
  it('over the wire: every row, with the heap growing far less than the rows would take', async () => {
    const db = new Kysely<any>({ dialect: new S2Dialect({ url: scratch.url('mysql') }) });
    const { count, last, peakGrowthMb } = await readWideStream(wide(db).stream(1000));
    expect(count).toBe(ROWS);
    expect(last).toBe(ROWS);
    console.info(`kysely stream of ${ROWS} rows (~100 MB of text): peak live-heap growth ${peakGrowthMb.toFixed(1)} MB`);
    expect(peakGrowthMb).toBeLessThan(30);
    await db.destroy();
  });

  it('over the Data API: every row arrives, in order', async () => {
    const db = new Kysely<any>({ dialect: new S2Dialect({ url: scratch.url('http') }) });
    let count = 0;
    let sum = 0;
    for await (const row of db
      .selectFrom(sql`seq_1_to_${sql.lit(ROWS)}`.as('s'))
      .select('s.seq')
      .orderBy('s.seq')
      .stream(5000)) {
      count++;
      sum += Number(row.seq);
    }
    expect(count).toBe(ROWS);
    expect(sum).toBe((ROWS * (ROWS + 1)) / 2);
    await db.destroy();
  });
});
