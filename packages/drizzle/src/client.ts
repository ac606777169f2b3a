import { Readable } from 'node:stream';
import { changedRowsOf, type ColumnDescription, type Connection, type Cursor, currentQueryOptions, type Pool, type QueryParams } from '@s2/core';
import { objectShaper, rowConverter } from './values.js';
import { isDataApi } from './server-traits.js';

/**
 * The part of mysql2's promise API that drizzle's SingleStore driver calls, answered by an s2
 * connection: `query(options, params)` (positional rows with `rowsAsArray`), `execute(sql,
 * params)`, `connection.query(…).stream()` for `iterator()`, and, for pools, `getConnection()`
 * with `release()`. Values come back in the forms drizzle's column mappers expect.
 */
export interface QueryRequest {
  sql: string;
  values?: unknown[];
  rowsAsArray?: boolean;
}

/** mysql2's ResultSetHeader, as drizzle reads it (insertId/affectedRows go bigint together past 2^53). */
export interface ResultHeader {
  fieldCount: 0;
  affectedRows: number | bigint;
  insertId: number | bigint;
  /** The OK packet's info text ("Rows matched: 1  Changed: 1  Warnings: 0"); '' over the Data API. */
  info: string;
  serverStatus: number;
  warningStatus: number;
  /** Rows an UPDATE changed; undefined where that cannot be known (see @s2/core's `changedRowsOf`). */
  changedRows: number | undefined;
}

type Fields = ColumnDescription[];
/** One statement's answer; a statement with several results (a CALL) gets one entry per result in each half, as mysql2 gives them. */
type Result = [unknown[] | ResultHeader, Fields] | [(unknown[] | ResultHeader)[], Fields[]];

const request = (q: string | QueryRequest, params?: unknown[]) =>
  typeof q === 'string' ? { sql: q, values: params, rowsAsArray: false } : { sql: q.sql, values: params ?? q.values, rowsAsArray: q.rowsAsArray === true };

const paramsOf = (values: unknown[] | undefined): QueryParams | undefined => (values && values.length ? values : undefined);

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The OK result the cursor is on; changedRows is mysql2's 0 until the caller knows better. */
function header(cur: Cursor<unknown[]>, conn: Connection): ResultHeader {
  const id = cur.lastrowid ?? 0;
  const affected = Math.max(0, cur.rowcount);
  // drizzle's $returningId counts `i++` from insertId while i < insertId + affectedRows: with
  // numbers past 2^53 that loop skips ids or never ends, so both go bigint as soon as the last
  // id of the statement is unsafe, not only the first.
  const exact = BigInt(id) + BigInt(affected) - 1n > MAX_SAFE;
  return {
    fieldCount: 0,
    affectedRows: exact ? BigInt(affected) : affected,
    insertId: exact ? BigInt(id) : Number(id),
    info: cur.info,
    // The session's status after the statement (a session gone since reports none).
    serverStatus: conn.isConnected() ? conn.transport().session.serverStatus : 0,
    warningStatus: cur.warningCount,
    changedRows: 0,
  };
}

/** Rows of a streaming cursor, shaped and converted, a chunk at a time. */
async function* streamRows(conn: Connection, sql: string, values: unknown[] | undefined, rowsAsArray: boolean, timeoutMs: number | undefined) {
  const cur = conn.cursor<unknown[]>({ resultsType: 'tuples', buffered: false });
  try {
    await cur.execute(sql, paramsOf(values), currentQueryOptions(timeoutMs));
    if (!cur.description) return;
    const convert = rowConverter(cur.description, conn.params.timezone);
    const shape = rowsAsArray ? null : objectShaper(cur.description);
    for (;;) {
      const rows = await cur.fetchmany(1000);
      if (rows.length === 0) return;
      for (const row of rows) yield shape ? shape(convert(row)) : convert(row);
    }
  } finally {
    await cur.close();
  }
}

/** One s2 connection in mysql2's shape. */
export class ConnectionClient {
  /** Streams opened by `iterator()` and not yet closed, with a promise of their close. */
  private readonly streams = new Map<Readable, Promise<void>>();
  /** What drizzle's `iterator()` reaches for (`client.connection.query(…).stream()`). */
  readonly connection: { query: (q: QueryRequest, params?: unknown[]) => { stream: () => Readable }; end: () => void };

  constructor(
    readonly s2: Connection,
    private readonly timeoutMs: number | undefined,
    private readonly onEnd: () => void = () => {},
  ) {
    this.connection = {
      query: (q, params) => ({ stream: () => this.stream(q, params) }),
      end: () => this.end(),
    };
  }

  private stream(q: QueryRequest, params?: unknown[]): Readable {
    const r = request(q, params);
    const readable = Readable.from(streamRows(this.s2, r.sql, r.values, r.rowsAsArray, this.timeoutMs), { objectMode: true, highWaterMark: 64 });
    const closed = new Promise<void>((resolve) => readable.once('close', () => resolve()));
    this.streams.set(readable, closed);
    void closed.then(() => this.streams.delete(readable));
    // drizzle's iterator detaches its last 'data' listener when the loop is left; a stream left
    // unfinished then is destroyed, and its cursor reads and drops the rest of the result.
    // (A Readable does not announce removed listeners, hence the wrapped method.)
    const detach = readable.removeListener;
    readable.removeListener = readable.off = function (this: Readable, event: string | symbol, listener: (...args: any[]) => void) {
      detach.call(this, event, listener);
      if (event === 'data' && this.listenerCount('data') === 0 && !this.readableEnded) this.destroy();
      return this;
    };
    return readable;
  }

