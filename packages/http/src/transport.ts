/**
 * How a request leaves the process. Everywhere: WHATWG `fetch`. On Node, when undici is
 * installed, its `request` API (measured faster at draining large bodies; see BENCHMARKS.md),
 * loaded lazily by a specifier bundlers do not follow, so edge bundles never include it.
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  text(): Promise<string>;
}

export type Transport = (url: string, request: HttpRequest) => Promise<HttpAnswer>;

export function fetchTransport(fetchFn: typeof fetch): Transport {
  return async (url, req) => {
    // A redirect would carry the statement and its args to another origin: never follow one.
    const res = await fetchFn(url, { method: req.method, headers: req.headers, body: req.body, signal: req.signal, redirect: 'manual' });
    return { status: res.status, text: () => res.text() };
  };
}

interface UndiciLike {
  request(
    url: string,
    options: {
      method: string;
      headers: Record<string, string>;
      body?: string;
      signal: AbortSignal;
      dispatcher?: unknown;
      headersTimeout?: number;
      bodyTimeout?: number;
    },
  ): Promise<{
    statusCode: number;
    body: { text(): Promise<string> };
  }>;
  Agent?: new (options: { connect: { timeout: number } }) => unknown;
}

// One agent per connect timeout, shared by every connection that uses it, so keep-alive
// connections are reused across them as with undici's global dispatcher.
const agents = new Map<number, unknown>();

/**
 * undici's `request` when running on Node with undici installed; null otherwise.
 * `connectTimeoutMs` bounds the TCP/TLS connect of each request (undici can tell when that is
 * done; fetch cannot). Waiting for the answer has no limit of undici's own (its default is
 * 300 s): the caller's timeout and signal bound a statement.
 */
export async function undiciTransport(options: { connectTimeoutMs?: number } = {}): Promise<Transport | null> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (!node) return null;
  const specifier = 'undici';
  try {
    const undici = (await import(/* @vite-ignore */ specifier)) as UndiciLike;
    if (typeof undici.request !== 'function') return null;
    const connectMs = options.connectTimeoutMs;
    let dispatcher: unknown;
    if (connectMs !== undefined && typeof undici.Agent === 'function') {
      dispatcher = agents.get(connectMs);
      if (!dispatcher) agents.set(connectMs, (dispatcher = new undici.Agent({ connect: { timeout: connectMs } })));
    }
    return async (url, req) => {
      const res = await undici.request(url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        dispatcher,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      return { status: res.statusCode, text: () => res.body.text() };
    };
  } catch {
    return null;
  }
}
