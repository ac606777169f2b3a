import {
  checkRowShape,
  createTextRowDecoder,
  expandRawRows,
  DatabaseError,
  InterfaceError,
  OperationalError,
  ServerStatus,
  type ColumnDefinition,
  type DecodedRowReader,
  type DecodeOptions,
  type PacketReader,
  type QueryOptions,
  type RawBatch,
  type QueryResponse,
  type ResultSet,
  type RowDecoder,
  type StatementStatus,
} from '@s2/base';
import { malformed } from '../protocol/malformed.js';
import { PacketCursor } from '../protocol/packet-cursor.js';
import { rowRunPrefix, splitRun } from '../protocol/row-run.js';
import { isErr, isOk, parseEof, parseErr, parseOk } from '../protocol/server-messages.js';
import { SESSION_STATE_CHANGED } from '../protocol/session-state.js';
import { columnDefinitionAt } from './column-cache.js';
import type { InfileGrant } from './infile-grant.js';
import { sendLocalInfile } from './local-infile.js';
import type { PacketChannel, RunningKill } from './packet-channel.js';

const ER_QUERY_INTERRUPTED = 1317;
const ER_QUERY_TIMEOUT = 3024;
const ITERATOR_BATCH = 1024;
const MAX_COLUMN_COUNT = 0xffffffff;
/**
 * Rows per batch handed to QueryOptions.decodeBatch. Measured on the benchmark's wide table
 * (1M rows, buffered tuples through the addon): 65,536 used the most memory and time, whose
 * intermediate columns outlive the young generation. At 16,384 a batch's packets (views of
 * the socket's chunks) are held across several socket reads and scavenges, get promoted, and
 * ~60 MiB of chunks wait for a full GC: peak RSS 535 MiB against 456–463 MiB at 2,048–8,192,
 * at the same CPU time. 4,096 keeps a margin below that edge on a slower socket.
 */
const DECODE_BATCH = 4096;
/**
 * Rows per batch-decoder call while forEachRow pushes rows: about one socket read of the
 * benchmark's wide table, so a batch's values die before the next scavenge.
 */
const PUSH_BATCH = 256;

/**
 * With `shapeRows`, a batch-decoded result's first rows are decoded one at a time by the row
 * decoder and shaped at once: a result this small would reach the addon's batch decoder only to
 * be handed to the TypeScript one (NATIVE_MIN_ROWS in @s2/native), after being held as packets
 * for nothing. Small statements (a pool's one-row answers) then cost what the row path costs.
 */
const ROW_BY_ROW_FIRST = 16;
/**
 * How long the socket may stay quiet, with rows held undecoded, before they are looked at:
 * the row-by-row path finds a broken row the moment it arrives, and a server that then stalls
 * (or never ends the result) must not make the held path wait instead. Data that keeps coming
 * never waits this long, so batches keep their size.
 */
const IDLE_INSPECT_MS = 10;
/**
 * Rows kept as packets for a frame are all shape-checked (each once) only after this much
 * silence: a server pausing for 10 ms is common on a busy machine, and checking every row then
 * would parse a frame's rows twice; one that stays quiet this long has likely stalled.
 */
const STALL_INSPECT_MS = 250;

/**
 * The results of one COM_QUERY. Buffered: every result is read during `query()`. Streaming:
 * rows are pulled from the socket as the caller reads them, one result after another.
 */
export class WireQueryResponse implements QueryResponse {
  current!: WireResultSet;
  /** No packet of this command is left on the wire (the session is free of it). */
  private ended = false;
  /** Written as a pipelined statement (counted by the session until it finishes). */
  pipelined = false;
  private buffered: WireResultSet[] | null = null;
  private index = 0;
  /** Buffered: the error of the statement after the last buffered result, for nextResult() to throw. */
  private laterError: Error | null = null;
  /** Set once the statement's signal fired or its deadline passed. */
  cancelled: OperationalError | null = null;
  /** The statement ended with 1317 after the cancel: its KILL has run. */
  private killLanded = false;
  /** A refused or failed LOCAL INFILE request, raised once the server has answered it. */
  private infileFailure: Error | null = null;
  /** Removes the signal listener and timers of a cancellable statement (none for the others). */
  private disarm: (() => void) | null = null;
  /** The waits under way in settle(), each rejected the moment the statement is cancelled. */
  private cancelWaiters: Set<(e: Error) => void> | null = null;
  /** Reading of this command's packets now under way (the command itself, or a read()). */
  busy: Promise<unknown> | null = null;
  private draining: Promise<void> | null = null;
  /** The KILL QUERY sent for a cancel, until its side session is done (bounded by the grace period). */
  private killing: Promise<void> | null = null;

