import { options as s2Options, parseBool } from '@s2/base';
import { ManagementError } from '../errors.js';
import { isJwt } from './jwt.js';
import type { TraceEvent } from './trace.js';

/**
 * Options of every manager. Token, base URL and version fall back to the `management.*` option
 * (`options.set`, `withOptions` or its variable in process.env), then to the variable in `env`,
 * then to the default; the others to their `SINGLESTOREDB_MANAGEMENT_*` variable, then the default.
 */
export interface ManagementOptions {
  /** API key or JWT. Default: option `management.token` / `SINGLESTOREDB_MANAGEMENT_TOKEN`, else a JWT password in `SINGLESTOREDB_URL`. */
  token?: string;
  /** Default: option `management.base_url` / `SINGLESTOREDB_MANAGEMENT_BASE_URL`, else `https://api.singlestore.com`. The version is appended as a path segment. */
  baseUrl?: string;
  /** `v2` (default, or option `management.version` / `SINGLESTOREDB_MANAGEMENT_VERSION`) or `v1`. */
  version?: string;
  /** Sent as `organizationID` on every request (else `SINGLESTOREDB_ORGANIZATION`). */
  organizationId?: string;
  /** Where `SINGLESTOREDB_*` variables are read from. Default: `process.env` when there is one. */
  env?: Record<string, string | undefined>;
  /** Retries of idempotent calls (GET/HEAD/OPTIONS/PUT/DELETE) on 429/5xx and transport errors. Default 4 (`SINGLESTOREDB_MANAGEMENT_RETRIES`). */
  retries?: number;
  /** Backoff factor in ms: waits 0, 2×, 4×, 8× … (`SINGLESTOREDB_MANAGEMENT_RETRY_BACKOFF` seconds, default 0.5 s). */
  retryBackoffMs?: number;
  /** Longest single backoff wait (default 120 s). */
  retryBackoffMaxMs?: number;
  /** Retries of a create that lost the organization lock. Default 5 (`SINGLESTOREDB_MANAGEMENT_LOCK_RETRIES`). */
  lockRetries?: number;
  /** Lock retry interval in ms: waits min(interval × attempt, 60 s) + jitter. Default 20 s (`SINGLESTOREDB_MANAGEMENT_LOCK_RETRY_INTERVAL` seconds). */
  lockRetryIntervalMs?: number;
  /** Random extra per lock retry, up to this many ms (default 5000). */
  lockRetryJitterMs?: number;
  /** Part of the wait for response headers (fetch cannot observe the connect phase alone). Default 10 s (`SINGLESTOREDB_MANAGEMENT_CONNECT_TIMEOUT`). */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for headers or between body chunks. Default 180 s (`SINGLESTOREDB_MANAGEMENT_READ_TIMEOUT`). */
  readTimeoutMs?: number;
  /** Called once per API call (after retries) with method, path, status, attempts and ms; never sees the token. Default: a stderr logger when option `management.trace` / `SINGLESTOREDB_MANAGEMENT_TRACE` is true. */
  trace?: (event: TraceEvent) => void;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Aborts every call made through these managers. */
  signal?: AbortSignal;
  /** Suppress deprecation warnings of the v1 workspace API. */
  quietDeprecations?: boolean;
  /**
   * Sends a GET with a JSON body (the export status calls), which fetch refuses. Node:
   * `createNodeManagement` from `@s2/management/node` passes one built on node:http.
   */
  getWithBody?: GetWithBody;
}

