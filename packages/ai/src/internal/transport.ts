import { isRedirect, OptionError, redirectTarget } from '@s2/base';
import { InferenceError, InferenceTimeoutError } from '../errors.js';
import { processEnv, type Env } from './env.js';

/** A token, or a function that returns one (called on every call, so rotated tokens are picked up; retries reuse its answer). */
export type TokenSource = string | null | undefined | (() => string | null | undefined | Promise<string | null | undefined>);

export interface TransportOptions {
  /** Bearer token for the inference endpoint; default `SINGLESTOREDB_USER_TOKEN` (read per request). */
  apiKey?: TokenSource;
  /** On-behalf-of token, sent as `X-S2-OBO` when it returns a non-empty value. */
  oboTokenGetter?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Per-attempt timeout in milliseconds (until the whole body is read; for streams, until the headers). Default 600 000. */
  timeoutMs?: number;
  /** Retries after a 429/500/502/503/504 reply or a network failure. Default 2. */
  maxRetries?: number;
  /** First retry delay in milliseconds, doubled each retry; `Retry-After` wins when sent. Default 500. */
  retryBaseMs?: number;
  /**
   * Extra headers on every request, or a function that returns them per request (e.g. to
   * propagate a trace context, as the SingleStoreDB Python SDK (singlestoredb 1.18.1) does with
   * OpenTelemetry when it is installed).
   */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Environment to read `SINGLESTOREDB_*` variables from (default: `process.env` when there is one). */
  env?: Env;
}

export interface SendOptions {
  signal?: AbortSignal;
  accept?: string;
  /** When true the caller reads the body as a stream, so the timeout stops at the headers. */
  stream?: boolean;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** The content types of the two streaming protocols: OpenAI-compatible SSE and Bedrock's event stream. */
const STREAM_TYPES = new Set(['text/event-stream', 'application/vnd.amazon.eventstream']);
/** Most bytes of a reply that should have been a stream kept for the error. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_RETRY_DELAY_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkNumber(name: string, value: unknown, ok: (v: number) => boolean): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) throw new OptionError(`${name} is out of range: ${String(value)}`);
  return value;
}

/**
 * JSON-over-HTTP with auth headers, timeouts, cancellation, retries and typed errors.
 * The options (API key, token getters, headers) and the environment live in #private fields so
 * that console.log, util.inspect (even with showHidden) and JSON.stringify of a client never
 * print them.
 */
export class Transport {
  readonly #options: TransportOptions;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryBaseMs: number;
  readonly #env: Env;