  constructor(
    readonly conn: PacketChannel,
    readonly options: QueryOptions,
    private readonly release: () => void,
    private readonly infile: InfileGrant,
    /** How long a cancelled statement may take to end cleanly before the session is discarded. */
    private readonly graceMs = 2000,
  ) {}

  /**
   * Waits for `work` (reading this command's packets) but settles as soon as the statement is
   * cancelled: a deadline holds whatever the server does. Work still running then goes on in
   * the background and frees the session when the server has answered (or the grace period
   * has passed and the session was discarded).
   */
  async settle<T>(work: Promise<T>): Promise<T> {
    this.busy = work;
    // Cleared only when the work itself ends: a cancelled command's reading goes on.
    work.then(
      () => {
        if (this.busy === work) this.busy = null;
      },
      () => {
        if (this.busy === work) this.busy = null;
      },
    );
    // Without a signal or deadline nothing cancels the statement: the work alone is awaited.
    // (A race with one long-lived promise would leave a reaction on it per read: a streaming
    // fetchone() loop kept ~300 bytes per row.)
    if (!this.options.signal && !this.options.timeoutMs) return work;
    if (this.cancelled) throw this.cancelled;
    return new Promise<T>((resolve, reject) => {
      const waiters = (this.cancelWaiters ??= new Set());
      waiters.add(reject);
      const done = () => waiters.delete(reject);
      work.then(
        (v) => {
          done();
          resolve(v);
        },
        (e: unknown) => {
          done();
          reject(e);
        },
      );
    });
  }

  /**
   * Nothing is left to read or report: no packet of this command is on the wire, and no error
   * of a later statement waits for nextResult() (a cursor drains a response that is not).
   */
  get finished(): boolean {
    return this.ended && this.laterError === null;
  }

  async start(): Promise<void> {
    this.armCancellation();
    this.current = await this.readResult();
  }

  /**
   * Reads every result. With `holdLaterError`, a statement after the first that fails (a
   * multi-statement text) leaves the results before it readable and its error for nextResult()
   * to throw on reaching it, as the streaming path and the reference do; without, it is thrown
   * here. An error that leaves the session unusable or cancels the statement is thrown at once.
   */
  async bufferAll(holdLaterError = false): Promise<void> {
    const all: WireResultSet[] = [];
    let r: WireResultSet | null = this.current;
    while (r) {
      try {
        // fill() returns no promise when the rows were all queued: then nothing is awaited.
        const filling = r.complete ? undefined : r.fill();
        if (filling) await filling;
        all.push(r);
        r = r.hasMore ? await this.readResult() : null;
      } catch (err) {
        if (!holdLaterError || all.length === 0 || !this.mayHold()) throw err;
        this.laterError = err as Error;
        this.conn.holdError(this);
        r = null;
      }
    }
    this.buffered = all;
    this.current = all[0];
    this.index = 0;
  }

  /** A failure that ended the statement and left the session usable: a server error, a refused file. */
  private mayHold(): boolean {
    return this.ended && !this.cancelled && this.conn.isOpen;
  }

  async nextResult(): Promise<ResultSet | null> {
    if (this.buffered) {
      if (this.index + 1 >= this.buffered.length) return this.throwLaterError();
      this.current = this.buffered[++this.index];
      return this.current;
    }
    if (!this.current.complete) await this.current.discardRest();
    // A statement that failed ended the response: nothing follows it, whatever the result
    // before it announced (reading on would wait for packets that never come).
    if (!this.current.hasMore || this.ended) return null;
    this.current = await this.readResult();
    return this.current;
  }

  /** Throws the held error of a later statement once; null when there is none (or no more). */
  private throwLaterError(): null {
    const err = this.takeLaterError();
    if (err) throw err;
    return null;
  }

  takeLaterError(): Error | null {
    const err = this.laterError;
    if (err) {
      this.laterError = null;
      this.conn.holdError(null, this);
    }
    return err;
  }

