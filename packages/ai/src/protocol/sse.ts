import { InferenceError } from '../errors.js';

/** Longest event accepted (characters): a stream that never ends its line or event would otherwise grow without bound. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** One event of a `text/event-stream` body: its `event:` type (`message` when it names none) and its `data:` lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * The events of a `text/event-stream` body, until the body ends. An event whose lines all ended
 * is still delivered when the body ends before its blank line (servers that omit the last one
 * mean it whole); a last line the body cut off is dropped, as the openai SDK's decoder drops it
 * (half a JSON chunk is a cut, not data), unless it is the `[DONE]` marker itself.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>, url: string): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let eventChars = 0;
  // A CR ending one chunk may be the first half of a CRLF whose LF starts the next; that LF is
  // not a second line end (which would be an empty line, ending the event early).
  let pendingCr = false;
  // An event with a type but no data is still passed on (with empty data): an `event: error`
  // without details must not vanish.
  const pending = (): SseEvent | undefined => (data.length > 0 || event ? { event: event || 'message', data: data.join('\n') } : undefined);
  /** Takes one line; returns the event a blank line completes. */
  const take = (line: string): SseEvent | undefined => {
    if (line === '') {
      const complete = pending();
      data = [];
      event = undefined;
      eventChars = 0;
      return complete;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return undefined; // a comment (keep-alive)
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else return undefined; // id: and retry: carry nothing the protocol uses
    eventChars += line.length;
    return undefined;
  };
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
        const complete = take(line);
        if (complete) yield complete;
      }
      if (buffer.length + eventChars > MAX_EVENT_CHARS) {
        throw new InferenceError(`an event in the stream from ${url} exceeds ${MAX_EVENT_CHARS} characters`, { url });
      }
    }
    // A final `data: [DONE]` without its line end still ends the stream; any other unfinished
    // line is where the body was cut.
    buffer += decoder.decode();
    if (/^data: ?\[DONE\]$/.test(buffer)) take(buffer);
    const last = pending();
    if (last) yield last;
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

/** Error objects nested deeper than this are reported as raw text: a hostile payload must not exhaust the stack. */
const MAX_ERROR_DEPTH = 8;

/** What an error report says, whatever its shape: `{error: {message}}`, `{error: "…"}`, `{message}`, or text. */
function errorDetail(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value.slice(0, 500) || 'no details';
  const v = value as { error?: unknown; message?: unknown } | null;
  if (v && typeof v === 'object') {
    if (depth >= MAX_ERROR_DEPTH) return 'an error nested too deep to show';
    if (v.error !== undefined && v.error !== null && v.error !== false) return errorDetail(v.error, depth + 1);
    if (typeof v.message === 'string') return v.message;
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nested past what the serializer's stack allows.
    return 'an error report too deeply nested to show';
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** An `event: error` event as an InferenceError, carrying its data (parsed when it is JSON). */
export function sseErrorEvent(data: string, url: string): InferenceError {
  let body: unknown = data;
  try {
    body = JSON.parse(data);
  } catch {
    // plain text: reported as it came
  }
  return new InferenceError(`the event stream from ${url} reported an error: ${errorDetail(body)}`, { url, body });
}

/** Parses one SSE payload as JSON; an `{error}` object in the stream becomes an InferenceError. */
export function parseSseJson<T>(payload: string, url: string): T {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    throw new InferenceError(`the event stream from ${url} carried data that is not JSON: ${payload.slice(0, 200)}`, { url, body: payload, cause: err });
  }
  if ((value as { error?: unknown } | null)?.error) {
    throw new InferenceError(`the event stream from ${url} reported an error: ${errorDetail(value)}`, { url, body: value });
  }
  return value as T;
}
