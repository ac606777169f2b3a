import { sql } from 'drizzle-orm';
import { readMigrationFiles, type MigrationConfig } from 'drizzle-orm/migrator';
import type { S2DrizzleDatabase } from './driver.js';
import { S2DrizzleSession } from './session.js';

interface Internals {
  dialect: { migrate(migrations: unknown, session: unknown, config: MigrationConfig): Promise<void> };
  session: unknown;
}

/**
 * drizzle's SingleStore migrator for the `migrationsFolder` drizzle-kit writes. Over the wire
 * it is drizzle's own: the pending migrations run in one transaction (MySQL-family DDL still
 * commits implicitly). The Data API has no transactions, so there the same bookkeeping runs
 * statement by statement, as drizzle's proxy migrator does it.
 */
export async function migrate<TSchema extends Record<string, unknown>>(db: S2DrizzleDatabase<TSchema>, config: MigrationConfig): Promise<void> {
  const { dialect, session } = db as unknown as Internals;
  if (!(session instanceof S2DrizzleSession)) throw new TypeError('migrate() from @s2/drizzle needs a database made by its drizzle()');
  const migrations = readMigrationFiles(config);
  if (!(await session.isDataApi())) return dialect.migrate(migrations, session, config);

  const table = sql.identifier(config.migrationsTable ?? '__drizzle_migrations');
  await db.execute(sql`create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`);
  const [last] = await session.all<{ created_at: string | number | bigint }>(sql`select id, hash, created_at from ${table} order by created_at desc limit 1`);
  for (const migration of migrations) {
    if (last && Number(last.created_at) >= migration.folderMillis) continue;
    for (const statement of migration.sql) await db.execute(sql.raw(statement));
    await db.execute(sql`insert into ${table} (\`hash\`, \`created_at\`) values(${migration.hash}, ${migration.folderMillis})`);
  }
}
