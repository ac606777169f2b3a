import { InterfaceError, NotSupportedError, options, OptionError, type DecodeOptions } from '@s2/base';
// Types only: the transports are optional packages, loaded when a connection needs one.
import type { connectHttp, HttpOptions } from '@s2/http';
import type { connectWire, TlsMode, WireOptions } from '@s2/wire';
import { Connection } from './connection/connection.js';
import { chooseDecoder } from './drivers/decoder.js';
import { findDriver, registerPackagedDriver } from './drivers/registry.js';
import { resolveConnectParams, type ConnectOptions, type ResolvedConnectParams } from './params/index.js';
import { layerTlsMode } from './params/tls.js';

export { registerDriver, type DriverFactory } from './drivers/registry.js';

/** Node's fs, reached without a static import so that this module bundles for browsers too. */
function nodeFs(): typeof import('node:fs') {
  const fs = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process?.getBuiltinModule?.('node:fs');
  if (!fs) throw new NotSupportedError('TLS files (ssl_ca, ssl_cert, ssl_key) can only be read under Node');
  return fs as typeof import('node:fs');
}

function readPem(path: string | undefined, what: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return nodeFs().readFileSync(path);
  } catch (err) {
    throw new OptionError(`cannot read ${what} file '${path}': ${(err as Error).message}`, { cause: err });
  }
}

// Any PEM private key block: PKCS#8 (plain or encrypted) or the traditional RSA/EC/DSA ones.
const PRIVATE_KEY_PEM = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/**
 * The client certificate and its key. Without ssl_key the key is looked for in the ssl_cert file,
 * as the Python SDK's load_cert_chain(cert, keyfile=None) does; a certificate that cannot be
 * presented is an error rather than a connection without it.
 */
function clientCertificate(p: ResolvedConnectParams): { cert?: Buffer; key?: Buffer } {
  const cert = readPem(p.sslCert, 'ssl_cert');
  const key = readPem(p.sslKey, 'ssl_key');
  if (!cert || key) return { cert, key };
  if (!PRIVATE_KEY_PEM.test(cert.toString('latin1'))) throw new OptionError(`ssl_cert has no private key; set ssl_key (ssl_cert file '${p.sslCert}')`);
  return { cert, key: cert };
}

/**
 * Maps the ssl_* switches of the SingleStoreDB Python SDK (singlestoredb 1.18.1) onto a TLS mode
 * (undefined: the host-dependent default).
 */
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
      ...clientCertificate(p),
      ciphers: p.sslCipher,
      servername: p.tlsSniServername,
    },
    localInfile: p.localInfile,
    localInfileDir: p.localInfileDir,
    multiStatements: p.multiStatements,
    clientFoundRows: p.clientFoundRows,
    connectTimeoutMs: (p.connectTimeout ?? 10) * 1000,
    queryTimeoutMs: p.queryTimeoutMs,
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

registerPackagedDriver('mysql', { package: '@s2/wire', open: (wire: { connectWire: typeof connectWire }, p) => wire.connectWire(wireOptionsFor(p)) });

export function httpOptionsFor(p: ResolvedConnectParams): HttpOptions {
  if (p.multiStatements) throw new InterfaceError('The Data API does not allow multiple statements within a query', { errno: 0 });
  const mode = tlsModeFor(p);
  if (p.driver === 'http' && mode !== undefined && mode !== 'disabled' && mode !== 'preferred') {
    // Plain http cannot honour a TLS requirement; silently sending credentials in clear would.
    throw new OptionError(
      `contradictory settings: tls_mode '${mode}' (from ssl_*/tls_mode settings in code, URL or SINGLESTOREDB_* variables) requires TLS, but driver 'http' sends everything in clear text; use https or drop the TLS setting`,
    );
  }
  if (p.driver === 'https' && (p.sslCa || p.sslCert || p.sslKey || (mode !== undefined && mode !== 'verify-full') || p.sslVerifyIdentity === false)) {
    // fetch takes no per-request TLS settings and always verifies in full; Node reads extra CAs
    // from NODE_EXTRA_CA_CERTS. A weaker mode asked for would otherwise be silently ignored.
    throw new NotSupportedError(
      `custom TLS settings are not supported by the Data API connector, which always verifies the certificate and host name${mode && mode !== 'verify-full' ? ` (tls_mode '${mode}' asked for)` : ''}; set NODE_EXTRA_CA_CERTS for a private CA`,
    );
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
    // Also bounds a body that stalls after the headers.
    requestTimeoutMs: p.queryTimeoutMs,
    decodeOptions: decodeOptionsFor(p),
  };
}

const dataApi = {
  package: '@s2/http',
  open: (http: { connectHttp: typeof connectHttp }, p: ResolvedConnectParams) => http.connectHttp(httpOptionsFor(p)),
} as const;
registerPackagedDriver('http', dataApi);
registerPackagedDriver('https', dataApi);

/**
 * Connects to SingleStoreDB (or any MySQL-compatible server).
 *
 * `connect('user:pw@host:3306/db')`, `connect({ host, user, ... })`, or `connect(url, options)`
 * where options beat the URL. With no arguments, SINGLESTOREDB_URL / SINGLESTOREDB_* apply.
 */
export async function connect(urlOrOptions?: string | ConnectOptions, overrides: ConnectOptions = {}): Promise<Connection> {
  const params = resolveConnectParams(urlOrOptions, overrides);
  refuseBrowserSso(params);
  // The decoder is chosen once per connection; pure_js=false fails here rather than at the first frame.
  const decoder = await chooseDecoder(params.pureJs);
  const factory = await findDriver(params.driver);
  const link = await factory(params);
  return new Connection(
    link,
    { ...params, resultsType: params.resultsType ?? (options.get('results.type') as string) },
    async (next) => {
      refuseBrowserSso(next);
      return (await findDriver(next.driver))(next);
    },
    decoder,
  );
}

/**
 * The Python SDK's browser_sso opens a browser and waits for the portal to hand a JWT to a local
 * listener. s2 has no such flow, and logging in with whatever password was given instead is not
 * the login that was asked for.
 */
function refuseBrowserSso(p: ResolvedConnectParams): void {
  if (p.credentialType !== 'browser_sso') return;
  throw new NotSupportedError(
    "credential_type 'browser_sso' is not supported: obtain a JWT (for example from the SingleStore portal) and pass it as the password with credential_type 'jwt'",
  );
}
