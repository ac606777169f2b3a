import { createReadStream } from 'node:fs';
import { OperationalError, type InfileSource } from '@s2/base';
import { isErr } from '../protocol/server-messages.js';
import type { WireConnection } from './wire-connection.js';

const ER_LOCAL_INFILE = 1017;
/** Data packets stay well below max_allowed_packet and never reach the 16 MiB continuation size. */
const CHUNK = 64 * 1024;
const EMPTY = new Uint8Array(0);

async function* chunksOf(source: InfileSource | undefined, requested: string): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    yield Buffer.from(source, 'utf8');
    return;
  }
  if (source === undefined) {
    if (requested === ':stream:') {
      throw new OperationalError(':stream: specified for LOCAL INFILE, but no infile source was supplied', { errno: ER_LOCAL_INFILE });
    }
    const path = requested;
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) yield chunk as Buffer;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new OperationalError(code === 'ENOENT' ? `Can't find file '${path}'` : `Can't read file '${path}': ${(err as Error).message}`, { errno: ER_LOCAL_INFILE, cause: err });
    }
    return;
  }
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' || typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for await (const item of source as AsyncIterable<Uint8Array | string>) {
      if (typeof item === 'string') yield Buffer.from(item, 'utf8');
      else if (item instanceof Uint8Array) yield item;
      else throw new OperationalError(`LOCAL INFILE source yielded ${typeof item}; expected Uint8Array or string chunks`, { errno: ER_LOCAL_INFILE });
    }
    return;
  }
  throw new OperationalError('LOCAL INFILE source type is unrecognized: pass a string, Uint8Array, an iterable or async iterable of chunks, or a Readable', { errno: ER_LOCAL_INFILE });
}

/**
 * Answers the server's LOCAL INFILE request. Whatever happens, the data is terminated with an
 * empty packet so the session stays in sync; failures are raised after the server's reply.
 */
export async function sendLocalInfile(conn: WireConnection, requested: string, source: InfileSource | undefined): Promise<void> {
  if (!conn.options.localInfile) {
    conn.send(EMPTY);
    const reply = await conn.readPacket();
    void isErr(reply);
    throw new OperationalError(
      `The server asked for LOCAL INFILE '${requested}', but localInfile is not enabled on this connection`,
      { errno: ER_LOCAL_INFILE },
    );
  }
  let failure: unknown = null;
  try {
    for await (const chunk of chunksOf(source, requested)) {
      for (let off = 0; off < chunk.length; off += CHUNK) {
        if (!conn.send(chunk.subarray(off, off + CHUNK))) await conn.flushWrites();
      }
    }
  } catch (err) {
    failure = err;
  }
  conn.send(EMPTY);
  if (failure) {
    await conn.readPacket();
    throw failure instanceof OperationalError ? failure : new OperationalError(`LOCAL INFILE failed: ${(failure as Error).message}`, { errno: ER_LOCAL_INFILE, cause: failure });
  }
}
