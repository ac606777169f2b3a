import { malformed } from './malformed.js';

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Bounds-checked reads over one packet payload. Every read past the end raises a typed
 * "Malformed packet" error instead of a RangeError, so hostile bytes cannot crash the client.
 */
export class PacketCursor {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) throw malformed(`${what} runs past the end of the packet`);
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const b = this.buf;
    const v = b[this.pos] | (b[this.pos + 1] << 8);
    this.pos += 2;
    return v;
  }

  u24(what = 'uint24'): number {
    this.need(3, what);
    const b = this.buf;
    const v = b[this.pos] | (b[this.pos + 1] << 8) | (b[this.pos + 2] << 16);
    this.pos += 3;
    return v;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const b = this.buf;
    const v = (b[this.pos] | (b[this.pos + 1] << 8) | (b[this.pos + 2] << 16)) + b[this.pos + 3] * 0x1000000;
    this.pos += 4;
    return v;
  }

  u64(what = 'uint64'): bigint {
    const lo = this.u32(what);
    const hi = this.u32(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  skip(n: number, what = 'field'): void {
    this.need(n, what);
    this.pos += n;
  }

  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest(): Uint8Array {
    const out = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }

  /** Length-encoded integer; null for the 0xFB NULL marker. Values beyond 2^53 stay bigint. */
  lenencInt(what = 'length-encoded integer'): number | bigint | null {
    const first = this.u8(what);
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16(what);
    if (first === 0xfd) return this.u24(what);
    if (first === 0xfe) {
      const v = this.u64(what);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    throw malformed(`invalid length-encoded integer prefix 0xff in ${what}`);
  }

  /** A length-encoded integer that must be a usable length or count. */
  lenencLength(what: string): number {
    const v = this.lenencInt(what);
    if (typeof v !== 'number') throw malformed(`${what} has no valid length`);
    return v;
  }

  lenencBytes(what = 'length-encoded string'): Uint8Array {
    return this.bytes(this.lenencLength(what), what);
  }

  lenencString(what = 'length-encoded string'): string {
    return utf8.decode(this.lenencBytes(what));
  }

  /** NUL-terminated string; `orEnd` accepts the end of the packet as terminator. */
  nulString(what = 'string', orEnd = false, decoder: TextDecoder = utf8): string {
    let i = this.pos;
    while (i < this.end && this.buf[i] !== 0) i++;
    if (i >= this.end && !orEnd) throw malformed(`${what} is not NUL-terminated`);
    const s = decoder.decode(this.buf.subarray(this.pos, i));
    this.pos = Math.min(i + 1, this.end);
    return s;
  }

  latin1Nul(what = 'string', orEnd = false): string {
    return this.nulString(what, orEnd, latin1);
  }
}
