import { sharedSlot } from '@s2/base';

/** Cancellation settings for the statements sent inside a `withQueryOptions` scope. */
export interface S2QueryOptions {
  /** Aborting cancels the running statement (wire: `KILL QUERY`; Data API: the request). */
  signal?: AbortSignal;
  /** Per-statement timeout in milliseconds; expiry cancels like `signal`. */
  timeoutMs?: number;
}

interface Storage {
  getStore(): S2QueryOptions | undefined;
  run<R>(store: S2QueryOptions, fn: () => R): R;
}

/** Without async context (browsers): right for synchronous callbacks and the first await only. */
function stackStorage(): Storage {
  const stack: S2QueryOptions[] = [];
  return {
    getStore: () => stack[stack.length - 1],
    run(store, fn) {
      stack.push(store);
      try {
        return fn();
      } finally {
        stack.pop();
      }
    },
  };
}

// Node's AsyncLocalStorage reached without a static import, so that this module bundles for
// browsers too; one storage per process, whichever copy of @s2/core asks first.
const storage = () =>
  sharedSlot<Storage>('core.query-scope', () => {
    const hooks = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule?.('node:async_hooks') as
      | typeof import('node:async_hooks')
      | undefined;
    return hooks ? new hooks.AsyncLocalStorage<S2QueryOptions>() : stackStorage();
  });

/**
 * Runs `fn` with `options` applied to every statement that a driver built on @s2/core
 * (@s2/drizzle, @s2/kysely) sends for it, across awaits: query builders have no place for a
 * signal, so the scope travels with the async context. Nested scopes replace the outer one's
 * fields they set.
 */
export function withQueryOptions<T>(options: S2QueryOptions, fn: () => T): T {
  const scope = storage();
  return scope.run({ ...scope.getStore(), ...options }, () => {
    const out = fn();
    // A lazy thenable (a drizzle query builder) only starts its statement when `then` is
    // called; awaited by the caller, that would be outside the scope and the options lost.
    if (isLazyThenable(out)) return new Promise((resolve, reject) => out.then(resolve, reject)) as T;
    return out;
  });
}

function isLazyThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && !(v instanceof Promise) && typeof (v as PromiseLike<unknown>).then === 'function';
}

/** The options of the current scope, over a driver's default timeout: what it passes to `Cursor.execute`. */
export function currentQueryOptions(defaultTimeoutMs?: number): S2QueryOptions {
  const active = storage().getStore();
  return { signal: active?.signal, timeoutMs: active?.timeoutMs ?? defaultTimeoutMs };
}
