import type { DecodeOptions } from './decoding.js';
import type { ColumnDefinition } from './columns.js';

/**
 * The contract every connector implements (`@s2/wire` over TCP, `@s2/http` over the Data API)
 * and `@s2/core`'s cursors consume. Nothing here names a socket or `fetch`.
 */

/**
 * Data for `LOAD DATA LOCAL INFILE`: bytes, text (sent as UTF-8), or chunks of either. File
 * paths belong in the statement itself (`LOAD DATA LOCAL INFILE '/path' ...`).
 */
export type InfileSource = string | Uint8Array | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

export interface QueryOptions {
  /** Cancels the statement (wire: `KILL QUERY` on a side connection); rejects with OperationalError. */
  signal?: AbortSignal;
  /** Per-statement timeout in milliseconds; expiry cancels like `signal` does. */
  timeoutMs?: number;
  /**
   * true: rows are read from the network on demand (constant memory, backpressure).
   * false (default): every row of every result set is read before the promise settles.
   */
  streaming?: boolean;
  /** Data for the statement's `LOAD DATA LOCAL INFILE`; without it only a file the statement itself names inside the connection's localInfileDir is sent. */
  infile?: InfileSource;
  /**
   * true: row results keep each row's packet payload undecoded and are read as packet
   * batches (`ResultSet.packets`), for frame formats that decode whole batches at once.
   * Transports without packets ignore it.
   */
  rawRows?: boolean;
  /**
   * A batch row decoder: the transport keeps row packets undecoded as they arrive and hands
   * them over a batch at a time; what it returns are the result's rows, in whatever shape the
   * caller wants them (value arrays, objects...), read through `ResultSet.decoded`. Lets a
   * faster decoder (the native addon) take whole batches while the rest of the result is
   * still arriving, and a row format shape each batch while its packets are still young. It
   * must throw what the row decoder would: a malformed packet (errno 2027) ends the session,
   * any other DatabaseError is reported after the result has been read to its end.
   * Transports without packets ignore it.
   */
  decodeBatch?: (columns: readonly ColumnDefinition[], options: DecodeOptions, packets: RawBatch) => unknown[];
  /**
   * With `decodeBatch`: turns value arrays of the transport's own row decoder into the shape
   * `decodeBatch` returns. A transport may then decode a result's first few rows itself and
   * shape them here rather than hold them for a batch, so a small result skips the batch
   * machinery; the rows read through `ResultSet.decoded` are the same either way.
   */
  shapeRows?: (columns: readonly ColumnDefinition[], rows: unknown[][]) => unknown[];
  /**
   * Settings replacing the connection's for the rows this statement's transport decodes itself
   * (those read through `ResultSet.read`): a frame format that gets no packets asks here for
   * values that carry every digit it keeps (BIGINT as bigint, DECIMAL as text), whatever the
   * row options say. Packet batches (`rawRows`, `decodeBatch`) keep the connection's settings.
   */
  decodeOverrides?: Partial<DecodeOptions>;
}

/** Summary of an OK packet, or of the EOF that ends a result set. */
export interface StatementStatus {
  /** Rows affected (matched with client_found_rows); for row results the number of rows read. */
  affectedRows: number | bigint;
  /** LAST_INSERT_ID of the statement; 0 when none. */
  insertId: number | bigint;
  serverStatus: number;
  warningCount: number;
  /** Human-readable info string of the OK packet ('' when absent). */
  info: string;
}

/**
 * Consecutive row packets still framed as on the wire (3-byte length, sequence id, payload),
 * standing for `count` rows in a packet batch (see `ResultSet.packets`).
 */
export interface FramedPackets {
  readonly framed: Uint8Array;
  readonly count: number;
}

/**
 * A batch of undecoded text-protocol rows: bare row payloads, and runs of framed packets
 * (`FramedPackets`) each followed by `count - 1` empty slots, so a batch's length is its row
 * count. The frame and row decoders (`BatchDecoder`) take these as they are.
 */
export type RawBatch = readonly (Uint8Array | FramedPackets | undefined)[];

/**
 * The second read path of a result: undecoded rows for formats that decode whole batches
 * (columns, Arrow, polars), typed as packet batches.
 */
export interface PacketReader {
  /** The value-decoding settings the rows are to be decoded with. */
  readonly decodeOptions: DecodeOptions;
  /** Up to `max` rows (default: all remaining) as one packet batch; [] once exhausted. */
  read(max?: number): Promise<RawBatch>;
}

