import { ManagementError, maskSecrets } from '../errors.js';
import { abortError, anySignal, sleep } from './abort.js';
import { discoverToken, resolveConfig, type ManagementOptions, type ResolvedConfig } from './config.js';
import { isRefusedRedirect, redirectError, refusedRedirectError } from './redirect.js';
import { LOCK_ERROR, RETRY_AFTER_STATUSES, RETRY_METHODS, RETRY_STATUSES, backoffMs, lockRetryWaitMs, retryAfterMs } from './retry.js';
import type { TraceEvent } from './trace.js';
import { isRedirect, S2_VERSION } from '@s2/base';

export const USER_AGENT = `SingleStoreDB-TypeScript/${S2_VERSION}`;

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  /** Path relative to the versioned base (`clusters/{id}`); segments must be encoded by the caller. */
  path: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  query?: Query;
  /** A JSON body (only the set fields are sent: undefined members are dropped by JSON). */
  json?: unknown;
  /** A raw body (multipart uploads), or a factory that makes a fresh one per attempt; streams are sent with `duplex: 'half'`. */
  body?: BodyInit | (() => BodyInit);
  headers?: Record<string, string>;
  /** API version for this call (`v1` for the workspace API); default: the configured one. */
  version?: string;
  signal?: AbortSignal;
  /** False for a body that cannot be sent twice (a caller's stream): such a call is never retried. */
  replayable?: boolean;
}

/** Per-call options every manager method accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

type Observer = (e: TraceEvent) => void;

/** Sends Management API requests: auth, organization, retries, timeouts, abort, errors, tracing. */
export class ManagementClient {
  readonly config: ResolvedConfig;
  private readonly observers = new Set<Observer>();

  constructor(options: ManagementOptions | ResolvedConfig = {}) {
    this.config =
      options && typeof options === 'object' && 'refreshableJwt' in options ? (options as ResolvedConfig) : resolveConfig(options as ManagementOptions);
  }

  /** The base URL of a version: `<baseUrl>/<version>/`. */
  versionBase(version = this.config.version): string {
    return `${this.config.baseUrl}/${version}/`;
  }

  /** Runs `fn` and returns what it returned plus every call it made through this client. */
  async traced<T>(fn: () => Promise<T>): Promise<{ result: T; calls: TraceEvent[] }> {
    const calls: TraceEvent[] = [];
    const obs: Observer = (e) => calls.push(e);
    this.observers.add(obs);
    try {
      return { result: await fn(), calls };
    } finally {
      this.observers.delete(obs);
    }
  }

  private token(): string {
    // A JWT found in the environment is re-read each call: the notebook refreshes it.
    return this.config.refreshableJwt ? (discoverToken(this.config.env) ?? this.config.token) : this.config.token;
  }

  private url(o: RequestOptions, version: string): { url: string; relPath: string } {
    const rel = o.path.replace(/^\/+/, '').replace(/\/{2,}/g, '/');
    // fetch resolves `.`/`..` segments before sending: `clusters/{id}/stage/fs/../..` would
    // reach `clusters/{id}` itself (a DELETE there terminates the cluster).
    const dotted = rel
      .split('?')[0]!
      .split('/')
      .find((s) => /^(\.|%2e){1,2}$/i.test(s));
    if (dotted !== undefined) {
      throw new ManagementError(`Refusing ${o.method ?? 'GET'} ${rel}: a '${dotted}' path segment would leave the resource it names`, {
        method: o.method ?? 'GET',
        path: `/${version}/${rel}`,
      });
    }
    const params = new URLSearchParams();
    const org = o.query?.organizationID ?? this.config.organizationId ?? this.config.env.SINGLESTOREDB_ORGANIZATION;
    for (const [k, v] of Object.entries(o.query ?? {})) if (v != null && k !== 'organizationID') params.append(k, String(v));
    if (org != null && org !== '') params.append('organizationID', String(org));
    const qs = params.toString();
    return { url: `${this.versionBase(version)}${rel}${qs ? `?${qs}` : ''}`, relPath: `/${version}/${rel}` };
  }

