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

const INTEGER_RANGE: Readonly<Record<number, readonly [number, number]>> = {
  3: [-128, 127],
  4: [-32768, 32767],
  5: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ELEMENT_NAME = ['', 'F32', 'F64', 'I8', 'I16', 'I32', 'I64', 'F16'];

function emptyVector(elementType: number, n: number, column: string): VectorArray {
  switch (elementType) {
    case 1:
    case 7:
      return new Float32Array(n);
    case 2:
      return new Float64Array(n);
    case 3:
      return new Int8Array(n);
    case 4:
      return new Int16Array(n);
    case 5:
      return new Int32Array(n);
    case 6:
      return new BigInt64Array(n);
    default:
      throw new DataError(`column '${column}': unknown vector element type ${elementType}`);
  }
}

/** An element for an error message; never serialised whole (it may be a deeply nested array). */
function shownElement(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (x !== null && typeof x === 'object') return Array.isArray(x) ? 'an array' : 'an object';
  return String(x);
}

/**
 * JSON projection: '[1,2,3]' text converted to the element type. Every element must be a number
 * the element type holds as it is (integer types: an integer in range; float types: finite once
 * stored), and a known dimension must match: a typed array would otherwise wrap, truncate or
 * zero it silently.
 */
export function decodeJsonVector(text: string, elementType: number, dimension: number, column: string): VectorArray {
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(text);
  } catch {
    throw new DataError(`column '${column}': vector value is not a JSON array`);
  }
  if (!Array.isArray(parsed)) throw new DataError(`column '${column}': vector value is not a JSON array`);
  const n = parsed.length;
  if (dimension > 0 && n !== dimension) throw new DataError(`column '${column}': vector value has ${n} elements, expected ${dimension}`);
  const out = emptyVector(elementType, n, column);
  const bad = (i: number): never => {
    throw new DataError(`column '${column}': vector element ${i + 1} (${shownElement(parsed[i])}) is not a VECTOR ${ELEMENT_NAME[elementType]} value`);
  };
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) {
      const x: unknown = parsed[i];
      // The lossless parser gives integers beyond 2^53 as bigint; smaller ones are numbers.
      const v = typeof x === 'bigint' ? x : typeof x === 'number' && Number.isInteger(x) ? BigInt(x) : bad(i);
      if (v < INT64_MIN || v > INT64_MAX) bad(i);
      out[i] = v;
    }
    return out;
  }
  const range = INTEGER_RANGE[elementType];
  for (let i = 0; i < n; i++) {
    const x: unknown = parsed[i];
    const v = typeof x === 'number' ? x : typeof x === 'bigint' && !range ? Number(x) : bad(i);
    if (range ? !(Number.isInteger(v) && v >= range[0] && v <= range[1]) : !Number.isFinite(v)) bad(i);
    out[i] = v;
    // A double beyond the float32 range is stored as Infinity.
    if (!Number.isFinite(out[i])) bad(i);
  }
  return out;
}
