import {
  BulkInsert,
  DatabaseError,
  encodeExecute,
  formatQuery,
  InterfaceError,
  NotSupportedError,
  OperationalError,
  options as globalOptions,
  ServerStatus,
  rowsBindable,
  type ColumnDescription,
  type LiteralContext,
  type QueryParams,
  type SqlTransport,
  type StatementStatus,
} from '@s2/base';
import { statementHookSlot } from '../hooks/statement-hook.js';
import type { CursorSession } from '../session/types.js';
import { bindsParams } from './send-statement.js';

export interface ExecutemanyOptions {
  /**
   * Run every statement in one transaction (BEGIN … COMMIT) and roll back on failure, so a
   * failing statement leaves nothing behind. Only when the session is in autocommit mode
   * outside a transaction (inside yours, roll back yourself); not available over the Data API.
   */
  atomic?: boolean;
  /**
   * Send the rows with the binary protocol (COM_STMT_PREPARE / COM_STMT_EXECUTE, chunks of up
   * to 1,000 rows) instead of multi-row INSERT text, so the server does not parse every value:
   * on MariaDB 10.11 that takes ~40% less server CPU (see BENCHMARKS.md). Stored values are the
   * same as on the text path. Used when the statement is `INSERT|REPLACE ... VALUES (?, ?, …)`
   * with nothing but placeholders in the row, the rows are arrays, and every value is a string,
   * number, bigint, boolean, Uint8Array or null; otherwise (and over the Data API) the text path
   * runs. Off by default: the SingleStoreDB Python SDK never uses prepared statements, and
   * large prepared INSERTs have not been measured on SingleStore.
   */
  binary?: boolean;
}

/** What executemany needs of a cursor. */
export interface ExecutemanyCursor {
  readonly connection: CursorSession;
  description: ColumnDescription[] | null;
  rowcount: number;
  lastrowid: number | bigint | null;
  execute(sql: string, params?: QueryParams): Promise<number>;
}

/** A statement of a pipelined run, as the wire connector takes it (see WireConnection.pipeline). */
interface PipelinedStatement {
  /** Copied before render is called again, so the producer may write the next statement over it. */
  sql: string | Uint8Array;
  holdFrom: number;
  noBackslashEscapes: boolean;
}

/** A transport that can run statements back to back with the next one already on the wire. */
interface PipeliningTransport extends SqlTransport {
  pipeline(source: {
    render(index: number, noBackslashEscapes: boolean): PipelinedStatement | null;
    done(index: number, status: StatementStatus): void;
  }): Promise<void>;
}

function pipelines(link: SqlTransport): link is PipeliningTransport {
  return typeof (link as Partial<PipeliningTransport>).pipeline === 'function';
}

/** The binary protocol's commands, as the wire connector offers them (WireConnection.withPreparedStatements). */
interface PreparedCommands {
  prepare(sql: string): Promise<{ id: number; params: number }>;
  execute(body: Uint8Array): Promise<StatementStatus>;
  close(id: number): void;
}

/** A transport that speaks the binary protocol (the wire connector). */
interface PreparingTransport extends SqlTransport {
  withPreparedStatements<T>(work: (commands: PreparedCommands) => Promise<T>): Promise<T>;
}

function prepares(link: SqlTransport): link is PreparingTransport {
  return typeof (link as Partial<PreparingTransport>).withPreparedStatements === 'function';
}

function bindsRows(bulk: BulkInsert, sets: readonly QueryParams[], ctx: LiteralContext): boolean {
  const width = bulk.bareWidth();
  return width > 0 && sets.every(Array.isArray) && rowsBindable(sets as readonly (readonly unknown[])[], ctx);
}

/**
 * Runs `sql` once per parameter set. `INSERT|REPLACE ... VALUES (<placeholders>)` becomes
 * multi-row statements (at most 256 KiB when pipelined, ~1 MB otherwise); every row is
 * checked (shape and value types) before anything is sent, so a bad parameter fails with
 * nothing written. Over the wire the
 * statements are pipelined: each is rendered while the server runs the one before, and all
 * of it but its last row is on the wire by then; the last row follows only once the
 * statement before succeeded, so a failure stops the run there (see README: escaping mode).
 * Returns the total affected rows; on an error, `rowsAffectedBefore` on the error (and the
 * cursor's rowcount) say how many rows earlier statements affected.
 */
