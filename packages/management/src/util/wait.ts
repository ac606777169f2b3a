import { ManagementError } from '../errors.js';
import { sleep } from '../http/abort.js';

/**
 * How long and how often a `waitOn…` helper polls; seconds (fractions allowed) for parity with
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1).
 */
export interface WaitOptions {
  /** Seconds between polls. */
  interval?: number;
  /** Seconds before giving up with a ManagementError. */
  timeout?: number;
  signal?: AbortSignal;
}

/**
 * Refuses a NaN, infinite or negative interval or timeout: NaN makes a deadline that never
 * passes (`Number('abc')` from a command line waits forever) and a poll interval of no length.
 */
export function checkWaitTimes(opts: { interval?: number; timeout?: number }): void {
  for (const key of ['interval', 'timeout'] as const) {
    const v = opts[key];
    if (v != null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
      throw new ManagementError(`the wait ${key} must be a non-negative number of seconds, got ${typeof v === 'number' ? v : typeof v}`);
  }
}

/**
 * Polls `fetchNext` until `done(current)`; the budget is charged with measured time, so a slow
 * poll counts against the timeout. The first check uses `current` (no request).
 */
export async function pollUntil<T>(
  current: T,
  done: (x: T) => boolean,
  fetchNext: () => Promise<T>,
  opts: { interval: number; timeout: number; signal?: AbortSignal; what: string },
): Promise<T> {
  checkWaitTimes(opts);
  const deadline = performance.now() + opts.timeout * 1000;
  let obj = current;
  while (!done(obj)) {
    if (performance.now() >= deadline) throw new ManagementError(`Exceeded waiting time for ${opts.what}.`);
    await sleep(Math.min(opts.interval * 1000, Math.max(0, deadline - performance.now())), opts.signal);
    obj = await fetchNext();
  }
  return obj;
}

export function stateIn(states: string[]): (x: { state?: string | null }) => boolean {
  const wanted = states.map((s) => s.trim().toLowerCase());
  return (x) => x.state != null && wanted.includes(x.state.trim().toLowerCase());
}

export type ResolvedWait = WaitOptions & { interval: number; timeout: number };

/** A `waitOn…: true | {interval, timeout, signal}` argument with its defaults; null when no waiting was asked. */
export function waitArgs(w: boolean | WaitOptions | undefined, defInterval: number, signal?: AbortSignal): ResolvedWait | null {
  if (!w) return null;
  const o = w === true ? {} : w;
  return { interval: o.interval ?? defInterval, timeout: o.timeout ?? 600, signal: o.signal ?? signal };
}