  /** Sends a request and returns the response (status < 400); the body is not read. */
  async request(o: RequestOptions): Promise<Response> {
    const method = o.method ?? 'GET';
    const version = o.version ?? this.config.version;
    const { url, relPath } = this.url(o, version);
    const signal = anySignal([o.signal, this.config.signal]);
    const canRetry = RETRY_METHODS.has(method) && o.replayable !== false;
    const started = performance.now();
    let attempts = 0;
    const finish = (status: number | null, error?: unknown) => {
      const ev: TraceEvent = { method, path: relPath, status, attempts, ms: performance.now() - started };
      if (error) ev.error = (error as Error).name ?? 'Error';
      this.config.trace?.(ev);
      for (const obs of this.observers) obs(ev);
    };
    for (;;) {
      attempts++;
      if (signal?.aborted) {
        finish(null, abortError(signal));
        throw abortError(signal);
      }
      let res: Response;
      try {
        res = await this.send(url, method, relPath, o, signal);
      } catch (err) {
        if (signal?.aborted) {
          finish(null, err);
          throw abortError(signal);
        }
        if (err instanceof ManagementError) {
          finish(null, err);
          throw err;
        }
        if (canRetry && attempts <= this.config.retries) {
          await this.wait(backoffMs(attempts, this.config.retryBackoffMs, this.config.retryBackoffMaxMs), signal, started, method, relPath, attempts);
          continue;
        }
        finish(null, err);
        throw new ManagementError(`${(err as Error).name} on ${method} ${relPath}: ${(err as Error).message}`, { method, path: relPath, cause: err });
      }
      if (isRedirect(res)) {
        // Never retried: the same request would be redirected again.
        await res.body?.cancel().catch(() => undefined);
        const err = redirectError(res, url, method, relPath);
        finish(res.status, err);
        throw err;
      }
      if (res.status < 400) {
        finish(res.status);
        return this.guardBody(res, signal);
      }
      if (canRetry && RETRY_STATUSES.has(res.status) && attempts <= this.config.retries) {
        const after = RETRY_AFTER_STATUSES.has(res.status) ? retryAfterMs(res.headers.get('retry-after')) : null;
        await res.body?.cancel().catch(() => undefined);
        await this.wait(after ?? backoffMs(attempts, this.config.retryBackoffMs, this.config.retryBackoffMaxMs), signal, started, method, relPath, attempts);
        continue;
      }
      const text = (await res.text().catch(() => '')).trim();
      finish(res.status);
      throw this.httpError(res.status, text, method, relPath, o);
    }
  }