export async function executemany(
  cur: ExecutemanyCursor,
  sql: string,
  paramSets: Iterable<QueryParams> | undefined,
  options: ExecutemanyOptions = {},
): Promise<number | null> {
  const sets = paramSets ? (Array.isArray(paramSets) ? (paramSets as readonly QueryParams[]) : [...paramSets]) : [];
  if (sets.length === 0) return null;
  if (options.atomic) return atomically(cur, () => executemany(cur, sql, sets, { ...options, atomic: false }));
  const session = cur.connection;
  // A reconnect (track_env) may land on another session: settle that before rendering.
  await session.syncWithEnvironment();
  const link = session.transport();
  // A transport that binds parameters (the Data API) gets one statement per set, values unspliced.
  const bulk = bindsParams(link) ? null : BulkInsert.parse(sql);
  if (bulk) bulk.check(sets, session.literalContext());
  else if (!bindsParams(link)) for (const params of sets) formatQuery(sql, params, session.literalContext());
  const progress: Progress = { total: 0, lastrowid: null };
  try {
    if (!bulk) {
      for (const params of sets) progress.total += Math.max(0, await cur.execute(sql, params));
    } else if (
      options.binary &&
      prepares(link) &&
      statementHookSlot.hook === null &&
      bindsRows(bulk, sets, session.literalContext()) &&
      (await runBinary(link, session, bulk, sets as readonly (readonly unknown[])[], progress))
    ) {
      cur.description = null;
      cur.lastrowid = progress.lastrowid;
    } else if (pipelines(link) && statementHookSlot.hook === null) {
      await runPipelined(link, session, bulk, sets, progress);
      cur.description = null;
      cur.lastrowid = progress.lastrowid;
    } else {
      // Each statement is rendered just before it is sent, for the session's escaping mode then.
      for (let start = 0; start < sets.length; ) {
        const stmt = bulk.statementAt(sets, start, session.literalContext());
        progress.total += await cur.execute(stmt.sql);
        start = stmt.end;
      }
    }
  } catch (err) {
    // Earlier statements have run (and, in autocommit mode, committed): say how many rows.
    const total = progress.total;
    cur.rowcount = total;
    if (err instanceof Error) {
      (err as Error & { rowsAffectedBefore?: number }).rowsAffectedBefore = total;
      const note = ` (executemany: ${total} row(s) affected by earlier statements${total ? '; in autocommit mode they are committed' : ''})`;
      err.message += note;
      progressNotes.set(err, note);
    }
    throw err;
  }
  cur.rowcount = progress.total;
  return progress.total;
}

/** What the statements run so far did: rows affected, and the insert id of the last one. */
interface Progress {
  total: number;
  lastrowid: number | bigint | null;
}

/**
 * Byte bound of a pipelined statement. Smaller than the Python SDK's 1,024,000 (still the bound
 * of statements run one after the other): pipelining hides the extra round trips, and the
 * server spends less CPU per row on smaller multi-row INSERTs (MariaDB 10.11, 200,000 `wide`
 * rows: ~880 ms at 128-256 KiB, ~970 ms at 1 MB; see tooling/bench/FINDINGS.md). It also keeps
 * statements far below any default max_allowed_packet (MySQL 4-64 MiB, MariaDB 16 MiB).
 */
export const PIPELINED_BATCH_BYTES = 256 * 1024;

/**
 * Byte bound of pipelined statement `index`: 16 KiB, then doubling up to PIPELINED_BATCH_BYTES.
 * The server starts after a few hundred rows instead of a full statement rendered by code the
 * JIT has not optimised yet (~20 ms for the first 256 KiB in a fresh process, ~2 ms later).
 */
export function pipelinedBatchBytes(index: number): number {
  return index >= 4 ? PIPELINED_BATCH_BYTES : Math.min(PIPELINED_BATCH_BYTES, (16 * 1024) << index);
}

async function runPipelined(
  link: PipeliningTransport,
  session: CursorSession,
  bulk: BulkInsert,
  sets: readonly QueryParams[],
  progress: Progress,
): Promise<void> {
  const ctx = session.literalContext();
  /** starts[i]: the first row of statement i. */
  const starts = [0];
  await link.pipeline({
    render(index, noBackslashEscapes) {
      const start = starts[index];
      if (start >= sets.length) return null;
      // One buffer for every statement: the connector frames (copies) a statement before it asks for the next.
      const stmt = bulk.statementBytesAt(sets, start, { ...ctx, noBackslashEscapes }, pipelinedBatchBytes(index), true);
      starts[index + 1] = stmt.end;
      if (globalOptions.get('debug.queries')) session.debugQuery(new TextDecoder().decode(stmt.bytes));
      return { sql: stmt.bytes, holdFrom: stmt.lastRowAt, noBackslashEscapes };
    },
    done(_index, status) {
      progress.total += Number(status.affectedRows);
      // Replies come in statement order: the last one leaves the last statement's id, as the reference's lastrowid.
      progress.lastrowid = status.insertId;
    },
  });
}

