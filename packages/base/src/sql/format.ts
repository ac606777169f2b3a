import { ParameterError } from '../errors/index.js';
import { escapeLiteral, type LiteralContext } from './escape.js';
import { scanPlaceholders, type ScanResult } from './placeholders.js';

/** Statements are usually run many times: remember the placeholder scan of recent ones. */
const scans = new Map<string, ScanResult>();
const SCAN_CACHE_SIZE = 256;

function scanCached(sql: string, style: 'positional' | 'named'): ScanResult {
  const key = `${style[0]}${sql}`;
  let hit = scans.get(key);
  if (!hit) {
    hit = scanPlaceholders(sql, style);
    if (scans.size >= SCAN_CACHE_SIZE) scans.delete(scans.keys().next().value!);
    scans.set(key, hit);
  }
  return hit;
}

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
  const { placeholders, percentPairs } = scanCached(sql, named ? 'named' : 'positional');
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
  // Splice placeholders and %% pairs in position order (both lists are already sorted).
  let out = '';
  let last = 0;
  let p = 0;
  let q = 0;
  while (p < placeholders.length || q < percentPairs.length) {
    if (q >= percentPairs.length || (p < placeholders.length && placeholders[p].start < percentPairs[q])) {
      const ph = placeholders[p];
      const value = named ? (params as Record<string, unknown>)[ph.name!] : (params as readonly unknown[])[p];
      out += sql.slice(last, ph.start) + escapeLiteral(value, ctx);
      last = ph.end;
      p++;
    } else {
      out += `${sql.slice(last, percentPairs[q])}%`;
      last = percentPairs[q] + 2;
      q++;
    }
  }
  return out + sql.slice(last);
}
