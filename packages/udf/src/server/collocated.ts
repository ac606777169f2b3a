import { constants as bufferConstants } from 'node:buffer';
import { Socket } from 'node:net';
import { DataError, NotSupportedError, OperationalError, OptionError } from '@s2/base';
import { fromNativeError, requireNative, type CollocatedConnection, type NativeBinding } from '@s2/native';
import { chosenOption } from '../definition/chosen-option.js';
import { createFunctionSql, exportedName } from '../definition/sql.js';
import type { UdfDefinition } from '../definition/udf.js';
import { invoke } from './invoke.js';

/**
 * The collocated external-function server (udf.md §9): the database connects to a unix
 * socket, hands over two shared-memory files and then sends one 8-byte length per request.
 * Node cannot receive file descriptors, so accepting and the shared-memory reads and writes
 * are in the native addon; the request loop below is ordinary non-blocking socket code.
 */
export interface CollocatedServerOptions {
  functions: readonly UdfDefinition[];
  /**
   * Socket path, also the service URL in CREATE statements. Default: option
   * `external_function.socket_path` (`SINGLESTOREDB_EXT_FUNC_SOCKET_PATH`) when set, else a fresh temp path.
   */
  socketPath?: string;
  /**
   * Listen backlog (`--max-connections` of the SingleStoreDB Python SDK (singlestoredb 1.18.1)).
   * Default: option `external_function.max_connections` (`SINGLESTOREDB_EXT_FUNC_MAX_CONNECTIONS`), 32.
   */
  maxConnections?: number;
  /**
   * Added before and after each function's name: the name the database connects for and CREATE
   * statements use. Default: options `external_function.name_prefix` / `.name_suffix`
   * (`SINGLESTOREDB_EXT_FUNC_NAME_PREFIX` / `…_NAME_SUFFIX`), empty.
   */
  namePrefix?: string;
  nameSuffix?: string;
  /** A client that connects but does not finish the handshake in time is dropped (default 10 s). */
  handshakeTimeoutMs?: number;
  /**
   * Largest request, in bytes, read from the shared input file (default 256 MiB, as the HTTP
   * server's `bodyLimit`). A longer announced length is answered with a `DataError` and the
   * connection is closed; nothing of that size is allocated.
   */
  bodyLimit?: number;
  /** Database the functions are created in (not read from an option: that one is `s2 udf serve`'s). */
  functionDatabase?: string;
  onBatch?: (info: { name: string; rows: number; ms: number; status: number }) => void;
  /** Handshake failures and similar events that concern no single request. */
  onError?: (error: Error) => void;
}

export interface CollocatedServer {
  readonly socketPath: string;
  /** `CREATE OR REPLACE EXTERNAL FUNCTION … AS COLLOCATED SERVICE "<socket>" FORMAT ROWDAT_1`. */
  createStatements(options?: { replace?: boolean }): string[];
  /** Open database connections. */
  readonly connections: number;
  /** Stops accepting and closes every connection. */
  close(): Promise<void>;
}

const OK = 200n;
const ERROR = 500n;
const BODY_LIMIT = 256 << 20;
const MAX_CONNECTIONS = 32;

/**
 * The request length is the database's word alone, and the input file may be sparse: without a
 * limit, one length would have the server allocate and fill whatever it names.
 */
function bodyLimitOf(options: CollocatedServerOptions): number {
  const limit = options.bodyLimit ?? BODY_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > bufferConstants.MAX_LENGTH) {
    throw new OptionError(`bodyLimit must be an integer from 1 to ${bufferConstants.MAX_LENGTH} (bytes); got ${String(limit)}`);
  }
  return limit;
}

function header(status: bigint, size: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigInt64LE(status, 0);
  b.writeBigInt64LE(BigInt(size), 8);
  return b;
}

/** One served database connection, as the server's close() sees it. */
interface Served {
  readonly socket: Socket;
  /** Marks the connection dead and aborts its running call; its files close once that settles. */
  stop(reason: Error): void;
  /** Settles when the connection's shared files are closed. */
  readonly released: Promise<void>;
}

const cancelled = () => new OperationalError('CancelledError: Function call was cancelled');

/** A shared-file read or write, its native errors as the SDK's classes (OperationalError, DataError). */
function shared<T>(io: () => T): T {
  try {
    return io();
  } catch (err) {
    throw fromNativeError(err);
  }
}

