import { DataError, NotSupportedError, OperationalError, ParameterError, ServerStatus } from '@s2/base';
import type { Queryable } from '../session/types.js';
import { DEFAULT_CHUNK_BYTES, LoadEncoder } from './encode.js';
import { prepareSource, type LoadSource, type PreparedSource, type RowBlock } from './sources.js';

export interface LoadOptions {
  /**
   * Target columns, in the order of the values. Default: the keys of the first row (object
   * rows), the field names (Arrow / polars), or none — every column of the table in order —
   * for array rows.
   */
  columns?: string[];
  /**
   * Rows per `LOAD DATA` statement. Default: all rows in one statement. Smaller batches bound
   * the server-side work of each statement; with `atomic` they still commit together.
   */
  batchRows?: number;
  /** Rows whose unique key already exists replace the old rows (`REPLACE`). */
  replace?: boolean;
  /** Rows whose unique key already exists are skipped (`IGNORE`). */
  ignore?: boolean;
  /**
   * true (default): when the session is in autocommit mode and outside a transaction, the load
   * runs inside `BEGIN` … `COMMIT` and is rolled back if anything fails — including a bad value
   * found halfway through the source, after earlier rows were already sent. Inside your own
   * transaction (or with autocommit off) nothing is wrapped: roll back yourself on error.
   */
  atomic?: boolean;
  /**
   * Throw a `DataError` (listing `SHOW WARNINGS`) when the server reports warnings — values it
   * truncated or converted, or duplicates it skipped — rolling back like any other failure
   * (see `atomic`). MySQL and MariaDB turn such errors into warnings for LOCAL loads, whatever
   * the sql_mode, because they cannot stop the client's transfer midway.
   */
  failOnWarnings?: boolean;
  signal?: AbortSignal;
  /** Per-statement timeout in milliseconds. */
  timeoutMs?: number;
}

export interface LoadResult {
  /** Affected rows reported by the server (with `replace`, a replaced row counts twice). */
  rows: number;
  warnings: number;
}

/** `name` or `db.name`; either part may be backtick-quoted (`` `my.db`.`t` ``). */
export function quoteTableName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new ParameterError('load() needs a table name');
  const parts: string[] = [];
  let i = 0;
  while (i <= name.length) {
    let part: string;
    if (name[i] === '`') {
      let j = i + 1;
      part = '';
      for (;;) {
        const k = name.indexOf('`', j);
        if (k < 0) throw new ParameterError(`unterminated quoted identifier in table name ${JSON.stringify(name)}`);
        part += name.slice(j, k);
        if (name[k + 1] === '`') {
          part += '`';
          j = k + 2;
          continue;
        }
        i = k + 1;
        break;
      }
    } else {
      const k = name.indexOf('.', i);
      const end = k < 0 ? name.length : k;
      part = name.slice(i, end);
      if (part.includes('`')) throw new ParameterError(`invalid table name ${JSON.stringify(name)}`);
      i = end;
    }
    if (part.length === 0) throw new ParameterError(`invalid table name ${JSON.stringify(name)}`);
    parts.push(part);
    if (i >= name.length) break;
    if (name[i] !== '.') throw new ParameterError(`invalid table name ${JSON.stringify(name)}`);
    i++;
    if (i >= name.length) throw new ParameterError(`invalid table name ${JSON.stringify(name)}`);
  }
  if (parts.length > 2) throw new ParameterError(`invalid table name ${JSON.stringify(name)}: expected table or database.table`);
  return parts.map(quoteIdentifier).join('.');
}

export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new ParameterError('column names must be non-empty strings');
  if (name.includes('\0')) throw new ParameterError('identifiers cannot contain NUL');
  return `\`${name.replace(/`/g, '``')}\``;
}

/** The statement `load()` sends. */
export function loadStatement(
  table: string,
  columns: readonly string[] | null,
  options: Pick<LoadOptions, 'replace' | 'ignore'> = {},
  noBackslashEscapes = false,
): string {
  const dup = options.replace ? ' REPLACE' : options.ignore ? ' IGNORE' : '';
  const cols = columns ? ` (${columns.map(quoteIdentifier).join(', ')})` : '';
  // Under NO_BACKSLASH_ESCAPES a backslash in a SQL string is literal: spell the characters out.
  const fields = noBackslashEscapes
    ? "FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'"
    : "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'";
  return `LOAD DATA LOCAL INFILE ':stream:'${dup} INTO TABLE ${quoteTableName(table)} CHARACTER SET utf8mb4 ${fields}${cols}`;
}

const aborted = (signal: AbortSignal) =>
  new OperationalError('Query execution was interrupted: cancelled by AbortSignal', { errno: 1317, cause: signal.reason });

/** Pulls rows from the prepared source across statements. */
class RowFeed {
  private block: RowBlock | null = null;
  private index = 0;
  private done = false;

