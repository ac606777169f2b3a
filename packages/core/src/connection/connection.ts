import { resultFormat } from '../results/formats.js';
import {
  errorClasses,
  options,
  escapeLiteral,
  InterfaceError,
  OperationalError,
  ParameterError,
  S2Error,
  ServerStatus,
  pureDecoder,
  type BatchDecoder,
  type FormatContext,
  type QueryParams,
  type SqlTransport,
} from '@s2/base';
import { ShowAccessor } from '../accessors/show.js';
import { VariableAccessor } from '../accessors/variables.js';
import { normalizeResultsType, resolveConnectParams, type ResolvedConnectParams } from '../params/index.js';
import { runLoad, type LoadOptions, type LoadResult, type LoadSource } from '../load/index.js';
import { Cursor, type ExecuteOptions, type ExecutemanyOptions } from './cursor.js';

export interface QueryOptions extends ExecuteOptions {
  /** Row shape for this call only ('tuples', 'objects', 'namedtuples', or a registered format). */
  resultsType?: string;
}

export interface StreamFramesOptions {
  /** A frame format: 'columns' (default), or 'arrow' / 'polars' once their package is imported. */
  resultsType?: string;
  /** Rows per frame (default 65,536, or 8,192 for `columns` results with per-cell JS values: strings, dates, JSON); the last frame may be shorter. */
  batchRows?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Default rows per frame of `streamFrames`. */
export const DEFAULT_FRAME_ROWS = 65_536;

/** Summary of a statement run with `execute`. */
export interface ExecuteResult {
  rowcount: number;
  lastrowid: number | bigint | null;
  warningCount: number;
}

const closedConnection = () => new InterfaceError('The connection has been closed', { errno: 0 });

/** A session with the database, over whichever connector `connect()` chose. */
export class Connection {
  /** The error classes, as attributes (`conn.errors.ProgrammingError`). */
  readonly errors = errorClasses;
  readonly show: ShowAccessor;
  readonly locals: VariableAccessor;
  readonly globals: VariableAccessor;
  readonly clusterLocals: VariableAccessor;
  readonly clusterGlobals: VariableAccessor;
  /** Variables without a scope keyword (`SHOW VARIABLES`, `SET name = …`). */
  readonly vars: VariableAccessor;
  /** `SHOW CLUSTER VARIABLES` / `SET CLUSTER name = …` (SingleStore). */
  readonly clusterVars: VariableAccessor;
  private closed = false;
  /** A reconnect under way, shared by concurrent pings. */
  private reconnecting: Promise<void> | null = null;
  /** SINGLESTOREDB_URL as last seen, for track_env. */
  private trackedUrl: string | undefined;
  /** The resolved parameters, without the password. */
  readonly params: Readonly<ResolvedConnectParams>;
  // ES private: invisible to util.inspect, JSON and enumeration; only reconnects read it.
  #password: string | undefined;

  constructor(
    private link: SqlTransport,
    params: Readonly<ResolvedConnectParams>,
    /** Opens a new session with other parameters (track_env reconnects). */
    private readonly reopen?: (params: ResolvedConnectParams) => Promise<SqlTransport>,
    /** The batch decoder chosen at connect (the addon's or the TypeScript one), used by every cursor. */
    readonly decoder: BatchDecoder = pureDecoder,
  ) {
    this.#password = params.password;
    this.params = { ...params, password: undefined };
    this.trackedUrl = params.trackEnv ? process.env.SINGLESTOREDB_URL : undefined;
    this.show = new ShowAccessor(this);
    this.locals = new VariableAccessor(this, 'local');
    this.globals = new VariableAccessor(this, 'global');
    this.clusterLocals = new VariableAccessor(this, 'cluster local');
    this.clusterGlobals = new VariableAccessor(this, 'cluster global');
    this.vars = new VariableAccessor(this, '');
    this.clusterVars = new VariableAccessor(this, 'cluster');
  }

