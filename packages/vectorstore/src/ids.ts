import { VectorStoreError } from './errors.js';

/**
 * A vector id as text. Numbers and bigints are accepted in their decimal form (the server
 * would coerce them alike); anything else is refused rather than stored as "null",
 * "undefined" or "[object Object]".
 */
export function toId(value: unknown): string {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return String(value);
  throw new VectorStoreError(`A vector id must be a string, got ${value === null ? 'null' : typeof value}`);
}

/** A list of ids (a lone string is refused: spread into IN (…) it would become one id per character). */
export function toIdList(ids: unknown, what: string): string[] {
  if (!Array.isArray(ids)) throw new VectorStoreError(`${what} must be a list of ids, got ${ids === null ? 'null' : typeof ids}`);
  return ids.map(toId);
}