/** The rows of a result as the query's `decodeBatch` made them. */
export interface DecodedRowReader {
  /** Up to `max` rows (default: all remaining); [] once exhausted. */
  read(max?: number): Promise<unknown[]>;
}

/** One result of a statement: either an OK (no columns) or a result set with rows. */
export interface ResultSet {
  /** null for OK results (INSERT, UPDATE, SET...). */
  readonly columns: ColumnDefinition[] | null;
  /**
   * Reads up to `max` decoded rows (default: all remaining). Resolves to [] once the result is
   * exhausted. Buffered results answer from memory; streaming results read the socket.
   */
  read(max?: number): Promise<unknown[][]>;
  /**
   * Set when the query asked for `rawRows` and the transport honoured it: the rows are read as
   * packet batches through this reader instead of `read`.
   */
  readonly packets?: PacketReader;
  /**
   * Set when the query passed `decodeBatch` and the transport honoured it: the rows, as that
   * function made them, are read through this reader instead of `read`.
   */
  readonly decoded?: DecodedRowReader;
  /**
   * The settings the rows of `read` were decoded with, when the transport tells (the
   * connection's, with the query's `decodeOverrides` applied): a frame built from those rows
   * lays out its columns by them (text under dateStrings, dates in their time zone).
   */
  readonly decodeOptions?: DecodeOptions;
  /** Rows one at a time, with backpressure when streaming. */
  [Symbol.asyncIterator](): AsyncIterator<unknown[]>;
  /**
   * Optional: hands every row not yet read to `fn` synchronously as it is decoded (as `decoded`
   * would make it when the query passed `decodeBatch`), holding none.
   */
  forEachRow?(fn: (row: unknown) => void): Promise<void>;
  /** True once every row has been read from the network (always true for OK results). */
  readonly complete: boolean;
  /** Final status: set at construction for OK results, once `complete` for row results. */
  readonly status: StatementStatus | null;
  /** Known once `complete`: the server announced another result for this statement. */
  readonly hasMore: boolean;
}

/** The sequence of results one statement produces (several with multi-statements or CALL). */
export interface QueryResponse {
  /** The result currently being read. */
  readonly current: ResultSet;
  /**
   * Discards what is left of `current` and moves to the next result. Resolves to null, and
   * leaves `current` alone, when there is no further result.
   */
  nextResult(): Promise<ResultSet | null>;
  /** Reads and discards everything left, so the connection can take the next command. */
  drain(): Promise<void>;
}

/** Session state a transport tracks from the server's packets. */
export interface SessionInfo {
  serverVersion: string;
  connectionId: number;
  /** Last known server status flags (autocommit, in-transaction, no-backslash-escapes...). */
  serverStatus: number;
  /** Charset name of the session, e.g. 'utf8mb4'. */
  charset: string;
  database: string | null;
}

export interface SqlTransport {
  readonly session: SessionInfo;
  /** false once closed or broken; no round trip. */
  readonly isOpen: boolean;
  /**
   * A streaming result of this session is not read to its end (the session can run nothing
   * else until it is drained). Absent: the transport never holds one (the Data API).
   */
  readonly streamOpen?: boolean;
  /** Reads and drops the rest of that streaming result. */
  drainStream?(): Promise<void>;
  /**
   * A command of this session is still running though its caller has its answer: a cancelled
   * statement the server has not ended yet (the session is freed, or discarded, once it has).
   * Absent: never (the Data API).
   */
  readonly busy?: boolean;
  /** Resolves once no command is running or waiting (at once when idle, or once the session is gone). */
  whenIdle?(): Promise<void>;
  /**
   * The error of a later statement of a multi-statement text that nobody read: the session's
   * next command would throw it. Absent: never.
   */
  readonly pendingError?: boolean;
  /** Forgets that error (a pool handing the session to another borrower). */
  dropPendingError?(): void;
  /** Runs one SQL text (no client-side interpolation at this level). */
  query(sql: string, options?: QueryOptions): Promise<QueryResponse>;
  ping(): Promise<void>;
  selectDb(database: string): Promise<void>;
  /** Resets session state on the server (COM_RESET_CONNECTION); used when returning to a pool. */
  reset(): Promise<void>;
  /** Polite shutdown (COM_QUIT), then the socket is closed. Idempotent. */
  close(): Promise<void>;
  /** Immediate teardown without a goodbye; pending commands reject with OperationalError. */
  destroy(error?: Error): void;
}
