import { ParameterError } from '@s2/base';

const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True for text a DECIMAL column can take: digits with an optional sign, point and exponent. */
export function isDecimalText(s: string): boolean {
  return DECIMAL_TEXT.test(s);
}

/** The text of a DECIMAL answer (a decimal string, a finite number or a bigint), checked. */
export function decimalText(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && DECIMAL_TEXT.test(v)) return v;
  throw new ParameterError(`${typeof v === 'string' ? JSON.stringify(v) : String(v)} is not a DECIMAL value`);
}