  async drain(): Promise<void> {
    if (this.cancelled && !this.buffered) {
      this.draining ??= this.drainAfterCancel();
      return this.draining;
    }
    if (this.buffered) {
      this.index = this.buffered.length - 1;
      this.current = this.buffered[this.index];
      this.throwLaterError();
      return;
    }
    while (await this.nextResult());
  }

  /**
   * Reads and drops what a cancelled statement still sends (after any read in flight), never
   * throwing: the session is freed when its last result ends, or given up if it broke.
   */
  private async drainAfterCancel(): Promise<void> {
    await this.busy?.catch(() => {});
    while (!this.ended) {
      if (!this.conn.isOpen || !this.current) {
        this.abandon();
        return;
      }
      try {
        if (!this.current.complete) await this.current.discardRest();
        else if (this.current.hasMore) this.current = await this.readResult();
        else return;
      } catch (err) {
        // The cancellation and server errors end a result; anything else leaves the session out of sync.
        if (err !== this.cancelled && !(err instanceof DatabaseError)) {
          this.conn.poison(err as Error);
          this.abandon();
          return;
        }
      }
    }
  }

  /** A result reached its end packet. */
  resultCompleted(result: WireResultSet): void {
    if (!result.hasMore) this.finish();
    if (this.cancelled) throw this.cancelled;
    if (this.infileFailure && !result.hasMore) throw this.infileFailure;
  }

  /** A server error, or the cancellation that caused it. */
  interpret(err: DatabaseError): Error {
    if (!this.cancelled || err.errno !== ER_QUERY_INTERRUPTED) return err;
    // The statement's own answer shows the KILL ran: it cannot still be on its way.
    this.killLanded = true;
    return this.cancelled;
  }

  /** The command failed: whatever is left is not coming. */
  abandon(): void {
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.disarm?.();
    this.conn.responseFinished(this);
    // A KILL still on its way would hit whatever statement runs next on this session: the
    // session is handed on only once the KILL has run (or its side session was given up).
    if (this.killing) void this.killing.then(this.release);
    else this.release();
  }

  private armCancellation(): void {
    const { signal, timeoutMs } = this.options;
    if (!signal && !timeoutMs) return;
    let kill: RunningKill | undefined;
    const cancel = (error: OperationalError) => {
      if (this.ended || this.cancelled) return;
      this.cancelled = error;
      const waiters = this.cancelWaiters;
      if (waiters) {
        for (const reject of waiters) reject(error);
        waiters.clear();
      }
      const running = this.conn.killRunning(
        error,
        this.graceMs,
        () => this.ended,
        () => this.killLanded,
      );
      this.killing = running.killing;
      kill = running;
      if (this.options.streaming) void this.drain();
    };
    const onAbort = () =>
      cancel(new OperationalError('Query execution was interrupted: cancelled by AbortSignal', { errno: ER_QUERY_INTERRUPTED, cause: signal?.reason }));
    // An already-aborted signal was refused before the command went out (WireConnection.query).
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs
      ? setTimeout(
          () => cancel(new OperationalError(`Query execution was interrupted: timed out after ${timeoutMs} ms`, { errno: ER_QUERY_TIMEOUT })),
          timeoutMs,
        )
      : undefined;
    this.disarm = () => {
      signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      kill?.disarm();
    };
  }

