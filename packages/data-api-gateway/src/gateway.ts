import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { ColumnFlag, ServerStatus, type QueryResponse } from '@s2/base';
import { connectWire, type WireConnection, type WireOptions } from '@s2/wire';
import { bindArgs } from './bind-args.js';
import { cellJson, JSON_CELLS } from './cells.js';
import { dataTypeName } from './data-type.js';
import { describeFailure, GatewayHttpError } from './errors.js';
import { SessionLimiter } from './limiter.js';
import { requirePasswordOnlyAccount } from './password-only.js';
import { parseRequestBody } from './request-body.js';

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
  /** Most server sessions open at once (default 32); further requests wait for a free one. */
  maxConnections?: number;
  /** How long a request may wait for a free session before a 503 (default 10 s). */
  acquireTimeoutMs?: number;
  /**
   * Most requests waiting for a session at once (default 4 × maxConnections); one more is a 503
   * straight away, so a burst cannot pile up bodies in memory for acquireTimeoutMs.
   */
  maxQueued?: number;
  /**
   * Statement deadline (default: none): the time the gateway waits for the server, from sending
   * the statement until its last row has arrived. Past it the query is killed and the answer is
   * 504, or, once rows have been sent, the connection is cut. Time in which rows wait for a slow
   * client does not count (see writeTimeoutMs).
   */
  queryTimeoutMs?: number;
  /**
   * How long an answer may wait for the client to take more of it (default 30 s): a client that
   * accepts no data for that long has its connection closed and its query killed. A slow reader
   * that keeps reading is never cut off.
   */
  writeTimeoutMs?: number;
  /** Deadline for opening a server session, login included (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Deadline for receiving a whole request, headers and body (default 30 s): a client that
   * stalls is answered 408 and its connection closed, so idle half-sent requests cannot pile up.
   * The answer is not bound by it (see queryTimeoutMs).
   */
  requestTimeoutMs?: number;
}

export interface DataApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Endpoint = 'exec' | 'tuples' | 'rows';

/**
 * A deadline that only runs while the gateway waits for the server: it is held while rows wait
 * for the client, since a server that cannot send because the client is not reading is not
 * running long, and stopped once the server has sent everything.
 */
class ServerClock {
  private timer: NodeJS.Timeout | undefined;
  private since = 0;
  private stopped = false;

  constructor(
    private left: number,
    private readonly expire: () => void,
  ) {}

  run(): void {
    if (this.stopped || this.timer) return;
    this.since = performance.now();
    this.timer = setTimeout(this.expire, Math.max(0, this.left));
  }

  hold(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.left -= performance.now() - this.since;
  }

  stop(): void {
    this.hold();
    this.stopped = true;
  }
}

function credentials(req: FastifyRequest): { user: string; password: string } {
  const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new GatewayHttpError(401, 'missing Basic credentials', 1045, '28000');
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return { user: colon < 0 ? text : text.slice(0, colon), password: colon < 0 ? '' : text.slice(colon + 1) };
}

function checkContentType(req: FastifyRequest): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new GatewayHttpError(415, 'Content-Type must be application/json');
}

const ROWS_PER_CHUNK = 1024;

interface Chunk {
  text: string;
  /** The chunk holds rows (rather than the JSON around them). */
  rows: boolean;
}

/** The query response as JSON text, produced batch by batch as rows arrive from the server. */
async function* resultsJson(response: QueryResponse, endpoint: 'tuples' | 'rows'): AsyncGenerator<Chunk> {
  yield { text: '{"results":[', rows: false };
  let sets = 0;
  for (let r: QueryResponse['current'] | null = response.current; r; r = await response.nextResult()) {
    if (!r.columns) continue;
    const columns = r.columns;
    const meta = columns.map((c) => JSON.stringify({ name: c.name, dataType: dataTypeName(c), nullable: (c.flags & ColumnFlag.NOT_NULL) === 0 }));
    yield { text: `${sets++ ? ',' : ''}{"columns":[${meta.join(',')}],"rows":[`, rows: false };
    const keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
    let sep = '';
    for (;;) {
      const rows = await r.read(ROWS_PER_CHUNK);
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) {
        let cells = '';
        for (let i = 0; i < row.length; i++) cells += (i ? ',' : '') + (endpoint === 'rows' ? keys[i] : '') + cellJson(row[i]);
        chunk += endpoint === 'rows' ? `${sep}{${cells}}` : `${sep}[${cells}]`;
        sep = ',';
      }
      yield { text: chunk, rows: true };
    }
    yield { text: ']}', rows: false };
  }
  yield { text: ']}', rows: false };
}

