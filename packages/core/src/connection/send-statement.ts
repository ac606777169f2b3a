import { formatQuery, type FormatContext, type QueryOptions, type QueryParams, type QueryResponse, type SqlTransport } from '@s2/base';
import type { WireQueryOptions } from '@s2/wire';

/**
 * A transport that binds parameters itself (the Data API sends them as `args`, bound by the
 * server) instead of taking SQL with values already spliced in.
 */
export interface ParamBindingTransport extends SqlTransport {
  queryWithParams(sql: string, params: QueryParams, ctx: FormatContext, options?: QueryOptions): Promise<QueryResponse>;
}

export function bindsParams(link: SqlTransport): link is ParamBindingTransport {
  return typeof (link as Partial<ParamBindingTransport>).queryWithParams === 'function';
}

/**
 * Sends one statement: the raw SQL and its parameters to a transport that binds them, else
 * `text` (the SQL with parameters interpolated for this session's escaping mode).
 */
export function sendStatement(link: SqlTransport, sql: string, params: QueryParams, text: string, ctx: FormatContext, options: QueryOptions): Promise<QueryResponse> {
  if (params != null && bindsParams(link)) return link.queryWithParams(sql, params, ctx, options);
  if (params == null) return link.query(text, options);
  // A transport that follows the session's escaping mode re-renders the values if the mode
  // changed while the statement waited behind others (the wire connector does).
  const escaping = { noBackslashEscapes: ctx.noBackslashEscapes === true, reformat: (noBackslashEscapes: boolean) => formatQuery(sql, params, { ...ctx, noBackslashEscapes }) };
  return link.query(text, { ...options, escaping } as WireQueryOptions);
}