  /**
   * Ends a transaction or rolls back to a savepoint with neither the signal nor the timeout of
   * the caller's withQueryOptions scope (nor the default timeout), as `Connection.rollback()`
   * does: the scope that failed the transaction is usually why it ends, and an already-aborted
   * signal would refuse the ROLLBACK and leave the session inside the transaction.
   */
  async endTransaction(statement: string): Promise<void> {
    await this.settleStreams();
    await this.s2.execute(statement, undefined, {});
  }

  /** Waits for abandoned streams to let go of the session (active ones are left alone). */
  private async settleStreams(): Promise<void> {
    const closing = [...this.streams].filter(([s]) => s.destroyed).map(([, closed]) => closed);
    if (closing.length) await Promise.all(closing);
  }

  /** Ends every stream still open (their cursors read and drop the rest of the result). */
  private async closeStreams(): Promise<void> {
    for (const s of this.streams.keys()) s.destroy();
    await Promise.all(this.streams.values());
  }

  async isDataApi(): Promise<boolean> {
    return isDataApi(this.s2);
  }

  /** The rows of one statement, pulled from an unbuffered cursor as they are asked for. */
  async *rows(sql: string, values: unknown[] | undefined, rowsAsArray: boolean): AsyncGenerator<unknown> {
    await this.settleStreams();
    yield* streamRows(this.s2, sql, values, rowsAsArray, this.timeoutMs);
  }

  async query(q: string | QueryRequest, params?: unknown[]): Promise<Result> {
    const r = request(q, params);
    return this.run(r.sql, r.values, r.rowsAsArray);
  }

  execute(sql: string, params?: unknown[]): Promise<Result> {
    return this.run(sql, params, false);
  }

  private async run(sql: string, values: unknown[] | undefined, rowsAsArray: boolean): Promise<Result> {
    await this.settleStreams();
    const cur = this.s2.cursor<unknown[]>({ resultsType: 'tuples', buffered: true });
    try {
      await cur.execute(sql, paramsOf(values), currentQueryOptions(this.timeoutMs));
      const first = await this.current(cur, rowsAsArray);
      if (!(await cur.nextset())) {
        if (!Array.isArray(first[0])) first[0].changedRows = changedRowsOf(this.s2, sql, Number(first[0].affectedRows), first[0].info);
        return first;
      }
      // A CALL answers with each of its result sets and a closing OK: mysql2 lists them all.
      const all = [first];
      do all.push(await this.current(cur, rowsAsArray));
      while (await cur.nextset());
      for (const [result] of all) if (!Array.isArray(result)) result.changedRows = changedRowsOf(this.s2, sql, Number(result.affectedRows), result.info, true);
      return [all.map(([result]) => result), all.map(([, fields]) => fields)];
    } finally {
      await cur.close();
    }
  }

  /** The result the cursor is on, in mysql2's shape: rows (objects, or arrays for `rowsAsArray`) or an OK header. */
  private async current(cur: Cursor<unknown[]>, rowsAsArray: boolean): Promise<[unknown[] | ResultHeader, Fields]> {
    if (!cur.description) return [header(cur, this.s2), []];
    const rows = await cur.fetchall();
    const convert = rowConverter(cur.description, this.s2.params.timezone);
    const shape = rowsAsArray ? null : objectShaper(cur.description);
    return [shape ? rows.map((row) => shape(convert(row))) : rows.map(convert), cur.description];
  }

  /** mysql2's pool-connection `end()` inside drizzle's iterator: give the session back. */
  private end(): void {
    void this.closeStreams().finally(this.onEnd);
  }

  release(): void {
    this.end();
  }
}

/** An s2 pool in mysql2's shape: each statement borrows a session; transactions keep one. */
export class PoolClient {
  constructor(
    readonly s2: Pool,
    private readonly timeoutMs: number | undefined,
  ) {}

  private route: Promise<boolean> | undefined;

  /** A pool's sessions all take one route: the first borrowed one tells which. */
  isDataApi(): Promise<boolean> {
    if (!this.route) {
      const route = this.borrow(async (c) => isDataApi(c.s2));
      // A failed borrow (server down, database not there yet) says nothing about the route:
      // the next call asks again instead of failing for good.
      route.catch(() => {
        if (this.route === route) this.route = undefined;
      });
      this.route = route;
    }
    return this.route;
  }

  async getConnection(): Promise<ConnectionClient> {
    const pooled = await this.s2.getConnection();
    return new ConnectionClient(pooled.connection, this.timeoutMs, () => pooled.release());
  }

  private async borrow<T>(fn: (c: ConnectionClient) => Promise<T>): Promise<T> {
    const c = await this.getConnection();
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  }

  query(q: string | QueryRequest, params?: unknown[]): Promise<Result> {
    return this.borrow((c) => c.query(q, params));
  }

  execute(sql: string, params?: unknown[]): Promise<Result> {
    return this.borrow((c) => c.execute(sql, params));
  }
}

export type S2Client = ConnectionClient | PoolClient;
