import {
  expandRawRows,
  describeColumn,
  ClientErrorCode,
  DatabaseError,
  formatQuery,
  InterfaceError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  type ColumnDefinition,
  type ColumnDescription,
  type QueryOptions,
  type InfileSource,
  type QueryParams,
  type QueryResponse,
  type ResultSet,
  type BatchDecoder,
  type PacketReader,
  type RawBatch,
  type DecodeOptions,
  resolveDecodeOptions,
  options,
} from '@s2/base';
import { resultFormat, type PreparedFormat, type ResultFormat } from '../results/formats.js';
import { bindsParams, sendStatement } from './send-statement.js';
import { executemany, type ExecutemanyOptions } from './executemany.js';
import type { CursorSession } from '../session/types.js';
import type { ResolvedConnectParams } from '../params/index.js';
import { statementHookSlot } from '../hooks/statement-hook.js';

export type { ExecutemanyOptions } from './executemany.js';

export interface ExecuteOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Data for `LOAD DATA LOCAL INFILE ':stream:'` (or any LOCAL INFILE of this statement). */
  infile?: InfileSource;
}

/** What close() returns when it has nothing to wait for. */
const SETTLED: Promise<void> = Promise.resolve();

/** Rows per batch when a whole-result frame is decoded incrementally. */
const FRAME_BATCH = 65_536;
/** Rows a streaming cursor's async iterator reads at a time (see Cursor[Symbol.asyncIterator]). */
const ITERATOR_BATCH = 64;

type RowDelivery = Readonly<Pick<QueryOptions, 'rawRows' | 'decodeBatch' | 'shapeRows' | 'decodeOverrides'>>;

const NO_DELIVERY: RowDelivery = Object.freeze({});

/** One delivery per decoder and format, made once: a statement only spreads it into its options. */
const deliveries = new WeakMap<BatchDecoder, WeakMap<ResultFormat, RowDelivery>>();

/**
 * How a query's rows should come from the transport for this format. Frame formats decode
 * packet batches themselves, so they get the rows undecoded (`rawRows`); a transport without
 * packets decodes them with the format's `frameRowOptions` instead. Row formats have the
 * addon decode their rows a batch at a time as the packets arrive (it walks the packets,
 * parses the numbers and checks the text of a whole batch at once), and each batch is shaped
 * (objects...) right away: the result then holds final rows only, never a value array per row
 * beside them. With `pureJs: true`, or without the addon, the transport's row decoder does it.
 */
function rowDelivery(resultsType: string, decoder: BatchDecoder): RowDelivery {
  let format: ResultFormat;
  try {
    format = resultFormat(resultsType);
  } catch {
    return NO_DELIVERY;
  }
  let byFormat = deliveries.get(decoder);
  if (byFormat === undefined) deliveries.set(decoder, (byFormat = new WeakMap()));
  let delivery = byFormat.get(format);
  if (delivery === undefined) byFormat.set(format, (delivery = Object.freeze(deliveryFor(format, decoder))));
  return delivery;
}

function deliveryFor(format: ResultFormat, decoder: BatchDecoder): RowDelivery {
  if (format.packets === true) return { rawRows: true, decodeOverrides: format.frameRowOptions };
  if (format.frameRowOptions) return { decodeOverrides: format.frameRowOptions };
  // The TypeScript decoder is fastest row by row inside the transport; the addon by batches.
  if (format.packetRows !== true || (decoder.kind === 'pure' && format.rowObjects !== true)) return NO_DELIVERY;
  // The format prepared for the last column list seen (results share one while it lasts).
  let preparedFor: readonly ColumnDefinition[] | null = null;
  let shape: PreparedFormat['rows'];
  const shapeRows = (columns: readonly ColumnDefinition[], rows: unknown[][]): unknown[] => {
    if (preparedFor !== columns) {
      preparedFor = columns;
      shape = format.prepare(columns).rows;
    }
    return shape ? shape(rows) : rows;
  };
  return {
    decodeBatch: (columns, options, packets) => shapeRows(columns, decoder.decodeRows(columns, options, packets)),
    shapeRows,
  };
}

const closedCursor = () => new ProgrammingError('Cursor closed');

