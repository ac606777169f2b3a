import { constants as bufferConstants } from 'node:buffer';
import { NotSupportedError, OptionError } from '@s2/base';
import { fromNativeError, requireNative, type CollocatedEvent, type CollocatedListener } from '@s2/native';
import { chosenOption } from '../definition/chosen-option.js';
import { createFunctionSql, exportedName } from '../definition/sql.js';
import type { UdfDefinition } from '../definition/udf.js';
import { cancelled, serveConnection, type BatchRunner, type ConnectionContext, type Served } from './collocated-connection.js';
import { invoke } from './invoke.js';
import { UdfWorkerPool, type UdfWorkerOptions } from './worker-pool.js';

/**
 * The collocated external-function server (udf.md §9): the database connects to a unix
 * socket, hands over two shared-memory files and then sends one 8-byte length per request.
 * Node cannot receive file descriptors, so accepting (on a native thread of its own, every
 * handshake bounded by its own deadline) and the shared-memory reads and writes are in the
 * native addon; the request loop is ordinary non-blocking socket code.
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
  /**
   * A client that connects but has not finished its handshake this long after connecting is
   * dropped (default 10 s; a positive number, `Infinity` for no practical limit). Handshakes
   * proceed side by side: a slow one holds up no other.
   */
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
  /**
   * Run the functions on a pool of worker threads that import `workers.module` (which must
   * export the same definitions as `functions`), as `createUdfServer` does. A call past its
   * timeout then has its thread terminated, even synchronous code, and a function that ends or
   * crashes its thread (`process.exit`, running out of memory) fails its own call only. Without
   * it, functions run on the server's own thread: an overrun is reported after the fact.
   */
  workers?: UdfWorkerOptions;
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

const BODY_LIMIT = 256 << 20;
const MAX_CONNECTIONS = 32;
const HANDSHAKE_TIMEOUT_MS = 10_000;

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

function handshakeTimeoutOf(options: CollocatedServerOptions): number {
  const ms = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  // Written so that NaN fails it too; Infinity passes (the addon caps it at a year).
  if (typeof ms !== 'number' || !(ms > 0)) {
    throw new OptionError(`handshakeTimeoutMs must be a positive number of milliseconds (Infinity for no limit); got ${String(ms)}`);
  }
  return ms;
}

/** The worker pool when asked for, loaded before the server listens (a module that fails to load fails the start). */
async function workerPool(options: CollocatedServerOptions): Promise<UdfWorkerPool | null> {
  if (!options.workers) return null;
  const pool = new UdfWorkerPool(options.workers);
  try {
    await pool.ready();
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}

/** Starts listening; resolves once the socket exists. */
export async function startCollocatedServer(options: CollocatedServerOptions): Promise<CollocatedServer> {
  if (process.platform === 'win32') throw new NotSupportedError('collocated functions use unix-domain sockets, which this platform does not have');
  const bodyLimit = bodyLimitOf(options);
  const handshakeTimeoutMs = handshakeTimeoutOf(options);
  const binding = requireNative();
  const socketPath = options.socketPath ?? chosenOption<string>('external_function.socket_path') ?? binding.defaultSocketPath();
  const maxConnections = options.maxConnections ?? chosenOption<number>('external_function.max_connections') ?? MAX_CONNECTIONS;
  const affixes = {
    prefix: options.namePrefix ?? chosenOption<string>('external_function.name_prefix'),
    suffix: options.nameSuffix ?? chosenOption<string>('external_function.name_suffix'),
  };
  const pool = await workerPool(options);
  let listener: CollocatedListener;
  try {
    listener = new binding.CollocatedListener(socketPath, maxConnections);
  } catch (err) {
    await pool?.close();
    throw fromNativeError(err);
  }
  const run: BatchRunner = pool
    ? (def, body, signal) => pool.run(def.name, body, 'rowdat_1', 'rowdat_1', signal)
    : (def, body, signal) => invoke(def, body, 'rowdat_1', 'rowdat_1', signal);
  const context: ConnectionContext = { binding, listener, run, bodyLimit, onBatch: options.onBatch, onError: options.onError };
  const byName = new Map(options.functions.map((f) => [exportedName(f, affixes), f]));
  const served = new Set<Served>();
  const report = (err: unknown) => {
    try {
      options.onError?.(err instanceof Error ? err : new Error(String(err)));
    } catch {
      // An exception here would surface as an uncaught one (this runs from the native queue).
    }
  };
  const onEvent = (event: CollocatedEvent) => {
    const conn = event.connection;
    if (!conn) {
      report(fromNativeError(new Error(event.error)));
      return;
    }
    try {
      serveConnection(context, conn, byName.get(conn.name), served);
    } catch (err) {
      report(err);
    }
  };
  // After close() the listener has nothing left to take.
  const onReady = () => {
    for (const event of listener.take()) onEvent(event);
  };
  try {
    listener.start(handshakeTimeoutMs, onReady);
  } catch (err) {
    listener.close();
    await pool?.close();
    throw fromNativeError(err);
  }
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
      // Returns once the accepting thread has ended: no connection comes after this, handshakes
      // in progress and connections not yet taken are dropped and the listening socket is closed.
      listener.close();
      const open = [...served];
      for (const c of open) {
        c.stop(cancelled());
        c.socket.destroy();
      }
      // Running calls were aborted above; their files close as each settles.
      await Promise.all(open.map((c) => c.released));
      await pool?.close();
      const { rm } = await import('node:fs/promises');
      await rm(socketPath, { force: true });
    },
  };
}