  constructor(private readonly source: PreparedSource) {}

  /** A block with rows left, or null at the end. */
  async current(): Promise<RowBlock | null> {
    while (!this.done && (!this.block || this.index >= this.block.length)) {
      const r = await this.source.blocks.next();
      if (r.done) {
        this.done = true;
        this.block = null;
      } else {
        this.block = r.value;
        this.index = 0;
      }
    }
    return this.block;
  }

  /**
   * Encodes up to `limit` rows and yields ~64 KiB chunks as they fill; the connector awaits
   * each socket write, so a slow server slows the producer (backpressure).
   */
  async *chunks(enc: LoadEncoder, limit: number, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    let left = limit;
    while (left > 0) {
      const block = await this.current();
      if (!block) break;
      const end = Math.min(block.length, this.index + left);
      for (let i = this.index; i < end; i++) {
        block.write(enc, i);
        if (enc.hasChunk) {
          this.index = i + 1;
          if (signal?.aborted) throw aborted(signal);
          yield* enc.take();
        }
      }
      left -= end - this.index;
      this.index = end;
    }
    yield* enc.take(true);
  }

  async close(): Promise<void> {
    if (!this.done) await this.source.blocks.return?.();
  }
}

export async function runLoad(conn: Queryable, table: string, source: LoadSource, options: LoadOptions = {}): Promise<LoadResult> {
  const driver = conn.params.driver;
  if (driver === 'http' || driver === 'https') {
    throw new NotSupportedError(
      'load() needs LOAD DATA LOCAL INFILE, which the Data API (HTTP) connector cannot send; use a mysql:// connection, or executemany() for INSERTs',
    );
  }
  if (!conn.params.localInfile) {
    throw new NotSupportedError(
      'load() streams through LOAD DATA LOCAL INFILE, which is negotiated when the connection opens: connect with { localInfile: true } (local_infile=1 in a URL)',
    );
  }
  if (options.replace && options.ignore) throw new ParameterError('load(): replace and ignore are exclusive');
  const batchRows = options.batchRows ?? Infinity;
  if (!(batchRows >= 1) || (Number.isFinite(batchRows) && !Number.isInteger(batchRows))) {
    throw new ParameterError(`load(): batchRows must be a positive integer, got ${String(options.batchRows)}`);
  }
  if (options.columns && (!Array.isArray(options.columns) || options.columns.length === 0)) {
    throw new ParameterError('load(): columns must be a non-empty array of names');
  }
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw aborted(signal);

  const ctx = conn.literalContext();
  const prepared = await prepareSource(source, options.columns, ctx);
  if (!prepared) return { rows: 0, warnings: 0 };
  const feed = new RowFeed(prepared);
  let sql: string;
  try {
    sql = loadStatement(table, prepared.columns, options, ctx.noBackslashEscapes);
  } catch (err) {
    await feed.close();
    throw err;
  }

  const status = conn.transport().session.serverStatus;
  const wrap = options.atomic !== false && (status & ServerStatus.AUTOCOMMIT) !== 0 && (status & ServerStatus.IN_TRANS) === 0;
  const result: LoadResult = { rows: 0, warnings: 0 };
  try {
    if (wrap) await conn.execute('BEGIN');
    let rowsBefore = 0;
    while (await feed.current()) {
      const enc = new LoadEncoder(ctx, DEFAULT_CHUNK_BYTES);
      // Row numbers in errors count from the start of the source, not of the batch.
      enc.rowsWritten = rowsBefore;
      let encodeError: unknown = null;
      const infile = (async function* () {
        try {
          yield* feed.chunks(enc, batchRows, signal);
        } catch (err) {
          encodeError = err;
          throw err;
        }
      })();
      let r;
      try {
        r = await conn.execute(sql, undefined, { infile, signal, timeoutMs });
      } catch (err) {
        // The connector wraps failures of the data source; report the original (ParameterError...).
        throw encodeError ?? err;
      }
      if (encodeError) throw encodeError;
      rowsBefore = enc.rowsWritten;
      result.rows += r.rowcount;
      result.warnings += r.warningCount;
      if (options.failOnWarnings && r.warningCount > 0) {
        const shown = await conn.query<[string, number, string]>('SHOW WARNINGS LIMIT 5').catch(() => []);
        const detail = shown.map((w) => `${w[0]} ${w[1]}: ${w[2]}`).join('; ');
        throw new DataError(`load() into ${table}: the server reported ${r.warningCount} warning(s)${detail ? `: ${detail}` : ''}`);
      }
    }
    if (wrap) await conn.execute('COMMIT');
  } catch (err) {
    await feed.close().catch(() => {});
    if (wrap && conn.isConnected()) await conn.execute('ROLLBACK').catch(() => {});
    throw err;
  }
  return result;
}
