import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * Streams the first file part of a multipart/form-data body into `dest`, never holding more
 * than a chunk plus the boundary in memory. Resolves with the bytes written and the part's
 * field name; rejects on a malformed body.
 */
export async function receiveMultipartFile(body: Readable, contentType: string, dest: string): Promise<{ bytes: number; field: string | null }> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new Error('multipart body without a boundary');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const delimiter = Buffer.concat([Buffer.from('\r\n'), boundary]);
  const out = createWriteStream(dest);
  let buf: Buffer = Buffer.alloc(0);
  let phase: 'preamble' | 'headers' | 'data' | 'done' = 'preamble';
  let field: string | null = null;
  let bytes = 0;
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => {
      bytes += chunk.length;
      if (out.write(chunk)) return resolve();
      const onError = (err: Error) => {
        out.off('drain', onDrain);
        reject(err);
      };
      const onDrain = () => {
        out.off('error', onError);
        resolve();
      };
      out.once('drain', onDrain);
      out.once('error', onError);
    });
  try {
    for await (const chunk of body) {
      buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
      for (;;) {
        if (phase === 'preamble') {
          const i = buf.indexOf(boundary);
          if (i < 0) break;
          buf = buf.subarray(i + boundary.length);
          phase = 'headers';
        } else if (phase === 'headers') {
          const i = buf.indexOf('\r\n\r\n');
          if (i < 0) break;
          const headers = buf.subarray(0, i).toString('latin1');
          field = /name="([^"]*)"/i.exec(headers)?.[1] ?? null;
          buf = buf.subarray(i + 4);
          phase = 'data';
        } else if (phase === 'data') {
          const i = buf.indexOf(delimiter);
          if (i >= 0) {
            if (i > 0) await write(buf.subarray(0, i));
            buf = Buffer.alloc(0);
            phase = 'done';
            break;
          }
          // Keep a tail that could be the start of the delimiter.
          const keep = delimiter.length - 1;
          if (buf.length > keep) {
            await write(buf.subarray(0, buf.length - keep));
            buf = Buffer.from(buf.subarray(buf.length - keep));
          }
          break;
        } else break;
      }
    }
    if (phase !== 'done') throw new Error('truncated multipart body');
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  return { bytes, field };
}
