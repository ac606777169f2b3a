import { escapeLiteral, ParameterError, parseTimezone, vectorJson, type LiteralContext } from '@s2/base';

/**
 * Encodes rows as the text `LOAD DATA` reads with
 * `FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'` (file charset utf8mb4):
 * NULL is `\N`; backslash, tab, newline, carriage return and NUL are escaped; binary values are
 * their raw bytes (escaped the same way), never hex.
 *
 * Output is cut into chunks of about `chunkBytes`; every chunk is a fresh buffer, because the
 * connector may still hold the previous one in its write queue.
 */

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const NUL = 0x00;
// A plain byte array: Buffer is not there when this module loads in a browser bundle.
const NULL_FIELD = Uint8Array.of(0x5c, 0x4e); // \N

/** The letter written after a backslash for each byte LOAD DATA needs escaped (0: written as is). */
const ESCAPE_LETTER = new Uint8Array(256);
ESCAPE_LETTER[BACKSLASH] = BACKSLASH;
ESCAPE_LETTER[TAB] = 0x74; // t
ESCAPE_LETTER[LF] = 0x6e; // n
ESCAPE_LETTER[CR] = 0x72; // r
ESCAPE_LETTER[NUL] = 0x30; // 0
const NEEDS_ESCAPE = /[\\\t\n\r\0]/;
const ESCAPES = /[\\\t\n\r\0]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

export const DEFAULT_CHUNK_BYTES = 64 * 1024;

const BIGINT_MARK = '\u0000s2-bigint:';
/** JSON text; bigint members stay JSON numbers with every digit (as the SQL literal escaping does). */
function toJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    // Only values holding a bigint need the (slower) replacer.
    if (!(err instanceof TypeError)) throw err;
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v)).replace(/"\\u0000s2-bigint:(-?\d+)"/g, '$1');
  }
  if (text === undefined) throw new ParameterError('value cannot be written as JSON');
  return text;
}

export class LoadEncoder {
  private buf: Buffer;
  private pos = 0;
  private readonly ready: Buffer[] = [];
  /** Data rows written so far (the row number used in error messages is this + 1). */
  rowsWritten = 0;
  /** Minutes east of UTC in which Dates are written; null: the local zone. */
  private readonly offset: number | null;

  constructor(
    private readonly ctx: LiteralContext,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.offset = parseTimezone(ctx.timezone ?? 'local');
  }

  /** True once at least one full chunk is waiting in `take()`. */
  get hasChunk(): boolean {
    return this.ready.length > 0;
  }

  /** Full chunks produced so far (and, with `final`, the partial last one). */
  take(final = false): Buffer[] {
    if (final && this.pos > 0) this.cut();
    return this.ready.splice(0);
  }

  private cut(): void {
    this.ready.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
  }

  /** Room for `n` more bytes in the current buffer. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) this.cut();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  private byte(b: number): void {
    if (this.pos >= this.buf.length) this.cut();
    this.buf[this.pos++] = b;
  }

  /** Ends a row; cuts a chunk once the buffer holds `chunkBytes`. */
  endRow(): void {
    this.byte(LF);
    this.rowsWritten++;
    if (this.pos >= this.chunkBytes) this.cut();
  }

  separator(): void {
    this.byte(TAB);
  }

