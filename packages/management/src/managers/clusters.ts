import type { DatabaseConnection } from '@s2/base';
import { connectTo, type DatabaseConnectOptions } from '../connect.js';
import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import type { CallOptions } from '../http/client.js';
import { bool, describe, num, str, strList, type AutoSuspend, type ResumeAttachment, type UpdateWindow } from '../models/common.js';
import type { Project, Region } from '../models/region.js';
import { Stage } from '../fs/stage.js';
import { camelKeys, compact } from '../util/case.js';
import { fromDate, toDate } from '../util/dates.js';
import { NamedList } from '../util/named-list.js';
import { pollUntil, stateIn, waitArgs, type WaitOptions } from '../util/wait.js';
import { ExportManager } from './exports.js';
import { isUuid, ProjectManager } from './projects.js';
import { hideManager } from '../util/hidden.js';

/** Reads the env var that names the current deployment (notebooks): `SINGLESTOREDB_WORKSPACE`. */
function currentDeploymentId(ctx: Context): string | null {
  const v = ctx.client.config.env.SINGLESTOREDB_WORKSPACE;
  return v ? v : null;
}

/** A dedicated cluster (Management API v2). */
export class Cluster {
  id!: string;
  name!: string;
  state!: string;
  groupId!: string | null;
  size!: string | null;
  scaleFactor!: number | null;
  createdAt!: Date | null;
  terminatedAt!: Date | null;
  expiresAt!: Date | null;
  lastResumedAt!: Date | null;
  endpoint!: string | null;
  provider!: string | null;
  /** Provider region code (e.g. `us-east-1`). */
  region!: string | null;
  projectId!: string | null;
  deploymentType!: string | null;
  kai!: boolean | null;
  multiAZ!: boolean | null;
  allowAllTraffic!: boolean | null;
  firewallRanges!: string[];
  outboundAllowList!: string[] | null;
  optInPreviewFeature!: boolean | null;
  updateWindow!: UpdateWindow | null;
  autoSuspend!: AutoSuspend | null;
  autoScale!: Record<string, unknown> | null;
  cacheConfig!: number | null;
  resumeAttachments!: ResumeAttachment[];
  scalingProgress!: number | null;
  smartDRStatus!: string | null;
  /** The generated admin password; only on the object returned by `create`. */
  adminPassword: string | null = null;

  constructor(
    private readonly manager: ClusterManager,
    json: Record<string, unknown>,
  ) {
    hideManager(this);
    this.assign(json);
  }

  /** Copies the fields of a `GET clusters/{id}` answer onto this object. */
  assign(o: Record<string, unknown>): this {
    const size = (o.sizeConfig ?? o.size ?? {}) as Record<string, unknown>;
    this.id = String(o.clusterID);
    this.name = String(o.name ?? '').trim();
    this.state = String(o.state ?? 'Unknown').trim();
    this.groupId = str(o.groupID);
    this.size = typeof size === 'object' ? str(size.size) : str(size);
    this.scaleFactor = typeof size === 'object' ? num(size.scaleFactor) : null;
    this.createdAt = toDate(o.createdAt);
    this.terminatedAt = toDate(o.terminatedAt);
    this.expiresAt = toDate(o.expiresAt);
    this.lastResumedAt = toDate(o.lastResumedAt);
    this.endpoint = str(o.endpoint);
    this.provider = str(o.provider);
    this.region = str(o.region);
    this.projectId = str(o.projectID);
    this.deploymentType = str(o.deploymentType);
    this.kai = bool(o.kai);
    this.multiAZ = bool(o.multiAZ);
    this.allowAllTraffic = bool(o.allowAllTraffic);
    this.firewallRanges = strList(o.firewallRanges);
    this.outboundAllowList = Array.isArray(o.outboundAllowList) ? o.outboundAllowList.map(String) : null;
    this.optInPreviewFeature = bool(o.optInPreviewFeature);
    this.updateWindow = (o.updateWindow as UpdateWindow | undefined) ?? null;
    this.autoSuspend = (o.autoSuspend as AutoSuspend | undefined) ?? null;
    this.autoScale = (o.autoScale as Record<string, unknown> | undefined) ?? null;
    this.cacheConfig = num(o.cacheConfig);
    this.resumeAttachments = Array.isArray(o.resumeAttachments) ? (o.resumeAttachments.filter(Boolean) as ResumeAttachment[]) : [];
    this.scalingProgress = num(o.scalingProgress);
    this.smartDRStatus = str(o.smartDRStatus);
    return this;
  }

  /** Re-reads the cluster and updates this object in place. */
  async refresh(opts: CallOptions = {}): Promise<this> {
    const o = await this.manager.fetchJson(this.id, opts);
    return this.assign(o);
  }

