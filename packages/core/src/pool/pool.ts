import { InterfaceError, OperationalError, OptionError, ServerStatus, type QueryParams } from '@s2/base';
import { connect } from '../connect.js';
import type { Connection, ExecuteResult, QueryOptions } from '../connection/connection.js';
import type { Cursor } from '../connection/cursor.js';
import type { ConnectOptions } from '../params/index.js';
import { diedBeforeSending, sentSoFar } from './sent-nothing.js';
import { isShareableSession, isShareableStatement } from './shared-statements.js';
import { WaiterQueue, type Waiter } from './waiter-queue.js';

export interface PoolOptions extends ConnectOptions {
  /** Connections kept open even when idle (default 0). */
  min?: number;
  /** Most connections open at once (default 10). */
  max?: number;
  /** Idle connections above `min` are closed after this long (default 30 s). */
  idleTimeoutMs?: number;
  /** A borrower waiting longer than this gets an OperationalError (default 10 s). */
  acquireTimeoutMs?: number;
  /**
   * Checked on checkout: 'ping' (default: a COM_PING, for connections idle at least
   * `healthCheckIdleMs`), 'reset' (COM_RESET_CONNECTION on every checkout, then the pool's
   * database selected again and the session setup rerun: user variables, session variables and
   * temporary tables of earlier borrowers are gone) or 'none'. Whatever the mode, a connection
   * whose socket is known closed is discarded without a round trip, and what release() restores
   * (see Pool.giveBack) is restored.
   */
  healthCheck?: 'ping' | 'reset' | 'none';
  /**
   * With `healthCheck: 'ping'`, only connections idle at least this long are pinged (default
   * 5,000 ms; 0 pings on every checkout). A connection handed straight from one borrower to
   * the next is never pinged.
   */
  healthCheckIdleMs?: number;
  /** `end()` waits this long for borrowed connections before closing them (default 5 s). */
  shutdownGraceMs?: number;
  /** Connection URL; the other options beat it, as with `connect(url, options)`. */
  url?: string;
  /**
   * Most one-shot statements (`pool.query` / `pool.execute`) in flight on one connection at
   * once (default 16; 1 turns pipelining off). Once every connection is busy and the pool is at
   * `max`, further statements are written behind the running ones on the least-loaded
   * connection and their answers read in turn, so one socket write and one read carry several.
   * Only statements that cannot change what the ones behind them do are shared: SELECT, INSERT,
   * UPDATE, DELETE, REPLACE and WITH, without a signal or timeout, not naming LOAD, on a session
   * in autocommit mode outside a transaction; a statement behind a slow one waits for it.
   * Connections from getConnection() are never shared, nor any when the health check runs on
   * every checkout (`healthCheck: 'reset'`, or `healthCheckIdleMs: 0`).
   */
  pipelineDepth?: number;
}

type PoolSettings = Required<
  Pick<PoolOptions, 'min' | 'max' | 'idleTimeoutMs' | 'acquireTimeoutMs' | 'healthCheck' | 'healthCheckIdleMs' | 'shutdownGraceMs' | 'pipelineDepth'>
>;

/** The option that lets the wire connector write a statement behind running ones. */
const PIPELINED: QueryOptions = { pipelined: true } as QueryOptions;

/** What release() puts back: the session as opened. */
interface OpenedSession {
  autocommit: boolean;
  database: string | null;
}

interface IdleConnection {
  conn: Connection;
  /** When it was given back (Date.now() ms). */
  since: number;
}

/** A borrowed connection: use it, then `release()` it (or `await using` it). */
export class PooledConnection {
  private released = false;
  constructor(
    readonly connection: Connection,
    private readonly pool: Pool,
  ) {}

  query<Row = unknown>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<Row[]> {
    return this.live().query<Row>(sql, params, options);
  }

  execute(sql: string, params?: QueryParams): Promise<ExecuteResult> {
    return this.live().execute(sql, params);
  }

  cursor<Row = unknown>(options?: { resultsType?: string; buffered?: boolean }): Cursor<Row> {
    return this.live().cursor<Row>(options);
  }