/** Rows per COM_STMT_EXECUTE: 8,000 values for `wide`; 500-1,000 rows took the least server CPU. */
const BINARY_CHUNK_ROWS = 1000;
/** Bytes of values per COM_STMT_EXECUTE, far below any max_allowed_packet; at least one row. */
const BINARY_CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Errors of a prepare that was stopped rather than refused: interrupted (1317), past its
 * deadline (3024; MariaDB's max_statement_time 1969), a lock wait timed out (1205) or deadlocked (1213).
 */
const STOPPED = new Set([1317, 3024, 1969, 1205, 1213]);
/** Placeholders a prepared statement may have (the protocol counts them in 16 bits). */
const MAX_PLACEHOLDERS = 65_535;

/**
 * Binary executemany: one statement prepared for full chunks, others (the last chunk, chunks
 * cut by the byte bound) prepared and closed as needed. Each chunk is encoded while the server
 * runs the one before; an execute cannot be called off once sent, so it goes out only after
 * the previous one succeeded, and a failure stops the run there.
 */
async function runBinary(
  link: PreparingTransport,
  session: CursorSession,
  bulk: BulkInsert,
  rows: readonly (readonly unknown[])[],
  progress: Progress,
): Promise<boolean> {
  const width = bulk.bareWidth();
  const perChunk = Math.max(1, Math.min(BINARY_CHUNK_ROWS, Math.floor(MAX_PLACEHOLDERS / width)));
  const encode = (from: number) => encodeExecute(0, rows, from, Math.min(rows.length, from + perChunk), width, BINARY_CHUNK_BYTES);
  return link.withPreparedStatements(async (commands) => {
    let full: { id: number; params: number } | undefined;
    let start = 0;
    type Chunk = ReturnType<typeof encodeExecute>;
    let chunk: Chunk | null = encode(0);
    while (chunk) {
      const count = chunk.end - start;
      const sql = bulk.preparedSql(count);
      if (globalOptions.get('debug.queries')) session.debugQuery(sql);
      let statement: { id: number; params: number };
      try {
        statement = count === perChunk ? (full ??= await commands.prepare(sql)) : await commands.prepare(sql);
      } catch (err) {
        // A server that refuses prepared statements (SingleStore with audit logging, or an older
        // version) gets the text path, as long as nothing has run yet and the session is fine.
        // A prepare that was stopped (deadline, KILL, lock wait) was not refused: the text path
        // would run the statement after its deadline, or wait again.
        if (start === 0 && err instanceof DatabaseError && !STOPPED.has(err.errno ?? 0) && !(err instanceof OperationalError && !session.isConnected()))
          return false;
        throw err;
      }
      const id = statement.id;
      if (statement.params !== count * width) {
        // A `?` outside the row (ON DUPLICATE KEY UPDATE v = ?) is a placeholder to the server but
        // not on the text path, where the server rejects it: values would land in the wrong places.
        commands.close(id);
        if (start === 0) return false;
        throw new InterfaceError(`binary executemany: the server counts ${statement.params} placeholders in a statement of ${count * width} values`);
      }
      new DataView(chunk.body.buffer, chunk.body.byteOffset, 4).setUint32(0, id, true);
      const reply = commands.execute(chunk.body);
      let following: Chunk | null = null;
      try {
        following = chunk.end < rows.length ? encode(chunk.end) : null;
      } finally {
        const status = await reply;
        progress.total += Number(status.affectedRows);
        progress.lastrowid = status.insertId;
      }
      if (statement !== full) commands.close(id);
      start = chunk.end;
      chunk = following;
    }
    return true;
  });
}

/** The progress note each failed run appended to its error, for atomically() to replace. */
const progressNotes = new WeakMap<Error, string>();

/**
 * Runs `work` inside BEGIN … COMMIT, rolled back if it fails, when the session is in
 * autocommit mode outside a transaction; inside your own transaction it just runs.
 */
async function atomically<T>(cur: ExecutemanyCursor, work: () => Promise<T>): Promise<T> {
  const link = cur.connection.transport();
  if (bindsParams(link))
    throw new NotSupportedError('executemany({ atomic: true }) needs a transaction, which the Data API cannot span across requests; use the mysql driver');
  const status = link.session.serverStatus;
  if ((status & ServerStatus.AUTOCOMMIT) === 0 || (status & ServerStatus.IN_TRANS) !== 0) return work();
  await cur.execute('BEGIN');
  try {
    const out = await work();
    await cur.execute('COMMIT');
    return out;
  } catch (err) {
    const rolledBack =
      cur.connection.isConnected() &&
      (await cur.execute('ROLLBACK').then(
        () => true,
        () => false,
      ));
    // The count of the failed run described rows that the rollback has just undone.
    cur.rowcount = 0;
    if (err instanceof Error) {
      (err as Error & { rowsAffectedBefore?: number }).rowsAffectedBefore = 0;
      const note = progressNotes.get(err);
      if (note !== undefined && err.message.endsWith(note)) err.message = err.message.slice(0, -note.length);
      err.message += rolledBack
        ? ' (executemany: the transaction was rolled back; no rows were kept)'
        : ' (executemany: the transaction was not committed, but its ROLLBACK could not be confirmed)';
    }
    throw err;
  }
}
