import { Socket } from 'node:net';
import { DataError, OperationalError } from '@s2/base';
import { fromNativeError, type CollocatedConnection, type CollocatedListener, type NativeBinding } from '@s2/native';
import type { UdfDefinition } from '../definition/udf.js';
import { UdfCallError } from './invoke.js';

/** Runs one ROWDAT_1 batch of a function: in this thread, or on the worker pool. */
export type BatchRunner = (def: UdfDefinition, body: Uint8Array, signal: AbortSignal) => Promise<{ body: Uint8Array | string; rows: number }>;

/** What every connection of one collocated server shares. */
export interface ConnectionContext {
  binding: NativeBinding;
  /**
   * Owns each connection's descriptors until its socket is wrapped and its files are released;
   * it closes them itself should this thread end first.
   */
  listener: CollocatedListener;
  run: BatchRunner;
  bodyLimit: number;
  onBatch?: (info: { name: string; rows: number; ms: number; status: number }) => void;
  onError?: (error: Error) => void;
}

/** One served database connection, as the server's close() sees it. */
export interface Served {
  readonly socket: Socket;
  /** Marks the connection dead and aborts its running call; its files close once that settles. */
  stop(reason: Error): void;
  /** Settles when the connection's shared files are closed. */
  readonly released: Promise<void>;
}

const OK = 200n;
const ERROR = 500n;
/**
 * How long an error answer may take to reach a database that does not read it before the
 * socket is destroyed anyway.
 */
const HANG_UP_GRACE_MS = 10_000;

export const cancelled = () => new OperationalError('CancelledError: Function call was cancelled');

function header(status: bigint, size: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigInt64LE(status, 0);
  b.writeBigInt64LE(BigInt(size), 8);
  return b;
}

/** The 500 answer of udf spec 9.2. */
function errorAnswer(name: string, text: string): Buffer {
  const msg = Buffer.from(`error occurred in executing function \`${name}\`: ${text}\n`, 'utf8');
  // The Python SDK sends the length in characters; the byte length is what a reader needs.
  return Buffer.concat([header(ERROR, msg.length), msg]);
}

/** `Name: message`; the pool's and the codecs' errors carry the original error's name in their message already. */
function errorText(err: unknown): string {
  if (err instanceof UdfCallError) return err.message;
  return `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
}

/** A shared-file read or write, its native errors as the SDK's classes (OperationalError, DataError). */
function shared<T>(io: () => T): T {
  try {
    return io();
  } catch (err) {
    throw fromNativeError(err);
  }
}

/** Serves one database connection: one function, any number of requests, one at a time. */
export function serveConnection(ctx: ConnectionContext, conn: CollocatedConnection, def: UdfDefinition | undefined, served: Set<Served>): void {
  const { binding, listener } = ctx;
  let socket: Socket;
  try {
    socket = new Socket({ fd: conn.socket, readable: true, writable: true });
  } catch (err) {
    for (const fd of [conn.socket, conn.input, conn.output]) listener.release(fd);
    throw err;
  }
  listener.adopted(conn.socket);
  let pending: Buffer = Buffer.alloc(0);
  let busy = false;
  // Once dead, nothing touches the shared files again: their descriptor numbers are released to
  // the process when they close, and a late write would land in whatever file reuses them.
  let dead = false;
  let call: AbortController | null = null;
  let filesClosed = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const closeFiles = () => {
    if (filesClosed) return;
    filesClosed = true;
    listener.release(conn.input);
    listener.release(conn.output);
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
  /**
   * Ends the connection after an error or the database's goodbye (udf spec 9.2: both files and
   * the socket close). The socket is destroyed once `last` is flushed rather than left for the
   * database's end of file: during a call reading is paused, so a database that has already
   * sent its goodbye or next length would never be read to its end, and the connection would
   * hold its three descriptors for good.
   */
  const hangUp = (last?: Buffer) => {
    dead = true;
    if (!busy) closeFiles();
    const grace = setTimeout(() => socket.destroy(), HANG_UP_GRACE_MS);
    grace.unref();
    socket.once('close', () => clearTimeout(grace));
    const destroy = () => socket.destroy();
    if (last) socket.end(last, destroy);
    else socket.end(destroy);
  };
  const next = async (): Promise<void> => {
    if (busy || dead || pending.length < 8) return;
    const length = pending.readBigInt64LE(0);
    pending = pending.subarray(8);
    if (length <= 0n) return hangUp();
    if (!def) return hangUp(errorAnswer(conn.name, `unknown function: ${conn.name}`));
    busy = true;
    socket.pause();
    const started = performance.now();
    const controller = new AbortController();
    call = controller;
    const timedOut = () => new OperationalError(`TimeoutError: Function call timed out after ${def.timeoutMs / 1000} seconds`);
    const timer = setTimeout(() => controller.abort(timedOut()), def.timeoutMs);
    let answered = false;
    try {
      if (length > BigInt(ctx.bodyLimit)) throw new DataError(`the request of ${length} bytes is larger than ${ctx.bodyLimit} bytes (the bodyLimit option)`);
      const body = shared(() => binding.collocatedRead(conn.input, Number(length)));
      const result = await ctx.run(def, body, controller.signal);
      if (dead) throw controller.signal.reason ?? cancelled();
      // Synchronous code blocks the timer: a call that overran its timeout is still not a success.
      if (performance.now() - started > def.timeoutMs) throw timedOut();
      const out = typeof result.body === 'string' ? Buffer.from(result.body) : Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
      shared(() => binding.collocatedWrite(conn.output, out as Buffer<ArrayBuffer>));
      socket.write(header(OK, out.length));
      ctx.onBatch?.({ name: conn.name, rows: result.rows, ms: performance.now() - started, status: 200 });
      answered = true;
    } catch (err) {
      ctx.onBatch?.({ name: conn.name, rows: 0, ms: performance.now() - started, status: 500 });
      if (!dead) hangUp(errorAnswer(conn.name, errorText(err)));
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
    next().catch((err: Error) => ctx.onError?.(err));
  });
  socket.on('error', (err) => ctx.onError?.(err));
  socket.on('close', () => {
    served.delete(handle);
    // The database hung up (or close() destroyed the socket): its call has no one to answer.
    handle.stop(cancelled());
  });
}