  /** Reads the next result's header: an OK, a result set's column definitions, or an error. */
  async readResult(): Promise<WireResultSet> {
    const conn = this.conn;
    for (;;) {
      // A packet already queued is taken without a promise (the common case once pipelined
      // answers arrive together); else one wait for the socket usually brings it.
      let p = conn.takePacket();
      if (!p) {
        await conn.waitForPacket();
        p = conn.takePacket() ?? (await conn.readPacket());
      }
      if (isErr(p)) {
        this.finish();
        throw this.infileFailure ?? this.interpret(parseErr(p));
      }
      if (isOk(p)) {
        let status: StatementStatus;
        try {
          status = parseOk(p, conn.sessionTrack);
        } catch (err) {
          throw this.protocolError(err as Error);
        }
        conn.session.serverStatus = status.serverStatus;
        if (status.serverStatus & SESSION_STATE_CHANGED) conn.sessionStateChanged(p);
        const r = new WireResultSet(this, null, null);
        r.completeWith(status);
        return r;
      }
      if (p[0] === 0xfb) {
        const failure = await sendLocalInfile(conn, this.infile.answer(new TextDecoder().decode(p.subarray(1))));
        this.infileFailure ??= failure;
        continue;
      }
      // A header that does not parse leaves the session out of step with the server: it is given
      // up. (Inline try blocks rather than a helper taking closures: three fewer per statement.)
      let count: number;
      try {
        // A one-byte length-encoded integer is the byte itself.
        count = p.length === 1 && p[0] < 0xfb ? p[0] : new PacketCursor(p).lenencLength('column count');
      } catch (err) {
        throw this.protocolError(err as Error);
      }
      if (count === 0) throw this.protocolError(malformed('result set with no columns'));
      // The server counts columns in 32 bits; a larger count is garbage, and would not even
      // make an array (new Array throws a RangeError past 2^32 - 1).
      if (count > MAX_COLUMN_COUNT) throw this.protocolError(malformed(`column count ${count} is beyond 2^32 - 1`));
      const columns: ColumnDefinition[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const packet = conn.takePacket() ?? (await conn.readPacket());
        try {
          columns[i] = columnDefinitionAt(conn, i, packet);
        } catch (err) {
          throw this.protocolError(err as Error);
        }
      }
      if (!conn.deprecateEof) {
        const eof = conn.takePacket() ?? (await conn.readPacket());
        if (eof[0] !== 0xfe) throw this.protocolError(malformed('expected EOF after column definitions'));
      }
      const factory = conn.rowDecoderFactory ?? createTextRowDecoder;
      const result = new WireResultSet(this, columns, factory(columns, conn.decodeOptions));
      if (this.options.rawRows) result.keepRaw(conn.decodeOptions);
      else if (this.options.decodeBatch) result.decodeInBatches(conn.decodeOptions, this.options.decodeBatch, this.options.shapeRows);
      return result;
    }
  }

  private protocolError(err: Error): Error {
    this.conn.poison(err);
    this.finish();
    return err;
  }
}

/** Items held for reading, taken from the front. */
class Held<T> {
  items: T[] = [];
  protected start = 0;
  /**
   * Arrays appended by pushAll behind `items`, joined only when something is taken: a buffered
   * result of 1M rows is then one exact allocation instead of `push` growing one array through
   * a series of backing stores that stay in V8's large-object space until a full GC (~16 MiB).
   */
  private tail: T[][] | null = null;
  private tailSize = 0;

  get size(): number {
    return this.items.length - this.start + this.tailSize;
  }

  /** Appends `more`, adopting the array itself when nothing is held. */
  pushAll(more: T[]): void {
    if (this.items.length === 0 && this.tail === null) {
      this.items = more;
      return;
    }
    (this.tail ??= []).push(more);
    this.tailSize += more.length;
  }

  private join(): void {
    const tail = this.tail!;
    const head = this.start === 0 ? this.items : this.items.slice(this.start);
    this.items = head.concat(...tail);
    this.start = 0;
    this.tail = null;
    this.tailSize = 0;
  }

  take(max: number): T[] {
    if (this.tail !== null) this.join();
    const items = this.items;
    const end = Math.min(items.length, this.start + max);
    if (this.start === 0 && end === items.length) {
      this.items = [];
      return items;
    }
    const out = items.slice(this.start, end);
    this.start = end;
    if (end === items.length) this.clear();
    return out;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.tail = null;
    this.tailSize = 0;
  }
}

type BatchEntry = RawBatch[number];

/**
 * Undecoded row packets: payloads, and runs of framed packets each followed by `count - 1`
 * empty slots (see RawBatch), so positions count rows. A take that ends inside a run splits it.
 */
class HeldPackets extends Held<BatchEntry> {
  pushRun(framed: Uint8Array, count: number): void {
    const items = this.items;
    items.push({ framed, count });
    if (count > 1) items.length += count - 1;
  }

  /** The payloads of the last `k` rows held, runs split into their packets. */
  lastPayloads(k: number): Uint8Array[] {
    const items = this.items;
    const from = Math.max(this.start, items.length - k);
    // A row inside a run is an empty slot: its packets start at the run's own slot.
    let head = from;
    while (head > this.start && items[head] === undefined) head--;
    return expandRawRows(items.slice(head)).slice(from - head);
  }