  /**
   * track_env (wire.md §4.10, the environment-variable part): before a statement, a changed
   * SINGLESTOREDB_URL that names another host, port, user or database moves the connection
   * there; a password-only change does not reconnect.
   */
  async syncWithEnvironment(): Promise<void> {
    if (!this.params.trackEnv || this.closed) return;
    const url = process.env.SINGLESTOREDB_URL;
    if (!url || url === this.trackedUrl) return;
    const next = resolveConnectParams(url, { trackEnv: true });
    if (next.host === 'singlestore.com') throw new InterfaceError('Connection URL has not been established', { errno: 0 });
    this.trackedUrl = url;
    const cur = this.params;
    if (next.host === cur.host && next.port === cur.port && next.user === cur.user && next.database === cur.database && next.driver === cur.driver) return;
    if (!this.reopen) return;
    await this.retarget({ host: next.host, port: next.port, user: next.user, password: next.password, database: next.database, driver: next.driver });
  }

  /**
   * Moves this connection to another server, user or database: a new session replaces the
   * current one (the password is kept unless given). Used by track_env and by Fusion's
   * USE CLUSTER / USE WORKSPACE.
   */
  async retarget(changes: Partial<Pick<ResolvedConnectParams, 'host' | 'port' | 'user' | 'password' | 'database' | 'driver'>>): Promise<void> {
    if (!this.reopen) throw new InterfaceError('This connection cannot be moved to another server', { errno: 0 });
    const cur = this.params;
    const password = 'password' in changes ? changes.password : this.#password;
    await this.replaceLink({ ...cur, ...changes, password, resultsType: cur.resultsType });
    this.#password = password;
    (this as { params: ResolvedConnectParams }).params = { ...cur, ...changes, password: undefined };
  }

  /** Opens a new session with `next` and swaps it in for the current one, which is closed. */
  private async replaceLink(next: ResolvedConnectParams): Promise<void> {
    if (!this.reopen) throw new InterfaceError('This connection cannot open a new session', { errno: 0 });
    const link = await this.reopen(next);
    // Closed (or discarded by a pool's deadline) while the new session was opening: it is not wanted.
    if (this.closed) {
      link.destroy();
      throw closedConnection();
    }
    const old = this.link;
    this.link = link;
    await old.close().catch(() => old.destroy());
  }

  /** What JSON.stringify shows: where the session goes, never its credentials. */
  toJSON(): Record<string, unknown> {
    const p = this.params;
    return { driver: p.driver, host: p.host, port: p.port, user: p.user, database: p.database, connected: this.isConnected() };
  }

  /** The underlying connector; throws once the connection is closed. */
  transport(): SqlTransport {
    if (this.closed) throw closedConnection();
    // Closed by the server (wait_timeout, KILL CONNECTION) or discarded after a deadline.
    if (!this.link.isOpen) throw new OperationalError('MySQL server has gone away: the session was closed by the server or discarded', { errno: 2006 });
    return this.link;
  }

  isConnected(): boolean {
    return !this.closed && this.link.isOpen;
  }

  get serverVersion(): string {
    return this.link.session.serverVersion;
  }

  get connectionId(): number {
    return this.link.session.connectionId;
  }

  /** How parameters are rendered on this session (escaping mode follows the server status). */
  literalContext(): FormatContext {
    const p = this.params;
    return {
      noBackslashEscapes: (this.link.session.serverStatus & ServerStatus.NO_BACKSLASH_ESCAPES) !== 0,
      timezone: p.timezone ?? 'local',
      nanAsNull: p.nanAsNull,
      infAsNull: p.infAsNull,
      interpolateWithEmptyArgs: p.interpolateQueryWithEmptyArgs,
    };
  }

  literal(value: unknown): string {
    return escapeLiteral(value, this.literalContext());
  }

  /** Alias of `literal`, as in the SingleStoreDB Python SDK (singlestoredb 1.18.1). */
  escape(value: unknown): string {
    return this.literal(value);
  }

  debugQuery(sql: string): void {
    if (options.get('debug.queries')) process.stderr.write(`[QUERY] ${sql}\n`);
  }

  cursor<Row = unknown>(options: { resultsType?: string; buffered?: boolean } = {}): Cursor<Row> {
    // Per call, the same spellings as connect() ('dicts', 'numpy', 'pyarrow'...).
    const resultsType = options.resultsType ? normalizeResultsType(options.resultsType) : this.params.resultsType;
    return new Cursor<Row>(this, options.buffered ?? this.params.buffered !== false, resultsType);
  }