  private async wait(ms: number, signal: AbortSignal | undefined, started: number, method: string, path: string, attempts: number): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (err) {
      const ev: TraceEvent = { method, path, status: null, attempts, ms: performance.now() - started, error: 'AbortError' };
      this.config.trace?.(ev);
      for (const obs of this.observers) obs(ev);
      throw err;
    }
  }

  private httpError(status: number, text: string, method: string, relPath: string, o: RequestOptions): ManagementError {
    let msg = `${text}: ${relPath}`;
    const shown: Record<string, unknown> = {};
    if (o.query && Object.keys(o.query).length) shown.query = o.query;
    if (o.json !== undefined) shown.json = maskSecrets(o.json);
    if (Object.keys(shown).length) msg += `: ${JSON.stringify(shown)}`;
    return new ManagementError(msg, { status, method, path: relPath, body: text });
  }

  /** One fetch with the header deadline (connect + read timeout) and the caller's signal. */
  private async send(url: string, method: string, relPath: string, o: RequestOptions, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token()}`,
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...(o.body === undefined ? { 'Content-Type': 'application/json' } : {}),
      ...o.headers,
    };
    const timeout = new AbortController();
    const limit = this.config.connectTimeoutMs + this.config.readTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => timeout.abort(new ManagementError(`No response within ${limit} ms`)), limit);
    };
    arm();
    let streamed = false;
    try {
      const init: RequestInit & { duplex?: 'half' } = {
        method,
        headers,
        signal: anySignal([signal, timeout.signal]),
        // A followed redirect would take the token and a 307/308 would replay the body
        // (secret values, admin passwords) to whatever host the Location names.
        redirect: 'manual',
      };
      if (o.json !== undefined) init.body = JSON.stringify(o.json);
      else if (o.body !== undefined) {
        init.body = typeof o.body === 'function' ? o.body() : o.body;
        if (init.body instanceof ReadableStream) {
          // The deadline counts from the last chunk sent: a large upload may take longer than
          // the timeout as a whole, only a stall (or a slow answer after the end) may not.
          init.body = rearmOnChunk(init.body, arm);
          init.duplex = 'half';
          // Under 'manual' undici tees a streamed body to keep it for a redirect (a 300 MB
          // upload would cost 300 MB of memory); 'error' refuses the redirect without that.
          init.redirect = 'error';
          streamed = true;
        }
      }
      if ((method === 'GET' || method === 'HEAD') && o.json !== undefined) {
        if (!this.config.getWithBody) {
          throw new ManagementError(
            `${method} ${o.path} needs a request body, which fetch cannot send: use createNodeManagement from @s2/management/node, or pass options.getWithBody`,
          );
        }
        return await this.config.getWithBody(url, { headers, body: init.body as string, signal: init.signal ?? undefined });
      }
      return await this.config.fetch(url, init);
    } catch (err) {
      if (streamed && !timeout.signal.aborted && !signal?.aborted && isRefusedRedirect(err)) throw refusedRedirectError(err, method, relPath);
      if (timeout.signal.aborted && !signal?.aborted) {
        const e = new Error(`No response within ${limit} ms`);
        e.name = 'TimeoutError';
        throw e;
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Wraps the body so that a silence longer than the read timeout, or an abort, fails the read. */
  private guardBody(res: Response, signal: AbortSignal | undefined): Response {
    if (!res.body) return res;
    const readTimeout = this.config.readTimeoutMs;
    const reader = res.body.getReader();
    const guarded = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        let onAbort: (() => void) | undefined;
        try {
          const chunk = await Promise.race([
            reader.read(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new ManagementError(`No data for ${readTimeout} ms while reading the response`)), readTimeout);
              if (signal) {
                onAbort = () => reject(abortError(signal));
                if (signal.aborted) onAbort();
                else signal.addEventListener('abort', onAbort, { once: true });
              }
            }),
          ]);
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        } catch (err) {
          reader.cancel(err).catch(() => undefined);
          controller.error(err);
        } finally {
          clearTimeout(timer);
          if (onAbort) signal?.removeEventListener('abort', onAbort);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(guarded, { status: res.status, statusText: res.statusText, headers: res.headers });
  }

  /** A request whose JSON answer is returned (null for an empty body). */
  async json<T = unknown>(o: RequestOptions): Promise<T> {
    const res = await this.request(o);
    const text = await res.text();
    if (text.trim() === '') return null as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ManagementError(`The management API answered ${o.method ?? 'GET'} ${o.path} with invalid JSON: ${text.slice(0, 200)}`, { cause: err });
    }
  }

  /**
   * Runs a create that may lose the organization lock ("could not acquire lock"), replaying it
   * with growing waits; any other error, or the last conflict, is thrown.
   */
  async withLockRetry<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        // The service's answer, not the message: that echoes the request, whose names are the caller's.
        if (!(err instanceof ManagementError) || attempt > this.config.lockRetries || !LOCK_ERROR.test(err.body ?? '')) throw err;
        await sleep(lockRetryWaitMs(attempt, this.config.lockRetryIntervalMs, this.config.lockRetryJitterMs), anySignal([signal, this.config.signal]));
      }
    }
  }
}

/** The same stream, pulled one chunk at a time, calling `onChunk` as each chunk goes out. */
function rearmOnChunk(body: ReadableStream<Uint8Array>, onChunk: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        onChunk();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Encodes each segment of a user path, keeping `/` separators and a trailing slash. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
