import type { BatchDecoder, ColumnDescription, FormatContext, InfileSource, QueryParams, SqlTransport } from '@s2/base';
import type { ResolvedConnectParams } from '../params/index.js';

/**
 * The narrow views of a session that the parts built on top of it use. A `Connection` is all
 * of them; cursors, the SHOW/variable accessors and `load()` depend on these interfaces only,
 * so none of them imports the connection module (and the connection imports them freely).
 */

/** Per-statement settings every entry point accepts. */
export interface StatementOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  infile?: InfileSource;
}

/** What a cursor needs from the session it runs on. */
export interface CursorSession {
  readonly params: Readonly<ResolvedConnectParams>;
  /** The batch decoder chosen when the session was opened (native or TypeScript). */
  readonly decoder: BatchDecoder;
  transport(): SqlTransport;
  isConnected(): boolean;
  literalContext(): FormatContext;
  literal(value: unknown): string;
  debugQuery(sql: string): void;
  syncWithEnvironment(): Promise<void>;
}

/** The part of a cursor that row readers use. */
export interface RowCursor<Row> {
  readonly description: ColumnDescription[] | null;
  execute(sql: string, params?: QueryParams): Promise<number>;
  fetchall(): Promise<Row[]>;
  close(): Promise<void>;
}

/** Summary of one statement (affected rows, insert id, warnings). */
export interface StatementSummary {
  rowcount: number;
  lastrowid: number | bigint | null;
  warningCount: number;
}

/** Statements, rows and literals: what the SHOW/variable accessors and `load()` need. */
export interface Queryable {
  readonly params: Readonly<ResolvedConnectParams>;
  cursor<Row = unknown>(options?: { resultsType?: string; buffered?: boolean }): RowCursor<Row>;
  execute(sql: string, params?: QueryParams, options?: StatementOptions): Promise<StatementSummary>;
  query<Row = unknown>(sql: string, params?: QueryParams): Promise<Row[]>;
  literal(value: unknown): string;
  literalContext(): FormatContext;
  transport(): SqlTransport;
  isConnected(): boolean;
}