  override take(max: number): BatchEntry[] {
    const items = this.items;
    const end = Math.min(items.length, this.start + max);
    let head = end - 1;
    while (head >= this.start && items[head] === undefined) head--;
    const run = head >= this.start ? items[head] : undefined;
    if (run !== undefined && !(run instanceof Uint8Array) && head + run.count > end) {
      const [first, rest] = splitRun(run, end - head);
      items[head] = first;
      items[end] = rest;
    }
    return super.take(max);
  }
}

type Delivery = 'rows' | 'packets' | 'decoded';

// Timer callbacks of WireResultSet, module functions given the result set as the timer's
// argument: closures in the class would be two allocations per statement for timers that a
// small result never arms.
function onQuiet(result: WireResultSet): void {
  result.onQuiet();
}

function onStall(result: WireResultSet): void {
  result.inspectQuietly(false);
}

export class WireResultSet implements ResultSet {
  status: StatementStatus | null = null;
  hasMore = false;
  complete = false;
  /** How rows are kept: decoded row by row, as packets (`packets`), or as `decodeBatch` made them (`decoded`). */
  private delivery: Delivery = 'rows';
  /** Rows from the row decoder. */
  private readonly rows = new Held<unknown[]>();
  /** Row packets not yet decoded ('packets' and 'decoded' deliveries). */
  private readonly pending = new HeldPackets();
  /** Rows made by decodeBatch. */
  private readonly made = new Held<unknown>();
  private count = 0;
  /** Rows read before this many were checked for their shape while held as packets (see inspectHeld). */
  private shapeChecked = 0;
  /** Armed while rows are held and the socket is awaited (see waitForPackets). */
  private quietTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private deferred: Error | null = null;
  packets: PacketReader | undefined = undefined;
  decoded: DecodedRowReader | undefined = undefined;
  private batchDecode: ((packets: RawBatch) => unknown[]) | null = null;
  /** Rows still to be decoded one at a time before batches take over (see ROW_BY_ROW_FIRST). */
  private rowByRow = 0;
  private shapeRows: NonNullable<QueryOptions['shapeRows']> | null = null;
  /** Set while forEachRow runs: each row goes to it as soon as it is decoded, none is held. */
  private sink: ((row: unknown) => void) | null = null;

  constructor(
    private readonly response: WireQueryResponse,
    readonly columns: ColumnDefinition[] | null,
    private readonly decoder: RowDecoder | null,
  ) {}

  /** Rows stay undecoded (for frame decoders) and are read as packet batches through `packets`. */
  keepRaw(decodeOptions: DecodeOptions): void {
    this.delivery = 'packets';
    this.packets = { decodeOptions, read: (max = Infinity) => this.fetch(this.pending, max) };
  }

  /**
   * Rows are read as packets and handed to `decode` (QueryOptions.decodeBatch) a batch at a
   * time as they arrive; its rows are read through `decoded`.
   */
  decodeInBatches(decodeOptions: DecodeOptions, decode: NonNullable<QueryOptions['decodeBatch']>, shape?: QueryOptions['shapeRows']): void {
    this.delivery = 'decoded';
    this.batchDecode = (packets) => decode(this.columns!, decodeOptions, packets);
    if (shape) {
      this.shapeRows = shape;
      this.rowByRow = ROW_BY_ROW_FIRST;
    }
    this.decoded = { read: (max = Infinity) => this.fetch(this.made, max) };
  }

  /** Hands the packets held so far to the batch decoder. */
  private decodePending(): void {
    if (this.pending.size === 0) return;
    const packets = this.pending.take(Infinity);
    let rows: unknown[];
    try {
      rows = this.batchDecode!(packets);
    } catch (err) {
      this.deferOrFail(err);
      return;
    }
    const sink = this.sink;
    if (sink) for (let i = 0; i < rows.length; i++) sink(rows[i]);
    else this.made.pushAll(rows);
  }

  /**
   * A decoding failure: a broken packet (errno 2027) or anything unexpected ends the session
   * and is thrown now; a value that cannot be decoded is reported once the rest of the result
   * has been read, so the session stays in sync.
   */
  private deferOrFail(err: unknown): void {
    if (!(err instanceof DatabaseError) || err.errno === 2027) {
      this.response.conn.poison(err as Error);
      this.response.abandon();
      throw err;
    }
    this.deferred = err;
  }

