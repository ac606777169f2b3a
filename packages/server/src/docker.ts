import { OptionError } from '@s2/base';
import type { StartedTestContainer } from 'testcontainers';
import { loadCore, type CoreConnection } from './core-peer.js';
import { EnvExport } from './env-export.js';
import { ServerStartError } from './errors.js';
import { dataApiUrl, wireUrl, type UrlParts } from './urls.js';

/** The SingleStore dev image (one aggregator, one leaf, Studio, the Data API). */
export const DEFAULT_IMAGE = 'ghcr.io/singlestore-labs/singlestoredb-dev:latest';

const MYSQL_PORT = 3306;
const STUDIO_PORT = 8080;
const DATA_API_PORT = 9000;
const KAI_PORT = 27017;

export interface DockerOptions {
  /** Container name; the engine picks one when absent. */
  name?: string;
  /** Root password (`ROOT_PASSWORD`); a random one when absent. */
  password?: string;
  /** `SINGLESTORE_LICENSE`; defaults to that environment variable. Passed in the container's environment, never on a command line. */
  license?: string;
  /** `SINGLESTORE_VERSION`: the server version the image switches to at start. */
  version?: string;
  /** Starts the MongoDB-compatible Kai API and publishes its port. */
  enableKai?: boolean;
  /** Host ports; each defaults to one the engine assigns. */
  serverPort?: number;
  studioPort?: number;
  dataApiPort?: number;
  kaiPort?: number;
  /** Publish the image's Studio and Data API ports (both true by default; a stand-in image may have neither). */
  studio?: boolean;
  dataApi?: boolean;
  hostname?: string;
  /** Bind mounts: `/data` read-write, `/logs` and `/server` read-only. */
  dataDir?: string;
  logsDir?: string;
  serverDir?: string;
  /** Server globals, each as `SINGLESTORE_SET_GLOBAL_<NAME>`. */
  globalVars?: Record<string, string | number | boolean>;
  /** Absolute path of a SQL file mounted read-only at `/init.sql` (run once by the image). */
  initSql?: string;
  /** More container environment. */
  environment?: Record<string, string>;
  image?: string;
  /** Default database of the connection URLs. */
  database?: string;
  /**
   * How readiness is decided: the image's health check (the dev image defines one), or a loop of
   * SQL connections (needs @s2/core). Default: 'health-check' for the dev image, else 'sql'.
   */
  readiness?: 'health-check' | 'sql';
  /** Deadline for the container to become ready (ms, default 120,000); on expiry it is stopped. */
  startupTimeoutMs?: number;
  /** Set `SINGLESTOREDB_URL` and `DATABASE_URL` to this server until `stop()` (default false). */
  exportEnv?: boolean;
  /** Stop the container when the process exits normally (default false; signals are never taken over). */
  stopOnExit?: boolean;
}

/** A running server in a container. Stop it with `stop()` or `await using`. */
export class DockerServer {
  readonly user = 'root';
  private container: StartedTestContainer | null;
  private readonly env = new EnvExport();
  private readonly exitHook: (() => void) | null;

  constructor(
    container: StartedTestContainer,
    readonly password: string,
    readonly serverPort: number,
    readonly studioPort: number | null,
    readonly dataApiPort: number | null,
    readonly kaiPort: number | null,
    readonly database: string | undefined,
    options: { stopOnExit: boolean },
  ) {
    this.container = container;
    // A best-effort synchronous hook: on 'exit' no promise can be awaited, so the engine is
    // asked to remove the container and the process does not wait for the answer.
    this.exitHook = options.stopOnExit ? () => void this.stop().catch(() => {}) : null;
    if (this.exitHook) process.once('exit', this.exitHook);
  }

  /** Sets `SINGLESTOREDB_URL` and `DATABASE_URL` to this server until `stop()` (what `exportEnv: true` does). */
  exportEnv(): void {
    if (this.container) this.env.apply(this.connectionUrl);
  }