  /** ASCII text that needs no escaping (numbers, dates). */
  private ascii(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.reserve(n);
    if (n > 32) {
      this.pos += this.buf.write(s, this.pos, 'latin1');
      return;
    }
    const out = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) out[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private text(s: string): void {
    const n = s.length;
    // Short ASCII strings (the common case) are copied and escaped in one pass.
    if (n <= 256) {
      if (this.pos + 2 * n > this.buf.length) this.reserve(2 * n);
      const out = this.buf;
      let p = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        const escaped = ESCAPE_LETTER[c];
        if (escaped) {
          out[p++] = BACKSLASH;
          out[p++] = escaped;
        } else out[p++] = c;
      }
      if (i === n) {
        this.pos = p;
        return;
      }
      // Non-ASCII: start over on the general path (nothing of this field is kept).
    }
    if (!s.isWellFormed()) {
      throw new ParameterError(`row ${this.rowsWritten + 1}: string contains a lone surrogate, which is not valid Unicode and cannot be loaded losslessly`);
    }
    if (NEEDS_ESCAPE.test(s)) s = s.replace(ESCAPES, (c) => ESCAPED[c]);
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    let need = s.length * 3;
    if (this.pos + need > this.buf.length) need = Buffer.byteLength(s, 'utf8');
    this.reserve(need);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** 'YYYY-MM-DD HH:MM:SS[.mmm]' in the connection's zone, as Date query parameters are written. */
  private date(d: Date): void {
    let t = d.getTime();
    if (Number.isNaN(t)) throw new ParameterError(`row ${this.rowsWritten + 1}: Invalid Date cannot be loaded`);
    t += (this.offset ?? -d.getTimezoneOffset()) * 60_000;
    // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
    const days = Math.floor(t / 86_400_000);
    let rest = t - days * 86_400_000;
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (y < 0 || y > 9999) {
      // Outside what DATETIME holds: let the shared literal code render it (the server rejects it).
      this.ascii(escapeLiteral(d, this.ctx).slice(1, -1));
      return;
    }
    const ms = rest % 1000;
    rest = (rest - ms) / 1000;
    const sec = rest % 60;
    rest = (rest - sec) / 60;
    const min = rest % 60;
    const hour = (rest - min) / 60;
    if (this.pos + 23 > this.buf.length) this.reserve(23);
    const out = this.buf;
    let p = this.pos;
    out[p++] = 0x30 + ((y / 1000) | 0);
    out[p++] = 0x30 + (((y / 100) | 0) % 10);
    out[p++] = 0x30 + (((y / 10) | 0) % 10);
    out[p++] = 0x30 + (y % 10);
    out[p++] = 0x2d;
    out[p++] = 0x30 + ((month / 10) | 0);
    out[p++] = 0x30 + (month % 10);
    out[p++] = 0x2d;
    out[p++] = 0x30 + ((day / 10) | 0);
    out[p++] = 0x30 + (day % 10);
    out[p++] = 0x20;
    out[p++] = 0x30 + ((hour / 10) | 0);
    out[p++] = 0x30 + (hour % 10);
    out[p++] = 0x3a;
    out[p++] = 0x30 + ((min / 10) | 0);
    out[p++] = 0x30 + (min % 10);
    out[p++] = 0x3a;
    out[p++] = 0x30 + ((sec / 10) | 0);
    out[p++] = 0x30 + (sec % 10);
    if (ms) {
      out[p++] = 0x2e;
      out[p++] = 0x30 + ((ms / 100) | 0);
      out[p++] = 0x30 + (((ms / 10) | 0) % 10);
      out[p++] = 0x30 + (ms % 10);
    }
    this.pos = p;
  }

  /** Integers of up to 15 digits, written without a string. */
  private int(n: number): void {
    if (this.pos + 17 > this.buf.length) this.reserve(17);
    const out = this.buf;
    let p = this.pos;
    if (n < 0) {
      out[p++] = 0x2d;
      n = -n;
    }
    if (n < 10) {
      out[p++] = 0x30 + n;
      this.pos = p;
      return;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let q = p + digits;
    this.pos = q;
    while (n >= 10) {
      const next = Math.floor(n / 10);
      out[--q] = 0x30 + (n - next * 10);
      n = next;
    }
    out[--q] = 0x30 + n;
  }

  private bytes(b: Uint8Array): void {
    this.reserve(b.length * 2);
    const out = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      const escaped = ESCAPE_LETTER[c];
      if (escaped) {
        out[p++] = BACKSLASH;
        out[p++] = escaped;
      } else out[p++] = c;
    }
    this.pos = p;
  }

  private nullField(): void {
    this.reserve(2);
    this.buf.set(NULL_FIELD, this.pos);
    this.pos += NULL_FIELD.length;
  }

  private number(n: number): void {
    if (Number.isNaN(n)) {
      if (this.ctx.nanAsNull) return this.nullField();
      throw new ParameterError(`row ${this.rowsWritten + 1}: NaN cannot be loaded (set nan_as_null to load it as NULL)`);
    }
    if (!Number.isFinite(n)) {
      if (this.ctx.infAsNull) return this.nullField();
      throw new ParameterError(`row ${this.rowsWritten + 1}: ${n} cannot be loaded (set inf_as_null to load it as NULL)`);
    }
    if (Number.isInteger(n)) {
      if (n > -1e15 && n < 1e15) return this.int(n === 0 ? 0 : n);
      if (Math.abs(n) < 1e21) return this.ascii(n.toFixed(0));
    }
    this.ascii(String(n));
  }

  /** Writes one field. */
  value(v: unknown): void {
    if (v === null || v === undefined) return this.nullField();
    switch (typeof v) {
      case 'string':
        return this.text(v);
      case 'number':
        return this.number(v);
      case 'bigint':
        return v > -1_000_000_000_000_000n && v < 1_000_000_000_000_000n ? this.int(Number(v)) : this.ascii(v.toString());
      case 'boolean':
        return this.byte(v ? 0x31 : 0x30);
      case 'symbol':
      case 'function':
        throw new ParameterError(`row ${this.rowsWritten + 1}: a ${typeof v} cannot be loaded`);
      default:
        break;
    }
    const obj = v as object;
    if (typeof (obj as { toSqlString?: unknown }).toSqlString === 'function') {
      // SqlDateTime (keeps microseconds), SqlTime, user types.
      return this.text(String((obj as { toSqlString(): string }).toSqlString()));
    }
    if (obj instanceof Date) return this.date(obj);
    if (obj instanceof Uint8Array) return this.bytes(obj);
    if (obj instanceof ArrayBuffer) return this.bytes(new Uint8Array(obj));
    if (ArrayBuffer.isView(obj)) {
      if (obj instanceof DataView) throw new ParameterError(`row ${this.rowsWritten + 1}: a DataView cannot be loaded; pass a Uint8Array`);
      // Float32Array & co.: the JSON form a VECTOR column (or a JSON column) accepts.
      return this.text(vectorJson(obj as unknown as ArrayLike<number | bigint>));
    }
    if (obj instanceof Set) return this.text([...obj].map(String).join(','));
    if (obj instanceof Map) throw new ParameterError(`row ${this.rowsWritten + 1}: a Map cannot be loaded; pass a plain object for a JSON value`);
    if (Array.isArray(obj)) return this.text(toJson(obj));
    const proto = Object.getPrototypeOf(obj);
    if (proto === Object.prototype || proto === null) return this.text(toJson(obj));
    if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return this.text(toJson(obj));
    throw new ParameterError(`row ${this.rowsWritten + 1}: a ${proto?.constructor?.name ?? 'object'} cannot be loaded; convert it first`);
  }

  /** Writes one row of positional values. */
  row(values: ArrayLike<unknown>, width: number): void {
    if (values.length !== width) {
      throw new ParameterError(`row ${this.rowsWritten + 1} has ${values.length} value(s), expected ${width}`);
    }
    for (let i = 0; i < width; i++) {
      if (i) this.byte(TAB);
      this.value(values[i]);
    }
    this.endRow();
  }

  /** Writes one row of an object, by column name (missing keys are NULL). */
  objectRow(obj: Record<string, unknown>, names: readonly string[]): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new ParameterError(
        `row ${this.rowsWritten + 1} is ${obj === null ? 'null' : Array.isArray(obj) ? 'an array' : typeof obj}; rows must all be arrays or all be objects`,
      );
    }
    for (let i = 0; i < names.length; i++) {
      if (i) this.byte(TAB);
      this.value(obj[names[i]]);
    }
    this.endRow();
  }
}
