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
 * The placeholder splicer every way of sending parameters shares: checks `params` against the
 * statement's placeholders, then replaces each placeholder with `render(value)` and each `%%`
 * with `%`, in position order. An array fills `?` / `%s` in order; a plain object fills
 * `:name` / `%(name)s`. null when no interpolation applies (no params, or empty ones without
 * `interpolateWithEmptyArgs`): the SQL is then sent as written, `%%` included.
 */
export function spliceParams(sql: string, params: QueryParams, ctx: FormatContext, render: (value: unknown) => string): string | null {
  if (params == null) return null;
  const named = isNamed(params);
  if (!named && !Array.isArray(params)) {
    throw new ParameterError('query parameters must be an array (for ? or %s) or a plain object (for :name or %(name)s)');
  }
  if (isEmpty(params) && !ctx.interpolateWithEmptyArgs) return null;
  const { placeholders, percentPairs } = scanCached(sql, named ? 'named' : 'positional');
  if (!named) {
    const list = params as readonly unknown[];
    if (placeholders.length !== list.length) {
      throw new ParameterError(`the statement has ${placeholders.length} placeholder(s) but ${list.length} parameter(s) were given`);
    }
  } else {
    const missing = placeholders.filter((p) => !Object.hasOwn(params, p.name!)).map((p) => p.name);
    if (missing.length) throw new ParameterError(`no value given for named parameter(s): ${[...new Set(missing)].join(', ')}`);
  }
  // Both lists are already sorted by position.
  let out = '';
  let last = 0;
  let p = 0;
  let q = 0;
  while (p < placeholders.length || q < percentPairs.length) {
    if (q >= percentPairs.length || (p < placeholders.length && placeholders[p].start < percentPairs[q])) {
      const ph = placeholders[p];
      const value = named ? (params as Record<string, unknown>)[ph.name!] : (params as readonly unknown[])[p];
      out += sql.slice(last, ph.start) + render(value);
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

/** Replaces placeholders with escaped literals (see `spliceParams`); without params the SQL is returned untouched. */
export function formatQuery(sql: string, params: QueryParams, ctx: FormatContext = {}): string {
  return spliceParams(sql, params, ctx, (value) => escapeLiteral(value, ctx)) ?? sql;
}
