import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { newCluster, registerDeployments, type Timing } from './deployments.js';
import { registerEgress } from './egress.js';
import { registerFiles } from './files.js';
import { OpenApiValidator } from './openapi.js';
import { HttpError, Router, type Req } from './router.js';
import { registerServices } from './services.js';
import { initialState, now, type FakeState, type Json, type Stored } from './state.js';

export interface ManagementFakeOptions {
  /** Default 0 (a free port). */
  port?: number;
  host?: string;
  /** The bearer token clients must send; default: a random one. `null` accepts any non-empty token. */
  token?: string | null;
  /** Milliseconds an asynchronous transition takes (PENDING → ACTIVE, suspend, resume, terminate). Default 0. */
  transitionMs?: number;
  /** Milliseconds after ACTIVE before a new v2 cluster reports its firewall. Default 0. */
  firewallDelayMs?: number;
  /** Where stage and file-space contents are stored (default: a temp dir removed on close). */
  dataDir?: string;
  /** Validate v1 requests against the public OpenAPI document (default true). */
  validateV1?: boolean;
  /** SQL endpoint for dedicated deployments (`host` or `host:port`). */
  endpoint?: string;
  /** `host:port` for starter deployments. */
  starterEndpoint?: string;
  /** Fastify logging. */
  logger?: boolean;
}

/** A fault to inject into matching requests (`times` of them, default 1). */
export interface FaultRule {
  method?: string;
  /** Matches the request path (without query), e.g. `/v2/clusters` or a RegExp. */
  path?: string | RegExp;
  /** Answer with this status (and `body`, `retryAfter` seconds). */
  status?: number;
  body?: string;
  retryAfter?: number | string;
  headers?: Record<string, string>;
  /** Answer 500 "could not acquire lock within duration" (the organization lock). */
  lockConflict?: boolean;
  /** Wait this long before handling (or answering with the fault). */
  delayMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** performance.now() when it arrived. */
  at: number;
  status?: number;
}

export interface ManagementFake {
  /** Base URL without the version: use it as `SINGLESTOREDB_MANAGEMENT_BASE_URL`. */
  url: string;
  port: number;
  /** The token to send (`Authorization: Bearer …`). */
  token: string;
  /** The live in-memory state (read it, or change it between calls). */
  state: FakeState;
  /** Where files are stored. */
  dataDir: string;
  /** Table exports by egress id (`{egressID, ownerId, status, statusMsg, definition}`). */
  exports: Map<string, Json>;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Adds a fault rule. */
  fail(rule: FaultRule): void;
  clearFaults(): void;
  /** Changes timing at run time. */
  setTiming(t: Partial<Pick<ManagementFakeOptions, 'transitionMs' | 'firewallDelayMs' | 'endpoint' | 'starterEndpoint'>>): void;
  seed: Seeder;
  /** Back to the initial state (files removed, requests and faults cleared). */
  reset(): void;
  close(): Promise<void>;
}

/** Helpers that put objects straight into the state (already ACTIVE), returning their JSON. */
export interface Seeder {
  project(p?: Partial<{ projectID: string; name: string; edition: string }>): Json;
  cluster(p?: Json): Json;
  starterCluster(p?: Json): Json;
  workspaceGroup(p?: Json): Json;
  workspace(groupId: string, p?: Json): Json;
  starterWorkspace(p?: Json): Json;
  secret(name: string, value: string): Json;
  inferenceApi(info: { projectID: string; modelName: string } & Json): Json;
  /** Writes a file into a stage (`deploymentId`) or a file space (`personal`/`shared`/`models`). */
  file(where: string, path: string, content: string | Uint8Array): Promise<void>;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path instanceof RegExp) return rule.path.test(path);
  if (typeof rule.path === 'string') return path === rule.path || path.replace(/\/$/, '') === rule.path.replace(/\/$/, '');
  return true;
}

