import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Req {
  method: string;
  /** The request path with duplicate slashes collapsed, still percent-encoded. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  raw: FastifyRequest;
  reply: FastifyReply;
}

export interface Res {
  status?: number;
  json?: unknown;
  stream?: Readable;
  headers?: Record<string, string>;
}

export type Handler = (r: Req) => Promise<Res | undefined> | Res | undefined;

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  handler: Handler;
}

/**
 * A small router over the raw path, because the file-system routes need the exact path
 * (trailing slash, encoded segments). Patterns: `:id` is one segment, `*rest` the remainder.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          names.push(seg.slice(1));
          return '([^/]+)';
        }
        if (seg.startsWith('*')) {
          names.push(seg.slice(1));
          return '?(.*)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    for (const m of method.split('|')) this.routes.push({ method: m, re: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = m[i + 1] ?? ''));
      return { handler: r.handler, params };
    }
    return pathMatched ? 'method' : null;
  }
}
