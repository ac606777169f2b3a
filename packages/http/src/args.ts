import { escapeLiteral, ParameterError, ProgrammingError, spliceParams, type FormatContext, type QueryParams } from '@s2/base';

/** A statement for the Data API: `?` placeholders in `sql`, their values in `args`. */
export interface BoundStatement {
  sql: string;
  /** Absent when no interpolation applies (the SQL is sent as written, `%%` included). */
  args?: unknown[];
}

/** The text of a quoted literal rendered without backslash escapes (only `''` to undo). */
const unquote = (literal: string) => literal.slice(1, -1).replace(/''/g, "'");

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}

function bytesOf(v: object): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A bigint the way the wire connector's integer literal reaches the server. The Data API reads
 * JSON numbers as doubles, so only integers a double holds exactly travel as numbers; the rest go
 * as decimal text that a CAST around the placeholder turns back into the type the server gives a
 * literal of that size (BIGINT, BIGINT UNSIGNED, DECIMAL). Bare text would come back as a string
 * and be compared or added as a double. Past 65 digits no DECIMAL holds the value, and a cast
 * would clip it, so it stays text: exact when selected or stored, a double in arithmetic.
 */
function bindBigint(value: bigint, args: unknown[]): string {
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    args.push(Number(value));
    return '?';
  }
  const text = value.toString();
  args.push(text);
  if (value >= INT64_MIN && value <= INT64_MAX) return 'CAST(? AS SIGNED)';
  if (value > 0n && value <= UINT64_MAX) return 'CAST(? AS UNSIGNED)';
  return text.replace('-', '').length <= 65 ? 'CAST(? AS DECIMAL(65))' : '?';
}

/**
 * One parameter as placeholder text plus JSON args (§5.3 of the s2 Data API specification,
 * spec/data-api.md): values are bound by the server, never spliced into the SQL, so no
 * escaping mode can be got wrong. Bytes travel as hex through `UNHEX(?)`, bigints beyond 2^53 as
 * text inside a CAST (bindBigint); arrays expand to `(?, ?, …)` like the wire connector's lists.
 */
function bindValue(value: unknown, ctx: FormatContext, args: unknown[], depth = 0): string {
  if (value === null || value === undefined) {
    args.push(null);
    return '?';
  }
  switch (typeof value) {
    case 'boolean':
      args.push(value);
      return '?';
    case 'number':
      if (Number.isNaN(value) || !Number.isFinite(value)) {
        if (Number.isNaN(value) ? ctx.nanAsNull : ctx.infAsNull) {
          args.push(null);
          return '?';
        }
        throw new ProgrammingError(`${Number.isNaN(value) ? 'nan' : 'inf'} can not be used with SingleStoreDB`, { errno: 0 });
      }
      args.push(value);
      return '?';
    case 'bigint':
      return bindBigint(value, args);
    case 'string':
      if (!value.isWellFormed())
        throw new ParameterError('string parameter contains a lone surrogate, which is not valid Unicode and cannot be sent losslessly');
      args.push(value);
      return '?';
    default:
      break;
  }
  const obj = value as object;
  const bytes = bytesOf(obj);
  if (bytes) {
    args.push(hex(bytes));
    return 'UNHEX(?)';
  }
  if (Array.isArray(obj)) {
    if (obj.length === 0) throw new ParameterError('an empty array cannot be rendered as a SQL list (IN () is a syntax error)');
    if (depth === 0 && obj.every(Array.isArray)) return obj.map((row) => bindValue(row, ctx, args, 1)).join(', ');
    return `(${obj.map((v) => bindValue(v, ctx, args, depth + 1)).join(', ')})`;
  }
  // Dates, toSqlString objects, Sets and JSON objects: the text the wire connector would quote.
  args.push(unquote(escapeLiteral(obj, { ...ctx, noBackslashEscapes: true })));
  return '?';
}

/**
 * Turns `%s` / `?` (with an array) or `%(name)s` / `:name` (with a plain object) into the
 * Data API's `?` placeholders and `args`, with the same checks as client-side formatting.
 */
export function bindDataApiArgs(sql: string, params: QueryParams, ctx: FormatContext = {}): BoundStatement {
  const args: unknown[] = [];
  const bound = spliceParams(sql, params, ctx, (value) => bindValue(value, ctx, args));
  return bound === null ? { sql } : { sql: bound, args };
}
