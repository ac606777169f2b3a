/**
 * `DOWNLOAD … ENCODING '<enc>'` takes a Python codec name, because the SingleStoreDB Python SDK
 * (singlestoredb 1.18.1) runs `bytes.decode(enc)`. WHATWG's TextDecoder labels are a different
 * set with different meanings ('ascii' and 'latin1' are windows-1252 there), so the codecs a
 * text file is likely to use are resolved and decoded here, strictly, with Python's error
 * messages; any other name is refused rather than decoded under another codec's rules.
 */
import { FusionValueError } from '../errors.js';

type Codec = 'utf_8' | 'utf_8_sig' | 'ascii' | 'latin_1' | 'cp1252' | 'utf_16' | 'utf_16_le' | 'utf_16_be' | 'utf_32' | 'utf_32_le' | 'utf_32_be';

/** Python's aliases (encodings.aliases) of the supported codecs, and the codec module names themselves. */
const ALIASES: ReadonlyMap<string, Codec> = new Map([
  ...names('utf_8', 'utf_8', 'utf8', 'u8', 'utf', 'utf8_ucs2', 'utf8_ucs4', 'cp65001'),
  ...names('utf_8_sig', 'utf_8_sig'),
  ...names(
    'ascii',
    'ascii',
    '646',
    'ansi_x3.4_1968',
    'ansi_x3_4_1968',
    'ansi_x3.4_1986',
    'cp367',
    'csascii',
    'ibm367',
    'iso646_us',
    'iso_646.irv_1991',
    'iso_ir_6',
    'us',
    'us_ascii',
  ),
  ...names(
    'latin_1',
    'latin_1',
    'latin1',
    'latin',
    'l1',
    '8859',
    'cp819',
    'csisolatin1',
    'ibm819',
    'iso8859',
    'iso8859_1',
    'iso_8859_1',
    'iso_8859_1_1987',
    'iso_ir_100',
  ),
  ...names('cp1252', 'cp1252', '1252', 'windows_1252'),
  ...names('utf_16', 'utf_16', 'utf16', 'u16'),
  ...names('utf_16_le', 'utf_16_le', 'utf_16le', 'unicodelittleunmarked'),
  ...names('utf_16_be', 'utf_16_be', 'utf_16be', 'unicodebigunmarked'),
  ...names('utf_32', 'utf_32', 'utf32', 'u32'),
  ...names('utf_32_le', 'utf_32_le', 'utf_32le'),
  ...names('utf_32_be', 'utf_32_be', 'utf_32be'),
]);

function names(codec: Codec, ...aliases: string[]): [string, Codec][] {
  return aliases.map((a) => [a, codec]);
}

/**
 * Python's lookup key: each run of characters other than ASCII letters, digits and '.' becomes
 * one '_' between words, then ASCII lower case (non-ASCII letters are separators to Python too).
 */
function normalize(encoding: string): string {
  return encoding
    .split(/[^A-Za-z0-9.]+/)
    .filter(Boolean)
    .join('_')
    .toLowerCase();
}

function codecOf(encoding: string): Codec {
  const key = normalize(encoding);
  const codec = ALIASES.get(key) ?? ALIASES.get(key.replace(/\./g, '_'));
  if (!codec) {
    throw new FusionValueError(
      `unsupported encoding: ${encoding} (ENCODING takes utf-8, utf-8-sig, ascii, latin-1, cp1252, utf-16, utf-16-le, utf-16-be, utf-32, utf-32-le or utf-32-be, or a Python alias of one)`,
    );
  }
  return codec;
}

/** Python's UnicodeDecodeError text: the bytes [start, end) are what could not be decoded. */
function decodeError(codec: string, bytes: Uint8Array, start: number, end: number, reason: string): FusionValueError {
  const what = end - start === 1 ? `byte 0x${bytes[start]!.toString(16).padStart(2, '0')} in position ${start}` : `bytes in position ${start}-${end - 1}`;
  return new FusionValueError(`'${codec}' codec can't decode ${what}: ${reason}`);
}

/** Decodes like Python's `bytes.decode(encoding)` (strict errors) or throws FusionValueError. */
export function decodeText(bytes: Uint8Array, encoding: string): string {
  // Python answers '' for no bytes before it looks the codec up, whatever the name.
  if (bytes.length === 0) return '';
  switch (codecOf(encoding)) {
    case 'utf_8':
      return utf8(bytes, 0);
    case 'utf_8_sig':
      return utf8(bytes, bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
    case 'ascii':
      return singleByte(bytes, 'ascii', (b) => b < 0x80, 'ordinal not in range(128)');
    case 'latin_1':
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    case 'cp1252':
      return cp1252(bytes);
    case 'utf_16':
      return utf16(bytes, 'auto');
    case 'utf_16_le':
      return utf16(bytes, 'le');
    case 'utf_16_be':
      return utf16(bytes, 'be');
    case 'utf_32':
      return utf32(bytes, 'auto');
    case 'utf_32_le':
      return utf32(bytes, 'le');
    case 'utf_32_be':
      return utf32(bytes, 'be');
  }
}

function singleByte(bytes: Uint8Array, codec: string, ok: (b: number) => boolean, reason: string): string {
  for (let i = 0; i < bytes.length; i++) if (!ok(bytes[i]!)) throw decodeError(codec, bytes, i, i + 1, reason);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * cp1252's 0x80-0x9F (the rest is Latin-1); -1 marks the five bytes Python leaves unmapped. Node's
 * TextDecoder('windows-1252') is no help: some Node versions decode it as Latin-1.
 */
const CP1252_HIGH = [
  0x20ac, -1, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, -1, 0x017d, -1, -1, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, -1, 0x017e, 0x0178,
];

function cp1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const u = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
    if (u < 0) throw decodeError('charmap', bytes, i, i + 1, 'character maps to <undefined>');
    units[i] = u;
  }
  return new TextDecoder('utf-16le').decode(units);
}

