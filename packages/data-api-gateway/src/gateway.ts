import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { formatQuery, MySQLError, ServerStatus, type ColumnDefinition } from '@s2/base';
import { connectWire, type WireConnection, type WireOptions } from '@s2/wire';
import { dataTypeName, toDataApiJson } from './data-types.js';

export interface GatewayOptions {
  /** The MySQL-protocol server behind the gateway (credentials come from each request). */
  target: Pick<WireOptions, 'host' | 'port' | 'tls' | 'socketPath'>;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Largest request body accepted (default 1 MiB, like the real service). */
  maxBodyBytes?: number;
  /** Log one line per request (fastify's logger). */
  logger?: boolean;
}

export interface DataApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Body {
  sql: string;
  args?: unknown[];
  database?: string;
}

class HttpFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function credentials(req: FastifyRequest): { user: string; password: string } {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new HttpFailure(401, 'missing Basic credentials');
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return { user: colon < 0 ? text : text.slice(0, colon), password: colon < 0 ? '' : text.slice(colon + 1) };
}

/** JSON schema of request bodies, checked by fastify before any handler runs. */
const bodySchema = {
  type: 'object',
  required: ['sql'],
  properties: {
    sql: { type: 'string' },
    args: { type: 'array' },
    database: { type: 'string' },
  },
} as const;

/**
 * A Data API (`/api/v2/exec`, `/api/v2/query/rows`, `/api/v2/query/tuples`, `/ping`) in front of
 * any MySQL-protocol server, as a fastify app. Each request runs on a session opened with the
 * request's Basic credentials and database (sessions are reused per credentials).
 */
export async function startDataApiGateway(options: GatewayOptions): Promise<DataApiGateway> {
  const sessions = new Map<string, Promise<WireConnection>>();
  const sessionFor = (user: string, password: string, database: string | undefined): Promise<WireConnection> => {
    const key = JSON.stringify([user, password, database ?? null]);
    let conn = sessions.get(key);
    if (!conn) {
      conn = connectWire({ ...options.target, user, password, database, decodeOptions: { dateStrings: true, int64: 'auto', parseJson: true } });
      conn.catch(() => sessions.delete(key));
      sessions.set(key, conn);
    }
    return conn.then((c): Promise<WireConnection> | WireConnection => {
      if (c.isOpen) return c;
      sessions.delete(key);
      return sessionFor(user, password, database);
    });
  };

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.maxBodyBytes ?? 1 << 20 });

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof HttpFailure) return reply.code(err.status).type('text/plain').send(err.message);
    if (err instanceof MySQLError && err.errno) {
      return reply.code(err.errno === 1045 ? 401 : 500).type('text/plain').send(`Error ${err.errno}: ${err.errmsg ?? err.message}`);
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 415) return reply.code(415).type('text/plain').send('Content-Type must be application/json');
    if (status && status < 500) return reply.code(status).type('text/plain').send((err as Error).message);
    return reply.code(500).type('text/plain').send(`Error 0: ${(err as Error).message}`);
  });

  app.get('/ping', async (_req, reply) => reply.type('text/plain').send('pong'));

  const run = async (req: FastifyRequest<{ Body: Body }>) => {
    const { user, password } = credentials(req);
    const conn = await sessionFor(user, password, req.body.database);
    const noBackslashEscapes = (conn.session.serverStatus & ServerStatus.NO_BACKSLASH_ESCAPES) !== 0;
    const sql = req.body.args ? formatQuery(req.body.sql, req.body.args, { noBackslashEscapes }) : req.body.sql;
    return conn.query(sql);
  };

  const sendJson = (reply: FastifyReply, value: unknown) => reply.type('application/json').send(toDataApiJson(value));

  app.post<{ Body: Body }>('/api/v2/exec', { schema: { body: bodySchema } }, async (req, reply) => {
    const response = await run(req);
    const status = response.current.status!;
    await response.drain();
    return sendJson(reply, { lastInsertId: status.insertId, rowsAffected: status.affectedRows });
  });

  for (const shape of ['tuples', 'rows'] as const) {
    app.post<{ Body: Body }>(`/api/v2/query/${shape}`, { schema: { body: bodySchema } }, async (req, reply) => {
      const response = await run(req);
      const results: unknown[] = [];
      for (let r: typeof response.current | null = response.current; r; r = await response.nextResult()) {
        if (!r.columns) continue;
        const columns: ColumnDefinition[] = r.columns;
        const rows = await r.read();
        results.push({
          columns: columns.map((c) => ({ name: c.name, dataType: dataTypeName(c), nullable: (c.flags & 1) === 0 })),
          rows: shape === 'rows' ? rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]]))) : rows,
        });
      }
      return sendJson(reply, { results });
    });
  }

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const port = Number(new URL(address).port);
  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async close() {
      await app.close();
      for (const c of sessions.values()) await c.then((x) => x.close()).catch(() => {});
    },
  };
}