  mogrify(sql: string, params?: QueryParams): string {
    return this.cursor().mogrify(sql, params);
  }

  /** Runs one statement and returns its rows (an empty array for statements without a result set). */
  async query<Row = unknown>(sql: string, params?: QueryParams, options: QueryOptions = {}): Promise<Row[]> {
    // Internal cursor: every row is taken at once, so it needs no fetchmany size.
    const resultsType = options.resultsType ? normalizeResultsType(options.resultsType) : this.params.resultsType;
    const cur = new Cursor<Row>(this, true, resultsType, 1);
    try {
      await cur.execute(sql, params, options);
      // Buffered rows are taken as they are: no fetch promise per statement.
      return cur.takeHeld() ?? (await cur.fetchall());
    } finally {
      await cur.close();
    }
  }

  /**
   * Runs one statement and returns its rows as one frame of a frame format (`'columns'` by
   * default; Arrow and polars register here too).
   */
  async queryFrame<Frame = import('../results/columns.js').ColumnsFrame>(sql: string, params?: QueryParams, options: QueryOptions = {}): Promise<Frame> {
    const resultsType = normalizeResultsType(options.resultsType ?? 'columns');
    // Packet-decoding formats read unbuffered and decode as rows arrive (bounded memory).
    const cur = this.cursor({ resultsType, buffered: resultFormat(resultsType).packets !== true });
    try {
      await cur.execute(sql, params, options);
      return (await cur.fetchframe()) as Frame;
    } finally {
      await cur.close();
    }
  }