  /**
   * pump(), and for batch-decoded results the decoding of every DECODE_BATCH rows as they
   * arrive, so that the packets of a batch are gone before the next one is read; a deferred
   * value error is thrown once the result is read.
   */
  private pumpDecoded(want: number): Promise<void> | undefined {
    if (!this.batchDecode) return this.pump(want);
    let left = want;
    while (left > 0 && !this.complete && !this.deferred) {
      const before = this.count;
      const waiting = this.pump(Math.min(left, DECODE_BATCH));
      if (waiting) return this.pumpDecodedAfter(waiting, left, before);
      left -= this.count - before;
      this.decodePending();
    }
    if (this.deferred) return this.pump(Infinity, false);
    return undefined;
  }

  /** pumpDecoded() once a pump that had to wait for packets is done. */
  private async pumpDecodedAfter(waiting: Promise<void>, left: number, before: number): Promise<void> {
    await waiting;
    this.decodePending();
    await this.pumpDecoded(left - (this.count - before));
  }

  /**
   * Takes as many whole row packets from a run at the head of the queue as fit in `room`,
   * stopping before the packet that ends the result. Returns how many rows it took.
   */
  private takeRun(room: number, keep: boolean, deprecateEof: boolean): number {
    const conn = this.response.conn;
    const run = conn.peekRun();
    if (!run) return 0;
    const firstSeq = conn.expectedSeq;
    const { rows, bytes } = rowRunPrefix(run.framed, run.count, room, firstSeq, deprecateEof);
    if (rows === 0) return 0;
    if (keep) this.pending.pushRun(run.framed.subarray(0, bytes), rows);
    conn.takeFromRun(bytes, rows, (firstSeq + rows - 1) & 0xff);
    this.count += rows;
    return rows;
  }

  completeWith(status: StatementStatus): void {
    this.status = status;
    this.hasMore = (status.serverStatus & ServerStatus.MORE_RESULTS_EXISTS) !== 0;
    this.complete = true;
    this.response.resultCompleted(this);
  }

  /**
   * Reads row packets until `want` more rows are held or the result ends: undefined when that
   * took no waiting (the packets were queued), so a small result costs no promise.
   */
  private pump(want: number, keep = true): Promise<void> | undefined {
    const left = this.pumpQueuedInspected(want, keep);
    if (left > 0) return this.pumpLater(left, keep);
    return this.deferred ? this.reportDeferred(left) : undefined;
  }

  private async pumpLater(want: number, keep: boolean): Promise<void> {
    let left = want;
    do {
      await this.waitForPackets();
      left = this.pumpQueuedInspected(left, keep);
    } while (left > 0);
    if (this.deferred) await this.reportDeferred(left);
  }

  /**
   * A row that did not decode was met: its error is what this read reports, once the rest of
   * the result is read (left 0) or after reading it now. The rows dropped after it count toward
   * the rows a read wanted, so returning normally would end a fetch short of them and a caller's
   * loop early, with the error left for the next statement.
   */
  private reportDeferred(left: number): Promise<void> {
    return left === 0 ? this.failDeferred() : (this.pump(Infinity, false) ?? this.failDeferred());
  }

  /**
   * The next packets. While rows are held undecoded, a quiet socket has them inspected, and a
   * failed connection is reported only if none of them is broken.
   */
  private async waitForPackets(): Promise<void> {
    const conn = this.response.conn;
    if (this.pending.size === 0) return conn.waitForPacket();
    this.quietTimer = setTimeout(onQuiet, IDLE_INSPECT_MS, this);
    try {
      await conn.waitForPacket();
    } catch (err) {
      this.inspectHeld();
      throw err;
    } finally {
      clearTimeout(this.quietTimer);
      this.quietTimer = undefined;
    }
  }

  /**
   * The socket went quiet with rows held. A batch decoder decodes them (work it does anyway);
   * rows kept as packets for a frame have their newest row checked, the one a stalled server
   * sent last, and the others once the silence lasts STALL_INSPECT_MS.
   * @internal
   */
  onQuiet(): void {
    this.inspectQuietly(!this.batchDecode);
    if (!this.batchDecode) this.quietTimer = setTimeout(onStall, STALL_INSPECT_MS - IDLE_INSPECT_MS, this);
  }

