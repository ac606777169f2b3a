import { options, OptionError, OPTION_DEFINITIONS, parseBool, parseTimezone } from '@s2/base';
import { PARAM_NAMES, type ConnectOptions, type ResolvedConnectParams } from './connect-options.js';
import { knownDriverName, knownDriverNames } from './driver-names.js';
import { identityOffAbove, resolveTlsMode, TLS_DECIDING_KEYS, type TlsSettings } from './tls.js';
import { isIpv6Literal, looksLikeUrl, parseConnectionUrl } from './url.js';

const OPTION_BY_NAME = new Map(OPTION_DEFINITIONS.map((d) => [d.name, d]));
const CAMEL_BY_SNAKE = new Map<string, keyof ConnectOptions>(
  Object.entries(PARAM_NAMES).flatMap(([camel, snake]) => {
    const pairs: [string, keyof ConnectOptions][] = [
      [snake, camel as keyof ConnectOptions],
      [camel, camel as keyof ConnectOptions],
    ];
    if (snake === 'results.type') pairs.push(['results_type', 'resultsType']);
    if (snake === 'pure_js') pairs.push(['pure_python', 'pureJs']);
    return pairs;
  }),
);

/** Accepts camelCase keys and the SingleStoreDB Python SDK's snake_case names; anything else is an error. */
export function normalizeConnectOptions(input: Record<string, unknown>): ConnectOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const camel = CAMEL_BY_SNAKE.get(key) ?? CAMEL_BY_SNAKE.get(key.toLowerCase());
    if (!camel) throw new OptionError(`Unrecognized connection parameter: ${key}`);
    out[camel] = castExplicit(camel, value);
  }
  return out as ConnectOptions;
}

/** Options whose meaning is fixed whatever the option registry says. */
const KIND_OF: Partial<Record<keyof ConnectOptions, string>> = {
  conv: 'map',
  connAttrs: 'map',
  socketOptions: 'map',
  queryTimeoutMs: 'int',
  localInfileDir: 'string',
  resultsFormat: 'results',
  resultsType: 'results',
};

/**
 * Brings a value given in code to its parameter's type, as the Python SDK's `_cast_params`
 * does. Unchecked, a string such as 'false' would be truthy where a boolean is read, turning
 * on what it meant to turn off (TLS verification, LOCAL INFILE, autocommit).
 */
function castExplicit(camel: keyof ConnectOptions, value: unknown): unknown {
  // null keeps meaning "not set here" (and "decide automatically" for the optional booleans).
  if (value === null) return value;
  const snake = PARAM_NAMES[camel];
  const what = `Connection parameter ${snake}`;
  const def = OPTION_BY_NAME.get(snake);
  const kind = KIND_OF[camel] ?? def?.type.kind ?? 'string';
  switch (kind) {
    case 'bool':
    case 'optional-bool':
      return typeof value === 'string' ? validateLike(kind, value, snake, {}) : parseBool(value, what);
    case 'int':
      if (typeof value === 'string') return validateLike(kind, value, snake, {});
      if (typeof value !== 'number' || Number.isNaN(value)) throw new OptionError(`${what}: ${describe(value)} is not a number`);
      return value;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) throw new OptionError(`${what}: expected an object, got ${describe(value)}`);
      return value;
    case 'results':
      // Spellings beyond the registry's list ('DictCursor'...) are normalized later.
      if (typeof value !== 'string') throw new OptionError(`${what}: ${describe(value)} is not a string`);
      return value;
    default:
      if (typeof value !== 'string') throw new OptionError(`${what}: ${describe(value)} is not a string`);
      return def ? validateLike(kind, value, snake, def.type) : value;
  }
}