  /**
   * Runs one statement and yields its rows as frames of at most `batchRows` rows each, reading
   * the result unbuffered: memory holds one batch, not the result. Breaking out of the loop
   * (or an error in its body) reads and drops the rest of the result, so the connection is
   * usable right away; to stop a long-running statement on the server, pass a `signal`. The
   * connection runs nothing else while a stream is open. Statements without a result set (and
   * empty results) yield no frames. A malformed row (errno 2027) discards the session instead.
   */
  async *streamFrames<Frame = import('../results/columns.js').ColumnsFrame>(
    sql: string,
    params?: QueryParams,
    options: StreamFramesOptions = {},
  ): AsyncGenerator<Frame, void, undefined> {
    const resultsType = normalizeResultsType(options.resultsType ?? 'columns');
    const explicit = options.batchRows;
    if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 1))
      throw new ParameterError(`batchRows must be a positive integer, got ${String(explicit)}`);
    const cur = this.cursor({ resultsType, buffered: false });
    try {
      await cur.execute(sql, params, { signal: options.signal, timeoutMs: options.timeoutMs });
      if (!cur.description) return;
      const byFormat = resultFormat(resultsType).streamBatchRows;
      const batchRows = explicit ?? (typeof byFormat === 'function' ? byFormat(cur.resultColumns ?? []) : byFormat) ?? DEFAULT_FRAME_ROWS;
      for (;;) {
        const before = cur.rownumber;
        const frame = (await cur.fetchframe(batchRows)) as Frame;
        if (cur.rownumber === before) return;
        yield frame;
      }
    } finally {
      await cur.close();
    }
  }

  /**
   * Bulk-loads rows into `table` through `LOAD DATA LOCAL INFILE`, streamed in ~64 KiB chunks
   * with backpressure. `source`: an array of rows (arrays or objects), an (async) iterable of
   * rows, an Apache Arrow Table or a nodejs-polars DataFrame. Needs a wire connection opened
   * with `localInfile: true`; see the README for value encoding and options.
   */
  load(table: string, source: LoadSource, options?: LoadOptions): Promise<LoadResult> {
    return runLoad(this, table, source, options);
  }

  /** Runs one statement and returns its summary (affected rows, insert id, warnings). */
  async execute(sql: string, params?: QueryParams, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const cur = this.cursor({ buffered: true });
    try {
      await cur.execute(sql, params, options);
      return { rowcount: cur.rowcount, lastrowid: cur.lastrowid, warningCount: cur.warningCount };
    } finally {
      await cur.close();
    }
  }

  async executemany(sql: string, paramSets: Iterable<QueryParams>, options?: ExecutemanyOptions): Promise<number | null> {
    const cur = this.cursor({ buffered: true });
    try {
      return await cur.executemany(sql, paramSets, options);
    } finally {
      await cur.close();
    }
  }

  async begin(): Promise<void> {
    await this.execute('BEGIN');
  }

  async commit(): Promise<void> {
    await this.execute('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.execute('ROLLBACK');
  }

  /** Sets autocommit, sending nothing when the server already reports that mode. */
  async autocommit(value: boolean): Promise<void> {
    if (this.getAutocommit() !== value) await this.execute(`SET AUTOCOMMIT = ${value ? 1 : 0}`);
  }

  getAutocommit(): boolean {
    return (this.transport().session.serverStatus & ServerStatus.AUTOCOMMIT) !== 0;
  }

  async selectDb(database: string): Promise<void> {
    await this.transport().selectDb(database);
  }

  /**
   * COM_PING. With `reconnect` (the default, as in the Python SDK), a session that is gone (closed
   * by the server, KILL CONNECTION, a broken socket or a missed deadline) is replaced by a new one
   * opened with the connection's parameters, which is pinged once more. Nothing of the old session
   * survives: an open transaction is lost (the server rolls it back), and so are session
   * variables, temporary tables and a database chosen with `selectDb`/`USE`; a cursor still
   * reading an unbuffered result of the old session fails on its next fetch. A connection closed
   * with `close()` stays closed (InterfaceError). Without `reconnect` a gone session is
   * OperationalError 2006.
   */
  async ping(reconnect = true): Promise<void> {
    if (this.closed) throw closedConnection();
    if (!reconnect || !this.reopen) return this.transport().ping();
    if (this.link.isOpen) {
      try {
        return await this.link.ping();
      } catch (err) {
        // A live session that refused the ping (a streaming result not read to its end) is kept:
        // replacing it would silently drop that result.
        if (this.closed || (this.link.isOpen && !(err instanceof OperationalError))) throw err;
      }
    }
    this.reconnecting ??= this.replaceLink({ ...this.params, password: this.#password }).finally(() => {
      this.reconnecting = null;
    });
    await this.reconnecting;
    await this.transport().ping();
  }

  /** The warnings of the last statement (`SHOW WARNINGS`) as `[level, code, message]` rows. */
  showWarnings(): Promise<[level: string, code: number, message: string][]> {
    return this.query('SHOW WARNINGS', undefined, { resultsType: 'tuples' });
  }

  /**
   * Ends session `threadId` on the server with `KILL CONNECTION` (the Python SDK sends
   * COM_PROCESS_KILL, which does the same); `conn.connectionId` is this session's id.
   */
  async kill(threadId: number | bigint): Promise<void> {
    const valid = typeof threadId === 'bigint' ? threadId >= 0n : Number.isSafeInteger(threadId) && threadId >= 0;
    if (!valid) throw new ParameterError(`kill() takes a connection id (a non-negative integer), got ${String(threadId)}`);
    await this.execute(`KILL CONNECTION ${threadId}`);
  }

  /**
   * Turns on SingleStore's Data API (global `http_api`, on port `port` when given, else the
   * current `http_proxy_port`) and restarts the proxy; returns the port. Needs the privileges to
   * set global variables.
   */
  async enableDataApi(port?: number): Promise<number> {
    if (port !== undefined) {
      if (!Number.isInteger(port)) throw new ParameterError(`enableDataApi() takes an integer port, got ${String(port)}`);
      await this.globals.set('http_proxy_port', port);
    }
    await this.globals.set('http_api', true);
    await this.execute('RESTART PROXY');
    return Number(await this.globals.get('http_proxy_port'));
  }

  /** Turns off SingleStore's Data API (global `http_api`) and restarts the proxy. */
  async disableDataApi(): Promise<void> {
    await this.globals.set('http_api', false);
    await this.execute('RESTART PROXY');
  }

  /** Resets session state (used by pools between borrowers). */
  async reset(): Promise<void> {
    await this.transport().reset();
  }

  /** Closes the session. Closing twice is an error, as in the Python SDK. */
  async close(): Promise<void> {
    if (this.closed) throw new S2Error('Already closed');
    this.closed = true;
    await this.link.close();
  }

  /** Drops the session at once (for broken connections). */
  destroy(): void {
    this.closed = true;
    this.link.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.closed) await this.close();
  }
}