/** Starts the in-memory Management API fake (v1 and v2) on a local port. */
export async function startManagementFake(options: ManagementFakeOptions = {}): Promise<ManagementFake> {
  const token = options.token === null ? null : (options.token ?? `fake-${randomBytes(12).toString('hex')}`);
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 's2-mgmt-fake-'));
  const timing: Timing = {
    transitionMs: options.transitionMs ?? 0,
    firewallDelayMs: options.firewallDelayMs ?? 0,
    endpoint: options.endpoint,
    starterEndpoint: options.starterEndpoint,
  };
  let state = initialState();
  const egress = new Map<string, Json>();
  const requests: RecordedRequest[] = [];
  let faults: (FaultRule & { left: number })[] = [];
  const validator = options.validateV1 === false ? null : new OpenApiValidator();
  let router = build();

  function build(): Router {
    const r = new Router();
    registerDeployments(r, state, timing);
    registerServices(r, state, timing);
    registerFiles(r, state, dataDir);
    registerEgress(r, state, egress);
    return r;
  }

  // forceCloseConnections: close() must not wait out an upload whose client went silent.
  const app: FastifyInstance = Fastify({ logger: options.logger ?? false, bodyLimit: 64 * 1024 * 1024, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    const s = String(text);
    if (s.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(s));
    } catch {
      done(new HttpError(400, 'invalid JSON body'), undefined);
    }
  });
  // Multipart and anything else: the raw stream, consumed by the handler (uploads are streamed to disk).
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.setErrorHandler((err, _req, reply) => {
    const e = err as Error & { statusCode?: number };
    const status = err instanceof HttpError ? err.status : (e.statusCode ?? 500);
    reply.code(status).type('text/plain').send(e.message);
  });

  app.all('/*', async (request, reply) => {
    const [rawPath, rawQuery = ''] = request.url.split('?', 2) as [string, string?];
    const path = rawPath.replace(/\/{2,}/g, '/');
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = v;
    const method = request.method.toUpperCase();
    // Fastify does not parse GET bodies; the egress status calls send JSON on a GET.
    if ((method === 'GET' || method === 'HEAD') && request.body === undefined && Number(request.headers['content-length'] ?? 0) > 0) {
      const chunks: Buffer[] = [];
      for await (const c of request.raw) chunks.push(c as Buffer);
      try {
        request.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply.code(400).type('text/plain').send('invalid JSON body');
      }
    }
    const rec: RecordedRequest = {
      method,
      path,
      query,
      body: request.body && typeof (request.body as { pipe?: unknown }).pipe === 'function' ? '<stream>' : request.body,
      headers: request.headers,
      at: performance.now(),
    };
    requests.push(rec);
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      rec.status = status;
      const b = request.body as { resume?: () => void } | undefined;
      if (b && typeof b.resume === 'function') b.resume();
      return reply.code(status).headers(headers).type('text/plain').send(text);
    };

    const auth = request.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m || (token !== null && m[1] !== token)) return answer(401, 'Unauthorized: a valid bearer token is required');

    const fault = faults.find((f) => f.left > 0 && matches(f, method, path));
    if (fault) {
      fault.left--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.drop) {
        rec.status = 0;
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      }
      if (fault.lockConflict) return answer(500, 'error creating workspace: could not acquire lock within duration');
      if (fault.status) {
        const headers = { ...fault.headers, ...(fault.retryAfter != null ? { 'retry-after': String(fault.retryAfter) } : {}) };
        return answer(fault.status, fault.body ?? `injected fault ${fault.status}`, headers);
      }
    }

    if (validator && path.startsWith('/v1/')) {
      const problem = validator.check(
        method,
        path.replace(/^\/v1\/stage\//, '/v1/stages/'),
        query,
        request.body && typeof (request.body as { pipe?: unknown }).pipe === 'function' ? undefined : request.body,
      );
      if (problem) return answer(problem.status, problem.message);
    }

    const found = router.match(method, path);
    if (found === null) return answer(404, `no route for ${path}`);
    if (found === 'method') return answer(405, `method ${method} not allowed on ${path}`);
    const req: Req = { method, path, params: found.params, query, body: request.body, raw: request, reply };
    let res;
    try {
      res = (await found.handler(req)) ?? {};
    } catch (err) {
      if (err instanceof HttpError) return answer(err.status, err.message);
      throw err;
    }
    rec.status = res.status ?? 200;
    reply.code(rec.status);
    if (res.headers) reply.headers(res.headers);
    if (res.stream) return reply.send(res.stream);
    return reply.type('application/json').send(JSON.stringify(res.json ?? null));
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  const store = (map: Map<string, Stored>, key: string, json: Json) => {
    map.set(String(json[key]), { json });
    return json;
  };
  const seed: Seeder = {
    project: (p = {}) => {
      const json = { projectID: randomUUID(), name: `project-${state.projects.length + 1}`, edition: 'STANDARD', createdAt: now(), ...p };
      state.projects.push(json);
      return json;
    },
    cluster: (p = {}) => {
      const rec = newCluster(state, timing, { name: `cluster-${state.clusters.size + 1}`, ...p });
      Object.assign(rec.json, p);
      return store(state.clusters, 'clusterID', rec.json);
    },
    starterCluster: (p = {}) => {
      const id = randomUUID();
      return store(state.starterClusters, 'virtualClusterID', {
        virtualClusterID: id,
        name: `starter-${state.starterClusters.size + 1}`,
        databaseName: 'starter_db',
        endpoint: timing.starterEndpoint ?? `svc-${id.slice(0, 8)}.starter.fake.singlestore.test:3333`,
        mysqlDmlPort: 3333,
        websocketPort: 443,
        ...p,
      });
    },
    workspaceGroup: (p = {}) =>
      store(state.workspaceGroups, 'workspaceGroupID', {
        workspaceGroupID: randomUUID(),
        name: `group-${state.workspaceGroups.size + 1}`,
        state: 'ACTIVE',
        createdAt: now(),
        regionID: state.regions[0]!.regionID,
        firewallRanges: [],
        allowAllTraffic: false,
        ...p,
      }),
    workspace: (groupId, p = {}) => {
      const id = randomUUID();
      return store(state.workspaces, 'workspaceID', {
        workspaceID: id,
        workspaceGroupID: groupId,
        name: `ws-${state.workspaces.size + 1}`,
        size: 'S-00',
        state: 'ACTIVE',
        createdAt: now(),
        endpoint: timing.endpoint ?? `svc-${id.slice(0, 8)}-dml.fake.singlestore.test`,
        cacheConfig: 1,
        deploymentType: 'PRODUCTION',
        ...p,
      });
    },
    starterWorkspace: (p = {}) => {
      const id = randomUUID();
      return store(state.starterWorkspaces, 'virtualWorkspaceID', {
        virtualWorkspaceID: id,
        name: `starter-ws-${state.starterWorkspaces.size + 1}`,
        databaseName: 'starter_db',
        endpoint: timing.starterEndpoint ?? `svc-${id.slice(0, 8)}.starter.fake.singlestore.test:3333`,
        mysqlDmlPort: 3333,
        websocketPort: 443,
        ...p,
      });
    },
    secret: (name, value) => {
      const secretID = randomUUID();
      const json = { secretID, name, value, createdBy: 'seed', createdAt: now(), lastUpdatedBy: 'seed', lastUpdatedAt: now() };
      state.secrets.set(secretID, json);
      return json;
    },
    inferenceApi: (info) => {
      const json: Json = {
        serviceID: randomUUID(),
        name: info.modelName,
        connectionURL: `http://127.0.0.1/${info.modelName}`,
        internalConnectionURL: `http://127.0.0.1/${info.modelName}`,
        hostingPlatform: 'Amazon',
        status: 'Active',
        ...info,
      };
      state.inferenceApis.set(`${info.projectID}/${info.modelName}`, json);
      state.models.set(String(json.name), { name: json.name, status: json.status, hostingPlatform: json.hostingPlatform });
      return json;
    },
    file: async (where, path, content) => {
      const base = ['personal', 'shared', 'models'].includes(where) ? join(dataDir, 'files', where) : join(dataDir, 'stage', where);
      const target = join(base, path.replace(/^\/+/, ''));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    },
  };

  return {
    url: `http://${host}:${port}`,
    port,
    token: token ?? 'any-token',
    get state() {
      return state;
    },
    dataDir,
    exports: egress,
    requests,
    fail(rule) {
      faults.push({ ...rule, left: rule.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    setTiming(t) {
      Object.assign(timing, t);
    },
    seed,
    reset() {
      state = initialState();
      router = build();
      requests.length = 0;
      faults = [];
      egress.clear();
      rmSync(join(dataDir, 'stage'), { recursive: true, force: true });
      rmSync(join(dataDir, 'files'), { recursive: true, force: true });
    },
    async close() {
      await app.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