  /** @internal The timers' inspection; a broken row it finds fails the pending wait, not the timer. */
  inspectQuietly(newestOnly: boolean): void {
    try {
      this.inspectHeld(newestOnly);
    } catch {
      // A broken row has poisoned the session: the pending wait fails with its error.
    }
  }

  /** pumpQueued(), with the rows held so far inspected before any error it throws is reported. */
  private pumpQueuedInspected(want: number, keep: boolean): number {
    try {
      return this.pumpQueued(want, keep);
    } catch (err) {
      this.inspectHeld();
      throw err;
    }
  }

  /**
   * Looks at the rows held undecoded as the row-by-row path looks at each row on arrival: a
   * batch decoder decodes them now, rows kept as packets have their shape checked (each once).
   * A broken row ends the session with its own error (errno 2027), so it is what the caller
   * sees rather than a later stall, cut or server error; value errors wait as they always do.
   */
  private inspectHeld(newestOnly = false): void {
    if (this.pending.size === 0) return;
    if (this.batchDecode) {
      this.decodePending();
      return;
    }
    const unchecked = Math.min(this.pending.size, this.count - this.shapeChecked);
    const fresh = newestOnly ? Math.min(1, unchecked) : unchecked;
    if (!newestOnly) this.shapeChecked = this.count;
    if (fresh <= 0) return;
    const names = this.columns!.map((c) => c.name);
    try {
      for (const p of this.pending.lastPayloads(fresh)) checkRowShape(p, names);
    } catch (err) {
      this.deferOrFail(err);
    }
  }

  /** A value error held back until the result was read: the rest is drained, then it is thrown. */
  private async failDeferred(): Promise<void> {
    const err = this.deferred;
    this.deferred = null;
    await this.response.drain().catch(() => {});
    throw err;
  }

  /**
   * pump() on the packets queued now: the rows still wanted when it has to wait for more, 0 when
   * the result ended, -1 when `want` rows were read.
   */
  private pumpQueued(want: number, keep: boolean): number {
    const conn = this.response.conn;
    const deprecateEof = conn.deprecateEof;
    // Row packets kept for a frame or a batch; a batch-decoded result's first rows are not.
    let raw = this.delivery === 'packets' || (this.delivery === 'decoded' && this.rowByRow === 0);
    let got = 0;
    while (!this.complete) {
      if (raw && !this.deferred && got < want) {
        const taken = this.takeRun(want - got, keep, deprecateEof);
        if (taken > 0) {
          got += taken;
          if (got >= want) return -1;
          continue;
        }
      }
      const p = conn.takePacket();
      if (!p) return got >= want ? -1 : want - got;
      const first = p[0];
      if (first === 0xfe && p.length < (deprecateEof ? 0xffffff : 9)) {
        const { warningCount, serverStatus } = deprecateEof ? parseOk(p) : parseEof(p);
        // Only an OK-shaped end of rows can carry session state.
        if (deprecateEof && serverStatus & SESSION_STATE_CHANGED) conn.sessionStateChanged(p);
        this.completeWith({ affectedRows: this.count, insertId: 0, serverStatus, warningCount, info: '' });
        break;
      }
      if (first === 0xff) {
        let serverErr: DatabaseError;
        try {
          serverErr = parseErr(p);
        } catch (err) {
          // Not an ERR packet after all (a row cannot start with 0xff): the stream is corrupt.
          this.deferOrFail(err);
          throw err;
        }
        const err = this.response.interpret(serverErr);
        this.complete = true;
        this.response.abandon();
        throw err;
      }
      this.count++;
      got++;
      if (!keep || this.deferred) continue;
      if (raw) {
        // Buffers from the packet queue are never reused, so holding them is safe.
        this.pending.items.push(p);
        if (got >= want) return -1;
        continue;
      }
      let row: unknown[] | undefined;
      try {
        row = this.decoder!.decodeRow(p);
      } catch (err) {
        this.deferOrFail(err);
      }
      // Outside the try: the consumer's own exception is not a decoding failure.
      if (row !== undefined) {
        if (this.shapeRows !== null) {
          // A batch-decoded result's early row, in the shape its batches will have.
          const shaped = this.shapeRows(this.columns!, [row])[0];
          raw = --this.rowByRow === 0;
          if (this.sink) this.sink(shaped);
          else this.made.items.push(shaped);
        } else if (this.sink) this.sink(row);
        else this.rows.items.push(row);
      }
      if (got >= want) return -1;
    }
    return 0;
  }

