/**
 * JSON text laid out like Python's `json.dumps` defaults (`", "` and `": "` separators,
 * non-ASCII escaped), so the statements s2 sends are byte-identical to the reference's for the
 * same values, which keeps the differential test exact. Servers parse both layouts alike.
 */
export function spacedJson(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
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