/** Serves one database connection: one function, any number of requests, one at a time. */
function serve(
  binding: NativeBinding,
  conn: CollocatedConnection,
  def: UdfDefinition | undefined,
  options: CollocatedServerOptions,
  bodyLimit: number,
  served: Set<Served>,
): void {
  const socket = new Socket({ fd: conn.socket, readable: true, writable: true });
  let pending: Buffer = Buffer.alloc(0);
  let busy = false;
  // Once dead, nothing touches the shared files again: their descriptor numbers are released to
  // the process when they close, and a late write would land in whatever file reuses them.
  let dead = false;
  let call: AbortController | null = null;
  let closed = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const closeFiles = () => {
    if (closed) return;
    closed = true;
    binding.collocatedClose(conn.input);
    binding.collocatedClose(conn.output);
    release();
  };
  const handle: Served = {
    socket,
    released,
    stop(reason) {
      dead = true;
      call?.abort(reason);
      // A running call still holds the files: they close when it settles (see next()).
      if (!busy) closeFiles();
    },
  };
  served.add(handle);
  const fail = (text: string) => {
    const msg = Buffer.from(`error occurred in executing function \`${conn.name}\`: ${text}\n`, 'utf8');
    // The Python SDK sends the length in characters; the byte length is what a reader needs.
    socket.end(Buffer.concat([header(ERROR, msg.length), msg]));
  };
  const next = async (): Promise<void> => {
    if (busy || dead || pending.length < 8) return;
    const length = pending.readBigInt64LE(0);
    pending = pending.subarray(8);
    if (length <= 0n) {
      socket.end();
      return;
    }
    if (!def) return fail(`unknown function: ${conn.name}`);
    busy = true;
    socket.pause();
    const started = performance.now();
    const controller = new AbortController();
    call = controller;
    const timedOut = () => new OperationalError(`TimeoutError: Function call timed out after ${def.timeoutMs / 1000} seconds`);
    const timer = setTimeout(() => controller.abort(timedOut()), def.timeoutMs);
    let answered = false;
    try {
      if (length > BigInt(bodyLimit)) throw new DataError(`the request of ${length} bytes is larger than ${bodyLimit} bytes (the bodyLimit option)`);
      const body = shared(() => binding.collocatedRead(conn.input, Number(length)));
      const result = await invoke(def, body, 'rowdat_1', 'rowdat_1', controller.signal);
      if (dead) throw controller.signal.reason ?? cancelled();
      // Synchronous code blocks the timer: a call that overran its timeout is still not a success.
      if (performance.now() - started > def.timeoutMs) throw timedOut();
      const out = typeof result.body === 'string' ? Buffer.from(result.body) : Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
      shared(() => binding.collocatedWrite(conn.output, out as Buffer<ArrayBuffer>));
      socket.write(header(OK, out.length));
      options.onBatch?.({ name: conn.name, rows: result.rows, ms: performance.now() - started, status: 200 });
      answered = true;
    } catch (err) {
      options.onBatch?.({ name: conn.name, rows: 0, ms: performance.now() - started, status: 500 });
      if (!dead) fail(`${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      clearTimeout(timer);
      call = null;
      busy = false;
      if (dead) closeFiles();
    }
    if (answered && !dead) {
      socket.resume();
      await next();
    }
  };
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    next().catch((err: Error) => options.onError?.(err));
  });
  socket.on('error', (err) => options.onError?.(err));
  socket.on('close', () => {
    served.delete(handle);
    // The database hung up (or close() destroyed the socket): its call has no one to answer.
    handle.stop(cancelled());
  });
}

/** Starts listening; resolves once the socket exists. */
export async function startCollocatedServer(options: CollocatedServerOptions): Promise<CollocatedServer> {
  if (process.platform === 'win32') throw new NotSupportedError('collocated functions use unix-domain sockets, which this platform does not have');
  const bodyLimit = bodyLimitOf(options);
  const binding = requireNative();
  const socketPath = options.socketPath ?? chosenOption<string>('external_function.socket_path') ?? binding.defaultSocketPath();
  const maxConnections = options.maxConnections ?? chosenOption<number>('external_function.max_connections') ?? MAX_CONNECTIONS;
  const affixes = {
    prefix: options.namePrefix ?? chosenOption<string>('external_function.name_prefix'),
    suffix: options.nameSuffix ?? chosenOption<string>('external_function.name_suffix'),
  };
  const listener = new binding.CollocatedListener(socketPath, maxConnections);
  const byName = new Map(options.functions.map((f) => [exportedName(f, affixes), f]));
  const served = new Set<Served>();
  let closed = false;
  const loop = (async () => {
    while (!closed) {
      let conn: CollocatedConnection;
      try {
        conn = await listener.accept(options.handshakeTimeoutMs ?? 10_000);
      } catch (err) {
        if (closed) return;
        options.onError?.(err as Error);
        continue;
      }
      if (closed) {
        for (const fd of [conn.socket, conn.input, conn.output]) binding.collocatedClose(fd);
        return;
      }
      serve(binding, conn, byName.get(conn.name), options, bodyLimit, served);
    }
  })();
  return {
    socketPath,
    get connections() {
      return served.size;
    },
    createStatements: ({ replace = false } = {}) =>
      options.functions.map((f) =>
        createFunctionSql(f, { url: socketPath, mode: 'collocated', format: 'rowdat_1', replace, database: options.functionDatabase, ...affixes }),
      ),
    async close() {
      closed = true;
      listener.shutdown();
      const open = [...served];
      for (const c of open) {
        c.stop(cancelled());
        c.socket.destroy();
      }
      await loop;
      // Running calls were aborted above; their files close as each settles.
      await Promise.all(open.map((c) => c.released));
      const { rm } = await import('node:fs/promises');
      await rm(socketPath, { force: true });
    },
  };
}
