import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply } from 'fastify';

import { decodeJsonRows, encodeJsonRows } from '../codecs/json.js';
import { decodeRowdat1, encodeRowdat1, type Rowdat1Batch } from '../codecs/rowdat1.js';
import { createFunctionSql } from '../definition/sql.js';
import type { UdfDefinition } from '../definition/udf.js';
import { fromColumns, toColumns } from '../definition/vectors.js';

export interface UdfServerOptions {
  functions: readonly UdfDefinition[];
  /** URL the database calls (shown by /show/create_function); default `http://<Host>/invoke`. */
  url?: string;
  /** Format written into CREATE statements. */
  dataFormat?: 'rowdat_1' | 'json';
  /** Database the functions are created in. */
  functionDatabase?: string;
  /** Largest request body (default 256 MiB). */
  bodyLimit?: number;
  /** Called once per request batch (for debug logging). */
  onBatch?: (info: { name: string; rows: number; ms: number; status: number }) => void;
}

const ROWDAT = 'application/octet-stream';
const ROWDAT_OUT = 'x-application/rowdat_1';
const JSON_TYPE = 'application/json';

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function decode(format: string, types: number[], body: Buffer): Rowdat1Batch {
  try {
    return format === JSON_TYPE ? decodeJsonRows(types, body) : decodeRowdat1(types, body);
  } catch (err) {
    // Undecodable input is the caller's fault: 400, not the reference's blanket 500.
    throw new HttpError(400, `${(err as Error).name}: ${(err as Error).message}`);
  }
}

/** Runs the function over every input row; TVF rows carry the id of the row they answer. */
async function call(def: UdfDefinition, batch: Rowdat1Batch, signal: AbortSignal): Promise<{ ids: bigint[]; rows: unknown[][] }> {
  if (def.vectorized) {
    const columns = toColumns(batch.rows, def.args.map(([, type]) => type.wireCode));
    const out = await def.fn(...columns, signal);
    if (signal.aborted) throw signal.reason;
    if (def.kind === 'scalar') return { ids: batch.rowIds, rows: fromColumns(out, 1, batch.rows.length) };
    // A vectorized table function answers the whole batch: every row carries the first row id.
    const cols = Array.isArray(out) ? out : [];
    const length = cols.length ? (cols[0] as { values?: ArrayLike<unknown>; length?: number }).values?.length ?? (cols[0] as ArrayLike<unknown>).length : 0;
    const rows = fromColumns(out, def.returns.length, length);
    return { ids: rows.map(() => batch.rowIds[0] ?? 0n), rows };
  }
  const ids: bigint[] = [];
  const rows: unknown[][] = [];
  for (let r = 0; r < batch.rows.length; r++) {
    if (signal.aborted) throw signal.reason;
    const out = await def.fn(...batch.rows[r], signal);
    if (def.kind === 'scalar') {
      ids.push(batch.rowIds[r]);
      rows.push([out]);
      continue;
    }
    if (!Array.isArray(out)) throw new TypeError(`table function ${def.name} must return an array of rows`);
    for (const item of out) {
      ids.push(batch.rowIds[r]);
      if (Array.isArray(item)) rows.push(item);
      else if (item && typeof item === 'object') rows.push(def.returns.map(([name]) => (item as Record<string, unknown>)[name]));
      else rows.push([item]);
    }
  }
  return { ids, rows };
}

/**
 * The external-function routes as a fastify plugin (mount it in your own server) — `/invoke`,
 * `/show/create_function`, `/show/function_info`, `/status` — speaking ROWDAT_1 and JSON.
 */
