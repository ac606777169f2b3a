import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { OptionError, options, withOptions } from '@s2/base';
import { parseConnectionUrl, resolveConnectParams } from '@s2/core';
import type { WireTlsOptions } from '@s2/wire';
import { userPath } from './paths.js';

export interface GatewayCommand {
  command: 'data-api-gateway';
  /** Where the server is and how to reach it (TLS from the URL's ssl_* / tls_mode settings). */
  target: { host: string; port: number; tls?: WireTlsOptions };
  /** Deadline for opening a server session (the URL's connect_timeout, in seconds there). */
  connectTimeoutMs?: number;
  host: string;
  port: number;
  verbose: boolean;
  /** Server sessions open at once (one per request in flight). */
  maxConnections: number;
  /** A query still running after this many ms is killed and answered 504 (0: no limit). */
  queryTimeoutMs: number;
  /** A request whose body has not arrived after this many ms is answered 408. */
  requestTimeoutMs: number;
  /** Requests waiting for a session beyond this many are answered 503 at once. */
  maxQueued?: number;
}

/** `info` and `debug` print the server's lines; `warning` and `error` only its errors. */
export type UdfLogLevel = 'info' | 'debug' | 'warning' | 'error';

export interface UdfServeCommand {
  command: 'udf-serve';
  file: string;
  host: string;
  port: number;
  url?: string;
  format: 'rowdat_1' | 'json';
  db?: string;
  register: boolean;
  replace: boolean;
  functionDatabase?: string;
  /** Added to every function's name, both where it is served and in the database. */
  namePrefix?: string;
  nameSuffix?: string;
  /** `LINK` of the CREATE statements that --register runs. */
  linkName?: string;
  logLevel: UdfLogLevel;
  /** Collocated mode: a unix socket with shared memory instead of HTTP (udf.md §9). */
  collocated: boolean;
  socketPath?: string;
  maxConnections: number;
  /** Worker threads that run the functions (0: in the server's own thread). */
  workers: number;
}

/** Help lines of the serving commands (the gateway and UDF servers). */
export const SERVE_USAGE = `  s2 data-api-gateway --target mysql://host:3306[?ssl_ca=…&tls_mode=…] [--host 127.0.0.1] [--port 9000] [--verbose]
                     [--max-connections 32] [--query-timeout MS] [--request-timeout 30000] [--max-queued N]
      Serve the SingleStore Data API (/api/v2/exec, /api/v2/query/{rows,tuples}, /ping) in front of
      a MySQL-compatible server. Clients authenticate with Basic auth as database users; each
      request runs on a fresh server session (at most --max-connections at once). The --target URL
      may carry TLS settings (ssl_*, tls_mode, tls_sni_servername) and connect_timeout.
  s2 udf serve ./functions.ts [--host 127.0.0.1] [--port 8000] [--url URL] [--format rowdat_1|json]
               [--workers N] [--db URL --register [--replace] [--function-database DB] [--link-name L]]
               [--name-prefix P] [--name-suffix S] [--log-level info|debug|warning|error]
      Serve the external functions exported by a module (udf(...) definitions) over HTTP, and
      optionally create them in the database (SingleStore) with CREATE EXTERNAL FUNCTION.
  s2 udf serve ./functions.ts --collocated [--socket-path PATH] [--max-connections 32] [--workers N]
               [--db URL --register [--replace]] [--log-level info|debug|warning|error]
      Serve them as collocated functions: a unix socket plus shared memory on the database host
      (ROWDAT_1 only; needs the native addon). Registered functions are dropped on shutdown.
      --workers N (in either mode) runs the functions on N worker threads: every core is used, a
      call past its timeout is stopped (504 over HTTP, a TimeoutError answer when collocated)
      without blocking the server, and a function that exits or crashes its thread fails only its
      own call. A flag left out takes its
      SINGLESTOREDB_EXT_FUNC_* variable (HOST, PORT, URL, DATA_FORMAT, CONNECTION, REPLACE_EXISTING,
      FUNCTION_DATABASE, LINK_NAME, NAME_PREFIX, NAME_SUFFIX, SOCKET_PATH, MAX_CONNECTIONS, LOG_LEVEL).`;

/**
 * An `external_function.*` option's value when it was chosen (its SINGLESTOREDB_EXT_FUNC_*
 * variable, or options.set), else undefined: the flags' own defaults (host 127.0.0.1, a fresh
 * socket path) are not the ones the options are registered with.
 */