export type GetWithBody = (url: string, init: { headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;

export interface ResolvedConfig {
  token: string;
  refreshableJwt: boolean;
  baseUrl: string;
  version: string;
  organizationId: string | null;
  env: Record<string, string | undefined>;
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  lockRetries: number;
  lockRetryIntervalMs: number;
  lockRetryJitterMs: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  trace: ((event: TraceEvent) => void) | null;
  fetch: typeof fetch;
  signal: AbortSignal | undefined;
  quietDeprecations: boolean;
  getWithBody: GetWithBody | null;
}

export const DEFAULT_BASE_URL = 'https://api.singlestore.com';
export const DEFAULT_VERSION = 'v2';

function processEnv(): Record<string, string | undefined> {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env ?? {};
}

function nonEmpty(v: string | undefined | null): string | null {
  return v != null && v.trim() !== '' ? v.trim() : null;
}

function numberFrom(env: Record<string, string | undefined>, name: string, scale: number, fallback: number): number {
  const raw = nonEmpty(env[name]);
  if (raw == null) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ManagementError(`${name} must be a non-negative number, got '${raw}'`);
  return n * scale;
}

/**
 * An option's value when something set it (`withOptions`, `options.set`, or its variable in
 * process.env); null when it only has its default, so that the `env` given to the managers is
 * read next and the default comes last.
 */
function optionValue(name: string): string | null {
  try {
    const [d] = s2Options.describe(name);
    return d && d.source !== 'default' && typeof d.value === 'string' ? nonEmpty(d.value) : null;
  } catch {
    return null;
  }
}

/** An explicit argument, then the option, then the variable in `env`. */
function setting(explicit: string | undefined, option: string, env: Record<string, string | undefined>, variable: string): string | null {
  return nonEmpty(explicit) ?? optionValue(option) ?? nonEmpty(env[variable]);
}

/**
 * Option `management.trace`, then SINGLESTOREDB_MANAGEMENT_TRACE in `env`. A value outside the
 * bool vocabulary is an OptionError naming the variable: read loosely, 'disabled' or a typo
 * would have turned tracing on.
 */
function traceWanted(env: Record<string, string | undefined>): boolean {
  const [d] = s2Options.describe('management.trace');
  if (d.source !== 'default') return d.value === true;
  const raw = nonEmpty(env.SINGLESTOREDB_MANAGEMENT_TRACE);
  return raw !== null && parseBool(raw, 'environment variable SINGLESTOREDB_MANAGEMENT_TRACE');
}

/** The password of `SINGLESTOREDB_URL` when it is a JWT (the notebook environment's token). */
function jwtFromUrl(env: Record<string, string | undefined>): string | null {
  const url = nonEmpty(env.SINGLESTOREDB_URL) ?? nonEmpty(env.SINGLESTOREDB_HOST);
  if (!url) return null;
  try {
    const parsed = new URL(url.includes('://') ? url : `singlestoredb://${url}`);
    const pw = decodeURIComponent(parsed.password);
    return pw && isJwt(pw) ? pw : null;
  } catch {
    return null;
  }
}

/** The token the managers use when none is passed: option `management.token`, then `SINGLESTOREDB_MANAGEMENT_TOKEN`, then a JWT password in the URL. */
export function discoverToken(env: Record<string, string | undefined> = processEnv()): string | null {
  return setting(undefined, 'management.token', env, 'SINGLESTOREDB_MANAGEMENT_TOKEN') ?? jwtFromUrl(env);
}

const STRING_OPTIONS = ['token', 'baseUrl', 'version', 'organizationId'] as const;
const NUMBER_OPTIONS = [
  'retries',
  'retryBackoffMs',
  'retryBackoffMaxMs',
  'lockRetries',
  'lockRetryIntervalMs',
  'lockRetryJitterMs',
  'connectTimeoutMs',
  'readTimeoutMs',
] as const;

/** Wrong option types are a ManagementError naming the option, not a TypeError later (or a NaN that disables retries). */
function checkOptions(opts: ManagementOptions): void {
  if (opts === null || typeof opts !== 'object') throw new ManagementError(`management options must be an object, got ${opts === null ? 'null' : typeof opts}`);
  for (const k of STRING_OPTIONS)
    if (opts[k] != null && typeof opts[k] !== 'string') throw new ManagementError(`option ${k} must be a string, got ${typeof opts[k]}`);
  for (const k of NUMBER_OPTIONS) {
    const v = opts[k];
    if (v != null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
      throw new ManagementError(`option ${k} must be a non-negative finite number, got ${typeof v === 'number' ? v : typeof v}`);
  }
  for (const k of ['trace', 'fetch', 'getWithBody'] as const)
    if (opts[k] != null && typeof opts[k] !== 'function') throw new ManagementError(`option ${k} must be a function`);
}

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

export function resolveConfig(opts: ManagementOptions = {}): ResolvedConfig {
  checkOptions(opts);
  const env = opts.env ?? processEnv();
  const token = nonEmpty(opts.token) ?? discoverToken(env);
  if (!token) throw new ManagementError('No management token was configured.');
  const baseUrl = (setting(opts.baseUrl, 'management.base_url', env, 'SINGLESTOREDB_MANAGEMENT_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/i.test(baseUrl) || !parses(baseUrl))
    throw new ManagementError(`the management base URL must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  const version = setting(opts.version, 'management.version', env, 'SINGLESTOREDB_MANAGEMENT_VERSION') ?? DEFAULT_VERSION;
  const f = opts.fetch ?? (globalThis.fetch as typeof fetch | undefined);
  if (!f) throw new ManagementError('No fetch implementation is available; pass options.fetch');
  return new Config(token, env, {
    refreshableJwt: !nonEmpty(opts.token) && isJwt(token),
    baseUrl,
    version,
    organizationId: nonEmpty(opts.organizationId),
    retries: opts.retries ?? numberFrom(env, 'SINGLESTOREDB_MANAGEMENT_RETRIES', 1, 4),
    retryBackoffMs: opts.retryBackoffMs ?? numberFrom(env, 'SINGLESTOREDB_MANAGEMENT_RETRY_BACKOFF', 1000, 500),
    retryBackoffMaxMs: opts.retryBackoffMaxMs ?? 120_000,
    lockRetries: opts.lockRetries ?? numberFrom(env, 'SINGLESTOREDB_MANAGEMENT_LOCK_RETRIES', 1, 5),
    lockRetryIntervalMs: opts.lockRetryIntervalMs ?? numberFrom(env, 'SINGLESTOREDB_MANAGEMENT_LOCK_RETRY_INTERVAL', 1000, 20_000),
    lockRetryJitterMs: opts.lockRetryJitterMs ?? 5000,
    connectTimeoutMs: opts.connectTimeoutMs ?? numberFrom(env, 'SINGLESTOREDB_MANAGEMENT_CONNECT_TIMEOUT', 1000, 10_000),
    readTimeoutMs: opts.readTimeoutMs ?? numberFrom(env, 'SINGLESTOREDB_MANAGEMENT_READ_TIMEOUT', 1000, 180_000),
    trace: opts.trace ?? (traceWanted(env) ? consoleTrace : null),
    fetch: f,
    signal: opts.signal,
    quietDeprecations: opts.quietDeprecations ?? false,
    getWithBody: opts.getWithBody ?? null,
  });
}

/**
 * A resolved configuration whose token and environment (which holds the token, and passwords in
 * SINGLESTOREDB_URL) live in #private fields behind prototype getters, so console.log,
 * util.inspect (even with showHidden) and JSON.stringify of a manager, a resource or its client
 * never print them.
 */
class Config implements ResolvedConfig {
  readonly #token: string;
  readonly #env: Record<string, string | undefined>;
  declare refreshableJwt: boolean;
  declare baseUrl: string;
  declare version: string;
  declare organizationId: string | null;
  declare retries: number;
  declare retryBackoffMs: number;
  declare retryBackoffMaxMs: number;
  declare lockRetries: number;
  declare lockRetryIntervalMs: number;
  declare lockRetryJitterMs: number;
  declare connectTimeoutMs: number;
  declare readTimeoutMs: number;
  declare trace: ((event: TraceEvent) => void) | null;
  declare fetch: typeof fetch;
  declare signal: AbortSignal | undefined;
  declare quietDeprecations: boolean;
  declare getWithBody: GetWithBody | null;

  constructor(token: string, env: Record<string, string | undefined>, settings: Omit<ResolvedConfig, 'token' | 'env'>) {
    this.#token = token;
    this.#env = env;
    Object.assign(this, settings);
  }

  get token(): string {
    return this.#token;
  }

  get env(): Record<string, string | undefined> {
    return this.#env;
  }
}

function consoleTrace(e: TraceEvent): void {
  console.error(
    `[s2 management] ${e.method} ${e.path} -> ${e.status ?? e.error ?? 'error'} (${e.attempts} attempt${e.attempts === 1 ? '' : 's'}, ${e.ms.toFixed(0)} ms)`,
  );
}
