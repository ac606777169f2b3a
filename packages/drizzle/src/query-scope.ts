import { AsyncLocalStorage } from 'node:async_hooks';

/** Cancellation settings for the statements drizzle sends on s2's behalf. */
export interface S2QueryOptions {
  /** Aborting cancels the running statement (wire: `KILL QUERY`; Data API: the request). */
  signal?: AbortSignal;
  /** Per-statement timeout in milliseconds; expiry cancels like `signal`. */
  timeoutMs?: number;
}

// drizzle's query builders have no place for a signal, so the scope travels with the async context.
const scope = new AsyncLocalStorage<S2QueryOptions>();

/**
 * Runs `fn` with `options` applied to every statement it (and whatever it awaits) sends
 * through an s2-backed drizzle database: `await withQueryOptions({ signal }, () => db.select().from(users))`.
 * Nested scopes replace the outer one's fields they set.
 */
export function withQueryOptions<T>(options: S2QueryOptions, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...options }, fn);
}

/** The options of the current scope, over the driver's default timeout. */
export function currentQueryOptions(defaultTimeoutMs: number | undefined): S2QueryOptions {
  const active = scope.getStore();
  const timeoutMs = active?.timeoutMs ?? defaultTimeoutMs;
  return { signal: active?.signal, timeoutMs };
}
