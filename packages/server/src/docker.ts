import { resolve as resolvePath } from 'node:path';
import { OptionError } from '@s2/base';
import type { StartedTestContainer } from 'testcontainers';
import type { DatabaseConnection } from '@s2/base';
import { loadCore, type ServerConnectOptions } from './core-peer.js';
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
  /**
   * Bind mounts: `/data` read-write, `/logs` and `/server` read-only. Host paths; a relative one
   * is resolved against the current directory (an engine would take it for a volume name).
   */
  dataDir?: string;
  logsDir?: string;
  serverDir?: string;
  /** Server globals, each as `SINGLESTORE_SET_GLOBAL_<NAME>`. */
  globalVars?: Record<string, string | number | boolean>;
  /** A SQL file mounted read-only at `/init.sql` (run once by the image); relative to the current directory unless absolute. */
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
  /**
   * Aborting it abandons the start: a container already created is stopped and removed (one
   * still being created is removed as soon as the engine reports it), then `startDocker`
   * rejects with `ServerStartError`. A start that has already resolved is not affected.
   */
  signal?: AbortSignal;
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
  async connect<C extends DatabaseConnection = DatabaseConnection>(options: ServerConnectOptions = {}): Promise<C> {
    const { useDataApi, ...rest } = options;
    const url = useDataApi ? this.httpConnectionUrl : this.connectionUrl;
    if (!url) throw new OptionError('this server publishes no Data API port: start it with dataApi: true');
    const core = await loadCore();
    return (await core.connect(url, rest)) as C;
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

/** Resolves after `ms`, or at once when the signal is aborted. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls SQL connections until one succeeds, the deadline passes or the signal is aborted;
 * resolves to the last error on failure.
 */
async function waitForSql(url: string, deadline: number, signal: AbortSignal | undefined): Promise<unknown> {
  const core = await loadCore();
  let last: unknown = new Error('no connection attempt was made before the deadline');
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      const conn = await core.connect(url, { connectTimeout: Math.max(1, Math.min(10, Math.ceil((deadline - Date.now()) / 1000))) });
      await conn.close();
      return null;
    } catch (err) {
      last = err;
      await pause(1000, signal);
    }
  }
  return last;
}

export interface BindMount {
  source: string;
  target: string;
  mode: 'rw' | 'ro';
}

/**
 * The host paths to mount, made absolute: the engine reads a source without a slash as the name
 * of a volume, which it would create empty and keep after the container is removed.
 */
export function bindMounts(options: Pick<DockerOptions, 'dataDir' | 'logsDir' | 'serverDir' | 'initSql'>): BindMount[] {
  const mounts: BindMount[] = [];
  const add = (source: string | undefined, target: string, mode: BindMount['mode']) => {
    if (source) mounts.push({ source: resolvePath(source), target, mode });
  };
  add(options.dataDir, '/data', 'rw');
  add(options.logsDir, '/logs', 'ro');
  add(options.serverDir, '/server', 'ro');
  add(options.initSql, '/init.sql', 'ro');
  return mounts;
}

/**
 * Starts a SingleStore dev container (or any image that behaves like one) through
 * testcontainers, and resolves once it accepts connections. Needs a Docker-compatible engine
 * (`DOCKER_HOST`); the engine's errors surface as `ServerStartError`.
 */
export async function startDocker(options: DockerOptions = {}): Promise<DockerServer> {
  const image = options.image ?? DEFAULT_IMAGE;
  const readiness = options.readiness ?? (image === DEFAULT_IMAGE ? 'health-check' : 'sql');
  const timeoutMs = options.startupTimeoutMs ?? 120_000;
  const password = options.password ?? randomPassword();
  const studio = options.studio ?? true;
  const dataApi = options.dataApi ?? true;

  const ports = [portBinding(MYSQL_PORT, options.serverPort)];
  if (studio) ports.push(portBinding(STUDIO_PORT, options.studioPort));
  if (dataApi) ports.push(portBinding(DATA_API_PORT, options.dataApiPort));
  if (options.enableKai) ports.push(portBinding(KAI_PORT, options.kaiPort));

  const signal = options.signal;
  const interrupted = () => new ServerStartError(`the start of ${image} was interrupted; nothing of it is left running`, { cause: signal?.reason });
  if (signal?.aborted) throw interrupted();

  const tc = await import('testcontainers');
  let createdId: string | null = null;
  const removeCreated = async (id: string) => {
    const client = await tc.getContainerRuntimeClient();
    const created = client.container.getById(id);
    await client.container.stop(created, { timeout: 0 }).catch(() => {});
    await client.container.remove(created, { removeVolumes: true }).catch(() => {});
  };
  // testcontainers resolves start() only once the container is ready, which can take minutes;
  // its id, known as soon as the engine created it, is what an interrupted start must remove.
  class Spec extends tc.GenericContainer {
    protected override async containerCreated(id: string): Promise<void> {
      createdId = id;
      if (signal?.aborted) {
        await removeCreated(id);
        throw interrupted();
      }
    }
  }
  let spec = new Spec(image)
    .withEnvironment(environmentFor(options, password))
    .withExposedPorts(...ports)
    .withStartupTimeout(timeoutMs)
    .withWaitStrategy(readiness === 'health-check' ? tc.Wait.forHealthCheck() : tc.Wait.forListeningPorts());
  if (options.name) spec = spec.withName(options.name);
  if (options.hostname) spec = spec.withHostname(options.hostname);
  if (process.platform === 'darwin' && process.arch === 'arm64') spec = spec.withPlatform('linux/amd64');
  const mounts = bindMounts(options);
  if (mounts.length) spec = spec.withBindMounts(mounts);

  const started = Date.now();
  const starting = spec.start();
  // Settled below, or left behind on an interrupt once its container is gone.
  starting.catch(() => {});
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  let container: StartedTestContainer;
  try {
    const first = await Promise.race([starting, aborted]);
    if (first === 'aborted') {
      // Not created yet: the containerCreated hook removes it when it is; wait for that.
      if (createdId) await removeCreated(createdId);
      else
        await starting.then(
          (c) => c.stop({ remove: true, removeVolumes: true }).catch(() => {}),
          () => {},
        );
      throw interrupted();
    }
    container = first;
  } catch (err) {
    if (signal?.aborted) throw err instanceof ServerStartError ? err : interrupted();
    throw new ServerStartError(`could not start ${image}: ${(err as Error).message}`, { cause: err });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
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
    const failure = await waitForSql(probeUrl, started + timeoutMs, signal);
    if (signal?.aborted) {
      await server.stop().catch(() => {});
      throw interrupted();
    }
    if (failure) {
      const tailLines = (await server.logs().catch(() => [])).slice(-20).join('\n');
      await server.stop().catch(() => {});
      throw new ServerStartError(`${image} did not accept SQL connections within ${timeoutMs} ms; last log lines:\n${tailLines}`, { cause: failure });
    }
  }
  if (signal?.aborted) {
    await server.stop().catch(() => {});
    throw interrupted();
  }
  if (options.exportEnv) server.exportEnv();
  return server;
}
