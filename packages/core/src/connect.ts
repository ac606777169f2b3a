import { requireNative } from '@s2/native';
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { InterfaceError, NotSupportedError, options, OptionError, setScopeStorage, type DecodeOptions, type SqlTransport } from '@s2/base';
import { connectHttp, type HttpOptions } from '@s2/http';
import { connectWire, type TlsMode, type WireOptions } from '@s2/wire';
import { Connection } from './connection/connection.js';
import { resolveConnectParams, type ConnectOptions, type ResolvedConnectParams } from './params/index.js';
import { layerTlsMode } from './params/tls.js';

// Node has async context: make withOptions() scopes follow awaits.
setScopeStorage(new AsyncLocalStorage());

/** Opens a transport for a driver name; other packages (e.g. @s2/http) register theirs. */
export type DriverFactory = (params: ResolvedConnectParams) => Promise<SqlTransport>;
const drivers = new Map<string, DriverFactory>();

export function registerDriver(name: string, factory: DriverFactory): void {
  drivers.set(name, factory);
}

function readPem(path: string | undefined, what: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new OptionError(`cannot read ${what} file '${path}': ${(err as Error).message}`, { cause: err });
  }
}

/** Maps the reference's ssl_* switches onto a TLS mode (undefined: the host-dependent default). */
export function tlsModeFor(p: ResolvedConnectParams): TlsMode | undefined {
  // Resolved parameters carry the effective mode (see params/tls.ts); hand-built ones are read alike.
  return p.tlsMode ?? layerTlsMode({ settings: p, name: (snake) => snake });
}

/** The value-decoding choices of `connect()` options, shared by every connector. */
function decodeOptionsFor(p: ResolvedConnectParams): Partial<DecodeOptions> {
  return {
    int64: p.int64,
    decimal: p.decimal,
    timezone: p.timezone,
    dateStrings: p.dateStrings,
    parseJson: p.parseJson,
    encodingErrors: p.encodingErrors,
    conv: p.conv,
  };
}

export function wireOptionsFor(p: ResolvedConnectParams): WireOptions {
  const mode = tlsModeFor(p);
  return {
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    database: p.database,
    charset: p.charset,
    tls: {
      mode,
      ca: readPem(p.sslCa, 'ssl_ca'),
      cert: readPem(p.sslCert, 'ssl_cert'),
      key: readPem(p.sslKey, 'ssl_key'),
      ciphers: p.sslCipher,
      servername: p.tlsSniServername,
    },
    localInfile: p.localInfile,
    localInfileDir: p.localInfileDir,
    multiStatements: p.multiStatements,
    clientFoundRows: p.clientFoundRows,
    connectTimeoutMs: (p.connectTimeout ?? 10) * 1000,
    programName: p.programName,
    connAttrs: p.connAttrs,
    autocommit: p.autocommit,
    enableExtendedDataTypes: p.enableExtendedDataTypes,
    vectorDataFormat: p.vectorDataFormat,
    // A JWT travels as the password through mysql_clear_password, which needs TLS.
    allowCleartextPassword: false,
    decodeOptions: decodeOptionsFor(p),
  };
}

registerDriver('mysql', async (p) => connectWire(wireOptionsFor(p)));

export function httpOptionsFor(p: ResolvedConnectParams): HttpOptions {
  if (p.multiStatements) throw new InterfaceError('The Data API does not allow multiple statements within a query', { errno: 0 });
  if (p.driver === 'https' && (p.sslCa || p.sslCert || p.sslKey || p.sslDisabled || p.sslVerifyCert === false)) {
    // fetch takes no per-request TLS settings; Node reads extra CAs from NODE_EXTRA_CA_CERTS.
    throw new NotSupportedError('custom TLS settings are not supported by the Data API connector; set NODE_EXTRA_CA_CERTS for a private CA');
  }
  return {
    host: p.host,
    port: p.port,
    driver: p.driver as 'http' | 'https',
    user: p.user,
    password: p.password,
    // credentialType 'jwt': the password is a token, sent as a Bearer credential.
    bearerToken: p.credentialType === 'jwt' ? p.password : undefined,
    database: p.database,
    connectTimeoutMs: (p.connectTimeout ?? 10) * 1000,
    decodeOptions: decodeOptionsFor(p),
  };
}

registerDriver('http', async (p) => connectHttp(httpOptionsFor(p)));
registerDriver('https', async (p) => connectHttp(httpOptionsFor(p)));

/**
 * Connects to SingleStoreDB (or any MySQL-compatible server).
 *
 * `connect('user:pw@host:3306/db')`, `connect({ host, user, ... })`, or `connect(url, options)`
 * where options beat the URL. With no arguments, SINGLESTOREDB_URL / SINGLESTOREDB_* apply.
 */
export async function connect(urlOrOptions?: string | ConnectOptions, overrides: ConnectOptions = {}): Promise<Connection> {
  const params = resolveConnectParams(urlOrOptions, overrides);
  // pure_js=false means "native or nothing": say so now rather than at the first frame.
  if (params.pureJs === false) requireNative();
  const factory = drivers.get(params.driver);
  if (!factory) {
    throw new NotSupportedError(
      `the '${params.driver}' driver is not available: install and import @s2/http to use the Data API`,
    );
  }
  const link = await factory(params);
  return new Connection(link, { ...params, resultsType: params.resultsType ?? (options.get('results.type') as string) }, (next) => {
    const reopen = drivers.get(next.driver);
    if (!reopen) throw new NotSupportedError(`the '${next.driver}' driver is not available`);
    return reopen(next);
  });
}
