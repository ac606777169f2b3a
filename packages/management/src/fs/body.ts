/** What can be uploaded: bytes, text, a Blob, a web ReadableStream or any async iterable of bytes (a Node Readable). */
export type UploadSource = Uint8Array | ArrayBuffer | string | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

/** Reported during a transfer: bytes so far and the total when known. */
export interface TransferProgress {
  path: string;
  bytes: number;
  total: number | null;
  direction: 'upload' | 'download';
}

const CHUNK = 256 * 1024;
const enc = new TextEncoder();

/** Whether the source can be read twice (so a failed upload may be retried). */
export function isReplayable(src: UploadSource): boolean {
  return src instanceof Uint8Array || src instanceof ArrayBuffer || typeof src === 'string' || (typeof Blob !== 'undefined' && src instanceof Blob);
}

/** Whether `src` is one of the accepted upload sources (checked before any request is sent). */
export function isUploadSource(src: unknown): src is UploadSource {
  if (typeof src === 'string' || src instanceof Uint8Array || src instanceof ArrayBuffer || src instanceof ReadableStream) return true;
  if (typeof Blob !== 'undefined' && src instanceof Blob) return true;
  return src != null && typeof (src as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** A short description of a value's type for error messages (never the value itself). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

export function knownSize(src: UploadSource): number | null {
  if (src instanceof Uint8Array) return src.byteLength;
  if (src instanceof ArrayBuffer) return src.byteLength;
  if (typeof src === 'string') return enc.encode(src).byteLength;
  if (typeof Blob !== 'undefined' && src instanceof Blob) return src.size;
  return null;
}

async function* chunksOf(src: UploadSource): AsyncGenerator<Uint8Array> {
  if (typeof src === 'string' || src instanceof Uint8Array || src instanceof ArrayBuffer) {
    const bytes = typeof src === 'string' ? enc.encode(src) : src instanceof ArrayBuffer ? new Uint8Array(src) : src;
    for (let i = 0; i < bytes.byteLength; i += CHUNK) yield bytes.subarray(i, Math.min(bytes.byteLength, i + CHUNK));
    return;
  }
  const stream: AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array> =
    typeof Blob !== 'undefined' && src instanceof Blob ? src.stream() : (src as AsyncIterable<Uint8Array>);
  if (stream instanceof ReadableStream) {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const c of stream as AsyncIterable<Uint8Array | string>) yield typeof c === 'string' ? enc.encode(c) : c;
}

/**
 * A multipart/form-data body with one part `file`, streamed: the source is pulled chunk by chunk
 * as the connection takes it, so memory stays flat whatever the size.
 */
export function newBoundary(): string {
  return `----s2-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
}

export function multipartBody(
  src: UploadSource,
  filename: string,
  onBytes?: (n: number) => void,
  boundary = newBoundary(),
): { body: ReadableStream<Uint8Array>; contentType: string } {
  const safeName = filename.replace(/["\r\n\\]/g, '_');
  const head = enc.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  let it: AsyncGenerator<Uint8Array> | null = null;
  let stage: 'head' | 'data' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === 'head') {
        stage = 'data';
        it = chunksOf(src);
        controller.enqueue(head);
        return;
      }
      if (stage === 'data') {
        const next = await it!.next();
        if (next.done) {
          stage = 'done';
          controller.enqueue(tail);
          controller.close();
          return;
        }
        onBytes?.(next.value.byteLength);
        controller.enqueue(next.value);
      }
    },
    async cancel() {
      await it?.return(undefined);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A stream that reports the bytes passing through it. */
export function countingStream(input: ReadableStream<Uint8Array>, onBytes: (n: number) => void): ReadableStream<Uint8Array> {
  return input.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Reads a whole stream into one Uint8Array. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}
