import { InterfaceError, OperationalError, OptionError, ServerStatus, type QueryParams } from '@s2/base';
import { connect } from '../connect.js';
import type { Connection, ExecuteResult, QueryOptions } from '../connection/connection.js';
import type { Cursor } from '../connection/cursor.js';
import type { ConnectOptions } from '../params/index.js';

export interface PoolOptions extends ConnectOptions {
  /** Connections kept open even when idle (default 0). */
  min?: number;
  /** Most connections open at once (default 10). */
  max?: number;
  /** Idle connections above `min` are closed after this long (default 30 s). */
  idleTimeoutMs?: number;
  /** A borrower waiting longer than this gets an OperationalError (default 10 s). */
  acquireTimeoutMs?: number;
  /** Checked on checkout: 'ping' (default), 'reset' (COM_RESET_CONNECTION) or 'none'. */
  healthCheck?: 'ping' | 'reset' | 'none';
  /** `end()` waits this long for borrowed connections before closing them (default 5 s). */
  shutdownGraceMs?: number;
  /** Connection URL; the other options beat it, as with `connect(url, options)`. */
  url?: string;
}

interface Waiter {
  resolve: (c: Connection) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  /** When its acquire timeout fires (Date.now() ms). */
  deadline: number;
  /** Rejected by its timeout: a connection meant for it goes to someone else. */
  timedOut: boolean;
}

/** A borrowed connection: use it, then `release()` it (or `await using` it). */
export class PooledConnection {
  private released = false;
  constructor(readonly connection: Connection, private readonly pool: Pool) {}

  query<Row = unknown>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<Row[]> {
    return this.connection.query<Row>(sql, params, options);
  }

  execute(sql: string, params?: QueryParams): Promise<ExecuteResult> {
    return this.connection.execute(sql, params);
  }

  cursor<Row = unknown>(options?: { resultsType?: string; buffered?: boolean }): Cursor<Row> {
    return this.connection.cursor<Row>(options);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.giveBack(this.connection);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.release();
  }
}

