import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';

import { jsonValuesExceed } from '../codecs/json.js';
import { chosenOption } from '../definition/chosen-option.js';
import { checkLinkName, createFunctionSql, exportedName } from '../definition/sql.js';
import type { UdfDefinition } from '../definition/udf.js';
import { functionInfo } from './function-info.js';
import { contentTypeOf, formatOf, invoke, UdfCallError } from './invoke.js';
import { UdfWorkerPool, type UdfWorkerOptions } from './worker-pool.js';

export interface UdfServerOptions {
  functions: readonly UdfDefinition[];
  /**
   * URL the database calls (shown by /show/create_function). Default: option
   * `external_function.url` (`SINGLESTOREDB_EXT_FUNC_URL`) when set, else `http://<Host>/invoke`.
   */
  url?: string;
  /** Format written into CREATE statements. Default: option `external_function.data_format` (`SINGLESTOREDB_EXT_FUNC_DATA_FORMAT`), `rowdat_1`. */
  dataFormat?: 'rowdat_1' | 'json';
  /**
   * Database the functions are created in. Not read from `external_function.function_database`:
   * as in the reference, that option is the command line's (`s2 udf serve`).
   */
  functionDatabase?: string;
  /**
   * Added before and after each function's name, giving the one name it is served under
   * (`s2-ef-name`) and created with. Default: options `external_function.name_prefix` /
   * `.name_suffix` (`SINGLESTOREDB_EXT_FUNC_NAME_PREFIX` / `…_NAME_SUFFIX`), empty.
   */
  namePrefix?: string;
  nameSuffix?: string;
  /**
   * `LINK` of the statements in /show/function_info, as the reference writes them there (its
   * /show/create_function has none). Default: option `external_function.link_name`
   * (`SINGLESTOREDB_EXT_FUNC_LINK_NAME`).
   */
  linkName?: string;
  /** Largest request body (default 256 MiB); JSON bodies have their own, lower limits below. */
  bodyLimit?: number;
  /**
   * Largest JSON request body (default 32 MiB, or `bodyLimit` if lower). Parsed JSON costs many
   * times its size in memory (a tiny value is a heap object or more), so JSON gets a lower cap
   * than ROWDAT_1 and Arrow.
   */
  jsonBodyLimit?: number;
  /**
   * Most values a JSON request may hold, counting row ids, arguments and the arrays and objects
   * around them (default 1,048,576). Counted before the body is parsed; more is a 413.
   */
  jsonValueLimit?: number;
  /**
   * How long `close()` lets answers already being written reach their clients (default 10 s);
   * calls still running are aborted at once, and idle connections closed, whatever this is.
   */
  closeGraceMs?: number;
  /** Called once per request batch (for debug logging). */
  onBatch?: (info: { name: string; rows: number; ms: number; status: number }) => void;
  /**
   * Run the functions on a pool of worker threads that import `workers.module` (which must
   * export the same definitions as `functions`). Timeouts are then enforced even for
   * synchronous code (the thread is terminated: 504), the server stays responsive while
   * functions compute, and one server uses every core. Without it, functions run on the
   * server's own thread: see the README for what that mode can and cannot promise.
   */
  workers?: UdfWorkerOptions;
}

const ROWDAT = 'application/octet-stream';
const BODY_LIMIT = 256 << 20;
const JSON_BODY_LIMIT = 32 << 20;
const JSON_VALUE_LIMIT = 1 << 20;
const CLOSE_GRACE_MS = 10_000;

/**
 * The caller's settings, with the `external_function.*` options filling in what it left out.
 * Called when a server is built, not at import: the options then are the ones that count.
 */
function withOptionDefaults<T extends UdfServerOptions>(options: T): T {
  const linkName = options.linkName ?? chosenOption<string>('external_function.link_name');
  if (linkName !== undefined) checkLinkName(linkName);
  return {
    ...options,
    url: options.url ?? chosenOption('external_function.url'),
    dataFormat: options.dataFormat ?? chosenOption('external_function.data_format'),
    namePrefix: options.namePrefix ?? chosenOption('external_function.name_prefix'),
    nameSuffix: options.nameSuffix ?? chosenOption('external_function.name_suffix'),
    linkName,
  };
}

