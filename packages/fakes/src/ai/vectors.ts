/** FNV-1a over UTF-16 code units: a stable seed per input. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny deterministic generator. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The fake's vector for one input (text, or token ids): unit length, every value exactly
 * representable as float32, so the float and base64 encodings give identical numbers.
 */
export function fakeEmbedding(input: string | readonly number[], dimension = 16): number[] {
  const key = typeof input === 'string' ? `t:${input}` : `i:${input.join(',')}`;
  const next = generator(fnv1a(key));
  const raw = Array.from({ length: dimension }, () => next() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((s, x) => s + x * x, 0)) || 1;
  return raw.map((x) => Math.fround(x / norm));
}

/** The fake's chat reply to a user message: the message reversed (by code point). */
export function fakeReply(userText: string): string {
  return Array.from(userText).reverse().join('');
}

/** Token counts the fake reports: whitespace-separated words. */
export function fakeTokenCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
