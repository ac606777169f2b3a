import { InferenceError } from '../errors.js';

/** Longest event accepted (characters): a stream that never ends its line or event would otherwise grow without bound. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * The `data:` payloads of a `text/event-stream` body, one string per event, ending at the
 * stream's end or at the OpenAI terminator `[DONE]`.
 */
export async function* sseData(body: ReadableStream<Uint8Array>, url: string): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let dataChars = 0;
  // A CR ending one chunk may be the first half of a CRLF whose LF starts the next; that LF is
  // not a second line end (which would be an empty line, ending the event early).
  let pendingCr = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      let text = decoder.decode(value, { stream: true });
      if (pendingCr && text !== '') {
        if (text.startsWith('\n')) text = text.slice(1);
        pendingCr = false;
      }
      buffer += text;
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        pendingCr = buffer[nl] === '\r' && nl === buffer.length - 1;
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            const payload = data.join('\n');
            data = [];
            dataChars = 0;
            if (payload === '[DONE]') return;
            yield payload;
          }
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
          dataChars += line.length;
        }
        // other fields (event:, id:, retry:) and comments carry nothing the protocol uses
      }
      if (buffer.length + dataChars > MAX_EVENT_CHARS) {
        throw new InferenceError(`an event in the stream from ${url} exceeds ${MAX_EVENT_CHARS} characters`, { url });
      }
    }
    if (data.length > 0 && data.join('\n') !== '[DONE]') yield data.join('\n');
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

/** Parses one SSE payload as JSON; an `{error}` object in the stream becomes an InferenceError. */
export function parseSseJson<T>(payload: string, url: string): T {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    throw new InferenceError(`the event stream from ${url} carried data that is not JSON: ${payload.slice(0, 200)}`, { url, body: payload, cause: err });
  }
  const error = (value as { error?: { message?: string } | string } | null)?.error;
  if (error) {
    throw new InferenceError(
      `the event stream from ${url} reported an error: ${typeof error === 'string' ? error : (error.message ?? JSON.stringify(error))}`,
      { url, body: value },
    );
  }
  return value as T;
}
