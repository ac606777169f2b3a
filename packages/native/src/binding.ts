/** The functions the compiled addon exports (crates/binding/src/lib.rs). */
export interface NativeColumn {
  data: Buffer;
  offsets?: Int32Array;
  nulls?: Buffer;
  /** Arrow validity bitmap (set = present), when the column has NULLs (text-row decoding). */
  validity?: Buffer;
  nullCount: number;
  ascii: boolean;
  /** Non-ASCII ROWDAT_1 text columns: `offsets` in UTF-16 units of the whole column decoded at once. */
  utf16Offsets?: Int32Array;
}

export interface NativeRowdat1Batch {
  rows: number;
  rowIds: Buffer;
  columns: NativeColumn[];
}

export interface NativeEncodeColumn {
  code: number;
  /** 0 i8, 1 u8, 2 i16, 3 u16, 4 i32, 5 u32, 6 i64, 7 u64, 8 f32, 9 f64. */
  element?: number;
  data: Buffer;
  offsets?: Uint32Array;
  nulls?: Buffer;
}

/** What a combined call's callback gets: the argument columns (the row ids stay native). */
export interface NativeCallArguments {
  rows: number;
  columns: NativeColumn[];
}

/** A combined call's outcome: the encoded answer, or the row ids when the callback answered null. */
export interface NativeCallOutcome {
  answer?: Buffer;
  rowIds?: Buffer;
}

export interface CollocatedConnection {
  socket: number;
  name: string;
  input: number;
  output: number;
}

/**
 * One outcome of accepting: a connection past its handshake (its descriptors stay the
 * listener's until the socket is adopted and the files released), or the tagged message of a
 * failed one.
 */
export interface CollocatedEvent {
  connection?: CollocatedConnection;
  error?: string;
}

export interface CollocatedListener {
  /**
   * Accepts on a native thread of its own (no libuv pool thread is held) until `close()`.
   * Handshakes run side by side, each bounded as a whole by `handshakeTimeoutMs` (a positive
   * number; Infinity, or anything past a year, is a year). `onReady` is called when outcomes
   * wait to be taken with `take()`; it must not throw: an exception there is an uncaught
   * exception of the process.
   */
  start(handshakeTimeoutMs: number, onReady: () => void): void;
  /** The outcomes waiting, in order; none after `close()`. */
  take(): CollocatedEvent[];
  /** Says a taken connection's socket is now a Node socket's, which closes it from then on. */
  adopted(socket: number): void;
  /**
   * Closes a shared file (`input` or `output`), or a socket not adopted, of a connection taken.
   * What is neither released nor adopted is closed when the JavaScript environment ends (a
   * worker terminated, or `process.exit()`).
   */
  release(fd: number): void;
  /**
   * Stops accepting, drops handshakes in progress and outcomes not taken, and closes the
   * listening socket, at once. The files of connections taken stay until released.
   */
  close(): void;
}

export interface NativeBinding {
  nativeVersion(): string;
  /**
   * A batch's columns (null: a value needs the TypeScript rules). With `out` and `layout` the
   * columns are copied into `out` and described in `layout` instead (6 slots per column: data
   * start and length, offsets start, nulls start, NULL count, ASCII; 0xFFFFFFFF = absent), and
   * the answer is 1, or -1 when `out` or `layout` is too small. An addon built before that
   * ignores the two and answers the columns.
   */
  decodeTextSegments(
    kinds: Uint32Array,
    scales: Uint32Array,
    segments: Uint8Array[],
    framed: Uint8Array,
    rows: number,
    out?: Uint8Array,
    layout?: Uint32Array,
  ): NativeColumn[] | number | null;
  rowdat1Decode(codes: Int32Array, body: Buffer): NativeRowdat1Batch;
  rowdat1Encode(rowIds: Buffer, columns: NativeEncodeColumn[]): Buffer;
  /**
   * decode → call → encode in one native call (vectorized UDFs): `call` returns the result
   * columns, or null to take the row ids and answer later. Its exceptions propagate as they
   * are. Optional: an addon built before it existed lacks it.
   */
  rowdat1Call?(codes: Int32Array, body: Buffer, call: (args: NativeCallArguments) => NativeEncodeColumn[] | null): NativeCallOutcome;
  /** Byte offsets into UTF-8 `data` for UTF-16 unit offsets; null when one splits a surrogate pair. */
  utf8Offsets(data: Buffer, units: Uint32Array): Uint32Array | null;
  CollocatedListener: new (path: string, backlog: number) => CollocatedListener;
  collocatedRead(fd: number, length: number): Buffer;
  collocatedWrite(fd: number, data: Buffer): void;
  defaultSocketPath(): string;
}
