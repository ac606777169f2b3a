import type { FormatContext, QueryOptions, QueryParams, QueryResponse, SqlTransport } from '@s2/base';

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
  return link.query(text, options);
}
