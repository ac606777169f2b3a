/**
 * Date and time values that keep what the server sent. `SqlDateTime` is a real `Date` (so it
 * works with every Date API) that also remembers the full microsecond fraction; `SqlTime` is a
 * signed duration up to ±838:59:59.999999, which JavaScript has no type for.
 */
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** YYYYMMDDhhmmss as one number (exact: below 2^53). */
function packFields(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return ((((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi) * 100 + s;
}

/** What a SqlDateTime keeps when its fields are not its epoch plus a whole-second shift (rare). */
interface ExactParts {
  readonly packed: number;
  readonly microsecond: number;
  readonly fractionDigits: number;
}

/** Bits of the packed form below the shift: 10 for the sub-millisecond microseconds, 3 for the digits. */
const SHIFT_UNIT = 8192;
/** Shifts (fields minus epoch, in seconds) that keep the packed form a small integer: ±36 h. */
const MAX_SHIFT_S = 131_071;

const floorMod = (n: number, m: number) => ((n % m) + m) % m;

/**
 * Set by this module's parsers right before they construct a value whose fields they have just
 * validated: the shift (fields read as UTC minus the epoch, in ms) they computed the epoch with,
 * or, when that fits, the packed parts themselves. Spares the constructor re-deriving them;
 * never visible outside a parser's `new SqlDateTime`.
 */
let parsedShiftMs: number | null = null;
let parsedParts: number | null = null;

/** The packed parts: the shift in whole seconds, the microseconds below the millisecond, the digits. */
function packParts(shiftMs: number, microsecond: number, fractionDigits: number): number | null {
  if (shiftMs % 1000 !== 0 || Math.abs(shiftMs / 1000) > MAX_SHIFT_S) return null;
  return (shiftMs / 1000) * SHIFT_UNIT + (microsecond % 1000) * 8 + fractionDigits;
}

/**
 * A SqlDateTime from a parser that validated the fields: `utcMs` is their epoch read as UTC,
 * `epochMs` the one in the chosen zone. Their difference is the shift the parts are packed with.
 */
function parsedDateTime(epochMs: number, microsecond: number, fractionDigits: number, utcMs: number): SqlDateTime {
  const shiftMs = utcMs - epochMs;
  const parts = packParts(shiftMs, microsecond, fractionDigits);
  if (parts === null) {
    // A shift beyond the compact form (rare): the fields are kept packed as they are.
    parsedShiftMs = shiftMs;
    return new SqlDateTime(epochMs, microsecond, fieldsAt(utcMs), fractionDigits);
  }
  parsedParts = parts;
  return new SqlDateTime(epochMs, microsecond, 0, fractionDigits);
}

/** Epoch milliseconds of calendar fields read as UTC, for any year (Date.UTC maps 0–99 to 19xx). */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const t = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  t.setUTCFullYear(y, mo - 1, d);
  return t.getTime();
}

/**
 * A Date that also keeps the server's calendar fields, microseconds and fraction digits. They
 * are stored as one small integer (millions of these sit in a buffered result): the fields are
 * the epoch shifted by the zone offset used when parsing, so only that shift in seconds, the
 * microseconds below the millisecond and the digit count are kept. Values where that does not
 * hold (an epoch out of step with the fields, as a caller could pass) keep the parts as given.
 */
export class SqlDateTime extends Date {
  // Declared, not a class field: a field would be defined as undefined first, then assigned.
  private readonly parts: number | ExactParts;

  constructor(epochMs: number, microsecond: number, fields: DateTimeFields | number, fractionDigits: number) {
    super(epochMs);
    if (parsedParts !== null) {
      this.parts = parsedParts;
      parsedParts = null;
      return;
    }
    const shiftMs = parsedShiftMs;
    parsedShiftMs = null;
    const packed = typeof fields === 'number' ? fields : packFields(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second);
    const parts = shiftMs !== null ? packParts(shiftMs, microsecond, fractionDigits) : SqlDateTime.compact(epochMs, microsecond, packed, fractionDigits);
    this.parts = parts ?? { packed, microsecond, fractionDigits };
  }

  private static compact(epochMs: number, microsecond: number, packed: number, fractionDigits: number): number | null {
    if (!Number.isInteger(epochMs) || !Number.isInteger(microsecond) || microsecond < 0 || microsecond > 999_999) return null;
    if (!Number.isInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > 6) return null;
    const ms = (microsecond - (microsecond % 1000)) / 1000;
    if (floorMod(epochMs, 1000) !== ms) return null;
    const f = unpackFields(packed);
    // Fields that are a real calendar time map to one UTC epoch and back to themselves.
    if (!validDate(f.year, f.month, f.day) || f.hour > 23 || f.minute > 59 || f.second > 59 || f.year > 9999) return null;
    return packParts(utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second, ms) - epochMs, microsecond, fractionDigits);
  }

  /** Fraction of the second in microseconds, 0–999999 (the Date part keeps only milliseconds). */
  get microsecond(): number {
    const p = this.parts;
    if (typeof p !== 'number') return p.microsecond;
    return floorMod(this.getTime(), 1000) * 1000 + ((p >> 3) & 1023);
  }

  /** Digits of the fraction the server sent (0 for DATETIME, 6 for DATETIME(6)). */
  get fractionDigits(): number {
    const p = this.parts;
    return typeof p === 'number' ? p & 7 : p.fractionDigits;
  }

  /** The calendar fields as written by the server, independent of the time zone used. */
  get fields(): Readonly<DateTimeFields> {
    const p = this.parts;
    return unpackFields(typeof p === 'number' ? fieldsAt(this.getTime() + (p >> 13) * 1000) : p.packed);
  }

  /** 'YYYY-MM-DD HH:MM:SS[.ffffff]' exactly as stored, whatever the time zone setting. */
  toSqlString(): string {
    const f = this.fields;
    const base = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
    const micro = this.microsecond;
    return this.fractionDigits > 0 || micro ? `${base}.${pad(micro, 6)}` : base;
  }
}

/** The UTC calendar fields of an epoch, packed. */
function fieldsAt(ms: number): number {
  const t = new Date(ms);
  return packFields(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds());
}

function unpackFields(packed: number): DateTimeFields {
  let p = packed;
  const second = p % 100;
  p = (p - second) / 100;
  const minute = p % 100;
  p = (p - minute) / 100;
  const hour = p % 100;
  p = (p - hour) / 100;
  const day = p % 100;
  p = (p - day) / 100;
  const month = p % 100;
  return { year: (p - month) / 100, month, day, hour, minute, second };
}

export class SqlTime {
  constructor(
    /** -1 or 1; the sign applies to the whole value. */
    readonly sign: 1 | -1,
    readonly hours: number,
    readonly minutes: number,
    readonly seconds: number,
    readonly microseconds: number,
  ) {}

  static fromMicroseconds(total: number): SqlTime {
    const sign = total < 0 ? -1 : 1;
    let rest = Math.abs(total);
    const micro = rest % 1_000_000;
    rest = (rest - micro) / 1_000_000;
    return new SqlTime(sign, Math.floor(rest / 3600), Math.floor(rest / 60) % 60, rest % 60, micro);
  }

  /** Parses `[-]H{1,3}:MM:SS[.f{1,6}]`; returns null when the text is not a time. */
  static parse(text: string): SqlTime | null {
    const m = /^(-)?(\d{1,3}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
    if (!m) return null;
    const minutes = Number(m[3]);
    const seconds = Number(m[4]);
    if (minutes > 59 || seconds > 59) return null;
    const micro = m[5] ? Number(m[5].padEnd(6, '0')) : 0;
    return new SqlTime(m[1] ? -1 : 1, Number(m[2]), minutes, seconds, micro);
  }

  get totalMicroseconds(): number {
    return this.sign * (((this.hours * 60 + this.minutes) * 60 + this.seconds) * 1_000_000 + this.microseconds);
  }

  /** Milliseconds, so `+time` and comparisons work. */
  valueOf(): number {
    return this.totalMicroseconds / 1000;
  }

  toString(): string {
    const frac = this.microseconds ? `.${pad(this.microseconds, 6)}` : '';
    const neg = this.sign < 0 && this.totalMicroseconds !== 0 ? '-' : '';
    return `${neg}${pad(this.hours)}:${pad(this.minutes)}:${pad(this.seconds)}${frac}`;
  }

  toSqlString(): string {
    return this.toString();
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Offset in minutes east of UTC for 'Z' / '+HH:MM' / '-HH:MM'; null means local time. */
export function parseTimezone(tz: string): number | null {
  if (tz === 'local') {
    // Decoders are made per result set through here: the place to notice a changed TZ.
    syncLocalZone();
    return null;
  }
  if (tz === 'Z' || tz === 'UTC' || tz === '+00:00') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
  if (!m) throw new RangeError(`invalid timezone '${tz}': use 'local', 'Z' or '+HH:MM'`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * Wall-clock hour in the local zone (YYYYMMDDhh) → local epoch minus the UTC epoch of the same
 * fields, for hours that have one offset throughout. A Date built from local fields costs a
 * time-zone lookup and an object per value; Date.UTC plus a cached shift costs neither.
 */
const localShift = new Map<number, number>();
let localShiftTz: string | undefined;
const envTz = (): string | undefined => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TZ;

/** Forgets the cached shifts when TZ changed since they were computed (Node reloads the zone then). */
function syncLocalZone(): void {
  const tz = envTz();
  if (tz !== localShiftTz) {
    localShiftTz = tz;
    localShift.clear();
    lastHour = Number.NaN;
  }
}

function shiftAt(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime() - Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/** The one shift of a local wall-clock hour, or null when a transition falls inside it. */
function hourShift(y: number, mo: number, d: number, h: number): number | null {
  const key = ((y * 100 + mo) * 100 + d) * 100 + h;
  let shift = localShift.get(key);
  if (shift === undefined) {
    shift = shiftAt(y, mo, d, h, 0, 0, 0);
    // An hour with a transition in it (a gap or an overlap that does not start on the hour)
    // has more than one shift: those values take the exact, slow way.
    if (shift !== shiftAt(y, mo, d, h, 30, 0, 0) || shift !== shiftAt(y, mo, d, h, 59, 59, 999)) return null;
    if (localShift.size >= 65_536) localShift.clear();
    localShift.set(key, shift);
  }
  return shift;
}

/** `new Date(y, mo - 1, d, h, mi, s, ms).getTime()` for years 100 and later (where Date.UTC takes the year as is). */
function localEpochMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const shift = hourShift(y, mo, d, h);
  if (shift === null) return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) + shift;
}

/**
 * The hour (of fields read as UTC) whose single shift was looked up last. Rows of a result
 * often share an hour, so most values skip the map lookup and the field split.
 */
let lastHour = Number.NaN;
let lastShift = 0;

/** `localEpochMs` of the fields that `utc` (their epoch read as UTC, year 100 or later) stands for. */
function localEpochOfUtc(utc: number): number {
  const hour = Math.floor(utc / 3_600_000);
  if (hour === lastHour) return utc + lastShift;
  const t = new Date(utc);
  const y = t.getUTCFullYear();
  const mo = t.getUTCMonth() + 1;
  const d = t.getUTCDate();
  const h = t.getUTCHours();
  const shift = hourShift(y, mo, d, h);
  if (shift === null) return new Date(y, mo - 1, d, h, t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds()).getTime();
  lastHour = hour;
  lastShift = shift;
  return utc + shift;
}

/** 0100-01-01 00:00:00 read as UTC. */
const YEAR_100_MS = -59_011_459_200_000;

/**
 * A SqlDateTime from fields someone else validated (the addon's DATETIME cells): `utcMs` is
 * their epoch read as UTC (whole milliseconds), `microsecond` the fraction of the second. The
 * same value `parseDateTime` makes of their text.
 */
export function dateTimeFromUtcParts(utcMs: number, microsecond: number, fractionDigits: number, offset: number | null): SqlDateTime {
  if (utcMs < YEAR_100_MS) {
    // Years 0–99 take the text parser's general way (Date.UTC reads them as 19xx).
    const t = new Date(utcMs);
    const f = {
      year: t.getUTCFullYear(),
      month: t.getUTCMonth() + 1,
      day: t.getUTCDate(),
      hour: t.getUTCHours(),
      minute: t.getUTCMinutes(),
      second: t.getUTCSeconds(),
    };
    return new SqlDateTime(epochMs(f.year, f.month, f.day, f.hour, f.minute, f.second, t.getUTCMilliseconds(), offset), microsecond, f, fractionDigits);
  }
  const epoch = offset === null ? localEpochOfUtc(utcMs) : utcMs - offset * 60_000;
  return parsedDateTime(epoch, microsecond, fractionDigits, utcMs);
}

function epochMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number | null): number {
  if (offset === null && y >= 100) return localEpochMs(y, mo, d, h, mi, s, ms);
  if (offset === null) {
    const local = new Date(2000, 0, 1, h, mi, s, ms);
    local.setFullYear(y, mo - 1, d);
    return local.getTime();
  }
  const utc = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  utc.setUTCFullYear(y, mo - 1, d);
  return utc.getTime() - offset * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  if (mo === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= DAYS_IN_MONTH[mo - 1];
}

const digit = (b: Uint8Array, i: number) => b[i] - 48;
const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const two = (b: Uint8Array, i: number) => (b[i] - 48) * 10 + b[i + 1] - 48;

/**
 * Fast path for the canonical 'YYYY-MM-DD HH:MM:SS[.f{1,6}]' bytes, with no intermediate string.
 * Returns undefined for anything else (zero dates, odd shapes), which the text parser handles.
 */
export function parseDateTimeBytes(b: Uint8Array, s: number, e: number, offset: number | null): SqlDateTime | undefined {
  const len = e - s;
  if (len < 19 || len > 26 || b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 13] !== 58 || b[s + 16] !== 58) return undefined;
  if (len > 19 && (b[s + 19] !== 46 || len === 20)) return undefined;
  for (const i of DIGIT_POSITIONS) {
    const d = b[s + i] - 48;
    if (d < 0 || d > 9) return undefined;
  }
  const y = digit(b, s) * 1000 + digit(b, s + 1) * 100 + two(b, s + 2);
  const mo = two(b, s + 5);
  const d = two(b, s + 8);
  const h = two(b, s + 11);
  const mi = two(b, s + 14);
  const sec = two(b, s + 17);
  let micro = 0;
  for (let i = 20; i < 26; i++) {
    let dig = 0;
    if (i < len) {
      dig = b[s + i] - 48;
      if (dig < 0 || dig > 9) return undefined;
    }
    micro = micro * 10 + dig;
  }
  if (y < 100 || !validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  const ms = (micro - (micro % 1000)) / 1000;
  const utc = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const epoch = offset === null ? localEpochOfUtc(utc) : utc - offset * 60_000;
  return parsedDateTime(epoch, micro, len > 19 ? len - 20 : 0, utc);
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

/** Character codes of a string, viewed like bytes, for the canonical-form fast path. */
function codes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** DATETIME/TIMESTAMP text → SqlDateTime; zero dates → null; impossible dates → the text itself. */
export function parseDateTime(text: string, offset: number | null): SqlDateTime | string | null {
  if (text.length >= 19 && text.length <= 26 && text.charCodeAt(0) !== 48) {
    const fast = parseDateTimeBytes(codes(text), 0, text.length, offset);
    if (fast) return fast;
  }
  const m = DATETIME_RE.exec(text);
  if (!m) return text;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  const fraction = m[7] ?? '';
  const micro = fraction ? Number(fraction.padEnd(6, '0')) : 0;
  if (y === 0 && mo === 0 && d === 0) return null;
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return text;
  const ms = Math.floor(micro / 1000);
  return new SqlDateTime(epochMs(y, mo, d, h, mi, s, ms, offset), micro, { year: y, month: mo, day: d, hour: h, minute: mi, second: s }, fraction.length);
}

/** DATE text → Date at midnight in the chosen zone; zero date → null; invalid → the text. */
export function parseDate(text: string, offset: number | null): Date | string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return text;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y === 0 && mo === 0 && d === 0) return null;
  if (!validDate(y, mo, d)) return text;
  return new Date(epochMs(y, mo, d, 0, 0, 0, 0, offset));
}
