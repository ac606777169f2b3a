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
 * How a statement's values are quoted, and how to quote them for the other escaping mode: a
 * transport that follows the session's mode re-renders the statement if the mode changed while
 * it waited behind others (the wire connector does).
 */
class StatementEscaping {
  readonly noBackslashEscapes: boolean;

  constructor(
    private readonly sql: string,
    private readonly params: QueryParams,
    private readonly ctx: FormatContext,
  ) {
    this.noBackslashEscapes = ctx.noBackslashEscapes === true;
  }

  reformat(noBackslashEscapes: boolean): string {
    return formatQuery(this.sql, this.params, { ...this.ctx, noBackslashEscapes });
  }
}

/**
 * Sends one statement: the raw SQL and its parameters to a transport that binds them, else
 * `text` (the SQL with parameters interpolated for this session's escaping mode). `options`
 * is the caller's fresh object for this statement: the escaping is added to it, not copied.
 */
export function sendStatement(
  link: SqlTransport,
  sql: string,
  params: QueryParams,
  text: string,
  ctx: FormatContext,
  options: QueryOptions,
): Promise<QueryResponse> {
  if (params == null) return link.query(text, options);
  if (bindsParams(link)) return link.queryWithParams(sql, params, ctx, options);
  (options as WireQueryOptions).escaping = new StatementEscaping(sql, params, ctx);
  return link.query(text, options);
}