const isContinuation = (b: number | undefined) => b !== undefined && b >= 0x80 && b < 0xc0;

/**
 * CPython's UTF-8 decoder decides what is wrong with a sequence in this order (Objects/stringlib/
 * codecs.h): the reported span and reason follow it, so the message names the same bytes.
 */
function utf8Error(bytes: Uint8Array, s: number): { end: number; reason: string } | null {
  const ch = bytes[s]!;
  if (ch < 0x80) return null;
  const left = bytes.length - s;
  const truncated = { end: bytes.length, reason: 'unexpected end of data' };
  const continuation = (n: number) => ({ end: s + n, reason: 'invalid continuation byte' });
  const [c2, c3, c4] = [bytes[s + 1], bytes[s + 2], bytes[s + 3]];
  if (ch < 0xc2) return { end: s + 1, reason: 'invalid start byte' };
  if (ch < 0xe0) {
    if (left < 2) return truncated;
    return isContinuation(c2) ? null : continuation(1);
  }
  if (ch < 0xf0) {
    const badSecond = !isContinuation(c2) || (c2! < 0xa0 ? ch === 0xe0 : ch === 0xed);
    if (left < 3) return left >= 2 && badSecond ? continuation(1) : truncated;
    if (badSecond) return continuation(1);
    return isContinuation(c3) ? null : continuation(2);
  }
  if (ch < 0xf5) {
    const badSecond = !isContinuation(c2) || (c2! < 0x90 ? ch === 0xf0 : ch === 0xf4);
    if (left < 4) {
      if (left < 2) return truncated;
      if (badSecond) return continuation(1);
      return left >= 3 && !isContinuation(c3) ? continuation(2) : truncated;
    }
    if (badSecond) return continuation(1);
    if (!isContinuation(c3)) return continuation(2);
    return isContinuation(c4) ? null : continuation(3);
  }
  return { end: s + 1, reason: 'invalid start byte' };
}

/** Python's 'utf-8' keeps a byte order mark as U+FEFF; 'utf-8-sig' skips it (`from`) and counts positions after it. */
function utf8(all: Uint8Array, from: number): string {
  const bytes = all.subarray(from);
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const bad = utf8Error(bytes, i);
    if (bad) throw decodeError('utf-8', bytes, i, bad.end, bad.reason);
    i += b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

type Order = 'le' | 'be' | 'auto';

/** The plain 'utf-16'/'utf-32' codecs read a byte order mark and otherwise take little-endian (the native order Python uses here). */
function byteOrder(order: Order, bom: 'le' | 'be' | null): { little: boolean; skip: number } {
  return { little: order === 'auto' ? bom !== 'be' : order === 'le', skip: order === 'auto' && bom ? 1 : 0 };
}

function utf16(bytes: Uint8Array, order: Order): string {
  const bom = bytes.length >= 2 ? (bytes[0] === 0xff && bytes[1] === 0xfe ? 'le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'be' : null) : null;
  const { little, skip } = byteOrder(order, bom);
  const codec = little ? 'utf-16-le' : 'utf-16-be';
  const unit = (i: number) => (little ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!);
  const start = skip * 2;
  const even = bytes.length - ((bytes.length - start) % 2);
  for (let i = start; i < even; i += 2) {
    const u = unit(i);
    if (u < 0xd800 || u > 0xdfff) continue;
    if (u >= 0xdc00) throw decodeError(codec, bytes, i, i + 2, 'illegal encoding');
    if (i + 2 >= even) throw decodeError(codec, bytes, i, bytes.length, 'unexpected end of data');
    const next = unit(i + 2);
    if (next < 0xdc00 || next > 0xdfff) throw decodeError(codec, bytes, i, i + 2, 'illegal UTF-16 surrogate');
    i += 2;
  }
  if (even < bytes.length) throw decodeError(codec, bytes, even, bytes.length, 'truncated data');
  return new TextDecoder(little ? 'utf-16le' : 'utf-16be', { ignoreBOM: true }).decode(bytes.subarray(start));
}

function utf32(bytes: Uint8Array, order: Order): string {
  const head = bytes.length >= 4 ? (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0 : -1;
  const bom = head === 0xfeff ? 'le' : head === 0xfffe0000 ? 'be' : null;
  const { little, skip } = byteOrder(order, bom);
  const codec = little ? 'utf-32-le' : 'utf-32-be';
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = skip * 4; i < bytes.length; i += 4) {
    if (i + 4 > bytes.length) throw decodeError(codec, bytes, i, bytes.length, 'truncated data');
    const [a, b, c, d] = [bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!];
    const cp = (little ? a | (b << 8) | (c << 16) | (d << 24) : (a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    if (cp >= 0xd800 && cp <= 0xdfff) throw decodeError(codec, bytes, i, i + 4, 'code point in surrogate code point range(0xd800, 0xe000)');
    if (cp > 0x10ffff) throw decodeError(codec, bytes, i, i + 4, 'code point not in range(0x110000)');
    chunk.push(cp);
    // String.fromCodePoint takes its code points as arguments: bounded batches stay under the argument limit.
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}