/** A bounded set of connections shared by concurrent callers. */
export class Pool {
  private readonly idle: { conn: Connection; since: number }[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly borrowed = new Set<Connection>();
  private opening = 0;
  /** Why the most recent attempt to open a connection failed (cleared by a success). */
  private lastConnectError: Error | null = null;
  private retryDelayMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private ending = false;
  private readonly sweeper: NodeJS.Timeout;
  private readonly settings: Required<Pick<PoolOptions, 'min' | 'max' | 'idleTimeoutMs' | 'acquireTimeoutMs' | 'healthCheck' | 'shutdownGraceMs'>>;
  // ES private: the credentials never show in util.inspect or JSON.
  readonly #connectOptions: ConnectOptions;
  readonly #url: string | undefined;

  constructor(options: PoolOptions | string = {}) {
    if (typeof options === 'string') options = { url: options };
    else if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new OptionError(`createPool() takes a connection URL or an options object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
    }
    const { min = 0, max = 10, idleTimeoutMs = 30_000, acquireTimeoutMs = 10_000, healthCheck = 'ping', shutdownGraceMs = 5_000, url, ...connectOptions } = options;
    if (!(max >= 1) || min < 0 || min > max) throw new InterfaceError(`invalid pool size: min ${min}, max ${max}`);
    this.settings = { min, max, idleTimeoutMs, acquireTimeoutMs, healthCheck, shutdownGraceMs };
    this.#connectOptions = connectOptions;
    this.#url = url;
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, Math.min(idleTimeoutMs, 30_000)));
    this.sweeper.unref();
  }

  /** Connections open right now (idle + borrowed + being opened). */
  get size(): number {
    return this.idle.length + this.borrowed.size + this.opening;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** What JSON.stringify shows: sizes and settings, never credentials. */
  toJSON(): Record<string, unknown> {
    return { ...this.settings, size: this.size, idle: this.idle.length, borrowed: this.borrowed.size, waiting: this.waiters.length, ending: this.ending };
  }

  private open(): Promise<Connection> {
    return this.#url ? connect(this.#url, this.#connectOptions) : connect(this.#connectOptions);
  }

  /**
   * The health check before a connection is handed out. A server that stopped answering must
   * not hold the borrower past its acquire timeout: past `limitMs` the session is discarded.
   */
  private async checkout(conn: Connection, limitMs: number): Promise<boolean> {
    if (this.settings.healthCheck === 'none') return conn.isConnected();
    const timer = setTimeout(() => conn.destroy(), Math.max(1, limitMs));
    try {
      if (this.settings.healthCheck === 'ping') await conn.ping();
      else await conn.reset();
      return conn.isConnected();
    } catch {
      conn.destroy();
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private timeoutError(): OperationalError {
    const last = this.lastConnectError;
    return new OperationalError(
      `Timed out after ${this.settings.acquireTimeoutMs} ms waiting for a pooled connection (max ${this.settings.max})${last ? `; the last attempt to connect failed: ${last.message}` : ''}`,
      { cause: last ?? undefined },
    );
  }

  private async acquire(): Promise<Connection> {
    if (this.ending) throw new InterfaceError('The pool has been closed');
    const deadline = Date.now() + this.settings.acquireTimeoutMs;
    while (this.idle.length) {
      if (Date.now() >= deadline) throw this.timeoutError();
      const { conn } = this.idle.pop()!;
      this.borrowed.add(conn);
      if (await this.checkout(conn, deadline - Date.now())) return conn;
      this.borrowed.delete(conn);
    }
    if (this.size < this.settings.max && this.waiters.length === 0) {
      this.opening++;
      try {
        const conn = await this.open();
        this.lastConnectError = null;
        this.borrowed.add(conn);
        return conn;
      } catch (err) {
        this.lastConnectError = err as Error;
        throw err;
      } finally {
        this.opening--;
      }
    }
    return new Promise<Connection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        deadline: Date.now() + this.settings.acquireTimeoutMs,
        timedOut: false,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          waiter.timedOut = true;
          reject(this.timeoutError());
        }, this.settings.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
      this.serveWaiters();
    });
  }

  async getConnection(): Promise<PooledConnection> {
    return new PooledConnection(await this.acquire(), this);
  }

  /** Returns a connection: broken ones are dropped, open transactions rolled back. */
  giveBack(conn: Connection): void {
    void this.recycle(conn);
  }

  private async recycle(conn: Connection): Promise<void> {
    let healthy = conn.isConnected();
    if (healthy && conn.transport().session.serverStatus & ServerStatus.IN_TRANS) {
      // A rollback the server never answers must not keep the connection (and its slot) forever.
      const timer = setTimeout(() => conn.destroy(), this.settings.acquireTimeoutMs);
      try {
        await conn.rollback();
      } catch {
        healthy = false;
      } finally {
        clearTimeout(timer);
      }
    }
    if (!healthy || this.ending) {
      this.borrowed.delete(conn);
      if (conn.isConnected()) await conn.close().catch(() => {});
      else conn.destroy();
      this.serveWaiters();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      if (await this.checkout(conn, waiter.deadline - Date.now())) {
        // The waiter gave up during the check: the connection goes to the next one, or idle.
        if (waiter.timedOut) return this.recycle(conn);
        clearTimeout(waiter.timer);
        return waiter.resolve(conn);
      }
      if (waiter.timedOut) {
        this.borrowed.delete(conn);
        this.serveWaiters();
        return;
      }
      // The connection died while idle in our hands: open a fresh one for the same waiter.
      this.borrowed.delete(conn);
      this.waiters.unshift(waiter);
      this.serveWaiters();
      return;
    }
    this.borrowed.delete(conn);
    this.idle.push({ conn, since: Date.now() });
  }

  /**
   * Capacity freed up: open connections for the waiters, as many as they need and the pool
   * allows. A failed open is retried with a growing delay (up to 1 s) while anyone waits, so
   * waiters are served as soon as the server is back; each keeps its own acquire timeout,
   * whose error carries the last connect error as its cause.
   */
  private serveWaiters(): void {
    while (!this.ending && this.waiters.length > this.opening && this.size < this.settings.max) {
      this.opening++;
      this.open().then(
        (conn) => {
          this.opening--;
          this.lastConnectError = null;
          this.retryDelayMs = 0;
          const waiter = this.waiters.shift();
          if (waiter && !this.ending) {
            clearTimeout(waiter.timer);
            this.borrowed.add(conn);
            waiter.resolve(conn);
          } else if (this.ending) {
            void conn.close().catch(() => conn.destroy());
          } else {
            this.idle.push({ conn, since: Date.now() });
          }
        },
        (err: unknown) => {
          this.opening--;
          this.lastConnectError = err instanceof Error ? err : new OperationalError(String(err));
          this.retryLater();
        },
      );
    }
  }

  private retryLater(): void {
    if (this.retryTimer || this.ending || !this.waiters.length) return;
    this.retryDelayMs = Math.min(1000, Math.max(50, this.retryDelayMs * 2));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.serveWaiters();
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }

  private sweep(): void {
    const cutoff = Date.now() - this.settings.idleTimeoutMs;
    while (this.idle.length > this.settings.min && this.idle[0].since < cutoff) {
      const { conn } = this.idle.shift()!;
      void conn.close().catch(() => {});
    }
  }

  /** Borrow, run, give back. A connection broken by the query is discarded, never reused. */
  async query<Row = unknown>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<Row[]> {
    const pooled = await this.getConnection();
    try {
      return await pooled.query<Row>(sql, params, options);
    } finally {
      pooled.release();
    }
  }

  async execute(sql: string, params?: QueryParams): Promise<ExecuteResult> {
    const pooled = await this.getConnection();
    try {
      return await pooled.execute(sql, params);
    } finally {
      pooled.release();
    }
  }

  /** Refuses new borrowers, closes idle connections, waits (up to the grace period) for borrowed ones. */
  async end(): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    clearInterval(this.sweeper);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new InterfaceError('The pool has been closed'));
    }
    await Promise.all(this.idle.splice(0).map(({ conn }) => conn.close().catch(() => {})));
    const deadline = Date.now() + this.settings.shutdownGraceMs;
    while (this.borrowed.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const conn of this.borrowed) conn.destroy();
    this.borrowed.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.end();
  }
}

/**
 * A pool from a connection URL (`createPool('mysql://user:pw@host/db')`, as with `connect()`),
 * an options object, or both (`createPool(url, { max: 4 })`; the options beat the URL).
 */
export function createPool(urlOrOptions: PoolOptions | string = {}, options?: PoolOptions): Pool {
  if (typeof urlOrOptions === 'string' && options !== undefined) return new Pool({ ...options, url: urlOrOptions });
  return new Pool(urlOrOptions);
}
