import { ParameterError } from '../errors/index.js';
import { escapeLiteral, type LiteralContext } from './escape.js';
import { scanPlaceholders } from './placeholders.js';

export interface FormatContext extends LiteralContext {
  /** Interpolate (and so un-double `%%`) even when params is an empty array or object. */
  interpolateWithEmptyArgs?: boolean;
}

export type QueryParams = readonly unknown[] | Readonly<Record<string, unknown>> | null | undefined;

function isNamed(params: unknown): params is Record<string, unknown> {
  if (params === null || typeof params !== 'object' || Array.isArray(params) || ArrayBuffer.isView(params)) return false;
  const proto = Object.getPrototypeOf(params);
  return proto === Object.prototype || proto === null;
}

function isEmpty(params: QueryParams): boolean {
  if (params == null) return true;
  return Array.isArray(params) ? params.length === 0 : Object.keys(params).length === 0;
}

/**
 * Replaces placeholders with escaped literals. An array fills `?` / `%s` in order; a plain
 * object fills `:name` / `%(name)s`. Without params the SQL is returned untouched.
 */
export function formatQuery(sql: string, params: QueryParams, ctx: FormatContext = {}): string {
  if (params == null) return sql;
  if (isEmpty(params) && !ctx.interpolateWithEmptyArgs) return sql;
  const named = isNamed(params);
  if (!named && !Array.isArray(params)) {
    throw new ParameterError('query parameters must be an array (for ? or %s) or a plain object (for :name or %(name)s)');
  }
  const { placeholders, percentPairs } = scanPlaceholders(sql, named ? 'named' : 'positional');
  if (!named) {
    const list = params as readonly unknown[];
    if (placeholders.length !== list.length) {
      throw new ParameterError(`the statement has ${placeholders.length} placeholder(s) but ${list.length} parameter(s) were given`);
    }
  } else {
    const record = params as Record<string, unknown>;
    const missing = placeholders.filter((p) => !Object.prototype.hasOwnProperty.call(record, p.name!)).map((p) => p.name);
    if (missing.length) throw new ParameterError(`no value given for named parameter(s): ${[...new Set(missing)].join(', ')}`);
  }
  // Splice placeholders and %% pairs in position order.
  const edits = [
    ...placeholders.map((p, index) => ({ start: p.start, end: p.end, text: escapeLiteral(named ? (params as Record<string, unknown>)[p.name!] : (params as unknown[])[index], ctx) })),
    ...percentPairs.map((pos) => ({ start: pos, end: pos + 2, text: '%' })),
  ].sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  for (const e of edits) {
    out += sql.slice(last, e.start) + e.text;
    last = e.end;
  }
  return out + sql.slice(last);
}
