/** Methods that may be replayed: POST and PATCH are not (a replayed POST could deploy twice). */
export const RETRY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Transient statuses; any other 4xx fails again identically. */
export const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Statuses whose `Retry-After` header is honoured. */
export const RETRY_AFTER_STATUSES = new Set([413, 429, 503]);

/**
 * Backoff before retry number `retry` (1-based), after the urllib3 rule that
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1) uses:
 * nothing before the first retry, then factor × 2^(retry-1), capped.
 */
export function backoffMs(retry: number, factorMs: number, maxMs: number): number {
  if (retry <= 1) return 0;
  return Math.min(maxMs, factorMs * 2 ** (retry - 1));
}

/** `Retry-After` in ms (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header == null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** "could not acquire lock within duration": the organization refused to start a second create. */
export const LOCK_ERROR = /acquire[^.]{0,40}lock/i;
export const LOCK_RETRY_MAX_MS = 60_000;

export function lockRetryWaitMs(attempt: number, intervalMs: number, jitterMs: number, random = Math.random): number {
  return Math.min(intervalMs * attempt, LOCK_RETRY_MAX_MS) + random() * jitterMs;
}
