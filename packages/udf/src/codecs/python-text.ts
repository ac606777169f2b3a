/**
 * Text the way the SingleStoreDB Python SDK (singlestoredb 1.18.1) spells it: its float repr and
 * its JSON (`json.dumps` with the default `ensure_ascii`), so answers match its bytes.
 */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A finite double the way the Python SDK's encoder (Python's float repr) spells it: shortest
 * round-trip digits, positional for exponents -4…15 with at least one fraction digit
 * (`2.0`), scientific otherwise with a two-digit signed exponent (`1e+16`, `1.5e-05`).
 */
export function pythonFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, e] = v.toExponential().split('e');
  const exp = Number(e);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${exp < 0 ? '-' : '+'}${pad(Math.abs(exp))}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.padEnd(exp + 1, '0');
  return `${sign}${whole.slice(0, exp + 1)}.${whole.slice(exp + 1) || '0'}`;
}

// DEL and everything above it: Python's ensure_ascii escapes all but the printable ASCII range,
// and JSON.stringify already escapes what lies below it.
const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;
const escapeUnit = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON text from JSON.stringify (or built of its pieces) with every character from DEL up as a
 * `\uXXXX` escape, astral characters as their two surrogate escapes: Python's ensure_ascii
 * output. Outside strings JSON text is ASCII, so escaping the whole text escapes just the
 * strings; ASCII text (the common case) costs one scan and is returned as it is.
 */
export function asciiJson(text: string): string {
  return NON_ASCII.test(text) ? text.replace(NON_ASCII_ALL, escapeUnit) : text;
}

/**
 * `json.dumps(value)` for plain JSON data (objects, arrays, strings, finite numbers, booleans,
 * null): the separators `, ` and `: ` and ASCII-only text. Numbers are written as JavaScript
 * spells them, so callers pass only integers or values whose spelling they have chosen.
 */
export function pythonJsonDumps(value: unknown): string {
  return asciiJson(dumps(value));
}

function dumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(dumps).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${dumps(x)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
