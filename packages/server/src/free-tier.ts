import { OptionError } from '@s2/base';
import type { DatabaseConnection } from '@s2/base';
import { loadCore, type ServerConnectOptions } from './core-peer.js';
import { EnvExport } from './env-export.js';
import { ServerStartError } from './errors.js';
import { dataApiUrl, wireUrl, type UrlParts } from './urls.js';

/** Where free-tier sessions are handed out. */
export const FREE_TIER_BASE_URL = 'https://shell.singlestore.com';

export interface FreeTierOptions {
  /** Base URL of the session service (default {@link FREE_TIER_BASE_URL}; a fake in tests). */
  baseUrl?: string;
  /** Set `SINGLESTOREDB_URL` and `DATABASE_URL` to this session until `stop()` (default false). */
  exportEnv?: boolean;
  /** Overrides the fixed ports of the service (3333 and 443), e.g. behind a local proxy. */
  serverPort?: number;
  dataApiPort?: number;
  /** Abort the login request. */
  signal?: AbortSignal;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

interface SessionBody {
  user: string;
  password: string;
  databaseName: string;
  endpoint: string;
  workspaceID: string;
}

function sessionFields(body: unknown): SessionBody {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (k: keyof SessionBody) => (typeof b[k] === 'string' ? (b[k] as string) : null);
  const s = {
    user: text('user'),
    password: text('password'),
    databaseName: text('databaseName'),
    endpoint: text('endpoint'),
    workspaceID: text('workspaceID'),
  };
  const missing = Object.entries(s)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  if (missing.length) throw new ServerStartError(`the free-tier session answer lacks ${missing.join(', ')}`);
  return s as SessionBody;
}

/** A free-tier SingleStore session: a database on a shared workspace, for as long as it lives. */
export class FreeTierServer {
  readonly serverPort: number;
  readonly dataApiPort: number;
  readonly kaiPort = 27017;
  readonly kaiEnabled = true;
  private active = true;
  private readonly env = new EnvExport();

  constructor(
    private readonly session: SessionBody,
    private readonly cookies: string,
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch,
    ports: { serverPort?: number; dataApiPort?: number },
  ) {
    this.serverPort = ports.serverPort ?? 3333;
    this.dataApiPort = ports.dataApiPort ?? 443;
  }

  get user(): string {
    return this.session.user;
  }
  get password(): string {
    return this.session.password;
  }
  get database(): string {
    return this.session.databaseName;
  }
  get endpoint(): string {
    return this.session.endpoint;
  }
  get workspaceId(): string {
    return this.session.workspaceID;
  }
  /** The `userSessionID` cookie that identifies the login (empty when the service set none). */
  get sessionId(): string {
    return /(?:^|;\s*)userSessionID=([^;]*)/.exec(this.cookies)?.[1] ?? '';
  }
  get running(): boolean {
    return this.active;
  }

  private parts(port: number): UrlParts {
    return { user: this.user, password: this.password, host: this.endpoint, port, database: this.database };
  }
  get connectionUrl(): string {
    return wireUrl(this.parts(this.serverPort));
  }
  get httpConnectionUrl(): string {
    return dataApiUrl(this.parts(this.dataApiPort), true);
  }
  get kaiUrl(): string {
    const host = this.endpoint.replace('shared-dml', 'shared-mongo');
    const user = `${encodeURIComponent(this.user)}^${encodeURIComponent(this.database)}`;
    return `mongodb://${user}:${encodeURIComponent(this.password)}@${host}:${this.kaiPort}/?authMechanism=PLAIN&tls=true&loadBalanced=true&dbName=${encodeURIComponent(this.database)}`;
  }

  exportEnv(): void {
    if (this.active) this.env.apply(this.connectionUrl);
  }

  async connect<C extends DatabaseConnection = DatabaseConnection>(options: ServerConnectOptions = {}): Promise<C> {
    const { useDataApi, ...rest } = options;
    const core = await loadCore();
    return (await core.connect(useDataApi ? this.httpConnectionUrl : this.connectionUrl, rest)) as C;
  }

  /** A shared session has no container logs. */
  async logs(): Promise<string[]> {
    return [];
  }

  /** Ends the session at the service and restores exported variables. Idempotent. */
  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    this.env.restore();
    const res = await this.fetchImpl(new URL('/api/terminate', this.baseUrl), { headers: this.cookies ? { cookie: this.cookies } : {} });
    await res.body?.cancel();
    if (!res.ok) throw new ServerStartError(`the free-tier service refused to end the session: HTTP ${res.status}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  toString(): string {
    return `FreeTierServer('${this.connectionUrl.replace(/:[^:@/]*@/, ':***@')}')`;
  }
}

/** Turns `Set-Cookie` headers into one `Cookie` header (names and values only). */
function cookieHeader(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0]!.trim())
    .filter(Boolean)
    .join('; ');
}

/** Logs in to the free tier and returns the session; non-2xx or non-JSON answers are errors. */
export async function startFreeTier(options: FreeTierOptions = {}): Promise<FreeTierServer> {
  const baseUrl = options.baseUrl ?? FREE_TIER_BASE_URL;
  if (!/^https?:\/\//i.test(baseUrl)) throw new OptionError(`baseUrl must be an http(s) URL, got '${baseUrl}'`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await fetchImpl(new URL('/api/session', baseUrl), { signal: options.signal, headers: { accept: 'application/json' } });
  } catch (err) {
    throw new ServerStartError(`could not reach the free-tier service at ${baseUrl}: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.text();
  if (!res.ok) throw new ServerStartError(`the free-tier service refused a session: HTTP ${res.status}: ${text.slice(0, 200)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ServerStartError(`the free-tier service answered with something other than JSON: ${text.slice(0, 200)}`, { cause: err });
  }
  const server = new FreeTierServer(sessionFields(body), cookieHeader(res), baseUrl, fetchImpl, options);
  if (options.exportEnv) server.exportEnv();
  return server;
}