/**
 * The external-function routes as a fastify plugin (mount it in your own server) — `/invoke`,
 * `/show/create_function`, `/show/function_info`, `/status` — speaking ROWDAT_1, JSON and Arrow.
 * A plugin cannot change its server's router: for `/invoke/` and `//invoke` to reach `/invoke`
 * as with the reference, create that server with
 * `routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true }` (createUdfServer does).
 */
export const udfPlugin: FastifyPluginAsync<UdfServerOptions> = async (app, given) => {
  const options = withOptionDefaults(given);
  const affixes = { prefix: options.namePrefix, suffix: options.nameSuffix };
  const byName = new Map(options.functions.map((f) => [exportedName(f, affixes), f]));
  const pool = options.workers ? new UdfWorkerPool(options.workers) : null;
  if (pool) {
    try {
      await pool.ready();
    } catch (err) {
      // The server will not start: its threads (loaded or not) must not outlive the attempt.
      await pool.close();
      throw err;
    }
    app.addHook('onClose', () => pool.close());
  }
  const bodyLimit = options.bodyLimit ?? BODY_LIMIT;
  const jsonBodyLimit = options.jsonBodyLimit ?? Math.min(JSON_BODY_LIMIT, bodyLimit);
  const jsonValueLimit = options.jsonValueLimit ?? JSON_VALUE_LIMIT;
  app.removeAllContentTypeParsers();
  const raw = (_req: unknown, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body);
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, raw);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: jsonBodyLimit }, raw);

  // close(): calls still running are aborted (503), so it waits for no function. The server
  // then closes idle connections and waits for the rest, so each connection still in use must
  // end with its response: one not yet answered is told to close (or, kept alive, it would hold
  // close() up until its keep-alive timeout, 72 s by default); one whose answer is being written
  // gets until closeGraceMs to finish first, as Node counts it idle (and destroys it) once the
  // answer is handed over, however much of it is still buffered.
  const running = new Set<AbortController>();
  const responding = new Set<ServerResponse>();
  let closing = false;
  app.addHook('onRequest', (req, reply, done) => {
    const res = reply.raw;
    if (req.raw.httpVersionMajor < 2) {
      responding.add(res);
      res.once('close', () => responding.delete(res));
    }
    done();
  });
  app.addHook('preClose', async () => {
    closing = true;
    const writing: Promise<unknown>[] = [];
    for (const res of responding) {
      if (res.writableFinished) continue;
      if (!res.headersSent) res.setHeader('connection', 'close');
      else writing.push(new Promise((resolve) => res.once('finish', resolve).once('close', resolve)));
    }
    for (const controller of running) controller.abort(new UdfCallError(503, 'CancelledError: the server is shutting down'));
    if (!writing.length) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, options.closeGraceMs ?? CLOSE_GRACE_MS)));
    await Promise.race([Promise.all(writing), grace]);
    clearTimeout(timer);
  });

  const serviceUrl = (host: string | undefined) => options.url ?? `http://${host ?? 'localhost:80'}/invoke`;
  const createStatements = (host: string | undefined, only?: string) =>
    options.functions
      .filter((f) => !only || exportedName(f, affixes) === only)
      .map((f) => createFunctionSql(f, { url: serviceUrl(host), format: options.dataFormat, database: options.functionDatabase, ...affixes }))
      .join('\n');

  app.get('/show/create_function', async (req, reply) =>
    reply.type('text/plain').send(createStatements(req.headers.host, req.headers['s2-ef-name'] as string | undefined)),
  );
  const info = async (req: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/plain').send(
      functionInfo(options.functions, {
        url: serviceUrl(req.headers.host),
        format: options.dataFormat,
        database: options.functionDatabase,
        link: options.linkName,
        ...affixes,
      }),
    );
  app.get('/show/function_info', info);
  app.get('/', info);
  app.get('/status', async (_req, reply) => reply.type('text/plain').send('{"status": "ok"}'));

  app.post('/invoke', async (req, reply) => {
    const started = performance.now();
    const name = String(req.headers['s2-ef-name'] ?? '');
    const def = byName.get(name);
    if (!def) return reply.code(404).send();
    try {
      if (closing) throw new UdfCallError(503, 'CancelledError: the server is shutting down');
      if (req.headers['s2-ef-version'] !== '1.0')
        throw new UdfCallError(400, `unsupported s2-ef-version: ${String(req.headers['s2-ef-version'] ?? '(missing)')}`);
      const inputType = req.headers['content-type'] ?? ROWDAT;
      const outputType = (req.headers.accepts as string | undefined) ?? inputType;
      const input = formatOf(inputType);
      const output = formatOf(outputType);
      if (!input) throw new UdfCallError(415, `unsupported format: ${inputType}`);
      if (!output) throw new UdfCallError(415, `unsupported format: ${outputType}`);
      const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
      if (input === 'json' && jsonValuesExceed(body, jsonValueLimit)) {
        throw new UdfCallError(413, `DataError: the JSON request holds more than ${jsonValueLimit} values (the jsonValueLimit option)`);
      }

      const controller = new AbortController();
      running.add(controller);
      const ignoreCancel = req.headers['s2-ef-ignore-cancel'] === 'true';
      const onClose = () => {
        if (!reply.raw.writableEnded && !ignoreCancel) controller.abort(new UdfCallError(503, 'CancelledError: Function call was cancelled'));
      };
      reply.raw.on('close', onClose);
      const timedOut = () => new UdfCallError(504, `TimeoutError: Function call timed out after ${def.timeoutMs / 1000} seconds`);
      const timer = setTimeout(() => controller.abort(timedOut()), def.timeoutMs);
      let result: Awaited<ReturnType<typeof invoke>>;
      try {
        result = pool ? await pool.run(def.name, body, input, output, controller.signal) : await invoke(def, body, input, output, controller.signal);
        // In-process, synchronous code blocks the timer: a call that overran is still not a 200.
        if (performance.now() - started > def.timeoutMs) throw timedOut();
      } finally {
        clearTimeout(timer);
        running.delete(controller);
        reply.raw.off('close', onClose);
        if (!controller.signal.aborted) controller.abort(new Error('finished'));
      }
      options.onBatch?.({ name, rows: result.rows, ms: performance.now() - started, status: 200 });
      // JSON goes out as bytes too: fastify appends `; charset=utf-8` to a JSON type sent as a
      // string, and the reference's header is exactly `application/json`.
      return reply
        .code(200)
        .type(contentTypeOf(output))
        .send(typeof result.body === 'string' ? Buffer.from(result.body) : Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength));
    } catch (err) {
      const status = err instanceof UdfCallError ? err.status : 500;
      // No stack traces or file paths leave the server: the type and message are enough.
      const text = err instanceof UdfCallError ? err.message : `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
      options.onBatch?.({ name, rows: 0, ms: performance.now() - started, status });
      return reply.code(status).type('text/plain').send(text);
    }
  });

  app.setNotFoundHandler((_req, reply) => reply.code(404).send());
};

/**
 * A standalone server with just the UDF routes. `close()` aborts running calls (503) and closes
 * idle keep-alive connections at once; an answer already on its way is still written, on a
 * connection that then closes.
 */
export async function createUdfServer(given: UdfServerOptions & { logger?: boolean }): Promise<FastifyInstance> {
  // Before anything is awaited: a withOptions scope around this call need not outlive it.
  const options = withOptionDefaults(given);
  // 'idle', not true: true would drop the connections of calls being answered, answer unsent.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? BODY_LIMIT,
    forceCloseConnections: 'idle',
    // The reference drops empty path segments: /invoke/ and //invoke are /invoke (udf.md §5.3).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  });
  await app.register(udfPlugin, options);
  return app;
}
