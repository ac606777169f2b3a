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

/**
 * One parameter as placeholder text plus JSON args (§5.3 of the s2 Data API specification,
 * spec/data-api.md): values are bound by the server, never spliced into the SQL, so no
 * escaping mode can be got wrong. Bytes travel as hex through `UNHEX(?)`; arrays expand to
 * `(?, ?, …)` like the wire connector's lists.
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
    // The server reads JSON numbers as doubles: exact integers travel as text.
    case 'bigint':
      args.push(value.toString());
      return '?';
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
