import { escapeLiteral, ParameterError, ProgrammingError, scanPlaceholders, type FormatContext, type QueryParams } from '@s2/base';

/** A statement for the Data API: `?` placeholders in `sql`, their values in `args`. */
export interface BoundStatement {
  sql: string;
  /** Absent when no interpolation applies (the SQL is sent as written, `%%` included). */
  args?: unknown[];
}

function isNamed(params: unknown): params is Record<string, unknown> {
  if (params === null || typeof params !== 'object' || Array.isArray(params) || ArrayBuffer.isView(params)) return false;
  const proto = Object.getPrototypeOf(params);
  return proto === Object.prototype || proto === null;
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
 * One parameter as placeholder text plus JSON args (Data API spec 5.3): values are bound by
 * the server, never spliced into the SQL, so no escaping mode can be got wrong. Bytes travel
 * as hex through `UNHEX(?)`; arrays expand to `(?, ?, …)` like the wire connector's lists.
 */
function bindValue(value: unknown, ctx: FormatContext, args: unknown[], depth = 0): string {
  if (value === null || value === undefined) { args.push(null); return '?'; }
  switch (typeof value) {
    case 'boolean': args.push(value); return '?';
    case 'number':
      if (Number.isNaN(value) || !Number.isFinite(value)) {
        if (Number.isNaN(value) ? ctx.nanAsNull : ctx.infAsNull) { args.push(null); return '?'; }
        throw new ProgrammingError(`${Number.isNaN(value) ? 'nan' : 'inf'} can not be used with SingleStoreDB`, { errno: 0 });
      }
      args.push(value);
      return '?';
    // The server reads JSON numbers as doubles: exact integers travel as text.
    case 'bigint': args.push(value.toString()); return '?';
    case 'string':
      if (!value.isWellFormed()) throw new ParameterError('string parameter contains a lone surrogate, which is not valid Unicode and cannot be sent losslessly');
      args.push(value);
      return '?';
    default: break;
  }
  const obj = value as object;
  const bytes = bytesOf(obj);
  if (bytes) { args.push(hex(bytes)); return 'UNHEX(?)'; }
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
  if (params == null) return { sql };
  const named = isNamed(params);
  if (!named && !Array.isArray(params)) {
    throw new ParameterError('query parameters must be an array (for ? or %s) or a plain object (for :name or %(name)s)');
  }
  const empty = named ? Object.keys(params).length === 0 : (params as readonly unknown[]).length === 0;
  if (empty && !ctx.interpolateWithEmptyArgs) return { sql };
  const { placeholders, percentPairs } = scanPlaceholders(sql, named ? 'named' : 'positional');
  if (!named) {
    const n = (params as readonly unknown[]).length;
    if (placeholders.length !== n) throw new ParameterError(`the statement has ${placeholders.length} placeholder(s) but ${n} parameter(s) were given`);
  } else {
    const missing = placeholders.filter((p) => !Object.hasOwn(params, p.name!)).map((p) => p.name);
    if (missing.length) throw new ParameterError(`no value given for named parameter(s): ${[...new Set(missing)].join(', ')}`);
  }
  const args: unknown[] = [];
  let out = '';
  let last = 0;
  let p = 0;
  let q = 0;
  while (p < placeholders.length || q < percentPairs.length) {
    if (q >= percentPairs.length || (p < placeholders.length && placeholders[p].start < percentPairs[q])) {
      const ph = placeholders[p];
      const value = named ? (params as Record<string, unknown>)[ph.name!] : (params as readonly unknown[])[p];
      out += sql.slice(last, ph.start) + bindValue(value, ctx, args);
      last = ph.end;
      p++;
    } else {
      out += `${sql.slice(last, percentPairs[q])}%`;
      last = percentPairs[q] + 2;
      q++;
    }
  }
  return { sql: out + sql.slice(last), args };
}
