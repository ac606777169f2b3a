import { escapeLiteral, quoteString, type LiteralContext } from './escape.js';

/**
 * SQL literals written straight into one growing byte buffer as UTF-8: the same text as
 * `escapeLiteral`, without a string per value, per row and per statement. Multi-row INSERTs
 * of executemany are built this way; in a profile of 200,000 rows the strings of the
 * string-joining renderer cost more in garbage collection than in rendering.
 *
 * Numbers, plain strings, null and booleans take the fast paths; any other value (Dates,
 * bytes, JSON objects, `toSqlString`, non-ASCII strings) is rendered by `escapeLiteral` and
 * its text copied in, so both renderers agree on every value.
 */
export class LiteralWriter {
  /** The text so far is `bytes.subarray(0, pos)`. */
  bytes: Uint8Array;
  pos = 0;

  /** A fresh buffer of `capacity` bytes, or `buffer` to write over (from its start). */
  constructor(capacityOrBuffer: number | Uint8Array) {
    this.bytes = typeof capacityOrBuffer === 'number' ? allocBytes(capacityOrBuffer) : capacityOrBuffer;
  }

  /** Makes room for `n` more bytes (the buffer grows by copying). */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.bytes.length) return;
    const grown = allocBytes(Math.max(need, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }

  /** The text written so far, handed over; the writer starts again on a fresh buffer of `capacity`. */
  take(capacity: number): Uint8Array {
    const out = this.bytes.subarray(0, this.pos);
    this.bytes = allocBytes(capacity);
    this.pos = 0;
    return out;
  }

  byte(b: number): void {
    if (this.pos >= this.bytes.length) this.ensure(1);
    this.bytes[this.pos++] = b;
  }

  raw(chunk: Uint8Array): void {
    const n = chunk.length;
    if (this.pos + n > this.bytes.length) this.ensure(n);
    const out = this.bytes;
    let p = this.pos;
    // The pieces between values are a few bytes: a loop beats set() on a fresh view.
    if (n <= 16) for (let i = 0; i < n; i++) out[p++] = chunk[i];
    else {
      out.set(chunk, p);
      p += n;
    }
    this.pos = p;
  }

  /** Any text, UTF-8 encoded (ASCII is copied without the encoder). */
  text(s: string): void {
    const n = s.length;
    if (this.pos + n > this.bytes.length) this.ensure(n);
    const out = this.bytes;
    let p = this.pos;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      out[p++] = c;
    }
    this.pos = p;
    if (i < n) this.utf8(i === 0 ? s : s.slice(i));
  }

  private utf8(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.ensure(s.length * 3);
    this.pos += UTF8.encodeInto(s, this.bytes.subarray(this.pos)).written;
  }

  /** `value` as a SQL literal: what `escapeLiteral(value, ctx)` returns, as bytes. */
  literal(value: unknown, ctx: LiteralContext): void {
    switch (typeof value) {
      case 'number':
        if (Number.isSafeInteger(value)) this.integer(value);
        else if (Number.isFinite(value)) this.double(value);
        else this.text(escapeLiteral(value, ctx));
        return;
      case 'string':
        this.quoted(value, ctx);
        return;
      case 'boolean':
        this.byte(value ? 0x31 : 0x30);
        return;
      case 'undefined':
        this.raw(NULL_TEXT);
        return;
      case 'object':
        if (value === null) {
          this.raw(NULL_TEXT);
          return;
        }
        break;
      default:
        break;
    }
    this.text(escapeLiteral(value, ctx));
  }

  /** A safe integer in plain digits (-0 as 0), as String() writes it. */
  private integer(n: number): void {
    this.ensure(17);
    const out = this.bytes;
    let v = n;
    if (v < 0) {
      out[this.pos++] = 0x2d;
      v = -v;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      out[--p] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  /** A finite number past the safe integers or with a fraction: numberLiteral's text (`e0` makes a fraction a DOUBLE). */
  private double(n: number): void {
    const s = String(n);
    this.text(s);
    if (!Number.isInteger(n) && !s.includes('e')) this.raw(EXPONENT_ZERO);
  }

  /** A quoted string; ASCII is copied and escaped in one pass, anything else goes through quoteString. */
  private quoted(s: string, ctx: LiteralContext): void {
    const n = s.length;
    // Worst case every character escaped, plus the quotes.
    if (this.pos + 2 * n + 2 > this.bytes.length) this.ensure(2 * n + 2);
    const out = this.bytes;
    const start = this.pos;
    let p = start;
    out[p++] = QUOTE;
    let i = 0;
    if (ctx.noBackslashEscapes) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        if (c === QUOTE) out[p++] = QUOTE;
        out[p++] = c;
      }
    } else {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        const letter = BACKSLASH_LETTER[c];
        if (letter !== 0) {
          out[p++] = BACKSLASH;
          out[p++] = letter;
        } else out[p++] = c;
      }
    }
    if (i === n) {
      out[p++] = QUOTE;
      this.pos = p;
      return;
    }
    // Non-ASCII (or a lone surrogate, which quoteString refuses): start over on the general path.
    this.pos = start;
    this.text(quoteString(s, ctx));
  }
}

const UTF8 = new TextEncoder();
const QUOTE = 0x27;
const BACKSLASH = 0x5c;
const NULL_TEXT = Uint8Array.of(0x4e, 0x55, 0x4c, 0x4c); // NULL
const EXPONENT_ZERO = Uint8Array.of(0x65, 0x30); // e0

/** The letter written after a backslash for each character escaped in backslash mode (0: copied as is). */
const BACKSLASH_LETTER = new Uint8Array(128);
for (const [c, letter] of [
  ['\0', '0'],
  ['\n', 'n'],
  ['\r', 'r'],
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
  ['\x1a', 'Z'],
])
  BACKSLASH_LETTER[c.charCodeAt(0)] = letter.charCodeAt(0);

type AllocUnsafe = { allocUnsafe(size: number): Uint8Array };
const NodeBuffer = (globalThis as { Buffer?: AllocUnsafe }).Buffer;

/** Uninitialised memory where Node offers it (every byte handed out is written first). */
const allocBytes = NodeBuffer ? (n: number) => NodeBuffer.allocUnsafe(n) : (n: number) => new Uint8Array(n);

/** UTF-8 bytes of `s`. */
export function utf8Bytes(s: string): Uint8Array {
  return UTF8.encode(s);
}
