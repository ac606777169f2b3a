import { NotSupportedError } from '@s2/core';
import { DrizzleQueryError, NoopLogger, sql, type Query, type RelationalSchemaConfig, type TablesRelationalConfig } from 'drizzle-orm';
import { NoopCache } from 'drizzle-orm/cache/core';
import type { WithCacheConfig } from 'drizzle-orm/cache/core/types';
import type {
  PreparedQueryKind,
  SelectedFieldsOrdered,
  SingleStoreDialect,
  SingleStorePreparedQueryConfig,
  SingleStoreTransactionConfig,
} from 'drizzle-orm/singlestore-core';
import {
  SingleStoreDriverSession,
  SingleStoreDriverTransaction,
  type SingleStoreDriverPreparedQueryHKT,
  type SingleStoreDriverSessionOptions,
} from 'drizzle-orm/singlestore/session';
import { S2PreparedQuery } from './prepared-query.js';
import { ConnectionClient, PoolClient, type S2Client } from './client.js';
import type { SingleStoreProbe } from './server-traits.js';

const dataApiTransactions = () => new NotSupportedError('transactions need a wire (mysql://) connection: the Data API runs every statement on its own');

/**
 * drizzle's SingleStore session over an s2 client. Only transactions differ from drizzle's:
 * a typed error over the Data API, a pooled session held for the whole transaction and always
 * given back, and nested transactions that refuse to send SAVEPOINT to SingleStoreDB.
 */
export class S2DrizzleSession<TFullSchema extends Record<string, unknown>, TSchema extends TablesRelationalConfig> extends SingleStoreDriverSession<
  TFullSchema,
  TSchema
> {
  constructor(
    private readonly s2client: S2Client,
    dialect: SingleStoreDialect,
    private readonly relational: RelationalSchemaConfig<TSchema> | undefined,
    private readonly sessionOptions: SingleStoreDriverSessionOptions,
    private readonly probe: SingleStoreProbe,
  ) {
    super(s2client as never, dialect, relational, sessionOptions);
  }

  override prepareQuery<T extends SingleStorePreparedQueryConfig>(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    customResultMapper?: (rows: unknown[][]) => T['execute'],
    generatedIds?: Record<string, unknown>[],
    returningIds?: SelectedFieldsOrdered,
    queryMetadata?: { type: 'select' | 'update' | 'delete' | 'insert'; tables: string[] },
    cacheConfig?: WithCacheConfig,
  ): PreparedQueryKind<SingleStoreDriverPreparedQueryHKT, T> {
    const { logger = new NoopLogger(), cache = new NoopCache() } = this.sessionOptions;
    return new S2PreparedQuery<T>(
      this.s2client,
      query.sql,
      query.params,
      logger,
      cache,
      queryMetadata,
      cacheConfig,
      fields,
      customResultMapper,
      generatedIds,
      returningIds,
    ) as unknown as PreparedQueryKind<SingleStoreDriverPreparedQueryHKT, T>;
  }

  /** Whether statements go through the Data API (no transactions there). */
  isDataApi(): Promise<boolean> {
    return this.s2client.isDataApi();
  }

  override async transaction<T>(
    transaction: (tx: SingleStoreDriverTransaction<TFullSchema, TSchema>) => Promise<T>,
    config?: SingleStoreTransactionConfig,
  ): Promise<T> {
    const client = this.s2client;
    if (await client.isDataApi()) throw dataApiTransactions();
    const held = client instanceof PoolClient ? await client.getConnection() : client;
    try {
      const session = held === client ? this : new S2DrizzleSession<TFullSchema, TSchema>(held, this.dialect, this.relational, this.sessionOptions, this.probe);
      const tx = new S2DrizzleTransaction<TFullSchema, TSchema>(this.dialect, session, this.relational, 0, held.s2, this.probe);
      const setConfig = config && this.getSetTransactionSQL(config);
      if (setConfig) await tx.execute(setConfig);
      const start = config && this.getStartTransactionSQL(config);
      await tx.execute(start ?? sql`begin`);
      try {
        const result = await transaction(tx);
        await session.endTransaction('commit');
        return result;
      } catch (err) {
        await session.rollbackQuietly('rollback');
        throw err;
      }
    } finally {
      if (held !== client) held.release();
    }
  }

  /**
   * COMMIT / ROLLBACK [TO SAVEPOINT] on this session's connection, outside the caller's
   * withQueryOptions scope (see ConnectionClient.endTransaction), logged and wrapped like
   * drizzle's own statements.
   */
  async endTransaction(statement: string): Promise<void> {
    const client = this.s2client;
    if (!(client instanceof ConnectionClient)) throw new TypeError(`'${statement}' needs the session a transaction holds, not a pool`);
    (this.sessionOptions.logger ?? new NoopLogger()).logQuery(statement, []);
    try {
      await client.endTransaction(statement);
    } catch (e) {
      throw new DrizzleQueryError(statement, [], e as Error);
    }
  }

  /**
   * A rollback on the way out of a failed transaction or savepoint. Its own failure is dropped
   * so that the caller sees why the transaction failed: sent without a signal or timeout it
   * fails when the session is gone (nothing left to undo) or when the server already rolled
   * the whole transaction back (a deadlock drops the savepoints too), and a pool session still
   * in a transaction is rolled back or dropped when it is given back.
   */
  async rollbackQuietly(statement: string): Promise<void> {
    await this.endTransaction(statement).catch(() => {});
  }
}

export class S2DrizzleTransaction<TFullSchema extends Record<string, unknown>, TSchema extends TablesRelationalConfig> extends SingleStoreDriverTransaction<
  TFullSchema,
  TSchema
> {
  constructor(
    private readonly txDialect: SingleStoreDialect,
    private readonly s2session: S2DrizzleSession<TFullSchema, TSchema>,
    schema: RelationalSchemaConfig<TSchema> | undefined,
    nestedIndex: number,
    private readonly s2: ConnectionClient['s2'],
    private readonly probe: SingleStoreProbe,
  ) {
    super(txDialect, s2session as never, schema, nestedIndex);
  }

  /**
   * A nested transaction is a savepoint: MariaDB/MySQL have them, SingleStoreDB does not.
   * Written out rather than drizzle's, whose ROLLBACK TO SAVEPOINT would run under the
   * caller's scope and be refused once its signal has fired.
   */
  override async transaction<T>(transaction: (tx: SingleStoreDriverTransaction<TFullSchema, TSchema>) => Promise<T>): Promise<T> {
    if (await this.probe.of(this.s2)) {
      throw new NotSupportedError('SingleStoreDB has no savepoints: a nested transaction cannot be opened there (no SAVEPOINT was sent)');
    }
    const savepoint = `sp${this.nestedIndex + 1}`;
    const tx = new S2DrizzleTransaction<TFullSchema, TSchema>(this.txDialect, this.s2session, this.schema, this.nestedIndex + 1, this.s2, this.probe);
    await tx.execute(sql.raw(`savepoint ${savepoint}`));
    try {
      const result = await transaction(tx);
      await tx.execute(sql.raw(`release savepoint ${savepoint}`));
      return result;
    } catch (err) {
      await this.s2session.rollbackQuietly(`rollback to savepoint ${savepoint}`);
      throw err;
    }
  }
}
