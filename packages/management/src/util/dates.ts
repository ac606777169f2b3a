import { ManagementError } from '../errors.js';

/** Go's zero time.Time, which the API sends for a field it has no value for (an expiresAt that never comes). */
const GO_ZERO_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * The API's two timestamp shapes: RFC 3339, and a Go time.Time printed by String()
 * (`2026-09-17 14:42:41.445984 +0000 UTC m=+0.000000001`), which is how GET /v2/clusters/{id}
 * reports expiresAt. The zone abbreviation and the monotonic reading add nothing to the offset.
 */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:\s*([Zz]|[+-]\d{2}:?\d{2}))?(?:\s+[A-Za-z]\S*)?(?:\s+m=\S+)?$/;

/** ISO-8601 text that Date reads the same on every runtime; offset-less text is UTC. */
function isoText(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) {
    // Shapes outside TIMESTAMP (a bare date, minutes without seconds) are left to Date.
    let iso = text.replace(/ /, 'T');
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00';
    return /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? iso : `${iso}Z`;
  }
  const [, day, time, fraction, offset] = m;
  // Go trims trailing zeros and may print nanoseconds; a Date holds milliseconds.
  const ms = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  const zone = !offset || /^z$/i.test(offset) ? 'Z' : offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  return `${day}T${time}${ms}${zone}`;
}

/** Parses a service timestamp into a UTC Date (offset-less text is UTC); null for empty, Go's zero time or bad input. */
export function toDate(value: unknown): Date | null {
  if (value == null || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value !== 'string') return null;
  const d = new Date(isoText(value.trim()));
  const ms = d.getTime();
  return Number.isNaN(ms) || ms === GO_ZERO_MS ? null : d;
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
