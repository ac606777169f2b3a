import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { formatQuery, MySQLError, type ColumnDefinition } from '@s2/base';
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
}

export interface DataApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Body {
  sql?: unknown;
  args?: unknown;
  database?: unknown;
}

class HttpFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpFailure(413, `request body larger than ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function credentials(req: IncomingMessage): { user: string; password: string } {
  const auth = req.headers.authorization ?? '';
  const m = /^Basic\s+(.+)$/i.exec(auth);
  if (!m) throw new HttpFailure(401, 'missing Basic credentials');
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return { user: colon < 0 ? text : text.slice(0, colon), password: colon < 0 ? '' : text.slice(colon + 1) };
}

/**
 * A Data API (`/api/v2/exec`, `/api/v2/query/rows`, `/api/v2/query/tuples`, `/ping`) in front of
 * any MySQL-protocol server, so HTTP clients can be tested without SingleStore. Each request
 * runs on a connection opened with the request's Basic credentials and database.
 */
export async function startDataApiGateway(options: GatewayOptions): Promise<DataApiGateway> {
  const limit = options.maxBodyBytes ?? 1 << 20;
  const connections = new Map<string, Promise<WireConnection>>();

  const sessionFor = (user: string, password: string, database: string | undefined): Promise<WireConnection> => {
    const key = JSON.stringify([user, password, database ?? null]);
    let conn = connections.get(key);
    if (!conn) {
      conn = connectWire({ ...options.target, user, password, database, decodeOptions: { dateStrings: true, int64: 'auto', parseJson: true } });
      conn.catch(() => connections.delete(key));
      connections.set(key, conn);
    }
    return conn.then((c): Promise<WireConnection> | WireConnection => {
      if (c.isOpen) return c;
      connections.delete(key);
      return sessionFor(user, password, database);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
      return;
    }
    const route = /^\/api\/v2\/(exec|query\/rows|query\/tuples)$/.exec(path);
    if (!route || req.method !== 'POST') throw new HttpFailure(404, `no such endpoint: ${req.method} ${path}`);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpFailure(415, 'Content-Type must be application/json');
    const { user, password } = credentials(req);
    let body: Body;
    try {
      body = JSON.parse(await readBody(req, limit)) as Body;
    } catch (err) {
      if (err instanceof HttpFailure) throw err;
      throw new HttpFailure(400, 'request body is not valid JSON');
    }
    if (typeof body.sql !== 'string') throw new HttpFailure(400, "'sql' must be a string");
    if (body.args !== undefined && !Array.isArray(body.args)) throw new HttpFailure(400, "'args' must be an array");
    const database = typeof body.database === 'string' ? body.database : undefined;
    const conn = await sessionFor(user, password, database);
    const sql = body.args ? formatQuery(body.sql, body.args as unknown[], { noBackslashEscapes: (conn.session.serverStatus & 512) !== 0 }) : body.sql;
    const response = await conn.query(sql);
    if (route[1] === 'exec') {
      const status = response.current.status!;
      await response.drain();
      res.writeHead(200, { 'content-type': 'application/json' }).end(toDataApiJson({ lastInsertId: status.insertId, rowsAffected: status.affectedRows }));
      return;
    }
    const results: unknown[] = [];
    for (let r: typeof response.current | null = response.current; r; r = await response.nextResult()) {
      if (!r.columns) continue;
      const columns: ColumnDefinition[] = r.columns;
      const rows = await r.read();
      const described = columns.map((c) => ({ name: c.name, dataType: dataTypeName(c), nullable: (c.flags & 1) === 0 }));
      const shaped = route[1] === 'query/rows'
        ? rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]])))
        : rows;
      results.push({ columns: described, rows: shaped });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(toDataApiJson({ results }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof HttpFailure) return res.writeHead(err.status, { 'content-type': 'text/plain' }).end(err.message);
      if (err instanceof MySQLError && err.errno) {
        const status = err.errno === 1045 ? 401 : 500;
        return res.writeHead(status, { 'content-type': 'text/plain' }).end(`Error ${err.errno}: ${err.errmsg ?? err.message}`);
      }
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`Error 0: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      for (const c of connections.values()) await c.then((x) => x.close()).catch(() => {});
    },
  };
}
