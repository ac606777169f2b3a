/**
 * Result sets of Fusion commands. Handlers fill a `FusionResult` with values as the server
 * would send them (text for dates and JSON, numbers for numerics); `toQueryResponse` turns it
 * into the transport-level response a cursor reads, decoding each value with the connection's
 * own column decoders, so every results type (tuples, objects, namedtuples, columns, arrow,
 * polars) and every decoding option applies exactly as for a server result.
 */
import {
  BINARY_CHARSET,
  columnDecoder,
  columnDefinition,
  parseTimezone,
  resolveDecodeOptions,
  type ColumnDefinition,
  type DecodeOptions,
  type QueryResponse,
  type ResultSet,
  type StatementStatus,
} from '@s2/base';
import { describeValue, FusionNotFoundError, FusionValueError } from './errors.js';

/** Column types available to handlers, with their MySQL type codes. */
export const FUSION_TYPES = {
  STRING: 254,
  INTEGER: 8,
  DOUBLE: 5,
  BOOL: 1,
  DATE: 10,
  DATETIME: 12,
  JSON: 245,
  BLOB: 252,
} as const;

export type FusionColumnType = keyof typeof FUSION_TYPES;

export interface FusionColumn {
  name: string;
  type: FusionColumnType;
}

/** A cell as a handler gives it; arrays and objects only for JSON columns (serialised there). */
export type Cell = string | number | bigint | boolean | Uint8Array | Date | readonly unknown[] | { readonly [key: string]: unknown } | null | undefined;

