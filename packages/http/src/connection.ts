import {
  resolveDecodeOptions,
  InterfaceError,
  MySQLError,
  NotSupportedError,
  OperationalError,
  parseJsonLossless,
  Semaphore,
  ServerStatus,
  type DecodeOptions,
  type FormatContext,
  type QueryOptions,
  type QueryParams,
  type QueryResponse,
  type SessionInfo,
  type SqlTransport,
  type StatementStatus,
} from '@s2/base';
import { bindDataApiArgs } from './args.js';
import { errorFromResponse } from './errors.js';
import { resultSetsOf, type QueryBody } from './query-results.js';
import { BufferedResponse, BufferedResultSet } from './results.js';
import { leadingKeyword, returnsRows } from './routing.js';
import { turnsAutocommitOff, usedDatabase } from './session-statements.js';
import { fetchTransport, undiciTransport, type HttpAnswer, type Transport } from './transport.js';
import { S2_VERSION } from '@s2/base';

export const HTTP_CLIENT_VERSION: string = S2_VERSION;

export interface HttpOptions {
  host: string;
  port?: number;
  /** 'https' (default) or 'http'. */
  driver?: 'http' | 'https';
  user?: string;
  password?: string;
  /** A JWT sent as `Authorization: Bearer …` instead of Basic credentials. */
  bearerToken?: string;
  /** Sent with every request: the Data API has no session to remember it. */
  database?: string;
  /**
   * Bounds getting connected (default 10 s): the whole login check of connectHttp(), and on the
   * undici transport also the TCP/TLS connect of every later request. Never a statement's run time.
   */
  connectTimeoutMs?: number;
  /** Per statement, from the call until the whole response body is read, queueing included (default: none). */
  requestTimeoutMs?: number;
  /** Most requests in flight from this connection at once (default 8). */
  maxConcurrency?: number;
  decodeOptions?: Partial<DecodeOptions>;
  /** Another fetch implementation (tests, proxies, custom TLS dispatchers); disables the undici path. */
  fetch?: typeof fetch;
  /** 'auto' (default): undici's request on Node when installed, else fetch. */
  transport?: 'auto' | 'fetch';
  headers?: Record<string, string>;
}

/** Per-statement options of the Data API connector: `args` are bound by the server to `?` placeholders. */
export interface HttpQueryOptions extends QueryOptions {
  args?: unknown[];
}

interface ExecBody {
  rowsAffected?: number;
  lastInsertId?: number | bigint;
  error?: { code?: number; message?: string };
}

/** A successful answer: the parsed body and its text (JSON cells are read from the text). */
interface Answer<Body> {
  body: Body;
  text: string;
}

/** Why a request was ended before its answer: whichever came first wins. */
type Stop = { kind: 'signal' } | { kind: 'timeout' } | { kind: 'connect' } | { kind: 'closed'; error: Error };

// The wire connector's error for a statement cut short by close()/destroy().
const closedError = () => new InterfaceError('The connection has been closed', { errno: 0 });

function base64(text: string): string {
  const B = (globalThis as { Buffer?: { from(s: string): { toString(enc: string): string } } }).Buffer;
  return B ? B.from(text).toString('base64') : btoa(unescape(encodeURIComponent(text)));
}

/**
 * The Data API connector. Every statement is one stateless POST; the SQL arrives with its
 * parameters already interpolated by @s2/core.
 */
export class HttpConnection implements SqlTransport {
  readonly session: SessionInfo;
  private open = true;
  private readonly origin: string;
  // ES private: the Authorization header never shows in util.inspect, JSON or enumeration.
  readonly #headers: Record<string, string>;
  /** Settings of this connection, without its secrets (password, bearer token, headers). */
  readonly options: Readonly<HttpOptions>;
  private transport: Transport;
  private transportChosen: Promise<void> | null;
  private readonly slots: Semaphore;
  /** How to end each request in flight or waiting for a slot, for close() and destroy(). */
  private readonly inFlight = new Set<(stop: Stop) => void>();
  readonly decodeOptions: DecodeOptions;