  /** `PATCH clusters/{id}` with the given fields, then refresh (optionally after waiting for ACTIVE and the firewall). */
  async update(changes: UpdateClusterOptions, opts: CallOptions & { waitOnActive?: boolean | WaitOptions } = {}): Promise<this> {
    const body = compact({
      name: changes.name,
      sizeConfig: changes.size != null || changes.scaleFactor != null ? compact({ size: changes.size, scaleFactor: changes.scaleFactor }) : undefined,
      autoSuspend: camelKeys(changes.autoSuspend),
      autoScale: camelKeys(changes.autoScale),
      cacheConfig: changes.cacheConfig,
      deploymentType: changes.deploymentType,
      firewallRanges: changes.firewallRanges,
      allowAllTraffic: changes.allowAllTraffic,
      adminPassword: changes.adminPassword,
      expiresAt: fromDate(changes.expiresAt),
      updateWindow: camelKeys(changes.updateWindow),
      kai: changes.kai,
    });
    await this.manager.ctx.client.request({ method: 'PATCH', path: `clusters/${encodeURIComponent(this.id)}`, version: 'v2', json: body, signal: opts.signal });
    const w = waitArgs(opts.waitOnActive, 10, opts.signal);
    if (w) {
      const active = await this.manager.waitOnActive(this.id, w);
      if (changes.firewallRanges?.length || changes.allowAllTraffic) await this.manager.waitOnFirewall(active, { ...w, expected: changes.firewallRanges });
    }
    return this.refresh(opts);
  }

  /** `POST clusters/{id}/suspend`; with `waitOnSuspended`, polls until SUSPENDED. */
  async suspend(opts: CallOptions & { waitOnSuspended?: boolean | WaitOptions } = {}): Promise<this> {
    await this.manager.ctx.client.request({ method: 'POST', path: `clusters/${encodeURIComponent(this.id)}/suspend`, version: 'v2', signal: opts.signal });
    const w = waitArgs(opts.waitOnSuspended, 20, opts.signal);
    if (w) this.assign(await this.manager.rawWait(this.id, ['SUSPENDED'], w));
    return this;
  }

  /** `POST clusters/{id}/resume {disableAutoSuspend}`; with `waitOnResumed`, polls until RESUMED or ACTIVE. */
  async resume(opts: CallOptions & { disableAutoSuspend?: boolean; waitOnResumed?: boolean | WaitOptions } = {}): Promise<this> {
    await this.manager.ctx.client.request({
      method: 'POST',
      path: `clusters/${encodeURIComponent(this.id)}/resume`,
      version: 'v2',
      json: { disableAutoSuspend: opts.disableAutoSuspend ?? false },
      signal: opts.signal,
    });
    const w = waitArgs(opts.waitOnResumed, 20, opts.signal);
    if (w) this.assign(await this.manager.rawWait(this.id, ['RESUMED', 'ACTIVE'], w));
    return this;
  }

  /** `DELETE clusters/{id}?force=`; with `waitOnTerminated`, polls until `terminatedAt` is set. */
  async terminate(opts: CallOptions & { force?: boolean; waitOnTerminated?: boolean | WaitOptions } = {}): Promise<this> {
    await this.manager.ctx.client.request({
      method: 'DELETE',
      path: `clusters/${encodeURIComponent(this.id)}`,
      version: 'v2',
      query: { force: opts.force ? 'true' : 'false' },
      signal: opts.signal,
    });
    const w = waitArgs(opts.waitOnTerminated, 10, opts.signal);
    if (w) {
      const done = await this.manager.waitOnTerminated(this.id, w);
      this.terminatedAt = done.terminatedAt;
      this.state = done.state;
    }
    return this;
  }

  /** The cluster's Stage file system. */
  get stage(): Stage {
    return new Stage(this.manager.ctx, this.id, 'v2');
  }

  /** Table exports (egress) of this cluster. */
  get exports(): ExportManager {
    return new ExportManager(this.manager.ctx, `clusters/${encodeURIComponent(this.id)}`, 'v2');
  }

  /** A database connection to the cluster's endpoint (needs the optional peer @s2/core). */
  connect<C extends DatabaseConnection = DatabaseConnection>(opts: DatabaseConnectOptions = {}): Promise<C> {
    return connectTo(this.endpoint, 'cluster', opts);
  }

  toString(): string {
    return describe('Cluster', {
      name: this.name,
      id: this.id,
      state: this.state,
      endpoint: this.endpoint,
      provider: this.provider,
      region: this.region,
      size: this.size,
    });
  }
}