/** SQL LIKE as Fusion uses it: case-insensitive, `%` any run of characters, everything else literal. */
export function likePattern(pattern: string): RegExp {
  const body = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${body}$`, 'i');
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Math.sign(Buffer.compare(a, b));
  if (
    (typeof a === 'number' || typeof a === 'bigint' || typeof a === 'boolean') &&
    (typeof b === 'number' || typeof b === 'bigint' || typeof b === 'boolean')
  ) {
    return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  }
  throw new FusionValueError(`cannot order values of different kinds: ${typeof a} and ${typeof b}`);
}

export class FusionResult {
  readonly columns: FusionColumn[] = [];
  rows: Cell[][] = [];

  addField(name: string, type: FusionColumnType): this {
    if (typeof name !== 'string' || name === '') throw new FusionValueError(`a column name must be a non-empty string, not ${describeValue(name)}`);
    if (!Object.hasOwn(FUSION_TYPES, type))
      throw new FusionValueError(`unknown column type ${String(type)} (use one of ${Object.keys(FUSION_TYPES).join(', ')})`);
    this.columns.push({ name, type });
    return this;
  }

  setRows(rows: Cell[][]): this {
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw new FusionValueError('rows must be an array of arrays (one value per column)');
    this.rows = rows;
    return this;
  }

  /** Position of a column, case-insensitively; unknown names are a FusionNotFoundError. */
  columnIndex(name: string): number {
    const i = this.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (i < 0) throw new FusionNotFoundError(`field name does not exist in results: ${name}`);
    return i;
  }

  private derived(rows: Cell[][]): FusionResult {
    const out = new FusionResult();
    out.columns.push(...this.columns);
    out.rows = rows;
    return out;
  }

  /** Rows whose every named column matches its pattern (empty or null patterns are ignored). */
  like(patterns: Record<string, string | null | undefined>): FusionResult {
    const tests = Object.entries(patterns)
      .filter(([, p]) => p !== null && p !== undefined && p !== '')
      .map(([name, p]) => {
        if (typeof p !== 'string') throw new FusionValueError(`a LIKE pattern must be a string, not ${describeValue(p)}`);
        return [this.columnIndex(name), likePattern(p)] as const;
      });
    if (tests.length === 0) return this.derived([...this.rows]);
    return this.derived(this.rows.filter((row) => tests.every(([i, re]) => typeof row[i] === 'string' && re.test(row[i] as string))));
  }

  /** Stable multi-key sort; nulls first ascending, last descending. */
  orderBy(by: readonly string[], ascending: boolean | readonly boolean[] = true): FusionResult {
    if (by.length === 0) return this.derived([...this.rows]);
    const keys = by.map((name, k) => ({ i: this.columnIndex(name), asc: Array.isArray(ascending) ? ascending[k] !== false : ascending !== false }));
    const rows = [...this.rows].sort((a, b) => {
      for (const { i, asc } of keys) {
        const c = compare(a[i], b[i]);
        if (c !== 0) return asc ? c : -c;
      }
      return 0;
    });
    return this.derived(rows);
  }

  /** The first `n` rows; null or undefined keeps all. */
  limit(n: number | bigint | null | undefined): FusionResult {
    if (n === null || n === undefined) return this.derived([...this.rows]);
    if ((typeof n !== 'number' || Number.isNaN(n)) && typeof n !== 'bigint') throw new FusionValueError(`a limit must be a number, not ${describeValue(n)}`);
    if (n < 0) throw new FusionValueError(`a limit must not be negative: ${n}`);
    return this.derived(this.rows.slice(0, Number(n)));
  }

  /** LIKE on `Name`, then ORDER BY, then LIMIT: the order every listing command applies them in. */
  applyListing(params: { like?: unknown; order_by?: unknown; limit?: unknown }, column = 'Name'): FusionResult {
    const order = (params.order_by ?? { by: [] }) as { by: string[]; ascending?: boolean[] };
    return this.like({ [column]: params.like as string | null })
      .orderBy(order.by, order.ascending ?? true)
      .limit(params.limit as number | null);
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A Date as DATETIME text in the connection's time zone (what its decoder reads back). */
function dateTimeText(d: Date, timezone: string): string {
  const offset = parseTimezone(timezone);
  const t = offset === null ? d : new Date(d.getTime() + offset * 60_000);
  const f =
    offset === null
      ? [t.getFullYear(), t.getMonth() + 1, t.getDate(), t.getHours(), t.getMinutes(), t.getSeconds(), t.getMilliseconds()]
      : [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds()];
  return `${pad(f[0], 4)}-${pad(f[1])}-${pad(f[2])} ${pad(f[3])}:${pad(f[4])}:${pad(f[5])}${f[6] ? `.${pad(f[6], 3)}` : ''}`;
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Text of a JSON column's value: JSON text as given, anything else serialised. */
function jsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw new FusionValueError(`a JSON column cannot hold this value: ${(e as Error).message}`);
  }
}

/**
 * Value → the text (or bytes) a server would send for it. A value the column cannot hold is
 * refused: `String()` of an object or a NaN from a word would be a silently wrong cell.
 */
function wireValue(value: Cell, type: FusionColumnType, options: DecodeOptions): string | Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (type === 'JSON') return jsonText(value);
  if (value instanceof Uint8Array) {
    if (type === 'BLOB' || type === 'STRING') return value;
  } else if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) throw new FusionValueError('an invalid Date');
    if (type === 'DATETIME' || type === 'DATE' || type === 'STRING') return dateTimeText(value, options.timezone);
  } else if (typeof value === 'boolean') {
    if (type !== 'BLOB' && type !== 'DATE' && type !== 'DATETIME') return value ? '1' : '0';
  } else if (typeof value === 'number') {
    if (type === 'INTEGER' ? Number.isInteger(value) : type !== 'DATE' && type !== 'DATETIME' && Number.isFinite(value)) return String(value);
  } else if (typeof value === 'bigint') {
    if (type !== 'DATE' && type !== 'DATETIME') return String(value);
  } else if (typeof value === 'string') {
    if (type === 'BLOB') return new TextEncoder().encode(value);
    const ok = type === 'INTEGER' ? INTEGER_TEXT.test(value) : type === 'DOUBLE' || type === 'BOOL' ? NUMBER_TEXT.test(value) : true;
    if (ok) return value;
  }
  throw new FusionValueError(`a ${type} column cannot hold ${describeValue(value)}`);
}

function fusionColumnDefinition(c: FusionColumn): ColumnDefinition {
  return columnDefinition(c.name, FUSION_TYPES[c.type], { charset: c.type === 'BLOB' ? BINARY_CHARSET : 0 });
}

const OK_STATUS = (affectedRows: number): StatementStatus => ({ affectedRows, insertId: 0, serverStatus: 0, warningCount: 0, info: '' });

/** A finished, in-memory result set. */
function memoryResult(columns: ColumnDefinition[] | null, rows: unknown[][]): ResultSet {
  let next = 0;
  const read = async (max?: number): Promise<unknown[][]> => {
    const end = max === undefined ? rows.length : Math.min(rows.length, next + max);
    const out = rows.slice(next, end);
    next = end;
    return out;
  };
  return {
    columns,
    read,
    async *[Symbol.asyncIterator]() {
      while (next < rows.length) yield rows[next++];
    },
    complete: true,
    status: OK_STATUS(columns ? rows.length : 0),
    hasMore: false,
  };
}

/** Decoder settings of a connection, from its resolved parameters. */
export function decodeOptionsOf(params: Partial<DecodeOptions>): DecodeOptions {
  const { int64, decimal, timezone, dateStrings, parseJson, encodingErrors, conv } = params;
  return resolveDecodeOptions({ int64, decimal, timezone, dateStrings, parseJson, encodingErrors, conv });
}

/** The response a cursor reads for a Fusion result (null: a statement without a result set). */
export function toQueryResponse(result: FusionResult | null, options: DecodeOptions): QueryResponse {
  if (result !== null && !(result instanceof FusionResult)) {
    throw new FusionValueError(`a Fusion handler must return a FusionResult, null or nothing, not ${describeValue(result)}`);
  }
  let current: ResultSet;
  if (!result || result.columns.length === 0) {
    current = memoryResult(null, []);
  } else {
    const columns = result.columns.map(fusionColumnDefinition);
    const decoders = columns.map((c) => columnDecoder(c, options));
    const encoder = new TextEncoder();
    const width = result.columns.length;
    result.rows.forEach((row, r) => {
      if (!Array.isArray(row)) throw new FusionValueError(`row ${r + 1} is ${describeValue(row)}, not an array of values`);
      if (row.length !== width) throw new FusionValueError(`row ${r + 1} has ${row.length} values for ${width} column${width === 1 ? '' : 's'}`);
    });
    const rows = result.rows.map((row, r) =>
      result.columns.map((c, i) => {
        let v: string | Uint8Array | null;
        try {
          v = wireValue(row[i], c.type, options);
        } catch (e) {
          if (e instanceof FusionValueError) throw new FusionValueError(`row ${r + 1}, column ${c.name}: ${e.message}`);
          throw e;
        }
        if (v === null) return null;
        const bytes = typeof v === 'string' ? encoder.encode(v) : v;
        return decoders[i](bytes, 0, bytes.length);
      }),
    );
    current = memoryResult(columns, rows);
  }
  return { current, nextResult: async () => null, drain: async () => {} };
}
