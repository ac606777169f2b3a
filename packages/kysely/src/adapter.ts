import { MysqlAdapter, sql, type Kysely, type MigrationLockOptions } from 'kysely';
import { acquireTableLock, releaseTableLock } from './migration-lock.js';
import type { ServerTraits, TraitsProbe } from './server-traits.js';

/**
 * MySQL's adapter (no RETURNING, no transactional DDL) with a migration lock that works
 * everywhere: MySQL's session-scoped `GET_LOCK` on MySQL/MariaDB over the wire; a row flag
 * in Kysely's lock table on SingleStoreDB and over the Data API, where that lock is not
 * available or would not outlive the statement.
 */
export class S2Adapter extends MysqlAdapter {
  constructor(
    private readonly probe: TraitsProbe,
    private readonly lockWaitMs: number,
  ) {
    super();
  }

  private async traits(db: Kysely<any>): Promise<ServerTraits> {
    const known = this.probe.peek();
    if (known) return known;
    await sql`select 1`.execute(db); // acquiring a session makes the driver learn the traits
    return this.probe.peek()!;
  }

  private async useTableLock(db: Kysely<any>): Promise<boolean> {
    const t = await this.traits(db);
    return t.singlestore || t.dataApi;
  }

  override async acquireMigrationLock(db: Kysely<any>, opt: MigrationLockOptions): Promise<void> {
    if (await this.useTableLock(db)) return acquireTableLock(db, opt, this.lockWaitMs);
    return super.acquireMigrationLock(db, opt);
  }

  override async releaseMigrationLock(db: Kysely<any>, opt: MigrationLockOptions): Promise<void> {
    if (await this.useTableLock(db)) return releaseTableLock(db, opt);
    return super.releaseMigrationLock(db, opt);
  }
}
