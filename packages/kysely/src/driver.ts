import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';
import { CompiledQuery } from 'kysely';
import { createPool, NotSupportedError, type Connection, type Pool, type PoolOptions, type PooledConnection } from '@s2/core';
import { S2KyselyConnection } from './connection.js';
import { TraitsProbe, type ServerTraits } from './server-traits.js';

/** Where the dialect gets its sessions: exactly one of `pool`, `connection` or `url`. */
export interface S2ConnectionSource {
  /** An s2 pool: a session is borrowed per query (or per transaction) and given back. */
  pool?: Pool | (() => Promise<Pool>);
  /** One s2 connection, lent to one query or transaction at a time. */
  connection?: Connection | (() => Promise<Connection>);
  /** Or a connection URL (`mysql://…` for the wire, `http(s)://…` for the Data API): the dialect opens its own pool. */
  url?: string;
  /** Options of the pool opened for `url` (sizes, timeouts, connect options). */
  poolOptions?: Omit<PoolOptions, 'url'>;
}

export interface S2DriverConfig extends S2ConnectionSource {
  /** true: SingleStoreDB rules (no savepoints, table-based migration lock); false: MySQL/MariaDB rules. Default: detected from `@@memsql_version`. */
  singlestore?: boolean;
  /** Default per-statement timeout in milliseconds (`withQueryOptions` overrides it). */
  timeoutMs?: number;
  /** Called once for each new session, before its first use. */
  onCreateConnection?: (connection: DatabaseConnection) => Promise<void>;
}

/** Hands out sessions one at a time from a single connection. */
class SingleConnectionLender {
  private queue: Promise<void> = Promise.resolve();
  constructor(readonly conn: Connection) {}

  async lend(): Promise<() => void> {
    let done!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((r) => (done = r));
    await previous;
    return done;
  }
}

const quoteIdentifier = (name: string) => '`' + name.replaceAll('`', '``') + '`';

export class S2Driver implements Driver {
  private pool: Pool | undefined;
  private single: SingleConnectionLender | undefined;
  private readonly wrappers = new WeakMap<Connection, S2KyselyConnection>();
  private readonly returns = new WeakMap<S2KyselyConnection, () => void>();
  readonly probe: TraitsProbe;

  constructor(private readonly config: S2DriverConfig) {
    const given = [config.pool, config.connection, config.url].filter((x) => x !== undefined).length;
    if (given !== 1) throw new TypeError('S2Dialect needs exactly one of pool, connection or url');
    this.probe = new TraitsProbe(config.singlestore);
  }

  async init(): Promise<void> {
    const { pool, connection, url, poolOptions } = this.config;
    if (pool) this.pool = typeof pool === 'function' ? await pool() : pool;
    else if (connection) this.single = new SingleConnectionLender(typeof connection === 'function' ? await connection() : connection);
    else this.pool = createPool({ ...poolOptions, url });
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let conn: Connection;
    let giveBack: () => void;
    if (this.single) {
      giveBack = await this.single.lend();
      conn = this.single.conn;
    } else {
      const pooled: PooledConnection = await this.pool!.getConnection();
      conn = pooled.connection;
      giveBack = () => pooled.release();
    }
    try {
      await this.probe.of(conn);
      let wrapper = this.wrappers.get(conn);
      if (!wrapper) {
        wrapper = new S2KyselyConnection(conn, this.config.timeoutMs);
        this.wrappers.set(conn, wrapper);
        await this.config.onCreateConnection?.(wrapper);
      }
      this.returns.set(wrapper, giveBack);
      return wrapper;
    } catch (e) {
      giveBack();
      throw e;
    }
  }

  private async traitsOf(connection: DatabaseConnection): Promise<ServerTraits> {
    return this.probe.of((connection as S2KyselyConnection).connection);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if ((await this.traitsOf(connection)).dataApi) {
      throw new NotSupportedError('transactions need a wire (mysql://) connection: the Data API runs every statement on its own');
    }
    const parts: string[] = [];
    if (settings.isolationLevel) parts.push(`isolation level ${settings.isolationLevel}`);
    if (settings.accessMode) parts.push(settings.accessMode);
    if (parts.length) await connection.executeQuery(CompiledQuery.raw(`set transaction ${parts.join(', ')}`));
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  // Kysely rolls back, then rethrows the error that failed the transaction; a rollback sent
  // under that same scope would be refused and its error thrown instead (see endTransaction).
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as S2KyselyConnection).endTransaction('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as S2KyselyConnection).endTransaction('rollback');
  }

  private async savepointCommand(connection: DatabaseConnection, command: string, name: string): Promise<void> {
    if ((await this.traitsOf(connection)).singlestore) {
      throw new NotSupportedError(`SingleStoreDB has no savepoints: '${command}' was not sent (nested transactions cannot roll back partially there)`);
    }
    const statement = `${command} ${quoteIdentifier(name)}`;
    if (command === 'rollback to savepoint') await (connection as S2KyselyConnection).endTransaction(statement);
    else await connection.executeQuery(CompiledQuery.raw(statement));
  }

  savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    return this.savepointCommand(connection, 'savepoint', name);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    return this.savepointCommand(connection, 'rollback to savepoint', name);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    return this.savepointCommand(connection, 'release savepoint', name);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const giveBack = this.returns.get(connection as S2KyselyConnection);
    this.returns.delete(connection as S2KyselyConnection);
    giveBack?.();
  }

  /** Ends the pool (borrowed sessions get its grace period) or closes the single connection. */
  async destroy(): Promise<void> {
    if (this.pool) {
      const pool = this.pool;
      this.pool = undefined;
      await pool.end();
    } else if (this.single) {
      const { conn } = this.single;
      this.single = undefined;
      if (conn.isConnected()) await conn.close();
    }
  }
}