  get kaiEnabled(): boolean {
    return this.kaiPort !== null;
  }

  get running(): boolean {
    return this.container !== null;
  }

  private parts(port: number): UrlParts {
    return { user: this.user, password: this.password, host: 'localhost', port, database: this.database };
  }

  get connectionUrl(): string {
    return wireUrl(this.parts(this.serverPort));
  }

  /** The Data API URL; null when the Data API port is not published. */
  get httpConnectionUrl(): string | null {
    return this.dataApiPort === null ? null : dataApiUrl(this.parts(this.dataApiPort), false);
  }

  get studioUrl(): string | null {
    return this.studioPort === null ? null : `http://localhost:${this.studioPort}`;
  }

  get kaiUrl(): string | null {
    if (this.kaiPort === null) return null;
    return `mongodb://root:${encodeURIComponent(this.password)}@localhost:${this.kaiPort}/?authMechanism=PLAIN&loadBalanced=true`;
  }

  /** Connects through @s2/core (an optional peer), over the wire or the Data API. */
  async connect(options: { useDataApi?: boolean } & Record<string, unknown> = {}): Promise<CoreConnection> {
    const { useDataApi, ...rest } = options;
    const url = useDataApi ? this.httpConnectionUrl : this.connectionUrl;
    if (!url) throw new OptionError('this server publishes no Data API port: start it with dataApi: true');
    const core = await loadCore();
    return core.connect(url, rest);
  }

  /** The container's output, line by line. */
  async logs(): Promise<string[]> {
    if (!this.container) return [];
    return collectLogs(this.container);
  }