  constructor(options: TransportOptions = {}) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    // A timer holds at most 2^31 - 1 ms (about 24.8 days); longer values would fire at once.
    this.#timeoutMs = Math.min(
      checkNumber('timeoutMs', options.timeoutMs ?? 600_000, (v) => v > 0),
      MAX_TIMER_MS,
    );
    this.#maxRetries = checkNumber('maxRetries', options.maxRetries ?? 2, (v) => Number.isInteger(v) && v >= 0);
    this.#retryBaseMs = checkNumber('retryBaseMs', options.retryBaseMs ?? 500, (v) => Number.isFinite(v) && v >= 0);
    this.#env = options.env ?? processEnv();
  }

  /** Sends `body` as JSON and returns the parsed JSON reply. */
  async postJson<T>(url: string, body: unknown, opts: SendOptions = {}): Promise<T> {
    return this.#send(url, body, opts, async (res, signal) => {
      const text = await readText(res, signal);
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new InferenceError(`the endpoint sent a reply that is not JSON: ${text.slice(0, 200)}`, { status: res.status, body: text, url, cause: err });
      }
    });
  }

  /**
   * Sends `body` as JSON and returns the reply body for the caller to stream. The timeout then
   * bounds each silence between chunks; errors while reading are typed like the request's.
   */
  async postStream(url: string, body: unknown, opts: SendOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return this.#send(url, body, { ...opts, stream: true }, async (res, _signal, attempt) => {
      if (!res.body) throw new InferenceError(`${url} sent an empty stream`, { status: res.status, url });
      // A 200 with a JSON error (a model not ready, an overloaded proxy) would otherwise parse
      // as a stream without events: an empty answer and no error.
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!STREAM_TYPES.has(type)) throw await notAStream(res.body, res.status, type, url);
      return guardStream(res.body, url, this.#timeoutMs, attempt, opts.signal);
    });
  }

  async #headers(accept: string): Promise<Record<string, string>> {
    const extra = typeof this.#options.headers === 'function' ? await this.#options.headers() : this.#options.headers;
    const h: Record<string, string> = { 'content-type': 'application/json', accept };
    for (const [k, v] of Object.entries(extra ?? {})) h[k.toLowerCase()] = v;
    const key = this.#options.apiKey;
    const token = key === undefined || key === null ? this.#env.SINGLESTOREDB_USER_TOKEN : typeof key === 'function' ? await key() : key;
    if (token) h.authorization = `Bearer ${token}`;
    const obo = this.#options.oboTokenGetter ? await this.#options.oboTokenGetter() : undefined;
    if (obo) h['x-s2-obo'] = obo;
    return h;
  }

  async #send<T>(
    url: string,
    body: unknown,
    opts: SendOptions,
    read: (res: Response, signal: AbortSignal, attempt: AbortController) => Promise<T>,
  ): Promise<T> {
    const payload = JSON.stringify(body);
    opts.signal?.throwIfAborted();
    // Once per call and outside the retries: a getter that throws is the caller's error, not
    // an endpoint failure to wrap and retry.
    const headers = await this.#headers(opts.accept ?? 'application/json');
    for (let attempt = 0; ; attempt++) {
      opts.signal?.throwIfAborted();
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.#timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
      let retryAfterMs: number | null = null;
      let failure: InferenceError;
      try {
        // A redirect would carry the token, the X-S2-OBO token, the extra headers and (on
        // 307/308) the request body to whatever host the Location names: never follow one.
        const res = await this.#fetch(url, { method: 'POST', headers, body: payload, signal, redirect: 'manual' });
        if (isRedirect(res)) throw await redirectError(res, url);
        if (res.ok) return await read(res, signal, timeout);
        failure = await httpError(res, url, signal);
        if (!RETRY_STATUSES.has(res.status)) throw failure;
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (timeout.signal.aborted) throw new InferenceTimeoutError(`no reply from ${url} within ${this.#timeoutMs} ms`, { url, cause: err });
        if (err instanceof InferenceError) {
          if (err.status === null || !RETRY_STATUSES.has(err.status)) throw err;
          failure = err;
        } else {
          failure = new InferenceError(`request to ${url} failed: ${(err as Error).message}`, { url, cause: err });
        }
      } finally {
        clearTimeout(timer);
      }
      if (attempt >= this.#maxRetries) throw failure;
      await sleep(Math.min(retryAfterMs ?? this.#retryBaseMs * 2 ** attempt, MAX_RETRY_DELAY_MS), opts.signal);
    }
  }
}

/**
 * The reply body with an idle deadline: `timeoutMs` of silence aborts the request and fails the
 * stream with InferenceTimeoutError; the caller's abort fails it with the signal's reason; any
 * other read failure is an InferenceError.
 */
function guardStream(
  body: ReadableStream<Uint8Array>,
  url: string,
  timeoutMs: number,
  attempt: AbortController,
  callerSignal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let idle: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, timeoutMs);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      arm();
      try {
        const { value, done } = await reader.read();
        clearTimeout(idle);
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        clearTimeout(idle);
        if (callerSignal?.aborted) controller.error(callerSignal.reason);
        else if (timedOut) controller.error(new InferenceTimeoutError(`the stream from ${url} was silent for ${timeoutMs} ms`, { url, cause: err }));
        else controller.error(new InferenceError(`the stream from ${url} broke off: ${(err as Error).message}`, { url, cause: err }));
      }
    },
    async cancel(reason) {
      clearTimeout(idle);
      await reader.cancel(reason);
    },
  });
}

/**
 * The error for a streaming request answered with something else: its body is read up to
 * {@link MAX_ERROR_BODY_BYTES} (it may be endless) and kept, parsed when it is JSON.
 */
async function notAStream(stream: ReadableStream<Uint8Array>, status: number, type: string, url: string): Promise<InferenceError> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY_BYTES) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
  } catch {
    // what arrived before the failure is enough to say what went wrong
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, MAX_ERROR_BODY_BYTES));
  let at = 0;
  for (const p of parts) {
    const n = Math.min(p.byteLength, bytes.length - at);
    bytes.set(p.subarray(0, n), at);
    at += n;
  }
  const text = new TextDecoder().decode(bytes);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (or cut off): keep the text
  }
  const what = type ? `content type ${type}` : 'no content type';
  return new InferenceError(`${url} answered ${status} with ${what} instead of an event stream: ${errorMessage(body) ?? text.slice(0, 500)}`, {
    status,
    body,
    url,
  });
}

/**
 * The error for a redirect: its status and the host it points to, without the rest of the
 * Location (its path or query may carry something the other host handed out).
 */
async function redirectError(res: Response, url: string): Promise<InferenceError> {
  await res.body?.cancel().catch(() => {});
  const target = redirectTarget(res, url);
  return new InferenceError(
    `${url} answered ${res.status || 'a redirect'} with ${target}: redirects are not followed (they would carry the tokens and the request elsewhere)`,
    {
      status: res.status,
      url,
    },
  );
}

async function readText(res: Response, signal: AbortSignal): Promise<string> {
  signal.throwIfAborted();
  return res.text();
}

async function httpError(res: Response, url: string, signal: AbortSignal): Promise<InferenceError> {
  const text = await readText(res, signal).catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return new InferenceError(`${url} answered ${res.status} ${res.statusText}: ${errorMessage(body) ?? text.slice(0, 500)}`, { status: res.status, body, url });
}

/** The message inside the error shapes of OpenAI-compatible servers and of Bedrock. */
function errorMessage(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as { error?: { message?: unknown } | string; message?: unknown; Message?: unknown };
  if (typeof b.error === 'string') return b.error;
  const m = b.error?.message ?? b.message ?? b.Message;
  return typeof m === 'string' ? m : undefined;
}

function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Joins a base URL and a path with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
