import { VectorStoreError } from '../errors.js';

/**
 * JSON.stringify, refusing what it would silently change (NaN and Infinity become null, Maps
 * and Sets `{}`) and keeping bigints exact: each is stood in for by a marked string (the mark
 * is new per call, so no caller text can take its place) and put back as its digits.
 */
function strictJson(value: unknown): string | undefined {
  const nonce = Math.random().toString(36).slice(2);
  // A NUL character leads the stand-in; JSON writes it as the six characters \u0000.
  const standIn = `\u0000s2n${nonce}:`;
  const written = `"\\u0000s2n${nonce}:`;
  let bigints = false;
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') {
        bigints = true;
        return `${standIn}${v}`;
      }
      if (typeof v === 'number' && !Number.isFinite(v)) throw new VectorStoreError(`JSON cannot hold ${v}`);
      if (v instanceof Map || v instanceof Set)
        throw new VectorStoreError(`JSON cannot hold a ${v instanceof Map ? 'Map' : 'Set'} (convert it to an object or a list)`);
      return v;
    });
  } catch (err) {
    if (err instanceof VectorStoreError) throw err;
    throw new VectorStoreError(`Value cannot be written as JSON: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (!bigints || text === undefined) return text;
  return text
    .split(written)
    .map((part, i) => (i === 0 ? part : part.replace(/^(-?\d+)"/, '$1')))
    .join('');
}

/**
 * JSON text laid out like Python's `json.dumps` defaults (`", "` and `": "` separators,
 * non-ASCII escaped), so the statements s2 sends are byte-identical to those of
 * the `singlestore-vectorstore` 0.1.5 Python package for the same values, which keeps the differential
 * test exact. Servers parse both layouts alike.
 */
export function spacedJson(value: unknown): string {
  const text = strictJson(value);
  if (text === undefined) return 'null';
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        out += c + text[++i];
        continue;
      }
      if (c === '"') inString = false;
      const code = c.charCodeAt(0);
      out += code > 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
      continue;
    }
    if (c === '"') inString = true;
    out += c === ',' ? ', ' : c === ':' ? ': ' : c;
  }
  return out;
}