export const udfPlugin: FastifyPluginAsync<UdfServerOptions> = async (app, options) => {
  const byName = new Map(options.functions.map((f) => [f.name, f]));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? 256 << 20 }, (_req, body, done) => done(null, body));

  const createStatements = (host: string | undefined, only?: string) => {
    const url = options.url ?? `http://${host ?? 'localhost:80'}/invoke`;
    return options.functions
      .filter((f) => !only || f.name === only)
      .map((f) => createFunctionSql(f, { url, format: options.dataFormat, database: options.functionDatabase }))
      .join('\n');
  };

  app.get('/show/create_function', async (req, reply) => reply.type('text/plain').send(createStatements(req.headers.host, req.headers['s2-ef-name'] as string | undefined)));
  const info = async (_req: unknown, reply: FastifyReply) => reply.type('text/plain').send(JSON.stringify(Object.fromEntries(options.functions.map((f) => [f.name, {
    kind: f.kind,
    args: f.args.map(([name, type]) => ({ name, sql: type.toSql(), wireCode: type.wireCode })),
    returns: f.returns.map(([name, type]) => ({ name: name || null, sql: type.toSql(), wireCode: type.wireCode })),
    timeoutMs: f.timeoutMs,
  }]))));
  app.get('/show/function_info', info);
  app.get('/', info);
  app.get('/status', async (_req, reply) => reply.type('text/plain').send('{"status": "ok"}'));

  app.post('/invoke', async (req, reply) => {
    const started = performance.now();
    const def = byName.get(String(req.headers['s2-ef-name'] ?? ''));
    if (!def) return reply.code(404).send();
    try {
      if (req.headers['s2-ef-version'] !== '1.0') throw new HttpError(400, `unsupported s2-ef-version: ${String(req.headers['s2-ef-version'] ?? '(missing)')}`);
      const input = req.headers['content-type'] ?? ROWDAT;
      const output = (req.headers.accepts as string | undefined) ?? input;
      for (const format of [input, output]) if (format !== ROWDAT && format !== JSON_TYPE) throw new HttpError(415, `unsupported format: ${format}`);
      const batch = decode(input, def.args.map(([, type]) => type.wireCode), (req.body as Buffer | undefined) ?? Buffer.alloc(0));

      const controller = new AbortController();
      const ignoreCancel = req.headers['s2-ef-ignore-cancel'] === 'true';
      const onClose = () => {
        if (!reply.raw.writableEnded && !ignoreCancel) controller.abort(new HttpError(503, 'CancelledError: Function call was cancelled'));
      };
      reply.raw.on('close', onClose);
      const timer = setTimeout(() => controller.abort(new HttpError(504, `TimeoutError: Function call timed out after ${def.timeoutMs / 1000} seconds`)), def.timeoutMs);
      let result: { ids: bigint[]; rows: unknown[][] };
      try {
        result = await Promise.race([
          call(def, batch, controller.signal),
          new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })),
        ]);
      } finally {
        clearTimeout(timer);
        reply.raw.off('close', onClose);
        if (!controller.signal.aborted) controller.abort(new Error('finished'));
      }
      const types = def.returns.map(([, type]) => type.wireCode);
      let body: Uint8Array | string;
      try {
        body = output === JSON_TYPE ? encodeJsonRows(types, result.ids, result.rows) : encodeRowdat1(types, result.ids, result.rows);
      } catch (err) {
        throw new HttpError(500, `${(err as Error).name}: ${(err as Error).message}`);
      }
      options.onBatch?.({ name: def.name, rows: batch.rows.length, ms: performance.now() - started, status: 200 });
      return reply.code(200).type(output === JSON_TYPE ? JSON_TYPE : ROWDAT_OUT).send(Buffer.from(body));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      // No stack traces or file paths leave the server: the type and message are enough.
      const text = err instanceof HttpError ? err.message : `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
      options.onBatch?.({ name: def.name, rows: 0, ms: performance.now() - started, status });
      return reply.code(status).type('text/plain').send(text);
    }
  });

  app.setNotFoundHandler((_req, reply) => reply.code(404).send());
};

/** A standalone server with just the UDF routes. */
export async function createUdfServer(options: UdfServerOptions & { logger?: boolean }): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimit ?? 256 << 20 });
  await app.register(udfPlugin, options);
  return app;
}

