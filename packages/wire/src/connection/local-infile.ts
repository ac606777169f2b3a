import { createReadStream } from 'node:fs';
import { OperationalError, type InfileSource } from '@s2/base';
import type { InfileAnswer } from './infile-grant.js';
import type { PacketChannel } from './packet-channel.js';

const ER_LOCAL_INFILE = 1017;
/** Data packets stay well below max_allowed_packet and never reach the 16 MiB continuation size. */
const CHUNK = 64 * 1024;
const EMPTY = new Uint8Array(0);

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) yield chunk as Buffer;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OperationalError(code === 'ENOENT' ? `Can't find file '${path}'` : `Can't read file '${path}': ${(err as Error).message}`, {
      errno: ER_LOCAL_INFILE,
      cause: err,
    });
  }
}

async function* chunksOf(source: InfileSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    yield Buffer.from(source, 'utf8');
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
  throw new OperationalError('LOCAL INFILE source type is unrecognized: pass a string, Uint8Array, an iterable or async iterable of chunks, or a Readable', {
    errno: ER_LOCAL_INFILE,
  });
}

/**
 * Answers the server's LOCAL INFILE request with what the statement's grant allows. Whatever
 * happens, the data ends with an empty packet so the session stays in sync; a refusal or a
 * failing source is returned (not thrown) for the response to raise after the server's reply.
 */
export async function sendLocalInfile(channel: PacketChannel, answer: InfileAnswer): Promise<Error | null> {
  if ('refused' in answer) {
    channel.send(EMPTY);
    return answer.refused;
  }
  let failure: unknown = null;
  try {
    for await (const chunk of 'path' in answer ? fileChunks(answer.path) : chunksOf(answer.source)) {
      for (let off = 0; off < chunk.length; off += CHUNK) {
        if (!channel.send(chunk.subarray(off, off + CHUNK))) await channel.flushWrites();
      }
    }
  } catch (err) {
    failure = err;
  }
  channel.send(EMPTY);
  if (!failure) return null;
  return failure instanceof OperationalError
    ? failure
    : new OperationalError(`LOCAL INFILE failed: ${(failure as Error).message}`, { errno: ER_LOCAL_INFILE, cause: failure });
}
