import { VectorStoreError } from '../errors.js';
import type { VectorValues } from '../types.js';

/**
 * How vector parameters travel: JSON array text (what the `singlestore-vectorstore` 0.1.5 Python package
 * sends) or packed F32 bytes.
 */
export type WireVectorFormat = 'json' | 'binary';

/** A `WireVectorFormat`, or `'auto'`: binary where the server is known to take it (see server-format.ts). */
export type VectorFormat = 'auto' | WireVectorFormat;

export function checkVector(values: VectorValues, dimension: number, id?: string): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new VectorStoreError(`Vector${id === undefined ? '' : ` ${id}`} must be an array of numbers`);
  }
  if (values.length !== dimension) {
    throw new VectorStoreError(`Vector${id === undefined ? '' : ` ${id}`} has ${values.length} dimensions; the index has ${dimension}`);
  }
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new VectorStoreError(`Vector${id === undefined ? '' : ` ${id}`} has a non-finite value at position ${i}`);
    // The columns are VECTOR(n, F32): packed bytes would silently turn such a value into
    // ±Infinity, JSON text would be refused (or stored as infinity) by the server.
    if (!Number.isFinite(Math.fround(x)))
      throw new VectorStoreError(`Vector${id === undefined ? '' : ` ${id}`} has a value at position ${i} outside the F32 range: ${x}`);
  }
}

/**
 * JSON array text such as `[0.1,0.2]`: numbers as JavaScript prints them (the shortest text
 * that reads back as the same double). Values were checked finite in F32 by `checkVector`; the
 * native `join` is several times faster than formatting element by element.
 */
export function vectorText(values: VectorValues): string {
  return `[${Array.prototype.join.call(values, ',')}]`;
}

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const latin1 = new TextDecoder('latin1');

/**
 * A hex literal `X'…'` of the vector's F32 bytes (little-endian), the storage form of
 * `VECTOR(n, F32)`. It holds only hex digits, so it goes into the statement text directly:
 * formatting it through a placeholder costs several times more for large batches.
 */
export function vectorHexLiteral(values: VectorValues): string {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  const bytes = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
  const out = new Uint8Array(bytes.length * 2 + 3);
  out[0] = 0x58; // X
  out[1] = out[out.length - 1] = 0x27; // '
  for (let i = 0, o = 2; i < bytes.length; i++, o += 2) {
    out[o] = HEX_DIGITS[bytes[i]! >> 4]!;
    out[o + 1] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  return latin1.decode(out);
}

/** Length as singlestore-vectorstore computes it: the square root of the sum of squares, left to right. */
export function norm(values: VectorValues): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

/** The unit vector (unchanged when the length is 0, as in singlestore-vectorstore). */
export function normalize(values: VectorValues): number[] {
  const len = norm(values);
  const out = Array.from(values);
  if (len > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / len;
  return out;
}

/** Decodes a `vector` column as the driver returns it: typed array, JSON text or packed bytes. */
export function decodeVector(raw: unknown): number[] {
  if (raw === null || raw === undefined) return [];
  if (typeof raw === 'string') return JSON.parse(raw) as number[];
  if (Array.isArray(raw)) return raw as number[];
  if (raw instanceof Uint8Array) {
    const copy = raw.slice();
    return Array.from(new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4)));
  }
  if (ArrayBuffer.isView(raw)) return Array.from(raw as unknown as ArrayLike<number>);
  throw new VectorStoreError(`Cannot read a vector value of type ${typeof raw}`);
}

/** JSON columns arrive parsed from SingleStore and as text from MariaDB. */
export function decodeJson(raw: unknown): Record<string, unknown> | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw === '' ? null : (JSON.parse(raw) as Record<string, unknown>);
  if (raw instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(raw)) as Record<string, unknown>;
  return raw as Record<string, unknown>;
}