/** A wrong-typed value for a message; the text of strings is never shown (it may be a password). */
function describe(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Casts a text value (URL query string) to the type of the parameter it names. */
function castParam(camel: keyof ConnectOptions, value: string): unknown {
  const snake = PARAM_NAMES[camel];
  // local_infile_dir widens what a server may read: only code may set it, never a URL.
  if (camel === 'conv' || camel === 'connAttrs' || camel === 'socketOptions' || camel === 'localInfileDir') {
    throw new OptionError(`Connection parameter ${snake} cannot be given in a URL`);
  }
  const def = OPTION_BY_NAME.get(snake);
  if (!def && camel === 'queryTimeoutMs') return validateLike('int', value, snake, {});
  return def ? validateLike(def.type.kind, value, snake, def.type) : value;
}

function validateLike(kind: string, value: string, name: string, type: unknown): unknown {
  switch (kind) {
    case 'bool':
    case 'optional-bool': {
      const v = value.trim().toLowerCase();
      if (['1', 'on', 't', 'true', 'y', 'yes', 'enabled', 'enable'].includes(v)) return true;
      if (['0', 'off', 'f', 'false', 'n', 'no', 'disabled', 'disable'].includes(v)) return false;
      throw new OptionError(`Connection parameter ${name}: '${value}' is not a boolean`);
    }
    case 'int':
      if (!/^\s*-?\d+\s*$/.test(value)) throw new OptionError(`Connection parameter ${name}: '${value}' is not an integer`);
      return Number(value);
    default: {
      const { oneOf, note } = type as { oneOf?: readonly string[]; note?: string };
      if (oneOf && !oneOf.includes(value))
        throw new OptionError(`Connection parameter ${name}: '${value}' is not one of ${oneOf.join(', ')}${note ? `; ${note}` : ''}`);
      return value;
    }
  }
}

/**
 * query_timeout_ms is s2's own and has no entry in the option registry, so its variable is read
 * here, spelled the registry's way (with underscores, or without them).
 */
const QUERY_TIMEOUT_ENV = ['SINGLESTOREDB_QUERY_TIMEOUT_MS', 'SINGLESTOREDBQUERYTIMEOUTMS'];

function option(camel: keyof ConnectOptions): unknown {
  const snake = PARAM_NAMES[camel];
  if (camel === 'queryTimeoutMs') {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
    for (const name of QUERY_TIMEOUT_ENV) {
      const raw = env[name];
      if (raw !== undefined && raw !== '') return validateLike('int', raw, `${snake} (environment variable ${name})`, {});
    }
    return undefined;
  }
  return OPTION_BY_NAME.has(snake) ? options.get(snake) : undefined;
}

/**
 * Resolves `connect(urlOrOptions, overrides)` (wire.md §1.2) with one deliberate change:
 * anything spelled out explicitly beats the URL. Precedence, highest first: `overrides`, other
 * explicit options, the URL (explicit host or SINGLESTOREDB_URL), environment variables and
 * `options.set`, defaults.
 */
export function resolveConnectParams(
  urlOrOptions?: string | ConnectOptions | Record<string, unknown>,
  overrides: ConnectOptions | Record<string, unknown> = {},
): ResolvedConnectParams {
  const base = typeof urlOrOptions === 'string' ? { host: urlOrOptions } : normalizeConnectOptions((urlOrOptions ?? {}) as Record<string, unknown>);
  const explicit: ConnectOptions = { ...base, ...normalizeConnectOptions(overrides as Record<string, unknown>) };
  if (explicit.resultsFormat !== undefined) {
    explicit.resultsType = explicit.resultsFormat;
    delete explicit.resultsFormat;
  }

  const host = explicit.host ?? (option('host') as string | null) ?? '127.0.0.1';
  const fromUrl: ConnectOptions = {};
  // A bare IPv6 literal is a host, brackets or not (`::1`, `[::1]`), never a URL with a port.
  let resolvedHost = isIpv6Literal(host) ? host.replace(/^\[(.*)\]$/, '$1') : host;
  if (looksLikeUrl(host)) {
    const url = parseConnectionUrl(host);
    if (url.host !== undefined) resolvedHost = url.host;
    if (url.driver !== undefined) fromUrl.driver = url.driver;
    if (url.port !== undefined) fromUrl.port = url.port;
    if (url.user !== undefined) fromUrl.user = url.user;
    if (url.password !== undefined) fromUrl.password = url.password;
    if (url.database !== undefined) fromUrl.database = url.database;
    for (const [key, value] of Object.entries(url.query)) {
      const camel = CAMEL_BY_SNAKE.get(key);
      if (!camel || camel === 'host') throw new OptionError(`Unrecognized connection parameter: ${key}`);
      (fromUrl as Record<string, unknown>)[camel] = castParam(camel, value);
    }
  }

  if (fromUrl.resultsFormat !== undefined) {
    fromUrl.resultsType = fromUrl.resultsFormat;
    delete fromUrl.resultsFormat;
  }

  const out: Record<string, unknown> = {};
  for (const camel of Object.keys(PARAM_NAMES) as (keyof ConnectOptions)[]) {
    if (camel === 'resultsFormat') continue;
    const value = explicit[camel] ?? fromUrl[camel] ?? (camel === 'conv' ? undefined : option(camel));
    if (value !== undefined && value !== null) out[camel] = value;
  }
  applyTlsPrecedence(out, explicit, fromUrl);
  out.host = resolvedHost || 'localhost';
  const requested = String(out.driver ?? 'mysql');
  const driver = knownDriverName(requested);
  if (driver === null) {
    throw new OptionError(
      `Unrecognized protocol: ${requested} (known drivers: ${knownDriverNames().join(', ')}; register another with registerDriver before connecting)`,
    );
  }
  out.driver = driver;
  if (!out.port) {
    const httpPort = options.get('http_port') as number;
    out.port = driver === 'http' ? httpPort || 80 : driver === 'https' ? httpPort || 443 : 3306;
  }
  if (typeof out.port !== 'number' || !Number.isInteger(out.port) || out.port < 1 || out.port > 65535) {
    throw new OptionError(`Invalid port: ${String(out.port)}`);
  }
  if (out.user === undefined && !out.password) delete out.password;
  if (out.sslCa && out.sslVerifyCert == null && (!out.tlsMode || String(out.tlsMode).startsWith('verify'))) out.sslVerifyCert = true;
  const timeout = out.connectTimeout as number | undefined;
  if (timeout !== undefined && (!(timeout > 0) || timeout > 31_536_000)) {
    throw new OptionError(`connect_timeout must be in (0, 31536000] seconds, got ${timeout}`);
  }
  const queryTimeout = out.queryTimeoutMs as number | undefined;
  if (queryTimeout !== undefined && !(Number.isInteger(queryTimeout) && queryTimeout > 0)) {
    throw new OptionError(`query_timeout_ms must be a positive integer (milliseconds), got ${String(queryTimeout)}`);
  }
  if (out.vectorDataFormat !== undefined) {
    const f = String(out.vectorDataFormat).toLowerCase();
    if (f !== 'json' && f !== 'binary') throw new OptionError(`vector_data_format must be 'json' or 'binary', got '${String(out.vectorDataFormat)}'`);
    out.vectorDataFormat = f;
  }
  if (out.timezone !== undefined) {
    // The decoders parse it at the first date value; an unusable zone must fail here instead.
    try {
      parseTimezone(String(out.timezone));
    } catch (err) {
      throw new OptionError(`timezone: '${String(out.timezone)}' is not usable; use 'local', 'Z' or '+HH:MM' (IANA zone names are not supported)`, {
        cause: err,
      });
    }
  }
  out.resultsType = normalizeResultsType(String(out.resultsType ?? 'tuples'));
  return out as unknown as ResolvedConnectParams;
}

const tlsPart = (o: ConnectOptions): TlsSettings => ({
  tlsMode: o.tlsMode,
  sslDisabled: o.sslDisabled,
  sslVerifyCert: o.sslVerifyCert,
  sslVerifyIdentity: o.sslVerifyIdentity,
  sslCa: o.sslCa,
});

/**
 * TLS is decided by the highest layer that says anything about it (code, then URL, then the
 * environment and `options.set`), never by a mix: a weaker setting further down cannot undo a
 * stronger one asked for above. The one setting that reaches down is ssl_verify_identity=false,
 * which alone decides nothing but turns a lower layer's verify-full into verify-ca.
 * ssl_disabled=false keeps TLS on: a lower layer's 'disabled' is passed over, any other mode of
 * it still decides. `out.tlsMode` becomes the effective mode (unset for the host default).
 */
function applyTlsPrecedence(out: Record<string, unknown>, explicit: ConnectOptions, fromUrl: ConnectOptions): void {
  const fromEnv: ConnectOptions = {};
  for (const key of [...TLS_DECIDING_KEYS, 'sslCa'] as const) {
    // ssl_disabled's registry default (false) is nobody's setting: read as one, it would clash
    // with SINGLESTOREDB_TLS_MODE=disabled.
    const [{ value, source }] = options.describe(PARAM_NAMES[key]);
    if (source !== 'default' && value !== undefined && value !== null) (fromEnv as Record<string, unknown>)[key] = value;
  }
  const layers = [
    { source: explicit, settings: tlsPart(explicit), name: (snake: string) => `${snake} (connect() option)` },
    { source: fromUrl, settings: tlsPart(fromUrl), name: (snake: string) => `${snake} (connection URL)` },
    { source: fromEnv, settings: tlsPart(fromEnv), name: (snake: string) => `${snake} (SINGLESTOREDB_${snake.toUpperCase()} or options.set)` },
  ];
  const { mode, from } = resolveTlsMode(layers);
  for (const key of TLS_DECIDING_KEYS) delete out[key];
  if (from >= 0) {
    const winner = layers[from].source;
    for (const key of TLS_DECIDING_KEYS) if (winner[key] !== undefined && winner[key] !== null) out[key] = winner[key];
  }
  // Kept when nothing decided too, for the connectors that must refuse it (https always checks).
  if (identityOffAbove(layers, from < 0 ? layers.length : from)) out.sslVerifyIdentity = false;
  // undefined: nothing decided, or ssl_disabled=false did; the driver's host default applies.
  if (mode !== undefined) out.tlsMode = mode;
}

/** Maps the SingleStoreDB Python SDK's spellings onto s2's names ('dicts' → 'objects', 'tuple' → 'tuples'...). */
export function normalizeResultsType(type: string): string {
  const t = type.toLowerCase();
  if (t.includes('dict') || t === 'object' || t === 'objects') return 'objects';
  if (t.includes('namedtuple')) return 'namedtuples';
  if (t.includes('arrow')) return 'arrow';
  if (t === 'numpy' || t === 'columns') return 'columns';
  if (t === 'tuple' || t === 'tuples' || t.includes('structsequence')) return 'tuples';
  return t;
}
