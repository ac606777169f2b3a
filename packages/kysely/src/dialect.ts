import {
  MysqlIntrospector,
  MysqlQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { S2Adapter } from './adapter.js';
import { S2Driver, type S2DriverConfig } from './driver.js';
import { DEFAULT_LOCK_WAIT_MS } from './migration-lock.js';

export interface S2DialectConfig extends S2DriverConfig {
  /** How long the Migrator waits for the table-based lock (SingleStoreDB, Data API); default 10 minutes. */
  migrationLockWaitMs?: number;
}

/**
 * Kysely on s2: `new Kysely<DB>({ dialect: new S2Dialect({ pool }) })`. SQL is MySQL's
 * (`?` placeholders, backticks), values are s2's (bigint-exact, DECIMAL as strings, DATETIME
 * as `SqlDateTime`), and errors are s2's typed errors.
 */
export class S2Dialect implements Dialect {
  private driver: S2Driver | undefined;
  constructor(private readonly config: S2DialectConfig) {}

  createDriver(): Driver {
    this.driver = new S2Driver(this.config);
    return this.driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new MysqlQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    // Kysely creates the driver before the adapter; the adapter reads the traits the driver learns.
    const driver = this.driver ?? (this.createDriver() as S2Driver);
    return new S2Adapter(driver.probe, this.config.migrationLockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new MysqlIntrospector(db);
  }
}