  /**
   * Hands every row not yet read to `fn`, synchronously, as it is decoded, and holds none: one
   * row (or one small batch of the batch decoder) is alive at a time, so a long stream never
   * grows V8's young generation (1M wide rows: 58 MiB peak RSS with the TypeScript decoder,
   * against 95 MiB for fetchmany(4096) and 65 MiB for mysql2's row events). An exception from
   * `fn` stops the delivery; the rest is dropped when the result is discarded.
   */
  async forEachRow(fn: (row: unknown) => void): Promise<void> {
    if (this.delivery === 'packets') throw new InterfaceError('the rows of this result are kept as packets for a frame format');
    if (!this.columns) return;
    const response = this.response;
    if (response.cancelled) throw response.cancelled;
    // Rows already held (a fetch before this call) go first, in order.
    for (const row of this.rows.take(Infinity)) fn(row);
    for (const row of this.made.take(Infinity)) fn(row);
    this.sink = fn;
    try {
      const conn = response.conn;
      while (!this.complete && !this.deferred) {
        const left = this.batchDecode ? this.pumpQueuedInspected(PUSH_BATCH, true) : this.pumpQueued(Infinity, true);
        this.decodePending();
        if (left !== -1 && !this.complete) await response.settle(conn.waitForPacket());
        if (response.cancelled) throw response.cancelled;
      }
      if (this.deferred) {
        // The drain after a bad row is cancellable like the reads before it: a deadline that
        // passes during it must end this call, not leave it waiting on the cancel's own drain.
        const waiting = this.pump(Infinity, false);
        if (waiting) await response.settle(waiting);
      }
    } catch (err) {
      throw response.cancelled ?? err;
    } finally {
      this.sink = null;
    }
  }

  fill(): Promise<void> | undefined {
    return this.pumpDecoded(Infinity);
  }

  async discardRest(): Promise<void> {
    this.rows.clear();
    this.pending.clear();
    this.made.clear();
    const waiting = this.pump(Infinity, false);
    if (waiting) await waiting;
  }

  /** Up to `max` held items of `store`, reading more from the network first when it holds fewer. */
  private async fetch<T>(store: Held<T>, max: number): Promise<T[]> {
    if (!this.columns) return [];
    const response = this.response;
    // Once cancelled, nothing more is delivered, even after drain() has dropped the rest and the
    // statement has finished: a read that ended quietly would hand back a cut-off result.
    if (response.cancelled) throw response.cancelled;
    const held = store.size;
    if (held < max && !this.complete) {
      try {
        // A deadline or abort settles the read at once, even if the server has gone quiet.
        const waiting = this.pumpDecoded(max - held);
        if (waiting) await response.settle(waiting);
      } catch (err) {
        throw response.cancelled ?? err;
      }
      if (response.cancelled) throw response.cancelled;
    }
    return store.take(max);
  }

  async read(max = Infinity): Promise<unknown[][]> {
    if (this.delivery === 'rows') return this.fetch(this.rows, max);
    if (this.delivery === 'decoded') throw new InterfaceError('the rows of this result come from its decodeBatch: read them through `decoded`');
    // Kept as packets: rows through the row decoder.
    const payloads = expandRawRows(await this.fetch(this.pending, max));
    const decoder = this.decoder!;
    const out = new Array<unknown[]>(payloads.length);
    for (let i = 0; i < payloads.length; i++) out[i] = decoder.decodeRow(payloads[i]);
    return out;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown[]> {
    for (;;) {
      const batch = await this.read(ITERATOR_BATCH);
      if (batch.length === 0) return;
      for (const row of batch) {
        // An abort inside the loop body stops delivery at the very next row.
        if (this.response.cancelled) throw this.response.cancelled;
        yield row;
      }
    }
  }

  /** Rows read from the network so far. */
  get rowCount(): number {
    return this.count;
  }
}