export interface UpdateClusterOptions {
  name?: string;
  size?: string;
  scaleFactor?: number;
  autoSuspend?: AutoSuspend;
  autoScale?: Record<string, unknown>;
  cacheConfig?: number;
  deploymentType?: 'PRODUCTION' | 'NON-PRODUCTION' | string;
  firewallRanges?: string[];
  allowAllTraffic?: boolean;
  adminPassword?: string;
  /** A Date, or the service's duration text such as `3h30m`. */
  expiresAt?: Date | string;
  updateWindow?: UpdateWindow;
  kai?: boolean;
}

export interface CreateClusterOptions extends UpdateClusterOptions, CallOptions {
  name: string;
  /** A Region (supplies provider and region name) or the provider's region code (needs `provider`). */
  region?: Region | string;
  provider?: string;
  multiAZ?: boolean;
  optInPreviewFeature?: boolean;
  /** Project object, id or unique name; default: the current cluster's project, else the organization's only one. */
  project?: Project | string;
  /** Wait for ACTIVE and then for the firewall to be applied (when ranges or allowAllTraffic were asked for). */
  waitOnActive?: boolean | WaitOptions;
}

/** Clusters (v2, the default API): list, get, create, and the waiting helpers. */
export class ClusterManager {
  readonly projects: ProjectManager;

  constructor(readonly ctx: Context) {
    if (ctx.client.config.version === 'v1') throw new ManagementError('The cluster API needs Management API v2; use the workspace managers at v1');
    this.projects = new ProjectManager(ctx);
  }

  /** @internal */
  fetchJson(id: string, opts: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.ctx.client.json({ path: `clusters/${encodeURIComponent(id)}`, version: 'v2', signal: opts.signal });
  }

  async list(opts: CallOptions = {}): Promise<NamedList<Cluster>> {
    const rows = await this.ctx.client.json<Record<string, unknown>[]>({ path: 'clusters', version: 'v2', signal: opts.signal });
    return NamedList.fromItems((rows ?? []).map((o) => new Cluster(this, o)));
  }

  async get(id: string, opts: CallOptions = {}): Promise<Cluster> {
    return new Cluster(this, await this.fetchJson(id, opts));
  }

  /** A cluster by id (a UUID) or by its unique name. */
  async find(nameOrId: string, opts: CallOptions = {}): Promise<Cluster> {
    if (isUuid(nameOrId)) return this.get(nameOrId, opts);
    const matches = (await this.list(opts)).filter((c) => c.name === nameOrId);
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new ManagementError(`No cluster named '${nameOrId}'`, { status: 404 });
    throw new ManagementError(`More than one cluster is named '${nameOrId}'; use an id: ${matches.map((c) => c.id).join(', ')}`);
  }

  /** The cluster this code runs in (`SINGLESTOREDB_WORKSPACE`, set by notebooks), or `nameOrId` when given. */
  async current(nameOrId?: string, opts: CallOptions = {}): Promise<Cluster> {
    const key = nameOrId ?? currentDeploymentId(this.ctx);
    if (!key) throw new ManagementError('No cluster specified: pass a name or id, or set SINGLESTOREDB_WORKSPACE');
    return this.find(key, opts);
  }

  /** The project a new cluster goes to (projectID is required by `POST clusters`). */
  async resolveProjectId(project: Project | string | undefined, opts: CallOptions = {}): Promise<string> {
    if (project) return this.projects.idOf(project, opts);
    const current = currentDeploymentId(this.ctx);
    if (current) {
      try {
        const c = await this.get(current, opts);
        if (c.projectId) return c.projectId;
      } catch (err) {
        if (!(err instanceof ManagementError) || err.status == null) throw err;
      }
    }
    const all = await this.projects.list(opts);
    if (all.length === 1) return all[0]!.id;
    if (all.length === 0) throw new ManagementError('A project is required to create a cluster, but the current organization reports no projects.');
    throw new ManagementError(
      `A project is required to create a cluster and the current organization has more than one. Pass project naming one of: ${all.map((p) => `${p.name} (${p.id})`).join(', ')}.`,
    );
  }

