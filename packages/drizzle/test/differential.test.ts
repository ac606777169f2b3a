/**
 * The same drizzle program on drizzle's own mysql2 driver and on @s2/drizzle returns the same
 * results; where mysql2 loses precision (BIGINT beyond 2^53 without supportBigNumbers, drizzle's
 * default when given a pool), s2 keeps every digit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, count, eq, sql, sum } from 'drizzle-orm';
import { drizzle as drizzleMysql2 } from 'drizzle-orm/singlestore';
import { createPool as createMysql2Pool, type Pool as Mysql2Pool } from 'mysql2';
import { createPool, type Pool } from '@s2/core';
import { drizzle, migrate } from '@s2/drizzle';
import { fullRow, kitchen, posts, schema, users, writeMigrations } from './schema.js';
import { Scratch } from './support.js';

const scratch = new Scratch('dz');
let s2pool: Pool;
let mysql2pool: Mysql2Pool;

beforeAll(async () => {
  await scratch.start();
  s2pool = createPool({ url: scratch.url('mysql'), max: 2 });
  mysql2pool = createMysql2Pool({ uri: scratch.url('mysql'), connectionLimit: 2 });
  await migrate(drizzle(s2pool, { schema }), { migrationsFolder: writeMigrations() });
});
afterAll(async () => {
  await s2pool.end();
  await new Promise<void>((r) => mysql2pool.end(() => r()));
  await scratch.stop();
});

/** One program, written once against drizzle's API, run on either driver. */
async function program(db: ReturnType<typeof drizzle<typeof schema>> | ReturnType<typeof drizzleMysql2<typeof schema>>, tag: string) {
  const d = db as ReturnType<typeof drizzle<typeof schema>>;
  const ids = await d
    .insert(users)
    .values([{ name: `${tag}-ann`, city: 'Oslo' }, { name: `${tag}-bob` }])
    .$returningId();
  await d.insert(posts).values([
    { authorId: ids[0].id, title: `${tag}-p1`, likes: 2 },
    { authorId: ids[0].id, title: `${tag}-p2`, likes: 5 },
  ]);
  const [kid] = await d
    .insert(kitchen)
    .values({ ...fullRow, name: tag })
    .$returningId();
  const [upd] = await d
    .update(users)
    .set({ city: 'Rome' })
    .where(eq(users.name, `${tag}-bob`));
  const row = (await d.select().from(kitchen).where(eq(kitchen.name, tag)))[0];
  const joined = await d
    .select({ name: users.name, title: posts.title })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(sql`${users.name} like ${tag + '%'}`)
    .orderBy(asc(posts.title));
  const agg = await d
    .select({ n: count(), likes: sum(posts.likes) })
    .from(posts)
    .where(sql`${posts.title} like ${tag + '%'}`);
  const streamed: string[] = [];
  for await (const p of d
    .select({ title: posts.title })
    .from(posts)
    .where(sql`${posts.title} like ${tag + '%'}`)
    .orderBy(posts.title)
    .iterator())
    streamed.push(p.title);
  const inTx = await d.transaction(async (tx) => {
    await tx.insert(users).values({ name: `${tag}-tx` });
    return (
      await tx
        .select({ n: count() })
        .from(users)
        .where(sql`${users.name} like ${tag + '%'}`)
    )[0].n;
  });
  const big = (
    await d
      .select({ v: sql<string>`cast(9007199254740993 as signed)`.mapWith(kitchen.bigExact) })
      .from(users)
      .limit(1)
  )[0].v;
  const { id: _ignored, name: _n, ...values } = row;
  return {
    ids: ids.map((r) => r.id - ids[0].id),
    kitchenIdType: typeof kid.id,
    affected: upd.affectedRows,
    // MariaDB marks JSON columns in extended metadata, which mysql2 reads and s2 does not (it
    // parses SingleStore's JSON type): compare the documents.
    values: { ...values, doc: typeof values.doc === 'string' ? JSON.parse(values.doc) : values.doc },
    joined: joined.map((j) => [j.name.slice(tag.length), j.title.slice(tag.length)]),
    agg,
    streamed: streamed.map((t) => t.slice(tag.length)),
    inTx,
    big,
  };
}

describe('drizzle differential: mysql2 vs s2', () => {
  it('returns the same results, and s2 keeps BIGINT digits mysql2 rounds', async () => {
    const viaMysql2 = await program(drizzleMysql2({ client: mysql2pool.promise(), schema }) as never, 'm');
    const viaS2 = await program(drizzle(s2pool, { schema }), 's');
    const { big: bigM, values: valuesM, ...restM } = viaMysql2;
    const { big: bigS, values: valuesS, ...restS } = viaS2;
    expect(restS).toEqual(restM);
    // mysql2 returns BIGINT as a JS number: 9007199254740993 is already 9007199254740992.
    expect(bigM).toBe(9007199254740992n);
    expect(bigS).toBe(9007199254740993n);
    expect(valuesM.bigExact).toBe(9007199254740992n);
    expect(valuesM.ubig).toBe(18446744073709551616n);
    expect(valuesS.bigExact).toBe(9007199254740993n);
    expect(valuesS.ubig).toBe(18446744073709551615n);
    const lossless = { ...valuesS, bigExact: 0n, ubig: 0n };
    expect(lossless).toEqual({ ...valuesM, bigExact: 0n, ubig: 0n });
    // A pool opened with dateStrings (the fast path for drizzle) gives the very same results.
    const fastPool = createPool({ url: scratch.url('mysql'), max: 1, dateStrings: true });
    const viaFast = await program(drizzle(fastPool, { schema }), 'f');
    await fastPool.end();
    expect(viaFast).toEqual(viaS2);
    const { name: _name, ...expected } = fullRow;
    expect(valuesS).toEqual({ ...expected, doc: fullRow.doc });
  });
});