/**
 * A Data API (`/api/v2/exec`, `/api/v2/query/tuples`, `/api/v2/query/rows`, `/ping`) in front of
 * any MySQL-protocol server, as a fastify app.
 *
 * Every request logs in afresh with its own Basic credentials on its own server session, which
 * is closed afterwards: no session state (variables, temporary tables, `USE`, `sql_mode`,
 * transactions) reaches another request, and a changed or dropped account stops working at once.
 * At most `maxConnections` sessions are open; a query whose client goes away or takes no data
 * for `writeTimeoutMs`, or that passes `queryTimeoutMs`, is killed on the server. Results are
 * streamed.
 */
export async function startDataApiGateway(options: GatewayOptions): Promise<DataApiGateway> {
  const maxConnections = options.maxConnections ?? 32;
  const writeTimeout = options.writeTimeoutMs ?? 30_000;
  const limiter = new SessionLimiter(maxConnections, options.acquireTimeoutMs ?? 10_000, options.maxQueued ?? 4 * maxConnections);
  const open = new Set<WireConnection>();
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.maxBodyBytes ?? 1 << 20,
    // fastify turns Node's request deadline off; node:http enforces it when it checks its
    // connections, so the check runs often enough for the deadline to hold.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout,
          headersTimeout: requestTimeout,
          connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))),
        },
        handler,
      ),
  });

  // Bodies are read as text and checked only after the credentials have been (see handle()).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: unknown, _req, reply) => {
    const { status, body } = describeFailure(err);
    return reply.code(status).type('text/plain').send(body);
  });

  app.get('/ping', async (_req, reply) => reply.type('text/plain').send('pong'));

  const sessionOptions = (user: string, password: string): WireOptions => ({
    ...options.target,
    user,
    password,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    // The server behind the gateway may not read the gateway's files, ever.
    localInfile: false,
    multiStatements: false,
    enableExtendedDataTypes: false,
    decodeOptions: JSON_CELLS,
  });

  async function handle(req: FastifyRequest, reply: FastifyReply, endpoint: Endpoint): Promise<FastifyReply> {
    const { user, password } = credentials(req);
    const abort = new AbortController();
    let conn: WireConnection | null = null;
    let settled = false;
    const onClose = () => {
      if (!reply.raw.writableFinished) abort.abort(new GatewayHttpError(499, 'the client went away', 1317, '70100'));
    };
    reply.raw.on('close', onClose);
    // The socket's inactivity timer: it also fires while the gateway waits for the server (no
    // bytes move then either), which is queryTimeoutMs's business; only data the client leaves
    // unsent means the client stalled.
    reply.raw.setTimeout(writeTimeout, () => {
      if (reply.raw.writableLength === 0) return;
      abort.abort(new GatewayHttpError(408, `the client took no data for ${writeTimeout} ms`, 1317, '70100'));
      reply.raw.destroy();
    });
    const ms = options.queryTimeoutMs;
    const clock = ms
      ? new ServerClock(ms, () =>
          abort.abort(new GatewayHttpError(504, `Query execution was interrupted: the gateway's query timeout of ${ms} ms passed`, 1317, '70100')),
        )
      : undefined;
    const cancel = () => {
      const c = conn;
      if (!c) return;
      // KILL QUERY from a side session with the same credentials; if the server does not react,
      // the session is dropped anyway so the request settles.
      const fallback = setTimeout(() => c.destroy(), 2000);
      fallback.unref();
      c.killQuery().catch(() => c.destroy());
    };
    abort.signal.addEventListener('abort', cancel, { once: true });
    let release: () => void;
    try {
      release = await limiter.acquire(abort.signal);
    } catch (err) {
      reply.raw.off('close', onClose);
      throw err;
    }

    // Closing the session need not delay the answer: the slot frees itself once it is closed.
    const finish = () => void cleanup().catch(() => {});
    const cleanup = async () => {
      if (settled) return;
      settled = true;
      clock?.stop();
      reply.raw.off('close', onClose);
      abort.signal.removeEventListener('abort', cancel);
      const c = conn;
      try {
        if (c) {
          open.delete(c);
          // close() says goodbye when the session is in sync and just drops it otherwise.
          if (!abort.signal.aborted) await c.close();
          else c.destroy();
        }
      } finally {
        release();
      }
    };
    const reasonOr = (err: unknown) => (abort.signal.aborted ? abort.signal.reason : err);

    try {
      const connecting = connectWire(sessionOptions(user, password));
      conn = await Promise.race([
        connecting,
        new Promise<never>((_r, reject) => {
          if (abort.signal.aborted) reject(abort.signal.reason);
          abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true });
        }),
      ]).catch((err: unknown) => {
        connecting.then(
          (c) => c.destroy(),
          () => {},
        );
        throw err;
      });
      open.add(conn);
      if (options.target.socketPath) await requirePasswordOnlyAccount(conn);
      checkContentType(req);
      const body = parseRequestBody(typeof req.body === 'string' ? req.body : '');
      if (body.database) await conn.selectDb(body.database);
      const noBackslashEscapes = (conn.session.serverStatus & ServerStatus.NO_BACKSLASH_ESCAPES) !== 0;
      const sql = bindArgs(body.sql, body.args, noBackslashEscapes);
      clock?.run();
      const response = await conn.query(sql, { streaming: true });
      if (endpoint === 'exec') {
        await response.drain();
        // A killed SLEEP() ends "normally": the abort decides, not the statement's outcome.
        if (abort.signal.aborted) throw abort.signal.reason;
        const status = response.current.status!;
        finish();
        return reply.type('application/json').send(`{"lastInsertId":${String(status.insertId)},"rowsAffected":${String(status.affectedRows)}}`);
      }
      // The status waits for the first rows (or the end): errors and timeouts that come before
      // any row still get their own status; after that the body streams.
      const chunks = resultsJson(response, endpoint);
      let head = '';
      let ended = false;
      for (;;) {
        const next = await chunks.next();
        if (next.done) {
          ended = true;
          break;
        }
        head += next.value.text;
        if (next.value.rows) break;
      }
      if (abort.signal.aborted) throw abort.signal.reason;
      if (ended) {
        finish();
        return reply.type('application/json').send(head);
      }
      const stream = Readable.from(
        (async function* rest() {
          try {
            // Between a yield and the next pull the rows wait for the client, not the server.
            clock?.hold();
            yield head;
            clock?.run();
            for await (const chunk of chunks) {
              clock?.hold();
              yield chunk.text;
              clock?.run();
            }
            clock?.stop();
            if (abort.signal.aborted) throw abort.signal.reason;
          } catch (err) {
            throw reasonOr(err) as Error;
          } finally {
            finish();
          }
        })(),
        { objectMode: false, highWaterMark: 64 * 1024 },
      );
      // A failure after the first bytes cannot change the status any more: the connection is
      // cut short instead, so no client mistakes a partial body for a complete answer.
      stream.on('error', () => reply.raw.destroy());
      return reply.type('application/json').send(stream);
    } catch (err) {
      finish();
      throw reasonOr(err);
    }
  }

  app.post('/api/v2/exec', (req, reply) => handle(req, reply, 'exec'));
  app.post('/api/v2/query/tuples', (req, reply) => handle(req, reply, 'tuples'));
  app.post('/api/v2/query/rows', (req, reply) => handle(req, reply, 'rows'));

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const port = Number(new URL(address).port);
  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async close() {
      for (const c of open) c.destroy();
      await app.close();
    },
  };
}
