import {
  resolveDecodeOptions,
  InterfaceError,
  MySQLError,
  NotSupportedError,
  OperationalError,
  parseJsonLossless,
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
import { columnFromDataApi, valueConverter, type DataApiColumn } from './columns.js';
import { errorFromResponse } from './errors.js';
import { BufferedResponse, BufferedResultSet } from './results.js';
import { leadingKeyword, returnsRows } from './routing.js';
import { fetchTransport, undiciTransport, type HttpAnswer, type Transport } from './transport.js';
import { S2_VERSION, Semaphore } from '@s2/base';

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
  /** Until response headers arrive (default 10 s). */
  connectTimeoutMs?: number;
  /** Until the whole response body is read (default: none). */
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
interface QueryBody {
  results?: { columns: DataApiColumn[]; rows: unknown[][] }[];
  error?: { code?: number; message?: string };
}

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
        : undiciTransport().then((t) => {
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

  /** Checks credentials and learns the server's escaping mode and version (one request). */
  async handshake(): Promise<void> {
    const res = await this.query("SELECT VERSION(), @@SESSION.sql_mode LIKE '%NO_BACKSLASH_ESCAPES%'");
    const rows = (await res.current.read()) as [string, number][];
    if (!rows[0])
      throw new InterfaceError(`The server at ${this.origin} answered the Data API handshake without a row; is it a Data API endpoint?`, { errno: 0 });
    const [[version, noBackslash]] = rows;
    this.session.serverVersion = version;
    if (Number(noBackslash)) this.session.serverStatus |= ServerStatus.NO_BACKSLASH_ESCAPES;
  }

  private async post(path: string, sql: string, options: HttpQueryOptions): Promise<unknown> {
    if (!this.open) throw new InterfaceError('The connection has been closed', { errno: 0 });
    const release = await this.slots.acquire();
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const connectMs = this.options.connectTimeoutMs ?? 10_000;
    const requestMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    let phase: 'connect' | 'request' = 'connect';
    const connectTimer = setTimeout(() => controller.abort(new Error('connect timeout')), connectMs);
    const requestTimer = requestMs ? setTimeout(() => controller.abort(new Error('request timeout')), requestMs) : undefined;
    try {
      if (options.signal?.aborted) throw new OperationalError('Query execution was interrupted: the AbortSignal was already aborted', { errno: 1317 });
      const body: Record<string, unknown> = { sql };
      if (options.args) body.args = options.args;
      if (this.session.database) body.database = this.session.database;
      if (this.transportChosen) await this.transportChosen;
      const response = await this.transport(`${this.origin}/api/v2/${path}`, {
        method: 'POST',
        headers: this.#headers,
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      phase = 'request';
      clearTimeout(connectTimer);
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
      return parsed;
    } catch (err) {
      if (controller.signal.aborted) {
        const reason = controller.signal.reason as Error | undefined;
        if (options.signal?.aborted) throw new OperationalError('Query execution was interrupted: cancelled by AbortSignal', { errno: 1317, cause: reason });
        const what = reason?.message === 'connect timeout' ? `no response within ${connectMs} ms` : `request not finished within ${requestMs} ms`;
        throw new OperationalError(`Data API ${phase} timed out: ${what}`, { errno: 2013, cause: reason });
      }
      if (err instanceof MySQLError) throw err;
      throw new OperationalError(`Data API request to ${this.origin} failed: ${(err as Error).message}`, { errno: 2003, cause: err });
    } finally {
      clearTimeout(connectTimer);
      if (requestTimer) clearTimeout(requestTimer);
      options.signal?.removeEventListener('abort', onAbort);
      release();
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
    if (keyword === 'COMMIT' || keyword === 'ROLLBACK') {
      // Every request already committed; there is nothing to end.
      return new BufferedResponse([new BufferedResultSet(null, [], this.ok(0), false)]);
    }
    if (!returnsRows(sql)) {
      const body = (await this.post('exec', sql, options)) as ExecBody;
      return new BufferedResponse([new BufferedResultSet(null, [], this.ok(body.rowsAffected ?? 0, body.lastInsertId ?? 0), false)]);
    }
    const body = (await this.post('query/tuples', sql, options)) as QueryBody;
    const results = (body.results ?? []).map((r, i, all) => {
      const columns = r.columns.map(columnFromDataApi);
      const converters = columns.map((c) => valueConverter(c, this.decodeOptions));
      // Convert in place: the parsed arrays are ours, and a copy per row would only feed the GC.
      const rows = r.rows;
      const n = converters.length;
      for (const row of rows) {
        for (let j = 0; j < n; j++) {
          const v = row[j];
          if (v !== null) row[j] = converters[j](v);
        }
      }
      return new BufferedResultSet(columns, rows, this.ok(rows.length), i + 1 < all.length);
    });
    if (results.length === 0) results.push(new BufferedResultSet(null, [], this.ok(0), false));
    return new BufferedResponse(results);
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

  /** The database travels in each request body, so switching is local. */
  async selectDb(database: string): Promise<void> {
    this.session.database = database;
  }

  async reset(): Promise<void> {}

  async close(): Promise<void> {
    this.open = false;
  }

  destroy(): void {
    this.open = false;
  }
}

export async function connectHttp(options: HttpOptions): Promise<HttpConnection> {
  const conn = new HttpConnection(options);
  await conn.handshake();
  return conn;
}