  constructor(options: HttpOptions) {
    this.options = { ...options, password: undefined, bearerToken: undefined, headers: undefined };
    const driver = options.driver ?? 'https';
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
    this.origin = `${driver}://${host}:${options.port ?? (driver === 'http' ? 80 : 443)}`;
    const workload = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.SINGLESTOREDB_WORKLOAD_TYPE;
    this.#headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': `SingleStoreDB-TypeScript/${HTTP_CLIENT_VERSION}${workload ? `+${workload}` : ''}`,
      ...(options.bearerToken
        ? { Authorization: `Bearer ${options.bearerToken}` }
        : options.user !== undefined
          ? { Authorization: `Basic ${base64(`${options.user}:${options.password ?? ''}`)}` }
          : {}),
      ...options.headers,
    };
    this.transport = fetchTransport(options.fetch ?? globalThis.fetch.bind(globalThis));
    this.transportChosen =
      options.fetch || options.transport === 'fetch'
        ? null
        : undiciTransport({ connectTimeoutMs: options.connectTimeoutMs ?? 10_000 }).then((t) => {
            if (t) this.transport = t;
          });
    this.slots = new Semaphore(options.maxConcurrency ?? 8);
    this.decodeOptions = resolveDecodeOptions(options.decodeOptions);
    this.session = { serverVersion: '', connectionId: 0, serverStatus: ServerStatus.AUTOCOMMIT, charset: 'utf8mb4', database: options.database ?? null };
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** What JSON.stringify shows: where requests go, never the credentials. */
  toJSON(): Record<string, unknown> {
    return { url: this.origin, user: this.options.user, database: this.session.database, open: this.open };
  }

  /**
   * Checks credentials and learns the server's escaping mode and version (one request). The
   * connect timeout bounds this whole request: fetch does not tell when the TCP connection is
   * up, and a trivial statement answering late is as good as a server that cannot be reached.
   */
  async handshake(): Promise<void> {
    const { body } = await this.post<QueryBody>('query/tuples', "SELECT VERSION(), @@SESSION.sql_mode LIKE '%NO_BACKSLASH_ESCAPES%'", {}, true);
    const rows = (body.results?.[0]?.rows ?? []) as [string, number][];
    if (!rows[0])
      throw new InterfaceError(`The server at ${this.origin} answered the Data API handshake without a row; is it a Data API endpoint?`, { errno: 0 });
    const [[version, noBackslash]] = rows;
    this.session.serverVersion = version;
    if (Number(noBackslash)) this.session.serverStatus |= ServerStatus.NO_BACKSLASH_ESCAPES;
  }

