import { pathToFileURL } from 'node:url';
import { OptionError } from '@s2/base';
import { connect } from '@s2/core';
import { createUdfServer, definitionsIn, dropFunctions, exportedName, registerFunctions, startCollocatedServer, type UdfDefinition } from '@s2/udf';
import type { UdfServeCommand } from './args.js';
import { userPath } from './paths.js';

/**
 * Imports the functions module into this process's own module graph, so that packages it shares
 * with the CLI (@s2/base, @s2/udf) are the same instances when they resolve to the same files.
 * (tsx's tsImport would load a separate copy of each.) TypeScript needs tsx registered first.
 */
async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(userPath(file)).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    const { register } = await import('tsx/esm/api');
    register();
    // A fresh URL: the failed first attempt may be remembered by the module loader.
    return (await import(`${url}?tsx`)) as Record<string, unknown>;
  }
}

/** Every udf(...) definition a module exports (named exports, or arrays of them). */
async function loadFunctions(file: string): Promise<UdfDefinition[]> {
  const unique = definitionsIn(await importModule(file));
  if (unique.length === 0) throw new OptionError(`${file} exports no udf(...) definitions`);
  return unique;
}

/** At debug level, a line per request batch. */
function batchLogger(cmd: UdfServeCommand, log: (line: string) => void) {
  return cmd.logLevel === 'debug'
    ? (b: { name: string; rows: number; ms: number; status: number }) => log(`${b.name}: ${b.rows} rows, ${b.ms.toFixed(1)} ms, status ${b.status}`)
    : undefined;
}

/** The informational lines (what is served, the CREATE statements) are not printed at warning and error level. */
function infoLogger(cmd: UdfServeCommand, log: (line: string) => void): (line: string) => void {
  return cmd.logLevel === 'warning' || cmd.logLevel === 'error' ? () => {} : log;
}

/** Collocated mode: the socket is the service URL; registered functions go away with the server. */
async function serveCollocated(cmd: UdfServeCommand, functions: UdfDefinition[], log: (line: string) => void): Promise<() => Promise<void>> {
  const info = infoLogger(cmd, log);
  const affixes = { prefix: cmd.namePrefix ?? '', suffix: cmd.nameSuffix ?? '' };
  const server = await startCollocatedServer({
    functions,
    socketPath: cmd.socketPath === undefined ? undefined : userPath(cmd.socketPath),
    maxConnections: cmd.maxConnections,
    functionDatabase: cmd.functionDatabase,
    namePrefix: affixes.prefix,
    nameSuffix: affixes.suffix,
    onBatch: batchLogger(cmd, log),
    onError: (err) => log(`connection error: ${err.message}`),
    // Worker threads (when the command asks for them) import the module themselves.
    workers: cmd.workers ? { module: userPath(cmd.file), count: cmd.workers } : undefined,
  });
  info(`serving ${functions.map((f) => exportedName(f, affixes)).join(', ')} on unix socket ${server.socketPath}`);
  for (const sql of server.createStatements({ replace: cmd.replace })) info(sql);
  const options = {
    url: server.socketPath,
    mode: 'collocated' as const,
    format: 'rowdat_1' as const,
    replace: cmd.replace,
    database: cmd.functionDatabase,
    ...affixes,
  };
  if (cmd.register) {
    const conn = await connect(cmd.db!);
    try {
      await registerFunctions(conn, functions, options);
    } finally {
      await conn.close();
    }
  }
  return async () => {
    await server.close();
    if (!cmd.register) return;
    const conn = await connect(cmd.db!);
    try {
      await dropFunctions(conn, functions, { database: cmd.functionDatabase, ...affixes });
    } finally {
      await conn.close();
    }
  };
}

export async function serveUdfs(cmd: UdfServeCommand, log: (line: string) => void): Promise<() => Promise<void>> {
  const functions = await loadFunctions(cmd.file);
  if (cmd.collocated) return serveCollocated(cmd, functions, log);
  const info = infoLogger(cmd, log);
  // Empty, not absent: the command has already weighed the flags against the options.
  const affixes = { prefix: cmd.namePrefix ?? '', suffix: cmd.nameSuffix ?? '' };
  // Worker threads (when the command asks for them) import the module themselves.
  const workers = cmd.workers;
  const app = await createUdfServer({
    functions,
    workers: workers ? { module: userPath(cmd.file), count: workers } : undefined,
    url: cmd.url,
    dataFormat: cmd.format,
    functionDatabase: cmd.functionDatabase,
    namePrefix: affixes.prefix,
    nameSuffix: affixes.suffix,
    linkName: cmd.linkName,
    onBatch: batchLogger(cmd, log),
  });
  try {
    const address = await app.listen({ host: cmd.host, port: cmd.port });
    const url = cmd.url ?? `${address}/invoke`;
    info(`serving ${functions.map((f) => exportedName(f, affixes)).join(', ')} on ${address}`);
    if (cmd.register) {
      const conn = await connect(cmd.db!);
      try {
        const sqlOptions = { url, format: cmd.format, replace: cmd.replace, database: cmd.functionDatabase, link: cmd.linkName, ...affixes };
        for (const sql of await registerFunctions(conn, functions, sqlOptions)) info(sql);
      } finally {
        await conn.close();
      }
    }
  } catch (err) {
    // A port in use or a failed registration: the worker threads must not outlive the attempt.
    await app.close();
    throw err;
  }
  return () => app.close();
}