/**
 * The connection's value-decoding settings: what rows were decoded with when their result does
 * not say (a transport that ignores `decodeOverrides`, a Fusion result).
 */
function connectionDecodeOptions(p: Readonly<ResolvedConnectParams>): DecodeOptions {
  const { int64, decimal, timezone, dateStrings, parseJson, encodingErrors, conv } = p;
  return resolveDecodeOptions({ int64, decimal, timezone, dateStrings, parseJson, encodingErrors, conv });
}

/**
 * DB-API style cursor over one connection. Buffered cursors read each result completely during
 * `execute`; streaming cursors (`buffered: false`) read rows as they are fetched.
 */
export class Cursor<Row = unknown> implements AsyncIterable<Row> {
  /** Column metadata of the current result set; null for statements without one. */
  description: ColumnDescription[] | null = null;
  /** Affected rows, rows in a buffered result, or -1 (before execute / streaming result). */
  rowcount = -1;
  /** Index of the next row to fetch. */
  rownumber = 0;
  lastrowid: number | bigint | null = null;
  warningCount = 0;
  /**
   * The server's info text of a statement without a result set, as the wire's OK packet carries
   * it ("Rows matched: 1  Changed: 1  Warnings: 0" for an UPDATE, "Records: 3  Duplicates: 0
   * Warnings: 0" for a multi-row INSERT); '' for results with rows, statements without one, and
   * over the Data API. (mysql2's `ResultSetHeader.info`; the drivers read changed rows from it.)
   */
  info = '';
  /** Default fetchmany size: option `results.arraysize` (`SINGLESTOREDB_RESULTS_ARRAYSIZE`, default 1) when the cursor is made. */
  arraysize: number;
  readonly messages: string[] = [];

  private response: QueryResponse | null = null;
  private result: ResultSet | null = null;
  private format: PreparedFormat | null = null;
  /** Buffered mode: the current result's rows (already in the output format). */
  private rows: unknown[] | null = null;
  /** The current result's packet path, when its format decodes packet batches itself. */
  private packets: PacketReader | null = null;
  /** Buffered packet results: one payload per row, so that partial fetches can slice anywhere. */
  private payloads: Uint8Array[] | null = null;
  /**
   * A streaming result's rows read by the async iterator and not handed out yet (from
   * `unreadAt` on): every read takes them first, so fetches inside the loop, other iterators and
   * reads after a break see the rows in order.
   */
  private unread: unknown[] | null = null;
  private unreadAt = 0;
  private executed = false;
  /** The signal of the statement being read, checked before each row the iterator yields. */
  private signal: AbortSignal | undefined;
  private closed = false;

  /**
   * `arraysize` is given by callers whose cursor never reaches user code (`query()`): reading the
   * option probes the environment, a cost per statement for a size nothing would use.
   */
  constructor(
    readonly connection: CursorSession,
    private readonly buffered: boolean,
    private readonly resultsType: string,
    arraysize?: number,
  ) {
    this.arraysize = arraysize ?? (options.get('results.arraysize') as number);
  }

  /** @internal Wire-level metadata of the current result set (what result formats are prepared with). */
  get resultColumns(): readonly ColumnDefinition[] | null {
    return this.result?.columns ?? null;
  }

  isConnected(): boolean {
    return !this.closed;
  }

  private ensureOpen(): void {
    if (this.closed) throw closedCursor();
  }

  /** The SQL that `execute` would send, with parameters interpolated. */
  mogrify(sql: string, params?: QueryParams): string {
    return formatQuery(sql, params, this.connection.literalContext());
  }

  async execute(sql: string, params?: QueryParams, options: ExecuteOptions = {}): Promise<number> {
    this.ensureOpen();
    // Each await skipped when there is nothing to wait for: a pool's one-shot statement runs
    // on a fresh cursor without track_env.
    const previous = this.discardResponse();
    if (previous) await previous;
    // A statement that fails must not leave the previous one's results readable as its own
    // (as the reference clears them first).
    this.clearResult();
    // A reconnect (track_env) may land on a session with another escaping mode: sync first.
    if (this.connection.params.trackEnv) await this.connection.syncWithEnvironment();
    // The context the values are quoted with travels along, so the transport can tell whether
    // the session's escaping mode is still the same when the statement is sent.
    const ctx = this.connection.literalContext();
    const text = formatQuery(sql, params, ctx);
    this.connection.debugQuery(text);
    const delivery = rowDelivery(this.resultsType, this.connection.decoder);
    const hook = statementHookSlot.hook;
    const answered = hook === null ? null : await hook(text, this.connection, options);
    this.response =
      answered ?? (await sendStatement(this.connection.transport(), sql, params, text, ctx, { ...options, ...delivery, streaming: !this.buffered }));
    this.executed = true;
    this.signal = options.signal;
    await this.load(this.response.current);
    return this.rowcount;
  }

