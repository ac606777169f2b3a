import { DataError } from '../errors/index.js';
import { parseJsonLossless } from './lossless-json.js';

export type VectorArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array;

const ELEMENT_SIZE = [0, 4, 8, 1, 2, 4, 8, 2];

/** IEEE 754 half → number (Node 20 has no Float16Array, so F16 vectors widen to Float32Array). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Binary projection: little-endian elements copied into an aligned buffer of the right type. */
export function decodeBinaryVector(bytes: Uint8Array, elementType: number, dimension: number, column: string): VectorArray {
  const size = ELEMENT_SIZE[elementType];
  if (!size) throw new DataError(`column '${column}': unknown vector element type ${elementType}`);
  if (bytes.length % size !== 0 || (dimension > 0 && bytes.length !== dimension * size)) {
    throw new DataError(`column '${column}': vector value has ${bytes.length} bytes, expected ${dimension} elements of ${size} bytes`);
  }
  const copy = new Uint8Array(bytes).buffer;
  const n = bytes.length / size;
  switch (elementType) {
    case 1:
      return new Float32Array(copy, 0, n);
    case 2:
      return new Float64Array(copy, 0, n);
    case 3:
      return new Int8Array(copy, 0, n);
    case 4:
      return new Int16Array(copy, 0, n);
    case 5:
      return new Int32Array(copy, 0, n);
    case 6:
      return new BigInt64Array(copy, 0, n);
    default: {
      const halves = new Uint16Array(copy, 0, n);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(halves[i]);
      return out;
    }
  }
}

/** JSON projection: '[1,2,3]' text converted to the element type. */
export function decodeJsonVector(text: string, elementType: number, column: string): VectorArray {
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(text);
  } catch {
    throw new DataError(`column '${column}': vector value is not a JSON array`);
  }
  if (!Array.isArray(parsed)) throw new DataError(`column '${column}': vector value is not a JSON array`);
  const nums = parsed as (number | bigint)[];
  switch (elementType) {
    case 1:
    case 7:
      return Float32Array.from(nums, Number);
    case 2:
      return Float64Array.from(nums, Number);
    case 3:
      return Int8Array.from(nums, Number);
    case 4:
      return Int16Array.from(nums, Number);
    case 5:
      return Int32Array.from(nums, Number);
    case 6:
      return BigInt64Array.from(nums, (v) => BigInt(v));
    default:
      throw new DataError(`column '${column}': unknown vector element type ${elementType}`);
  }
}
