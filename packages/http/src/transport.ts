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
    options: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
  ): Promise<{
    statusCode: number;
    body: { text(): Promise<string> };
  }>;
}

/** undici's `request` when running on Node with undici installed; null otherwise. */
export async function undiciTransport(): Promise<Transport | null> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (!node) return null;
  const specifier = 'undici';
  try {
    const undici = (await import(/* @vite-ignore */ specifier)) as UndiciLike;
    if (typeof undici.request !== 'function') return null;
    return async (url, req) => {
      const res = await undici.request(url, { method: req.method, headers: req.headers, body: req.body, signal: req.signal });
      return { status: res.statusCode, text: () => res.body.text() };
    };
  } catch {
    return null;
  }
}
