import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { changedRowsOf, currentQueryOptions, ParameterError, type Connection, type Cursor, type QueryParams } from '@s2/core';

const paramsOf = (compiled: CompiledQuery): QueryParams | undefined => (compiled.parameters.length ? (compiled.parameters as unknown[]) : undefined);

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const asBigInt = (v: number | bigint | null): bigint | undefined => (v === null || v === undefined || v === 0 || v === 0n ? undefined : BigInt(v));

/**
 * An OK result in mysql2's ResultSetHeader form (insertId a bigint only past 2^53), as Kysely's
 * MySQL dialect lists it among a CALL's results; without `info` and `changedRows`, as before.
 */
function okHeader(cur: Cursor<unknown>, conn: Connection) {
  const id = cur.lastrowid ?? 0;
  return {
    fieldCount: 0,
    affectedRows: Math.max(0, cur.rowcount),
    insertId: typeof id === 'bigint' && id <= MAX_SAFE ? Number(id) : id,
    serverStatus: conn.isConnected() ? conn.transport().session.serverStatus : 0,
    warningStatus: cur.warningCount,
  };
}

/** The result of a statement that answered with an OK, as Kysely's MySQL dialect gives it. */
function okResult<R>(cur: Cursor<unknown>, conn: Connection, sql: string): QueryResult<R> {
  const affected = Math.max(0, cur.rowcount);
  const changed = changedRowsOf(conn, sql, affected, cur.info);
  return {
    rows: [],
    numAffectedRows: BigInt(affected),
    numChangedRows: changed === undefined ? undefined : BigInt(changed),
    insertId: asBigInt(cur.lastrowid),
  };
}

/**
 * A statement with several results (a CALL: each of its result sets, then an OK) answers as
 * Kysely's MySQL dialect on mysql2 does: one entry per result, rows as arrays of objects and OK
 * results as headers. `first` is the first result, read before the cursor moved to the second.
 */
async function everyResult(cur: Cursor<unknown>, conn: Connection, first: unknown): Promise<unknown[]> {
  const all = [first];
  do all.push(cur.description ? await cur.fetchall() : okHeader(cur, conn));
  while (await cur.nextset());
  return all;
}

/** One s2 session as Kysely sees it: objects for rows, counts and insert ids as bigint. */
export class S2KyselyConnection implements DatabaseConnection {
  constructor(
    readonly connection: Connection,
    private readonly defaultTimeoutMs: number | undefined,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const cur = this.connection.cursor<R>({ resultsType: 'objects', buffered: true });
    try {
      await cur.execute(compiled.sql, paramsOf(compiled), currentQueryOptions(this.defaultTimeoutMs));
      const first = cur.description ? await cur.fetchall() : okHeader(cur, this.connection);
      if (await cur.nextset()) return { rows: (await everyResult(cur, this.connection, first)) as R[] };
      // No further result: the cursor is still on the first.
      return cur.description ? { rows: first as R[] } : okResult(cur, this.connection, compiled.sql);
    } finally {
      await cur.close();
    }
  }

  /**
   * Runs COMMIT, ROLLBACK or ROLLBACK TO SAVEPOINT with neither the signal nor the timeout of
   * the caller's withQueryOptions scope (nor the default timeout), as `Connection.rollback()`
   * does: the scope that failed a transaction is usually why it ends, and an already-aborted
   * signal would refuse the ROLLBACK and leave the session inside the transaction.
   */
  async endTransaction(statement: string): Promise<void> {
    await this.connection.execute(statement, undefined, {});
  }

  /**
   * Reads the result unbuffered, `chunkSize` rows at a time, so memory holds one chunk. Leaving
   * the loop early reads and drops the rest before the session runs anything else.
   */
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new ParameterError(`chunkSize must be a positive integer, got ${String(chunkSize)}`);
    const cur = this.connection.cursor<R>({ resultsType: 'objects', buffered: false });
    try {
      await cur.execute(compiled.sql, paramsOf(compiled), currentQueryOptions(this.defaultTimeoutMs));
      if (!cur.description) {
        yield okResult(cur, this.connection, compiled.sql);
        return;
      }
      for (;;) {
        const rows = await cur.fetchmany(chunkSize);
        if (rows.length === 0) return;
        yield { rows };
      }
    } finally {
      await cur.close();
    }
  }
}
