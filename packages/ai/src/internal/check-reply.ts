import { InferenceError } from '../errors.js';

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

/**
 * A reply that must be a JSON object. `null`, a list or a scalar is valid JSON, so it gets past
 * the parser and would otherwise surface as a TypeError far from the request that caused it.
 */
export function replyObject<T extends object>(value: unknown, url: string, what = 'reply'): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InferenceError(`${url} sent ${kindOf(value)} where a ${what} object was expected`, { url, body: value });
  }
  return value as T;
}

/**
 * One embedding as sent: a non-empty list of finite numbers. Anything else would be averaged
 * into NaN or stored as a vector the database refuses later, far from the reply at fault.
 */
export function replyVector(value: unknown, url: string, body: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InferenceError(`${url} sent an embedding that is ${Array.isArray(value) ? 'empty' : kindOf(value)}, not a list of numbers`, { url, body });
  }
  for (let i = 0; i < value.length; i++) {
    const x: unknown = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new InferenceError(`${url} sent an embedding with ${typeof x === 'number' ? String(x) : kindOf(x)} at position ${i}`, { url, body });
    }
  }
  return value as number[];
}

/** The vectors of one call share a length: one of another length would not compare with the rest. */
export function sameLength(vectors: readonly number[][], url: string): number[][] {
  const dim = vectors[0]?.length;
  const odd = vectors.findIndex((v) => v.length !== dim);
  if (odd >= 0) throw new InferenceError(`${url} sent embeddings of different lengths (${dim} and ${vectors[odd]!.length})`, { url });
  return vectors as number[][];
}