  /** `POST clusters` (replayed when the organization lock is busy), then `GET` it; optionally waits for ACTIVE and the firewall. */
  async create(o: CreateClusterOptions): Promise<Cluster> {
    if (o === null || typeof o !== 'object') throw new ManagementError('create needs an options object with at least name and region');
    if (typeof o.name !== 'string' || o.name.trim() === '') throw new ManagementError('create needs a non-empty name');
    let provider = o.provider;
    let regionName: string | undefined;
    if (o.region && typeof o.region === 'object') {
      provider = provider ?? o.region.provider;
      regionName = o.region.regionName ?? o.region.name;
    } else regionName = o.region;
    const projectID = await this.resolveProjectId(o.project, o);
    const body = compact({
      name: o.name,
      provider,
      region: regionName,
      sizeConfig: o.size != null || o.scaleFactor != null ? compact({ size: o.size, scaleFactor: o.scaleFactor }) : undefined,
      // POST clusters rejects a missing firewallRanges: [] is the explicit deny-all default.
      firewallRanges: o.firewallRanges ?? [],
      allowAllTraffic: o.allowAllTraffic,
      adminPassword: o.adminPassword,
      autoSuspend: camelKeys(o.autoSuspend),
      autoScale: camelKeys(o.autoScale),
      cacheConfig: o.cacheConfig,
      deploymentType: o.deploymentType,
      expiresAt: fromDate(o.expiresAt),
      updateWindow: camelKeys(o.updateWindow),
      kai: o.kai,
      multiAZ: o.multiAZ,
      optInPreviewFeature: o.optInPreviewFeature,
      projectID,
    });
    const created = await this.ctx.client.withLockRetry(
      () =>
        this.ctx.client.json<{ clusterID: string; adminPassword?: string }>({ method: 'POST', path: 'clusters', version: 'v2', json: body, signal: o.signal }),
      o.signal,
    );
    if (!created?.clusterID) throw new ManagementError('No clusterID returned from API');
    let out = await this.get(created.clusterID, o);
    const w = waitArgs(o.waitOnActive, 10, o.signal);
    if (w) {
      out = await this.waitOnActive(out, w);
      if (o.firewallRanges?.length || o.allowAllTraffic) out = await this.waitOnFirewall(out, w);
    }
    out.adminPassword = created.adminPassword ?? null;
    return out;
  }

  /** @internal polls until the state is one of `states`. */
  async rawWait(id: string, states: string[], w: WaitOptions & { interval: number; timeout: number }): Promise<Record<string, unknown>> {
    const first = await this.fetchJson(id, w);
    return pollUntil(
      first,
      (x) => stateIn(states)(x as { state?: string }),
      () => this.fetchJson(id, w),
      {
        ...w,
        what: `cluster to become ${states.map((s) => s.toLowerCase()).join(', ')}`,
      },
    );
  }

  private async waitState(c: Cluster | string, states: string[], w: WaitOptions, defInterval: number): Promise<Cluster> {
    const args = { interval: w.interval ?? defInterval, timeout: w.timeout ?? 600, signal: w.signal };
    const start = typeof c === 'string' ? await this.get(c, w) : c;
    return pollUntil(start, stateIn(states), () => this.get(start.id, w), {
      ...args,
      what: `cluster to become ${states.map((s) => s.toLowerCase()).join(', ')}`,
    });
  }

  waitOnActive(c: Cluster | string, w: WaitOptions = {}): Promise<Cluster> {
    return this.waitState(c, ['ACTIVE'], w, 10);
  }

  waitOnSuspended(c: Cluster | string, w: WaitOptions = {}): Promise<Cluster> {
    return this.waitState(c, ['SUSPENDED'], w, 20);
  }

  waitOnResumed(c: Cluster | string, w: WaitOptions = {}): Promise<Cluster> {
    return this.waitState(c, ['RESUMED', 'ACTIVE'], w, 20);
  }

  /** Polls until `terminatedAt` is set. */
  async waitOnTerminated(c: Cluster | string, w: WaitOptions = {}): Promise<Cluster> {
    const start = typeof c === 'string' ? await this.get(c, w) : c;
    return pollUntil(
      start,
      (x) => x.terminatedAt != null,
      () => this.get(start.id, w),
      {
        interval: w.interval ?? 10,
        timeout: w.timeout ?? 600,
        signal: w.signal,
        what: 'Cluster to terminate',
      },
    );
  }

  /**
   * Polls until the firewall admits traffic (non-empty ranges or allowAllTraffic), or, with
   * `expected`, until exactly those ranges are reported (`0.0.0.0/0` may come back as allowAllTraffic).
   */
  waitOnFirewall(c: Cluster, w: WaitOptions & { expected?: string[] } = {}): Promise<Cluster> {
    const done = (x: Cluster) => {
      if (w.expected) {
        const want = new Set(w.expected);
        const got = new Set(x.firewallRanges);
        if (want.size === got.size && [...want].every((r) => got.has(r))) return true;
        return !!x.allowAllTraffic && want.size === 1 && want.has('0.0.0.0/0');
      }
      return x.firewallRanges.length > 0 || !!x.allowAllTraffic;
    };
    return pollUntil(c, done, () => this.get(c.id, w), {
      interval: w.interval ?? 10,
      timeout: w.timeout ?? 600,
      signal: w.signal,
      what: `the firewall of cluster ${c.id} to be applied`,
    });
  }
}
