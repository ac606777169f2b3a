/** drizzle's proxy driver (`drizzle-orm/singlestore-proxy`) answered by s2 over the Data API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { drizzle as proxyDrizzle } from 'drizzle-orm/singlestore-proxy';
import { migrate as proxyMigrate } from 'drizzle-orm/singlestore-proxy/migrator';
import { bigint, int, singlestoreTable } from 'drizzle-orm/singlestore-core';
import type { Connection } from '@s2/core';
import { s2ProxyCallback } from '@s2/drizzle';
import { fullRow, kitchen, users, writeMigrations } from './schema.js';
import { Scratch } from './support.js';

const scratch = new Scratch('dzp');
let conn: Connection;
beforeAll(async () => {
  await scratch.start();
  conn = await scratch.open('http');
});
afterAll(async () => {
  await conn.close();
  await scratch.stop();
});

describe('the proxy route over the Data API', () => {
  it('migrates, inserts with $returningId, selects every type and updates', async () => {
    const db = proxyDrizzle(s2ProxyCallback(conn));
    await proxyMigrate(
      db,
      async (queries) => {
        for (const q of queries) await conn.execute(q);
      },
      { migrationsFolder: writeMigrations() },
    );
    const ids = await db
      .insert(users)
      .values([{ name: 'ann' }, { name: 'bob' }])
      .$returningId();
    expect(ids.map((r) => r.id - ids[0].id)).toEqual([0, 1]);
    const [kid] = await db.insert(kitchen).values(fullRow).$returningId();
    const [row] = await db
      .select()
      .from(kitchen)
      .where(eq(kitchen.id, BigInt(kid.id)));
    const { name: _n, doc, ...rest } = fullRow;
    expect(row).toMatchObject(rest);
    expect(JSON.parse(row.doc as string)).toEqual(doc);
    const [upd] = await db.update(users).set({ city: 'Oslo' }).where(eq(users.name, 'bob'));
    expect(upd.affectedRows).toBe(1);
    expect(await db.select({ name: users.name }).from(users).where(eq(users.city, 'Oslo'))).toEqual([{ name: 'bob' }]);
    const [counted] = (await db.execute(sql`select count(*) as n from users`)) as unknown as [{ n: number }];
    expect(counted).toEqual({ n: 2 });
    await expect(db.transaction(async () => 1)).rejects.toThrow(/not supported/);
  });

  it('$returningId counts ids past 2^53 exactly, as bigints', async () => {
    const start = 9007199254740989n;
    await conn.execute(`create table big_ids (id bigint unsigned auto_increment primary key, v int) auto_increment = ${start}`);
    const bigIds = singlestoreTable('big_ids', {
      id: bigint('id', { mode: 'bigint', unsigned: true }).autoincrement().primaryKey(),
      v: int('v'),
    });
    const db = proxyDrizzle(s2ProxyCallback(conn));
    const ids = await db
      .insert(bigIds)
      .values([{ v: 1 }, { v: 2 }, { v: 3 }, { v: 4 }])
      .$returningId();
    expect(ids.map((r) => r.id)).toEqual([0n, 1n, 2n, 3n].map((k) => start + k));
  });
});
