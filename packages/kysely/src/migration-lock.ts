import type { Kysely, MigrationLockOptions } from 'kysely';
import { OperationalError } from '@s2/core';

/** How long a migrator waits for another one's table lock by default (10 minutes). */
export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const lockTable = (db: Kysely<any>, opt: MigrationLockOptions) => (opt.lockTableSchema ? db.withSchema(opt.lockTableSchema) : db);

/**
 * The migration lock as a row flag (Kysely's own `kysely_migration_lock` table: `is_locked`
 * 0 → 1 by a conditional UPDATE, so exactly one migrator wins). Used where a session-scoped
 * `GET_LOCK` cannot be relied on: SingleStoreDB, and the Data API (no session spans two
 * statements). A migrator that crashes while holding it leaves `is_locked = 1`: set it back
 * to 0 by hand.
 */
export async function acquireTableLock(db: Kysely<any>, opt: MigrationLockOptions, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 2000)) {
    const r = await lockTable(db, opt)
      .updateTable(opt.lockTable)
      .set({ is_locked: 1 })
      .where('id', '=', opt.lockRowId)
      .where('is_locked', '=', 0)
      .executeTakeFirst();
    if (r.numUpdatedRows === 1n) return;
    if (Date.now() + pause > deadline) {
      throw new OperationalError(
        `migration lock not acquired within ${waitMs} ms: another migrator holds it, or one that crashed left is_locked = 1 in ${opt.lockTable} (set it to 0 once no migrator runs)`,
      );
    }
    await sleep(pause);
  }
}

export async function releaseTableLock(db: Kysely<any>, opt: MigrationLockOptions): Promise<void> {
  await lockTable(db, opt).updateTable(opt.lockTable).set({ is_locked: 0 }).where('id', '=', opt.lockRowId).execute();
}