  /** Stops and removes the container and restores exported variables. Idempotent. */
  async stop(): Promise<void> {
    const container = this.container;
    this.container = null;
    this.env.restore();
    if (this.exitHook) process.removeListener('exit', this.exitHook);
    if (container) await container.stop({ remove: true, removeVolumes: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  toString(): string {
    return `DockerServer('${this.connectionUrl.replace(/:[^:@/]*@/, ':***@')}')`;
  }
}

async function collectLogs(container: StartedTestContainer): Promise<string[]> {
  const stream = await container.logs();
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on('data', (d: Buffer | string) => chunks.push(Buffer.from(d)));
    stream.on('end', resolve);
    stream.on('error', () => resolve());
    // The log stream follows the container; what has been written so far arrives at once.
    setTimeout(() => {
      resolve();
      (stream as { destroy?: () => void }).destroy?.();
    }, 500).unref();
  });
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** About 14 URL-safe characters, like the default of the SingleStoreDB Python SDK (singlestoredb 1.18.1). */
function randomPassword(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(10));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function portBinding(container: number, host: number | undefined): number | { container: number; host: number } {
  if (host === undefined) return container;
  if (!Number.isInteger(host) || host < 1 || host > 65535) throw new OptionError(`a host port must be 1..65535, got ${host}`);
  return { container, host };
}

function environmentFor(o: DockerOptions, password: string): Record<string, string> {
  const env: Record<string, string> = { ROOT_PASSWORD: password };
  const license = o.license ?? process.env.SINGLESTORE_LICENSE;
  if (license) env.SINGLESTORE_LICENSE = license;
  if (o.version) env.SINGLESTORE_VERSION = o.version;
  if (o.enableKai) env.ENABLE_KAI = '1';
  for (const [k, v] of Object.entries(o.globalVars ?? {})) env[`SINGLESTORE_SET_GLOBAL_${k.toUpperCase()}`] = String(v);
  return { ...env, ...o.environment };
}

/** Polls SQL connections until one succeeds or the deadline passes; resolves to the last error on failure. */
async function waitForSql(url: string, deadline: number): Promise<unknown> {
  const core = await loadCore();
  let last: unknown = new Error('no connection attempt was made before the deadline');
  while (Date.now() < deadline) {
    try {
      const conn = await core.connect(url, { connectTimeout: Math.max(1, Math.min(10, Math.ceil((deadline - Date.now()) / 1000))) });
      await conn.close();
      return null;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return last;
}

/**
 * Starts a SingleStore dev container (or any image that behaves like one) through
 * testcontainers, and resolves once it accepts connections. Needs a Docker-compatible engine
 * (`DOCKER_HOST`); the engine's errors surface as `ServerStartError`.
 */
export async function startDocker(options: DockerOptions = {}): Promise<DockerServer> {
  if (options.initSql !== undefined && !options.initSql.startsWith('/')) throw new OptionError(`initSql must be an absolute path, got '${options.initSql}'`);
  const image = options.image ?? DEFAULT_IMAGE;
  const readiness = options.readiness ?? (image === DEFAULT_IMAGE ? 'health-check' : 'sql');
  const timeoutMs = options.startupTimeoutMs ?? 120_000;
  const password = options.password ?? randomPassword();
  const studio = options.studio ?? true;
  const dataApi = options.dataApi ?? true;

  const tc = await import('testcontainers');
  const ports = [portBinding(MYSQL_PORT, options.serverPort)];
  if (studio) ports.push(portBinding(STUDIO_PORT, options.studioPort));
  if (dataApi) ports.push(portBinding(DATA_API_PORT, options.dataApiPort));
  if (options.enableKai) ports.push(portBinding(KAI_PORT, options.kaiPort));

  let spec = new tc.GenericContainer(image)
    .withEnvironment(environmentFor(options, password))
    .withExposedPorts(...ports)
    .withStartupTimeout(timeoutMs)
    .withWaitStrategy(readiness === 'health-check' ? tc.Wait.forHealthCheck() : tc.Wait.forListeningPorts());
  if (options.name) spec = spec.withName(options.name);
  if (options.hostname) spec = spec.withHostname(options.hostname);
  if (process.platform === 'darwin' && process.arch === 'arm64') spec = spec.withPlatform('linux/amd64');
  const mounts: Array<{ source: string; target: string; mode: 'rw' | 'ro' }> = [];
  if (options.dataDir) mounts.push({ source: options.dataDir, target: '/data', mode: 'rw' });
  if (options.logsDir) mounts.push({ source: options.logsDir, target: '/logs', mode: 'ro' });
  if (options.serverDir) mounts.push({ source: options.serverDir, target: '/server', mode: 'ro' });
  if (options.initSql) mounts.push({ source: options.initSql, target: '/init.sql', mode: 'ro' });
  if (mounts.length) spec = spec.withBindMounts(mounts);

  const started = Date.now();
  let container: StartedTestContainer;
  try {
    container = await spec.start();
  } catch (err) {
    throw new ServerStartError(`could not start ${image}: ${(err as Error).message}`, { cause: err });
  }
  const server = new DockerServer(
    container,
    password,
    container.getMappedPort(MYSQL_PORT),
    studio ? container.getMappedPort(STUDIO_PORT) : null,
    dataApi ? container.getMappedPort(DATA_API_PORT) : null,
    options.enableKai ? container.getMappedPort(KAI_PORT) : null,
    options.database,
    { stopOnExit: options.stopOnExit ?? false },
  );
  if (readiness === 'sql') {
    // The database named in the URL may not exist yet: readiness is checked without it.
    const probeUrl = wireUrl({ user: 'root', password, host: 'localhost', port: server.serverPort });
    const failure = await waitForSql(probeUrl, started + timeoutMs);
    if (failure) {
      const tailLines = (await server.logs().catch(() => [])).slice(-20).join('\n');
      await server.stop().catch(() => {});
      throw new ServerStartError(`${image} did not accept SQL connections within ${timeoutMs} ms; last log lines:\n${tailLines}`, { cause: failure });
    }
  }
  if (options.exportEnv) server.exportEnv();
  return server;
}