  /** The session, while this handle holds it: after release() it may be another borrower's. */
  private live(): Connection {
    if (this.released) throw new InterfaceError('this pooled connection has been released; borrow another with getConnection()');
    return this.connection;
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

function checkSettings(s: PoolSettings): void {
  if (!(s.max >= 1) || !(s.min >= 0) || s.min > s.max) throw new InterfaceError(`invalid pool size: min ${s.min}, max ${s.max}`);
  if (!['ping', 'reset', 'none'].includes(s.healthCheck)) throw new OptionError(`healthCheck must be 'ping', 'reset' or 'none', got ${String(s.healthCheck)}`);
  if (typeof s.healthCheckIdleMs !== 'number' || !(s.healthCheckIdleMs >= 0)) {
    throw new OptionError(`healthCheckIdleMs must be a number of milliseconds >= 0, got ${String(s.healthCheckIdleMs)}`);
  }
  if (!Number.isInteger(s.pipelineDepth) || s.pipelineDepth < 1) {
    throw new OptionError(`pipelineDepth must be an integer >= 1 (1: no pipelining), got ${String(s.pipelineDepth)}`);
  }
}

/** A bounded set of connections shared by concurrent callers. */
export class Pool {
  /** A stack: the most recently used connection goes out first (the least likely to need a ping). */
  private readonly idle: IdleConnection[] = [];
  /** Each connection's autocommit mode and database as opened, restored when a borrower changed them. */
  private readonly opened = new WeakMap<Connection, OpenedSession>();
  private readonly waiters = new WaiterQueue();
  /** Fires at the deadline of the head waiter (see WaiterQueue). */
  private waitTimer: NodeJS.Timeout | null = null;
  private readonly borrowed = new Set<Connection>();
  /** Borrowed connections running one-shot statements that others may join, with how many each. */
  private readonly riders = new Map<Connection, number>();
  private opening = 0;
  /** Why the most recent attempt to open a connection failed (cleared by a success). */
  private lastConnectError: Error | null = null;
  private retryDelayMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private ending = false;
  private readonly sweeper: NodeJS.Timeout;
  private readonly settings: PoolSettings;
  /** One-shot statements may share connections (pipelineDepth > 1, no check on every checkout). */
  private readonly pipelines: boolean;
  // ES private: the credentials never show in util.inspect or JSON.
  readonly #connectOptions: ConnectOptions;
  readonly #url: string | undefined;

  constructor(options: PoolOptions | string = {}) {
    if (typeof options === 'string') options = { url: options };
    else if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new OptionError(
        `createPool() takes a connection URL or an options object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
      );
    }
    const {
      min = 0,
      max = 10,
      idleTimeoutMs = 30_000,
      acquireTimeoutMs = 10_000,
      healthCheck = 'ping',
      healthCheckIdleMs = 5_000,
      shutdownGraceMs = 5_000,
      pipelineDepth = 16,
      url,
      ...connectOptions
    } = options;
    this.settings = { min, max, idleTimeoutMs, acquireTimeoutMs, healthCheck, healthCheckIdleMs, shutdownGraceMs, pipelineDepth };
    checkSettings(this.settings);
    // A mode that checks every checkout gives each statement a session of its own.
    this.pipelines = pipelineDepth > 1 && this.needsCheck(Date.now()) === false;
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

  private async open(): Promise<Connection> {
    const conn = await (this.#url ? connect(this.#url, this.#connectOptions) : connect(this.#connectOptions));
    this.openedOf(conn);
    return conn;
  }

  /** Whether a connection idle since `since` gets a round trip before it is handed out. */
  private needsCheck(since: number): boolean {
    const mode = this.settings.healthCheck;
    if (mode === 'none') return false;
    if (mode === 'reset') return true;
    return Date.now() - since >= this.settings.healthCheckIdleMs;
  }

  /**
   * The round-trip health check before a connection is handed out. A server that stopped
   * answering must not hold the borrower past its acquire timeout: past `limitMs` the session
   * is discarded.
   */
  private async check(conn: Connection, limitMs: number): Promise<boolean> {
    const timer = setTimeout(() => conn.destroy(), Math.max(1, limitMs));
    try {
      if (this.settings.healthCheck === 'reset') await conn.reset();
      // No reconnect inside the check: a dead session is discarded and its slot refilled by open().
      else await conn.ping(false);
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

  /**
   * The most recently used idle connection when it needs no round trip, taken without a
   * promise (the busy-pool case); null when a check, an open or a wait is needed. Idle
   * connections known closed are dropped on the way.
   */
  private takeReady(): Connection | null {
    while (this.idle.length && !this.ending) {
      const top = this.idle[this.idle.length - 1];
      if (!top.conn.isConnected()) {
        this.idle.pop();
        top.conn.destroy();
        continue;
      }
      if (this.needsCheck(top.since)) return null;
      this.idle.pop();
      this.borrowed.add(top.conn);
      return top.conn;
    }
    return null;
  }

  /** A connection for one borrower; `shared`: for a one-shot statement others may join (see feed). */
  private async acquire(shared = false): Promise<Connection> {
    if (this.ending) throw new InterfaceError('The pool has been closed');
    const deadline = Date.now() + this.settings.acquireTimeoutMs;
    while (this.idle.length) {
      if (Date.now() >= deadline) throw this.timeoutError();
      const { conn, since } = this.idle.pop()!;
      // Closed by the server (wait_timeout, KILL) and already noticed: no round trip needed.
      if (!conn.isConnected()) {
        conn.destroy();
        continue;
      }
      this.borrowed.add(conn);
      if (!this.needsCheck(since) || (await this.check(conn, deadline - Date.now()))) {
        if (shared) this.riders.set(conn, 1);
        return conn;
      }
      this.borrowed.delete(conn);
    }
    if (this.size < this.settings.max && this.waiters.length === 0) {
      // With no time left (a health check took it) the borrower times out at once, and the
      // connection opened in the background replaces the one discarded.
      const conn = await this.openWithin(deadline);
      if (this.ending) {
        void conn.close().catch(() => conn.destroy());
        throw new InterfaceError('The pool has been closed');
      }
      this.borrowed.add(conn);
      // Waiters join it once this statement is under way (feed on alight), behind it.
      if (shared) this.riders.set(conn, 1);
      return conn;
    }
    return this.enqueue(deadline, shared);
  }

  /**
   * Opens a connection for a borrower, who waits no longer than its acquire timeout: past it
   * the borrower gets the timeout error and the login goes on in the background, its
   * connection then kept like any other opened for the waiters (see adopt).
   */
  private openWithin(deadline: number): Promise<Connection> {
    this.opening++;
    const opening = this.open().then(
      (conn) => {
        this.opening--;
        this.lastConnectError = null;
        this.retryDelayMs = 0;
        return conn;
      },
      (err: unknown) => {
        this.opening--;
        this.lastConnectError = err instanceof Error ? err : new OperationalError(String(err));
        throw err;
      },
    );
    return new Promise<Connection>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(
        () => {
          late = true;
          reject(this.timeoutError());
          opening.then(
            (conn) => this.adopt(conn),
            () => this.retryLater(),
          );
        },
        Math.max(0, deadline - Date.now()),
      );
      opening.then(
        (conn) => {
          if (late) return;
          clearTimeout(timer);
          resolve(conn);
        },
        (err: unknown) => {
          if (late) return;
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** A connection opened for nobody in particular: the next waiter's, else idle; closed if the pool is ending. */
  private adopt(conn: Connection): void {
    if (this.ending) {
      void conn.close().catch(() => conn.destroy());
      return;
    }
    const waiter = this.nextWaiter();
    if (waiter) {
      this.borrowed.add(conn);
      this.deliver(conn, waiter);
    } else {
      this.idle.push({ conn, since: Date.now() });
    }
  }

  /** Joins the waiters, served first come, first served (see handOver, feed, serveWaiters). */
  private enqueue(deadline: number, shared: boolean): Promise<Connection> {
    return new Promise<Connection>((resolve, reject) => {
      this.waiters.push({ resolve, reject, deadline, shared });
      this.armWaitTimer();
      this.serveWaiters();
    });
  }

  /**
   * A shared statement that has to wait: straight into the queue when nothing could be opened
   * or checked for it now (a busy pool: no async acquire() per statement).
   */
  private waitShared(): Promise<Connection> {
    if (this.ending || this.idle.length || (this.size < this.settings.max && this.waiters.length === 0)) return this.acquire(true);
    return this.enqueue(Date.now() + this.settings.acquireTimeoutMs, true);
  }

  private armWaitTimer(): void {
    const head = this.waiters.peek();
    if (this.waitTimer || !head) return;
    this.waitTimer = setTimeout(() => this.expireWaiters(), Math.max(0, head.deadline - Date.now()));
  }

  /** Rejects the waiters whose acquire timeout has passed (all at the head), then re-arms. */
  private expireWaiters(): void {
    this.waitTimer = null;
    const now = Date.now();
    for (let head = this.waiters.peek(); head && head.deadline <= now; head = this.waiters.peek()) {
      this.waiters.shift();
      head.reject(this.timeoutError());
    }
    this.armWaitTimer();
  }

  /** The next waiter; the timer stops once nobody waits (it would hold the process open). */
  private nextWaiter(): Waiter | undefined {
    const waiter = this.waiters.shift();
    if (this.waiters.length === 0 && this.waitTimer) {
      clearTimeout(this.waitTimer);
      this.waitTimer = null;
    }
    return waiter;
  }

  async getConnection(): Promise<PooledConnection> {
    return new PooledConnection(await this.acquire(), this);
  }

  /**
   * Returns a connection: broken ones are dropped; an unread streaming result is drained, an
   * open transaction rolled back, a changed autocommit mode restored and the database the
   * connection was opened with selected again (the transport's session.database: after
   * selectDb(), any USE the server reported through session tracking, or else a lone USE
   * statement) before anyone else gets it. A connection opened without a
   * database that has since selected one is closed instead: none can be unselected.
   */
  giveBack(conn: Connection): void {
    if (this.ending || !conn.isConnected() || this.needsCleanup(conn)) void this.recycle(conn);
    else void this.handOver(conn);
  }

  /** Whether the session differs from a freshly opened one in a way the next borrower would feel. */
  private needsCleanup(conn: Connection): boolean {
    const link = conn.transport();
    if (link.streamOpen || link.busy || link.pendingError) return true;
    const opened = this.openedOf(conn);
    const status = link.session.serverStatus;
    return (
      (status & ServerStatus.IN_TRANS) !== 0 || ((status & ServerStatus.AUTOCOMMIT) !== 0) !== opened.autocommit || link.session.database !== opened.database
    );
  }

  /** The autocommit mode and database the connection had when it was opened (what the pool's options asked for). */
  private openedOf(conn: Connection): OpenedSession {
    let session = this.opened.get(conn);
    if (session === undefined) {
      session = { autocommit: conn.getAutocommit(), database: conn.transport().session.database };
      this.opened.set(conn, session);
    }
    return session;
  }

  /** The slow way back: drain, roll back, restore autocommit and database, or the connection is dropped. */
  private async recycle(conn: Connection): Promise<void> {
    let healthy = conn.isConnected();
    if (healthy && this.needsCleanup(conn)) {
      // A server that never answers must not keep the connection (and its slot) forever.
      const timer = setTimeout(() => conn.destroy(), this.settings.acquireTimeoutMs);
      try {
        healthy = await this.restore(conn);
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
    return this.handOver(conn);
  }

  /** Puts the session back as it was opened; false when it cannot be. */
  private async restore(conn: Connection): Promise<boolean> {
    const link = conn.transport();
    const opened = this.openedOf(conn);
    // An unread stream holds the session until drained (so it is drained before the wait below).
    if (link.streamOpen) await link.drainStream?.();
    // A cancelled statement the server has not ended yet: the next borrower would queue behind
    // it, and lose the session under its own statement if the server never ends it.
    if (link.busy) await link.whenIdle?.();
    if (!conn.isConnected()) return false;
    // A borrower's unread multi-statement error is not the next borrower's.
    link.dropPendingError?.();
    if (link.session.serverStatus & ServerStatus.IN_TRANS) await conn.rollback();
    await conn.autocommit(opened.autocommit);
    if (link.session.database !== opened.database) {
      if (opened.database === null) return false;
      await conn.selectDb(opened.database);
    }
    return conn.isConnected() && !link.streamOpen;
  }

  /**
   * A healthy returned connection goes to the next waiter, or idle. It was in use a moment
   * ago, so it gets no round trip unless the mode asks for one on every checkout ('reset', or
   * 'ping' with healthCheckIdleMs 0): the common case stays synchronous.
   */
  private handOver(conn: Connection): Promise<void> | undefined {
    const waiter = this.nextWaiter();
    if (!waiter) {
      this.borrowed.delete(conn);
      this.idle.push({ conn, since: Date.now() });
      return undefined;
    }
    if (!this.needsCheck(Date.now())) {
      this.deliver(conn, waiter);
      return undefined;
    }
    return this.checkedHandOver(conn, waiter);
  }

  /**
   * The check is bounded by the waiter's deadline (past it the session is discarded), so a
   * waiter taken off the queue for it still gets its timeout error on time.
   */
  private async checkedHandOver(conn: Connection, waiter: Waiter): Promise<void> {
    if (await this.check(conn, waiter.deadline - Date.now())) return this.deliver(conn, waiter);
    this.borrowed.delete(conn);
    // The connection died in our hands: the waiter goes back to the front (its timer rejects
    // it if its time is up) and a fresh connection is opened for it.
    this.waiters.unshift(waiter);
    this.armWaitTimer();
    this.serveWaiters();
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
          this.adopt(conn);
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
    // The bottom of the stack has been idle longest.
    let stale = 0;
    while (stale < this.idle.length - this.settings.min && this.idle[stale].since < cutoff) stale++;
    for (const { conn } of this.idle.splice(0, stale)) void conn.close().catch(() => {});
  }

  /**
   * Borrow, run, give back. A connection broken by the query is discarded, never reused. One
   * that turns out dead before any byte of the statement was sent (its close not yet noticed
   * at checkout) is replaced and the statement runs once more on another connection.
   */
  private async run<T>(work: (conn: Connection) => Promise<T>, shared = false): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      // shared: a statement that may ride a connection with others in flight (pipelining).
      const conn = shared ? (this.rideNow() ?? (await this.waitShared())) : (this.takeReady() ?? (await this.acquire()));
      const sent = sentSoFar(conn);
      let ran = false;
      try {
        const result = await work(conn);
        ran = true;
        // With autocommit off a one-shot statement leaves its transaction open, and giving the
        // connection back would roll it back after reporting success: the statement is its own
        // unit of work, so it is committed. (A COMMIT that fails is never a reason to run the
        // statement again.)
        if (conn.isConnected() && conn.transport().session.serverStatus & ServerStatus.IN_TRANS && !conn.getAutocommit()) await conn.commit();
        return result;
      } catch (err) {
        if (ran || attempt > 0 || !diedBeforeSending(sent, err)) throw err;
      } finally {
        if (shared) this.alight(conn);
        else this.giveBack(conn);
      }
    }
  }

  /**
   * Hands a borrowed connection to a waiter. One that may share it brings the shared waiters
   * behind it along, resolved after it so that their statements go out behind its own, in the
   * order of the calls.
   */
  private deliver(conn: Connection, waiter: Waiter): void {
    if (!waiter.shared) return waiter.resolve(conn);
    this.riders.set(conn, 1);
    waiter.resolve(conn);
    this.feed(conn);
  }

  /**
   * Lets waiting one-shot statements join a shared connection, up to the depth. Only from the
   * head of the queue: behind a borrower that needs a connection of its own the connection is
   * left to empty, so that borrower is served (it is not overtaken for ever).
   */
  private feed(conn: Connection): void {
    let n = this.riders.get(conn) ?? 0;
    const depth = this.settings.pipelineDepth;
    if (n >= depth || !this.waiters.peek()?.shared || !isShareableSession(conn)) return;
    for (let head = this.waiters.peek(); n < depth && head?.shared; head = this.waiters.peek()) {
      this.nextWaiter();
      n++;
      head.resolve(conn);
    }
    this.riders.set(conn, n);
  }

  /**
   * A connection for a one-shot statement that may share it, taken without a promise and
   * counted as one more on it: an idle one, else (at max, nobody waiting) the least-loaded
   * shared one below the depth. Null: a new one is opened or the statement waits its turn.
   */
  private rideNow(): Connection | null {
    const ready = this.takeReady();
    if (ready) {
      this.riders.set(ready, 1);
      return ready;
    }
    if (this.waiters.length === 0 && this.size >= this.settings.max) {
      let best: Connection | null = null;
      let least = this.settings.pipelineDepth;
      for (const [conn, n] of this.riders) {
        if (n < least && isShareableSession(conn)) {
          best = conn;
          least = n;
        }
      }
      if (best) this.riders.set(best, least + 1);
      return best;
    }
    return null;
  }

  /** A one-shot statement is done with its shared connection; the last one gives it back. */
  private alight(conn: Connection): void {
    const n = (this.riders.get(conn) ?? 1) - 1;
    if (n > 0) {
      this.riders.set(conn, n);
      this.feed(conn);
      return;
    }
    this.riders.delete(conn);
    this.giveBack(conn);
  }

  query<Row = unknown>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<Row[]> {
    if (this.pipelines && isShareableStatement(sql, options)) {
      const shared = options ? ({ ...options, pipelined: true } as QueryOptions) : PIPELINED;
      return this.run((conn) => conn.query<Row>(sql, params, shared), true);
    }
    return this.run((conn) => conn.query<Row>(sql, params, options));
  }

  execute(sql: string, params?: QueryParams): Promise<ExecuteResult> {
    if (this.pipelines && isShareableStatement(sql, undefined)) return this.run((conn) => conn.execute(sql, params, PIPELINED), true);
    return this.run((conn) => conn.execute(sql, params));
  }

  /**
   * Refuses new borrowers, closes idle connections, waits (up to the grace period) for borrowed
   * ones and for those being opened (a login that ends later closes its connection).
   */
  async end(): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    clearInterval(this.sweeper);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    for (const w of this.waiters.takeAll()) w.reject(new InterfaceError('The pool has been closed'));
    await Promise.all(this.idle.splice(0).map(({ conn }) => conn.close().catch(() => {})));
    const deadline = Date.now() + this.settings.shutdownGraceMs;
    while ((this.borrowed.size || this.opening) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const conn of this.borrowed) conn.destroy();
    this.borrowed.clear();
    this.riders.clear();
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
