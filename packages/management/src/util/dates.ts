import { ManagementError } from '../errors.js';

const GO_ZERO = '0001-01-01T00:00:00Z';

/** Parses a service timestamp into a UTC Date (offset-less text is UTC); null for empty, zero or bad input. */
export function toDate(value: unknown): Date | null {
  if (value == null || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value !== 'string') return null;
  if (value === GO_ZERO) return null;
  let text = value.trim().replace(/ /, 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) text += 'Z';
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Like toDate, but a missing or unreadable value is an error naming the field. */
export function toDateStrict(value: unknown, field: string): Date {
  const d = toDate(value);
  if (!d) throw new ManagementError(`The management API sent an invalid timestamp for ${field}: ${JSON.stringify(value)}`);
  return d;
}

/** A Date as the service expects it (ISO-8601 UTC); strings (durations such as '3h30m') pass through. */
export function fromDate(value: Date | string | null | undefined): string | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return value;
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new ManagementError(`expected a valid Date or a string, got ${value instanceof Date ? 'an invalid Date' : typeof value}`);
  return value.toISOString();
}
