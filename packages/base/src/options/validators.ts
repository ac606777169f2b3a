import { OptionError } from '../errors/index.js';

export type OptionType =
  /** `note` is added to the error for a value outside `oneOf` (why other values are refused). */
  | { kind: 'string'; oneOf?: readonly string[]; note?: string }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'optional-bool' }
  | { kind: 'map' };

const TRUE_WORDS = new Set(['y', 'yes', 'on', 't', 'true', 'enable', 'enabled', '1']);
const FALSE_WORDS = new Set(['n', 'no', 'off', 'f', 'false', 'disable', 'disabled', '0']);

/** The option system's bool vocabulary (wire.md §2.1); anything else is an error. */
export function parseBool(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    if (n === 0 || n === 1) return n === 1;
    throw new OptionError(`${what}: ${String(value)} is not a boolean (use 0 or 1)`);
  }
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (TRUE_WORDS.has(v)) return true;
    if (FALSE_WORDS.has(v)) return false;
  }
  throw new OptionError(`${what}: ${JSON.stringify(value)} is not a boolean (use true/false, on/off, yes/no, 1/0)`);
}

export function validate(type: OptionType, value: unknown, what: string): unknown {
  if (value === null || value === undefined) {
    return null;
  }
  switch (type.kind) {
    case 'bool':
      return parseBool(value, what);
    case 'optional-bool':
      return parseBool(value, what);
    case 'int': {
      const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new OptionError(`${what}: ${JSON.stringify(value)} is not an integer`);
      if ((type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max)) {
        throw new OptionError(`${what}: ${n} is out of range [${type.min ?? '-∞'}, ${type.max ?? '∞'}]`);
      }
      return n;
    }
    case 'string': {
      const s = String(value);
      if (type.oneOf && !type.oneOf.includes(s))
        throw new OptionError(`${what}: '${s}' is not one of ${type.oneOf.join(', ')}${type.note ? `; ${type.note}` : ''}`);
      return s;
    }
    case 'map': {
      if (typeof value === 'string') {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          throw new OptionError(`${what}: expected a JSON object`);
        }
      }
      if (typeof value !== 'object') throw new OptionError(`${what}: expected an object`);
      return value;
    }
  }
}
