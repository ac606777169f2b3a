import {
  createTableRelationsHelpers,
  DefaultLogger,
  extractTablesRelationalConfig,
  type DrizzleConfig,
  type Logger,
  type RelationalSchemaConfig,
  type TablesRelationalConfig,
} from 'drizzle-orm';
import { SingleStoreDatabase, SingleStoreDialect } from 'drizzle-orm/singlestore-core';
// Types only: drizzle-orm/singlestore's driver module imports mysql2 when it loads.
import type { SingleStoreDriverDatabase } from 'drizzle-orm/singlestore';
import { Connection, Pool } from '@s2/core';
import { ConnectionClient, PoolClient } from './client.js';
import { SingleStoreProbe } from './server-traits.js';
import { S2DrizzleSession } from './session.js';

export interface S2DrizzleConfig<TSchema extends Record<string, unknown> = Record<string, never>> extends DrizzleConfig<TSchema> {
  /** true: SingleStoreDB rules (nested transactions refused); false: MySQL/MariaDB. Default: detected from `@@memsql_version` on first use. */
  singlestore?: boolean;
  /** Default per-statement timeout in milliseconds (`withQueryOptions` overrides it). */
  timeoutMs?: number;
}

/** The drizzle database `drizzle()` returns; `$client` is the s2 connection or pool it runs on. */
export type S2DrizzleDatabase<TSchema extends Record<string, unknown> = Record<string, never>> = SingleStoreDriverDatabase<TSchema> & {
  $client: Connection | Pool;
};

/**
 * drizzle-orm's SingleStore dialect over an s2 connection or pool: `drizzle(pool, { schema })`.
 * A `mysql://` source runs on the wire (transactions, savepoints where the server has them,
 * `iterator()` streaming); an `http(s)://` source runs on the Data API (no transactions).
 */
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  source: Connection | Pool,
  config: S2DrizzleConfig<TSchema> = {},
): S2DrizzleDatabase<TSchema> {
  const dialect = new SingleStoreDialect({ casing: config.casing });
  const logger: Logger | undefined = config.logger === true ? new DefaultLogger() : config.logger || undefined;
  let schema: RelationalSchemaConfig<TablesRelationalConfig> | undefined;
  if (config.schema) {
    const tables = extractTablesRelationalConfig(config.schema, createTableRelationsHelpers);
    schema = { fullSchema: config.schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  }
  const client =
    source instanceof Pool ? new PoolClient(source, config.timeoutMs) : source instanceof Connection ? new ConnectionClient(source, config.timeoutMs) : null;
  if (!client) throw new TypeError('drizzle() from @s2/drizzle needs an s2 Connection or Pool');
  const session = new S2DrizzleSession(client, dialect, schema, { logger, cache: config.cache }, new SingleStoreProbe(config.singlestore));
  // SingleStoreDriverDatabase adds nothing to this class but an entity kind.
  const db = new SingleStoreDatabase(dialect, session as never, schema as never) as unknown as S2DrizzleDatabase<TSchema>;
  db.$client = source;
  // What drizzle's own drivers do in construct(): without it `db.$cache.invalidate()` stays
  // the database's no-op placeholder and never reaches the cache.
  if (config.cache) {
    db.$cache = config.cache as unknown as S2DrizzleDatabase<TSchema>['$cache'];
    db.$cache.invalidate = config.cache.onMutate;
  }
  return db;
}
