import { InferenceError } from '../errors.js';
import { crc32 } from './crc32.js';

/** One decoded message of an `application/vnd.amazon.eventstream` body. */
export interface EventStreamMessage {
  headers: Record<string, string | number | boolean | Uint8Array | bigint>;
  payload: Uint8Array;
}

const PRELUDE = 12;
/** The largest message the event-stream format allows: 16 MiB of payload plus 128 KiB of headers (and the framing). */
const MAX_MESSAGE = 16 * 1024 * 1024 + 128 * 1024 + PRELUDE + 4;
const textDecoder = new TextDecoder();

/**
 * Splits an AWS event-stream body into messages, checking both CRCs of each one: 4-byte total
 * length, 4-byte headers length, prelude CRC, headers, payload, message CRC.
 */
export async function* eventStreamMessages(body: ReadableStream<Uint8Array>, url: string): AsyncGenerator<EventStreamMessage> {
  const reader = body.getReader();
  let buffer = new Uint8Array(0);
  try {
    for (;;) {
      while (buffer.length >= PRELUDE) {
        const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        const total = view.getUint32(0);
        const headersLength = view.getUint32(4);
        if (view.getUint32(8) !== crc32(buffer, 0, 8)) throw frameError(url, 'prelude checksum mismatch');
        if (total < PRELUDE + headersLength + 4) throw frameError(url, `impossible message length ${total}`);
        // Refused before buffering towards it: a hostile length would otherwise hold memory until the stream ends.
        if (total > MAX_MESSAGE) throw frameError(url, `a message of ${total} bytes exceeds the event-stream limit of ${MAX_MESSAGE}`);
        if (buffer.length < total) break;
        if (view.getUint32(total - 4) !== crc32(buffer, 0, total - 4)) throw frameError(url, 'message checksum mismatch');
        const headers = decodeHeaders(buffer.subarray(PRELUDE, PRELUDE + headersLength), url);
        const payload = buffer.slice(PRELUDE + headersLength, total - 4);
        buffer = buffer.subarray(total);
        yield { headers, payload };
      }
      const { value, done } = await reader.read();
      if (done) break;
      const next = new Uint8Array(buffer.length + value.length);
      next.set(buffer);
      next.set(value, buffer.length);
      buffer = next;
    }
    if (buffer.length > 0) throw frameError(url, `${buffer.length} trailing bytes after the last message`);
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

function frameError(url: string, what: string): InferenceError {
  return new InferenceError(`malformed event stream from ${url}: ${what}`, { url });
}

function decodeHeaders(bytes: Uint8Array, url: string): EventStreamMessage['headers'] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: EventStreamMessage['headers'] = {};
  let p = 0;
  const need = (n: number) => {
    if (p + n > bytes.length) throw frameError(url, 'header runs past its block');
  };
  while (p < bytes.length) {
    need(1);
    const nameLength = bytes[p++]!;
    need(nameLength + 1);
    const name = textDecoder.decode(bytes.subarray(p, p + nameLength));
    p += nameLength;
    const type = bytes[p++]!;
    switch (type) {
      case 0:
        out[name] = true;
        break;
      case 1:
        out[name] = false;
        break;
      case 2:
        need(1);
        out[name] = view.getInt8(p);
        p += 1;
        break;
      case 3:
        need(2);
        out[name] = view.getInt16(p);
        p += 2;
        break;
      case 4:
        need(4);
        out[name] = view.getInt32(p);
        p += 4;
        break;
      case 5:
        need(8);
        out[name] = view.getBigInt64(p);
        p += 8;
        break;
      case 8:
        need(8);
        out[name] = Number(view.getBigInt64(p));
        p += 8;
        break;
      case 9:
        need(16);
        out[name] = bytes.slice(p, p + 16);
        p += 16;
        break;
      case 6:
      case 7: {
        need(2);
        const n = view.getUint16(p);
        p += 2;
        need(n);
        out[name] = type === 7 ? textDecoder.decode(bytes.subarray(p, p + n)) : bytes.slice(p, p + n);
        p += n;
        break;
      }
      default:
        throw frameError(url, `unknown header value type ${type}`);
    }
  }
  return out;
}

/**
 * The events of a Bedrock event stream as `{type, data}` with the JSON payload parsed; an
 * `exception` or `error` message becomes an InferenceError.
 */
export async function* bedrockEvents(body: ReadableStream<Uint8Array>, url: string): AsyncGenerator<{ type: string; data: unknown }> {
  for await (const { headers, payload } of eventStreamMessages(body, url)) {
    const text = textDecoder.decode(payload);
    const messageType = headers[':message-type'];
    if (messageType === 'exception' || messageType === 'error') {
      const kind = String(headers[':exception-type'] ?? headers[':error-code'] ?? 'error');
      let detail = text;
      try {
        detail = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // plain text payload
      }
      throw new InferenceError(`the event stream from ${url} reported ${kind}: ${headers[':error-message'] ?? detail}`, { url, body: text });
    }
    let data: unknown = null;
    if (text !== '') {
      try {
        data = JSON.parse(text);
      } catch (err) {
        throw new InferenceError(`event ${String(headers[':event-type'])} from ${url} is not JSON`, { url, body: text, cause: err });
      }
    }
    yield { type: String(headers[':event-type'] ?? ''), data };
  }
}