  private async post<Body>(path: string, sql: string, options: HttpQueryOptions, login = false): Promise<Answer<Body>> {
    if (!this.open) throw closedError();
    if (options.signal?.aborted) throw new OperationalError('Query execution was interrupted: the AbortSignal was already aborted', { errno: 1317 });
    const controller = new AbortController();
    let stop: Stop | null = null;
    const end = (why: Stop) => {
      if (stop) return;
      stop = why;
      controller.abort(why.kind === 'signal' ? options.signal?.reason : new Error(`request ended: ${why.kind}`));
    };
    const onAbort = () => end({ kind: 'signal' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.inFlight.add(end);
    const connectMs = this.options.connectTimeoutMs ?? 10_000;
    const requestMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    // Armed before waiting for a slot: a caller's deadline counts from its call, not from when
    // earlier requests of this connection let it go.
    const connectTimer = login ? setTimeout(() => end({ kind: 'connect' }), connectMs) : undefined;
    const requestTimer = requestMs ? setTimeout(() => end({ kind: 'timeout' }), requestMs) : undefined;
    let release: (() => void) | undefined;
    try {
      release = await this.slots.acquire(controller.signal);
      const body: Record<string, unknown> = { sql };
      if (options.args) body.args = options.args;
      if (this.session.database) body.database = this.session.database;
      if (this.transportChosen) await this.transportChosen;
      // Ended while the slot or the transport was coming: send nothing.
      controller.signal.throwIfAborted();
      const response = await this.transport(`${this.origin}/api/v2/${path}`, {
        method: 'POST',
        headers: this.#headers,
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const text = await response.text();
      if (response.status >= 400) throw errorFromResponse(response.status, text);
      if (response.status >= 300) {
        throw new OperationalError(
          `Data API request to ${this.origin} answered HTTP ${response.status} (a redirect); redirects are not followed, so that the statement never goes elsewhere: connect to the final address`,
          { errno: response.status },
        );
      }
      const parsed = text ? (parseJsonLossless(text) as { error?: { code?: number; message?: string } }) : {};
      if (parsed.error) throw new OperationalError(parsed.error.message ?? 'HTTP Error', { errno: parsed.error.code ?? 0 });
      return { body: parsed as Body, text };
    } catch (err) {
      const why = stop as Stop | null;
      if (why?.kind === 'closed') throw why.error;
      if (why?.kind === 'signal')
        throw new OperationalError('Query execution was interrupted: cancelled by AbortSignal', { errno: 1317, cause: options.signal?.reason });
      if (why?.kind === 'connect') {
        // The wire connector's errno for a login that does not finish in time.
        throw new OperationalError(`Can't connect to the Data API at ${this.origin} (no answer to the login check within ${connectMs} ms)`, { errno: 2003 });
      }
      if (why?.kind === 'timeout') throw new OperationalError(`Data API request timed out: not answered within ${requestMs} ms`, { errno: 2013 });
      if (err instanceof MySQLError) throw err;
      throw new OperationalError(`Data API request to ${this.origin} failed: ${(err as Error).message}`, { errno: 2003, cause: err });
    } finally {
      clearTimeout(connectTimer);
      clearTimeout(requestTimer);
      options.signal?.removeEventListener('abort', onAbort);
      this.inFlight.delete(end);
      release?.();
    }
  }

  /**
   * Runs `sql` with its parameters bound by the server (`?` placeholders and JSON `args`,
   * data-api.md §4-§5): values never become SQL text, so no escaping mode can be got wrong.
   */
  queryWithParams(sql: string, params: QueryParams, ctx: FormatContext = {}, options: QueryOptions = {}): Promise<QueryResponse> {
    const bound = bindDataApiArgs(sql, params, ctx);
    return this.query(bound.sql, { ...options, args: bound.args });
  }

  async query(sql: string, options: HttpQueryOptions = {}): Promise<QueryResponse> {
    if (options.infile !== undefined || /^\s*LOAD\s+DATA\s+LOCAL\b/i.test(sql)) {
      throw new NotSupportedError('LOAD DATA LOCAL INFILE is not available over the Data API; use the mysql driver');
    }
    const keyword = leadingKeyword(sql);
    if (keyword === 'BEGIN' || (keyword === 'START' && /\bTRANSACTION\b/i.test(sql))) {
      throw new NotSupportedError('transactions cannot span Data API requests: each statement commits on its own; use the mysql driver');
    }
    if (turnsAutocommitOff(sql)) {
      // Each request commits on its own session: accepting this would make a later ROLLBACK
      // look as if it had undone something.
      throw new NotSupportedError('autocommit cannot be turned off over the Data API: each statement commits on its own; use the mysql driver');
    }
    if (keyword === 'COMMIT' || keyword === 'ROLLBACK') {
      // Every request already committed; there is nothing to end.
      return new BufferedResponse([new BufferedResultSet(null, [], this.ok(0), false)]);
    }
    if (!returnsRows(sql)) {
      const { body } = await this.post<ExecBody>('exec', sql, options);
      // The database travels with each request: the next ones go to the one USE chose.
      const database = usedDatabase(sql);
      if (database !== null) this.session.database = database;
      return new BufferedResponse([new BufferedResultSet(null, [], this.ok(body.rowsAffected ?? 0, body.lastInsertId ?? 0), false)]);
    }
    const { body, text } = await this.post<QueryBody>('query/tuples', sql, options);
    const decodeOptions = options.decodeOverrides ? { ...this.decodeOptions, ...options.decodeOverrides } : this.decodeOptions;
    // Over the wire a CALL ends with the procedure's own status, after any result sets.
    return new BufferedResponse(resultSetsOf(body, text, decodeOptions, (n) => this.ok(n), keyword === 'CALL'));
  }

  private ok(affectedRows: number, insertId: number | bigint = 0): StatementStatus {
    return { affectedRows, insertId, serverStatus: this.session.serverStatus, warningCount: 0, info: '' };
  }

  /** GET /ping: no credentials, answers `pong`. */
  async ping(): Promise<void> {
    if (!this.open) throw new InterfaceError('The connection has been closed', { errno: 0 });
    let res: HttpAnswer;
    try {
      if (this.transportChosen) await this.transportChosen;
      res = await this.transport(`${this.origin}/ping`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(this.options.connectTimeoutMs ?? 10_000) });
    } catch (err) {
      throw new OperationalError(`Data API ping to ${this.origin} failed: ${(err as Error).message}`, { errno: 2003, cause: err });
    }
    const text = await res.text();
    if (res.status > 400 || text.trim() !== 'pong')
      throw new OperationalError(`Data API ping answered ${res.status}: ${text.slice(0, 100)}`, { errno: res.status });
  }

  /** The database travels in each request body, so switching is local (as `USE db` is). */
  async selectDb(database: string): Promise<void> {
    this.session.database = database;
  }

  async reset(): Promise<void> {}

  /**
   * Ends the requests in flight and those waiting for a slot, as the wire connector ends its
   * socket: each rejects with InterfaceError, and dropping its HTTP connection makes a Data API
   * server (or `s2 data-api-gateway`) kill the statement instead of finishing it for nobody.
   */
  async close(): Promise<void> {
    this.endAll(closedError());
  }

  /** Like close(); in-flight requests reject with `error` when one is given. */
  destroy(error?: Error): void {
    this.endAll(error ?? closedError());
  }

  private endAll(error: Error): void {
    this.open = false;
    for (const end of [...this.inFlight]) end({ kind: 'closed', error });
  }
}

export async function connectHttp(options: HttpOptions): Promise<HttpConnection> {
  const conn = new HttpConnection(options);
  await conn.handshake();
  return conn;
}