function chosen<T>(name: string): T | undefined {
  const [option] = options.describe(`external_function.${name}`);
  if (option.source === 'default' || option.value === null || option.value === '') return undefined;
  return option.value as T;
}

const UDF_FORMATS = ['rowdat_1', 'json'] as const;
const UDF_LOG_LEVELS: readonly UdfLogLevel[] = ['info', 'debug', 'warning', 'error'];

function port(text: string | undefined, fallback: number): number {
  const n = Number(text ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new OptionError(`--port must be a port number, got '${text}'`);
  return n;
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new OptionError(`${flag} must be a whole number, got '${text}'`);
  return n;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

/** Settings of a --target URL that the gateway's server sessions honour; user, password and database come from each request. */
const TARGET_SETTINGS = new Set([
  'ssl_ca',
  'ssl_cert',
  'ssl_key',
  'ssl_cipher',
  'ssl_disabled',
  'ssl_verify_cert',
  'ssl_verify_identity',
  'tls_mode',
  'tls_sni_servername',
  'connect_timeout',
]);

function pem(path: string | undefined, key: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(userPath(path));
  } catch (err) {
    throw new OptionError(`--target: cannot read ${key} file '${path}': ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The server behind the gateway, from a connection URL. Its settings are cast and checked by
 * connect()'s own resolution (contradicting TLS settings are an error), but only what the URL
 * says is used: SINGLESTOREDB_SSL_* meant for other connections must not change how the
 * gateway reaches its server. A setting the gateway cannot honour is refused, not dropped.
 */
function gatewayTarget(text: string): Pick<GatewayCommand, 'target' | 'connectTimeoutMs'> {
  const url = parseConnectionUrl(text);
  if (url.driver && url.driver !== 'mysql') throw new OptionError(`--target must be a mysql:// URL, got ${url.driver}://`);
  const given = (key: string) => url.query[key] !== undefined;
  const refused = Object.keys(url.query).filter((key) => !TARGET_SETTINGS.has(key));
  if (refused.length) throw new OptionError(`--target: the gateway cannot apply ${refused.join(', ')} (it takes ${[...TARGET_SETTINGS].join(', ')})`);
  // Scoped nulls hide SINGLESTOREDB_* and options.set for these settings, so that only the URL
  // decides them (the TLS mode included) while connect()'s casting and checks still apply.
  const p = withOptions(Object.fromEntries([...TARGET_SETTINGS].map((key) => [key, null])), () => resolveConnectParams(text));
  const tls: WireTlsOptions = {};
  if (['tls_mode', 'ssl_disabled', 'ssl_verify_cert', 'ssl_verify_identity', 'ssl_ca'].some(given) && p.tlsMode) tls.mode = p.tlsMode;
  if (given('ssl_ca')) tls.ca = pem(p.sslCa, 'ssl_ca');
  if (given('ssl_cert')) tls.cert = pem(p.sslCert, 'ssl_cert');
  if (given('ssl_key')) tls.key = pem(p.sslKey, 'ssl_key');
  if (given('ssl_cipher')) tls.ciphers = p.sslCipher;
  if (given('tls_sni_servername')) tls.servername = p.tlsSniServername;
  return {
    target: { host: url.host ?? '127.0.0.1', port: url.port ?? 3306, ...(Object.keys(tls).length ? { tls } : {}) },
    connectTimeoutMs: given('connect_timeout') && p.connectTimeout !== undefined ? p.connectTimeout * 1000 : undefined,
  };
}

/** Parses argv into a command; bad input is an OptionError whose message says what to fix. */
export function parseCommand(argv: string[]): GatewayCommand | UdfServeCommand | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      target: { type: 'string' },
      // No defaults here for flags both servers take: the UDF server's come from the
      // external_function options, the gateway's do not.
      host: { type: 'string' },
      port: { type: 'string' },
      url: { type: 'string' },
      format: { type: 'string' },
      db: { type: 'string' },
      register: { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
      'function-database': { type: 'string' },
      'link-name': { type: 'string' },
      'name-prefix': { type: 'string' },
      'name-suffix': { type: 'string' },
      'log-level': { type: 'string' },
      collocated: { type: 'boolean', default: false },
      'socket-path': { type: 'string' },
      'max-connections': { type: 'string' },
      'query-timeout': { type: 'string', default: '0' },
      'request-timeout': { type: 'string', default: '30000' },
      'max-queued': { type: 'string' },
      workers: { type: 'string', default: '0' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, sub, file] = positionals;
  if (command === 'udf') {
    if (sub !== 'serve') throw new OptionError(sub ? `unknown udf command '${sub}'` : "'s2 udf' needs a command: serve");
    if (!file) throw new OptionError('s2 udf serve needs the module that exports the functions');
    return udfServe(file, values);
  }
  if (command !== 'data-api-gateway') throw new OptionError(command ? `unknown command '${command}'` : 'no command given');
  const target = values.target ?? process.env.SINGLESTOREDB_URL;
  if (!target) throw new OptionError('--target (or SINGLESTOREDB_URL) is required: the MySQL-protocol server to front');
  return {
    command: 'data-api-gateway',
    ...gatewayTarget(target),
    host: values.host ?? '127.0.0.1',
    port: port(values.port, 9000),
    verbose: values.verbose!,
    maxConnections: positiveInt(values['max-connections'] ?? '32', '--max-connections'),
    queryTimeoutMs: wholeNumber(values['query-timeout']!, '--query-timeout'),
    requestTimeoutMs: positiveInt(values['request-timeout']!, '--request-timeout'),
    maxQueued: values['max-queued'] === undefined ? undefined : wholeNumber(values['max-queued'], '--max-queued'),
  };
}

type UdfFlags = {
  host?: string;
  port?: string;
  url?: string;
  format?: string;
  db?: string;
  register?: boolean;
  replace?: boolean;
  'function-database'?: string;
  'link-name'?: string;
  'name-prefix'?: string;
  'name-suffix'?: string;
  'log-level'?: string;
  collocated?: boolean;
  'socket-path'?: string;
  'max-connections'?: string;
  workers?: string;
};

/**
 * `s2 udf serve`: each setting from its flag, else its SINGLESTOREDB_EXT_FUNC_* variable (as the
 * reference's command line takes them), else the command's own default. Collocated functions
 * speak ROWDAT_1 only, and so does the reference's collocated server, whatever
 * SINGLESTOREDB_EXT_FUNC_DATA_FORMAT says: only an explicit --format is refused there.
 */
function udfServe(file: string, values: UdfFlags): UdfServeCommand {
  const given = values.format;
  if (given !== undefined && !(UDF_FORMATS as readonly string[]).includes(given)) throw new OptionError(`--format must be rowdat_1 or json, got '${given}'`);
  if (values.collocated && given !== undefined && given !== 'rowdat_1') throw new OptionError('collocated functions speak ROWDAT_1 only: drop --format');
  const format = values.collocated
    ? 'rowdat_1'
    : ((given as UdfServeCommand['format'] | undefined) ?? chosen<UdfServeCommand['format']>('data_format') ?? 'rowdat_1');
  const logLevel = values['log-level'] ?? chosen<string>('log_level') ?? 'info';
  if (!(UDF_LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new OptionError(`--log-level must be one of ${UDF_LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  // external_function.connection also reads SINGLESTOREDB_URL.
  const db = values.db ?? chosen<string>('connection');
  if (values.register && !db) throw new OptionError('--register needs --db (or SINGLESTOREDB_EXT_FUNC_CONNECTION or SINGLESTOREDB_URL)');
  const linkName = values['link-name'] ?? chosen<string>('link_name');
  // Written unquoted into CREATE statements (LINK name), so refused now rather than at --register.
  if (linkName !== undefined && !/^\w+$/.test(linkName)) throw new OptionError(`--link-name must be letters, digits and _, got '${linkName}'`);
  const maxConnections = values['max-connections'];
  return {
    command: 'udf-serve',
    file,
    host: values.host ?? chosen<string>('host') ?? '127.0.0.1',
    port: values.port !== undefined ? port(values.port, 8000) : (chosen<number>('port') ?? 8000),
    url: values.url ?? chosen<string>('url'),
    format,
    db,
    register: values.register!,
    replace: values.replace || (chosen<boolean>('replace_existing') ?? false),
    functionDatabase: values['function-database'] ?? chosen<string>('function_database'),
    namePrefix: values['name-prefix'] ?? chosen<string>('name_prefix'),
    nameSuffix: values['name-suffix'] ?? chosen<string>('name_suffix'),
    linkName,
    logLevel: logLevel as UdfLogLevel,
    collocated: values.collocated!,
    socketPath: values['socket-path'] ?? chosen<string>('socket_path'),
    maxConnections: maxConnections !== undefined ? positiveInt(maxConnections, '--max-connections') : (chosen<number>('max_connections') ?? 32),
    workers: wholeNumber(values.workers!, '--workers'),
  };
}