  /**
   * Runs the statement once per parameter set (see `executemany.ts`): `INSERT|REPLACE ...
   * VALUES (<placeholders>)` becomes pipelined multi-row statements; rowcount is the total.
   */
  async executemany(sql: string, paramSets?: Iterable<QueryParams>, options: ExecutemanyOptions = {}): Promise<number | null> {
    this.ensureOpen();
    await this.discardResponse();
    return executemany(this, sql, paramSets, options);
  }

  /**
   * `CALL name(...)` with arguments passed through session variables `@_name_<i>`, like
   * the SingleStoreDB Python SDK (singlestoredb 1.18.1).
   */
  async callproc(name: string, args: readonly unknown[] = []): Promise<readonly unknown[]> {
    this.ensureOpen();
    // The name is spliced into CALL and into session variable names: only a plain (db.)name.
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(name)) {
      throw new ProgrammingError(`callproc: '${String(name)}' is not a plain procedure name (letters, digits, _ and $, optionally db.name)`);
    }
    if (bindsParams(this.connection.transport())) {
      // The Data API keeps no session variables: the arguments are bound into the CALL itself.
      await this.execute(`CALL ${name}(${args.map(() => '%s').join(', ')})`, args.length ? args : undefined);
      return args;
    }
    if (args.length) {
      const assigns = args.map((a, i) => `@_${name}_${i}=${this.connection.literal(a)}`).join(',');
      await this.execute(`SET ${assigns}`);
    }
    await this.execute(`CALL ${name}(${args.map((_, i) => `@_${name}_${i}`).join(',')})`);
    return args;
  }

  /** No current result: what a cursor shows before its first statement. */
  private clearResult(): void {
    this.executed = false;
    this.result = null;
    this.format = null;
    this.rows = null;
    this.payloads = null;
    this.packets = null;
    this.unread = null;
    this.description = null;
    this.rowcount = -1;
    this.rownumber = 0;
    this.lastrowid = null;
    this.warningCount = 0;
    this.info = '';
  }

  private async load(result: ResultSet): Promise<void> {
    this.result = result;
    this.rownumber = 0;
    this.rows = null;
    this.payloads = null;
    this.unread = null;
    this.packets = result.packets ?? null;
    if (result.columns) {
      this.description = result.columns.map(describeColumn);
      this.format = resultFormat(this.resultsType).prepare(result.columns);
      this.lastrowid = null;
      if (this.buffered && this.packets) {
        // Packets kept for a frame format stay packets until a fetch says which shape it wants.
        this.payloads = expandRawRows(await this.packets.read());
        this.rowcount = this.payloads.length;
      } else if (this.buffered) {
        // Rows from decodeBatch are in their final shape already.
        this.rows = result.decoded ? await result.decoded.read() : this.shape(await result.read());
        this.rowcount = this.rows.length;
      } else {
        this.rowcount = -1;
      }
      this.warningCount = result.status?.warningCount ?? 0;
      this.info = '';
    } else {
      this.description = null;
      this.format = null;
      const s = result.status!;
      this.rowcount = Number(s.affectedRows);
      this.lastrowid = s.insertId;
      this.warningCount = s.warningCount;
      this.info = s.info ?? '';
    }
  }

  private shape(rows: unknown[][]): unknown[] {
    return this.format?.rows ? this.format.rows(rows) : rows;
  }

  /** Rows of a packet batch, for row-wise fetches from a result kept as packets. */
  private rowsOf(batch: RawBatch): unknown[][] {
    try {
      return this.connection.decoder.decodeRows(this.result!.columns!, this.packets!.decodeOptions, batch);
    } catch (err) {
      throw this.decodingFailed(err);
    }
  }

  /** Up to `max` rows of a streaming result, in the format's shape; the iterator's unread rows first. */
  private async readShaped(max?: number): Promise<unknown[]> {
    const early = this.takeUnread(max);
    if (!early) return this.readShapedFromResult(max);
    if (max !== undefined && early.length === max) return early;
    const rest = await this.readShapedFromResult(max === undefined ? undefined : max - early.length);
    return rest.length ? early.concat(rest) : early;
  }

  /** Up to `max` rows (all when undefined) of the iterator's unread rows; null when there are none. */
  private takeUnread(max?: number): unknown[] | null {
    const queue = this.unread;
    if (!queue) return null;
    const from = this.unreadAt;
    const end = max === undefined ? queue.length : Math.min(queue.length, from + max);
    const out = queue.slice(from, end);
    if (end >= queue.length) this.unread = null;
    else this.unreadAt = end;
    return out.length ? out : null;
  }

  /** The next unread row, its slot released (a scavenge then finds only rows not handed out). */
  private shiftUnread(): unknown {
    const queue = this.unread!;
    const row = queue[this.unreadAt];
    queue[this.unreadAt++] = undefined;
    if (this.unreadAt >= queue.length) this.unread = null;
    return row;
  }

  private async readShapedFromResult(max?: number): Promise<unknown[]> {
    const result = this.result!;
    if (this.packets) return this.shape(this.rowsOf(await this.packets.read(max)));
    if (result.decoded) return result.decoded.read(max);
    return this.shape(await result.read(max));
  }

  /** One frame of a packet batch: decoded as a whole by the format, or from its rows. */
  private frameOfPackets(batch: RawBatch): unknown {
    if (!this.format?.framePackets) return this.format!.frame!(this.rowsOf(batch), this.packets!.decodeOptions);
    try {
      return this.format.framePackets(batch, this.packets!.decodeOptions, this.connection.decoder);
    } catch (err) {
      throw this.decodingFailed(err);
    }
  }

  /**
   * A packet batch that would not decode. A malformed row (errno 2027) means the result's
   * framing cannot be trusted, so its end may never be found: draining it could wait forever.
   * The session is discarded, as the transport does when it meets such a row itself, and the
   * response is forgotten so that nothing waits on it. A value error leaves the session as it
   * is: the rest of the result is drained as usual.
   */
  private decodingFailed(err: unknown): unknown {
    if (!(err instanceof DatabaseError) || err.errno !== ClientErrorCode.MALFORMED_PACKET) return err;
    this.response = null;
    if (this.connection.isConnected()) this.connection.transport().destroy(err);
    return err;
  }

  /** One frame of up to `max` rows read from a streaming result (possibly a promise of it: see PreparedFormat.frame). */
  private async readFrame(max?: number): Promise<{ frame: unknown; rows: number }> {
    if (this.packets) {
      const batch = await this.packets.read(max);
      return { frame: this.frameOfPackets(batch), rows: batch.length };
    }
    const rows = await this.result!.read(max);
    return { frame: this.format!.frame!(rows, this.rowOptions()), rows: rows.length };
  }

  /** The settings the current result's rows were decoded with, which a frame of them follows. */
  private rowOptions(): DecodeOptions {
    return this.result?.decodeOptions ?? connectionDecodeOptions(this.connection.params);
  }

  /**
   * The frame of a statement without a result set: the format's frame of no rows and no
   * columns, as fetchall gives no rows.
   */
  private emptyFrame(): unknown {
    const prepared = resultFormat(this.resultsType).prepare([]);
    if (!prepared.frame) throw new NotSupportedError(`results type '${this.resultsType}' does not produce frames`);
    return prepared.frame([], this.rowOptions());
  }

  private ensureExecuted(): void {
    this.ensureOpen();
    if (!this.executed) throw new ProgrammingError('execute() first');
  }

  async fetchone(): Promise<Row | null> {
    const rows = await this.fetchmany(1);
    return rows.length ? rows[0] : null;
  }

  async fetchmany(size?: number): Promise<Row[]> {
    this.ensureExecuted();
    const n = size && size > 0 ? size : this.arraysize;
    if (!this.result?.columns) return [];
    if (this.payloads) {
      const out = this.payloads.slice(this.rownumber, this.rownumber + n);
      this.rownumber += out.length;
      return this.shape(this.rowsOf(out)) as Row[];
    }
    if (this.rows) {
      const out = this.rows.slice(this.rownumber, this.rownumber + n);
      this.rownumber += out.length;
      return out as Row[];
    }
    const rows = await this.readShaped(n);
    this.rownumber += rows.length;
    return rows as Row[];
  }

  /**
   * Hands the rest of the current result to `fn` row by row, synchronously as each row is
   * decoded, in the cursor's results type, and resolves with the number of rows. A streaming
   * cursor then holds no row itself: one is alive at a time, which keeps a long read at the
   * memory of a row-event stream. Buffered results, frame formats and transports without this
   * path are handed over from batches of 256 rows.
   */
  async forEachRow(fn: (row: Row) => void): Promise<number> {
    this.ensureExecuted();
    const result = this.result;
    if (!result?.columns) return 0;
    let n = 0;
    const early = this.takeUnread();
    if (early) {
      for (const row of early) {
        n++;
        this.rownumber++;
        fn(row as Row);
      }
    }
    const before = n;
    if (this.rows || this.payloads || this.packets || !result.forEachRow) {
      for (;;) {
        const batch = await this.fetchmany(256);
        if (batch.length === 0) return n;
        for (const row of batch) {
          n++;
          fn(row);
        }
      }
    }
    // Rows from decodeBatch are shaped already; rows of the transport's decoder are value arrays.
    const shape = result.decoded ? null : (this.format?.rows ?? null);
    try {
      await result.forEachRow(
        shape
          ? (row) => {
              n++;
              fn(shape([row as unknown[]])[0] as Row);
            }
          : (row) => {
              n++;
              fn(row as Row);
            },
      );
    } finally {
      this.rownumber += n - before;
    }
    return n;
  }

  async fetchall(): Promise<Row[]> {
    this.ensureExecuted();
    const held = this.takeHeld();
    if (held) return held;
    const rows = await this.readShaped();
    this.rownumber += rows.length;
    return rows as Row[];
  }

  /**
   * @internal The rest of an executed statement's rows when no read is needed (a buffered
   * result, or none), taken without a promise; null when they must be read from the network.
   * `Connection.query` returns them straight away.
   */
  takeHeld(): Row[] | null {
    if (!this.result?.columns) return [];
    if (this.payloads) {
      const out = this.rownumber === 0 ? this.payloads : this.payloads.slice(this.rownumber);
      this.rownumber = this.payloads.length;
      return this.shape(this.rowsOf(out)) as Row[];
    }
    if (this.rows) {
      const out = this.rownumber === 0 ? this.rows : this.rows.slice(this.rownumber);
      this.rownumber = this.rows.length;
      return out as Row[];
    }
    return null;
  }

  /**
   * Frame formats (columnar/Arrow/polars): the remaining rows — or at most `size` of them — as
   * one frame. With a size, a frame of 0 rows means the result is exhausted. A statement
   * without a result set gives the format's frame of no columns and no rows.
   */
  async fetchframe(size?: number): Promise<unknown> {
    this.ensureExecuted();
    if (!this.result?.columns) return this.emptyFrame();
    if (!this.format?.frame) throw new NotSupportedError(`results type '${this.resultsType}' does not produce frames`);
    const limit = size && size > 0 ? size : undefined;
    const buffered = this.payloads ?? this.rows;
    if (buffered) {
      const end = limit === undefined ? buffered.length : Math.min(buffered.length, this.rownumber + limit);
      const whole = this.rownumber === 0 && end === buffered.length;
      const start = this.rownumber;
      this.rownumber = end;
      if (this.payloads) return this.frameOfPackets(whole ? this.payloads : this.payloads.slice(start, end));
      // Frame formats have no `rows` step, so buffered rows are still one array per row.
      return this.format.frame((whole ? this.rows! : this.rows!.slice(start, end)) as unknown[][], this.rowOptions());
    }
    if (this.unread) return this.frameWithUnread(limit);
    if (limit === undefined && this.packets && this.format.mergeFrames) {
      // The whole rest as one frame, decoded a batch at a time while the packets stream in.
      // Batches of the format's own frame size: a format with one JS value per cell wants them
      // small, so that each batch's packets and values die young rather than pile up.
      const format = resultFormat(this.resultsType);
      const byFormat = format.mergeBatchRows ?? format.streamBatchRows;
      const batchRows = (typeof byFormat === 'function' ? byFormat(this.result.columns ?? []) : byFormat) ?? FRAME_BATCH;
      const frames: unknown[] = [];
      for (;;) {
        const part = await this.readFrame(batchRows);
        if (part.rows === 0 && frames.length > 0) break;
        this.rownumber += part.rows;
        // Rejections wait for the merge below; until then they must not count as unhandled.
        if (part.frame instanceof Promise) part.frame.catch(() => {});
        frames.push(part.frame);
        if (part.rows < batchRows) break;
      }
      // A format may hand back promises of frames (its library still loading): batches go on
      // being read and decoded meanwhile, and only the merge waits.
      return this.format.mergeFrames(await Promise.all(frames));
    }
    const part = await this.readFrame(limit);
    this.rownumber += part.rows;
    return part.frame;
  }

  /**
   * A frame that starts with the rows a broken-off iteration left unread (frame formats have no
   * `rows` step, so they are still one value array per row): those alone when a size is given
   * (a short frame), else merged with the rest.
   */
  private async frameWithUnread(limit: number | undefined): Promise<unknown> {
    const format = this.format!;
    const options = this.packets?.decodeOptions ?? this.rowOptions();
    const early = this.takeUnread(limit)! as unknown[][];
    this.rownumber += early.length;
    if (limit !== undefined) return format.frame!(early, options);
    if (format.mergeFrames) {
      const head = format.frame!(early, options);
      const rest = await this.fetchframe();
      return format.mergeFrames([await head, rest]);
    }
    const rest = this.packets ? this.rowsOf(await this.packets.read()) : await this.result!.read();
    this.rownumber += rest.length;
    return format.frame!(early.concat(rest), options);
  }

  /** Moves to the next result set; false when there is none. */
  async nextset(): Promise<boolean> {
    this.ensureOpen();
    if (!this.response) return false;
    const next = await this.response.nextResult();
    if (!next) return false;
    await this.load(next);
    return true;
  }

  async scroll(value: number, mode: 'relative' | 'absolute' = 'relative'): Promise<void> {
    this.ensureExecuted();
    if (mode !== 'relative' && mode !== 'absolute') throw new ProgrammingError(`unknown scroll mode ${String(mode)}`);
    const buffered = this.payloads ?? this.rows;
    if (buffered) {
      const target = mode === 'relative' ? this.rownumber + value : value;
      if (target < 0 || target >= buffered.length) throw new ProgrammingError('scroll target out of range');
      this.rownumber = target;
      return;
    }
    let forward = mode === 'relative' ? value : value - this.rownumber;
    if (forward < 0) throw new NotSupportedError('Backwards scrolling not supported by this cursor');
    const early = forward > 0 ? this.takeUnread(forward) : null;
    if (early) {
      this.rownumber += early.length;
      forward -= early.length;
    }
    if (forward > 0 && this.result) {
      const result = this.result;
      const skipped = this.packets ? await this.packets.read(forward) : result.decoded ? await result.decoded.read(forward) : await result.read(forward);
      this.rownumber += skipped.length;
    }
  }

  /**
   * Rows one at a time. Buffered rows are handed out where they lie; a streaming result is read
   * 64 rows at a time. `rownumber` counts the rows handed out, and rows read but not handed out
   * wait on the cursor (`unread`), where every fetch takes them first: a fetch or scroll in the
   * loop body, or after a break, goes on from the next row, as with the reference's row-at-a-time
   * iteration.
   *
   * Hand-written rather than an async generator: a step with a row in hand settles without
   * resuming a generator, and each row's slot is cleared as it is handed out, so a scavenge
   * finds only the rows not yet taken alive. Rows kept alive across scavenges are what grow
   * V8's new space: on 1M `wide` rows, 1,024-row batches held whole peaked at ~92 MiB, 256-row
   * batches cleared as they go at ~72, 64-row ones at ~64 (mysql2's row stream: ~66), with the
   * same CPU within noise.
   */
  [Symbol.asyncIterator](): AsyncIterator<Row> {
    let source: ResultSet | null | undefined;
    let done = false;
    /** Buffered packet results: rows decoded from payloads[batchStart…], handed out by index. */
    let batch: unknown[] = [];
    let batchStart = 0;
    const end = (): IteratorResult<Row> => {
      done = true;
      batch = [];
      return { value: undefined, done: true };
    };
    const ENDED: Promise<IteratorResult<Row>> = Promise.resolve({ value: undefined, done: true });
    const hand = (row: unknown): Promise<IteratorResult<Row>> => {
      // An abort inside the loop body stops delivery at the very next row (which is not counted).
      if (this.signal?.aborted) {
        end();
        return Promise.reject(new OperationalError('Query execution was interrupted: cancelled by AbortSignal', { errno: 1317, cause: this.signal.reason }));
      }
      this.rownumber++;
      return Promise.resolve({ value: row as Row, done: false });
    };
    const fromPayloads = (payloads: Uint8Array[]): Promise<IteratorResult<Row>> => {
      const at = this.rownumber;
      if (at >= payloads.length) return Promise.resolve(end());
      let offset = at - batchStart;
      // Rows are decoded a slice at a time where the cursor is: a fetch or scroll in the loop
      // body moves it, and a row already handed out (its slot cleared) is decoded again.
      if (offset < 0 || offset >= batch.length || batch[offset] === undefined) {
        batch = this.shape(this.rowsOf(payloads.slice(at, at + ITERATOR_BATCH)));
        batchStart = at;
        offset = 0;
      }
      const row = batch[offset];
      batch[offset] = undefined;
      return hand(row);
    };
    const refill = async (): Promise<IteratorResult<Row>> => {
      try {
        const rows = await this.readShapedFromResult(ITERATOR_BATCH);
        if (this.result !== source) return end();
        if (rows.length === 0) {
          // Another reader (a fetch in the loop body, a second iterator) may have queued rows meanwhile.
          return this.unread ? hand(this.shiftUnread()) : end();
        }
        this.unread = this.unread ? this.unread.slice(this.unreadAt).concat(rows) : rows;
        this.unreadAt = 0;
      } catch (err) {
        end();
        throw err;
      }
      return hand(this.shiftUnread());
    };
    const step = (): Promise<IteratorResult<Row>> => {
      if (done) return ENDED;
      if (this.result !== source) return Promise.resolve(end());
      // Buffered rows: read in place, so fetches and scrolls in the loop body move the loop too.
      if (this.rows) return this.rownumber < this.rows.length ? hand(this.rows[this.rownumber]) : Promise.resolve(end());
      if (this.payloads) return fromPayloads(this.payloads);
      // A streaming result: the rows read ahead wait on the cursor, where every read finds them first.
      if (this.unread) return hand(this.shiftUnread());
      return refill();
    };
    const first = (): Promise<IteratorResult<Row>> => {
      try {
        if (this.closed) throw new InterfaceError('Cursor is closed.', { errno: 2048 });
        this.ensureExecuted();
      } catch (err) {
        end();
        return Promise.reject(err);
      }
      source = this.result;
      if (!source?.columns) return Promise.resolve(end());
      return step();
    };
    return {
      next: () => (source === undefined && !done ? first() : step()),
      return: () => Promise.resolve(end()),
    };
  }

  /**
   * Reads and drops whatever the previous statement left unread, so the session is free; no
   * promise when nothing is left (no response, or one that has read its last packet: the
   * wire's `finished`).
   */
  private discardResponse(): Promise<void> | undefined {
    const r = this.response;
    this.response = null;
    this.result = null;
    if (!r || (r as { finished?: boolean }).finished === true) return undefined;
    return r.drain();
  }

  close(): Promise<void> {
    if (this.closed) return SETTLED;
    this.closed = true;
    const rest = this.connection.isConnected() ? this.discardResponse() : undefined;
    // Nothing left to drain (a buffered statement): settled without a promise of its own.
    if (!rest) {
      this.dropRows();
      return SETTLED;
    }
    return rest.finally(() => this.dropRows());
  }

  private dropRows(): void {
    this.rows = null;
    this.payloads = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  setinputsizes(): void {}
  setoutputsize(): void {}
}
