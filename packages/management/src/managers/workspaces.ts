import type { DatabaseConnection } from '@s2/base';
import { connectTo, type DatabaseConnectOptions } from '../connect.js';
import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import type { CallOptions } from '../http/client.js';
import { bool, describe, num, str, strList, type AutoSuspend, type ResumeAttachment, type UpdateWindow } from '../models/common.js';
import type { Region } from '../models/region.js';
import { Stage } from '../fs/stage.js';
import { camelKeys, compact } from '../util/case.js';
import { fromDate, toDate } from '../util/dates.js';
import { NamedList } from '../util/named-list.js';
import { pollUntil, stateIn, waitArgs, type WaitOptions } from '../util/wait.js';
import { ExportManager } from './exports.js';
import { isUuid } from './projects.js';
import { RegionManager } from './regions.js';
import { hideManager } from '../util/hidden.js';

const V1 = 'v1';

/** A workspace group (v1, deprecated: use clusters). */
export class WorkspaceGroup {
  id!: string;
  name!: string;
  state!: string | null;
  createdAt!: Date | null;
  terminatedAt!: Date | null;
  expiresAt!: Date | null;
  regionId!: string | null;
  /** The region resolved against `GET regions` (a placeholder with provider `<unknown>` when unknown). */
  region: Region | null = null;
  firewallRanges!: string[];
  allowAllTraffic!: boolean;
  updateWindow!: UpdateWindow | null;
  deploymentType!: string | null;
  highAvailabilityTwoZones!: boolean | null;
  optInPreviewFeature!: boolean | null;
  outboundAllowList!: string[] | null;
  projectId!: string | null;
  projectName!: string | null;
  smartDRStatus!: string | null;
  provider!: string | null;
  regionName!: string | null;

  constructor(
    private readonly manager: WorkspaceManager,
    json: Record<string, unknown>,
  ) {
    hideManager(this);
    this.assign(json);
  }

  assign(o: Record<string, unknown>): this {
    this.id = String(o.workspaceGroupID);
    this.name = String(o.name ?? '');
    this.state = str(o.state);
    this.createdAt = toDate(o.createdAt);
    this.terminatedAt = toDate(o.terminatedAt);
    this.expiresAt = toDate(o.expiresAt);
    this.regionId = str(o.regionID);
    this.firewallRanges = strList(o.firewallRanges);
    this.allowAllTraffic = !!o.allowAllTraffic;
    this.updateWindow = (o.updateWindow as UpdateWindow | undefined) ?? null;
    this.deploymentType = str(o.deploymentType);
    this.highAvailabilityTwoZones = bool(o.highAvailabilityTwoZones);
    this.optInPreviewFeature = bool(o.optInPreviewFeature);
    this.outboundAllowList = Array.isArray(o.outboundAllowList) ? o.outboundAllowList.map(String) : null;
    this.projectId = str(o.projectID);
    this.projectName = str(o.projectName);
    this.smartDRStatus = str(o.smartDRStatus);
    this.provider = str(o.provider);
    this.regionName = str(o.regionName);
    return this;
  }

  async refresh(opts: CallOptions = {}): Promise<this> {
    this.assign(await this.manager.groupJson(this.id, opts));
    await this.manager.attachRegion(this, opts);
    return this;
  }

  async update(
    changes: {
      name?: string;
      firewallRanges?: string[];
      adminPassword?: string;
      expiresAt?: Date | string;
      allowAllTraffic?: boolean;
      updateWindow?: UpdateWindow;
    },
    opts: CallOptions = {},
  ): Promise<this> {
    const body = compact({ ...changes, expiresAt: fromDate(changes.expiresAt), updateWindow: camelKeys(changes.updateWindow) });
    await this.manager.ctx.client.request({
      method: 'PATCH',
      path: `workspaceGroups/${encodeURIComponent(this.id)}`,
      version: V1,
      json: body,
      signal: opts.signal,
    });
    return this.refresh(opts);
  }

  /** `DELETE workspaceGroups/{id}?force=`; with `waitOnTerminated`, polls until `terminatedAt` is set. */
  async terminate(opts: CallOptions & { force?: boolean; waitOnTerminated?: boolean | WaitOptions } = {}): Promise<this> {
    await this.manager.ctx.client.request({
      method: 'DELETE',
      path: `workspaceGroups/${encodeURIComponent(this.id)}`,
      version: V1,
      query: { force: opts.force ? 'true' : 'false' },
      signal: opts.signal,
    });
    const w = waitArgs(opts.waitOnTerminated, 10, opts.signal);
    if (w) {
      const done = await pollUntil(
        await this.manager.groupJson(this.id, w),
        (x) => x.terminatedAt != null,
        () => this.manager.groupJson(this.id, w),
        { ...w, what: 'WorkspaceGroup to terminate' },
      );
      this.assign(done);
    }
    return this;
  }

  workspaces(opts: CallOptions & { includeTerminated?: boolean } = {}): Promise<NamedList<Workspace>> {
    return this.manager.listWorkspaces(this.id, opts);
  }

  createWorkspace(o: Omit<CreateWorkspaceOptions, 'workspaceGroup'>): Promise<Workspace> {
    return this.manager.createWorkspace({ ...o, workspaceGroup: this.id });
  }

  get stage(): Stage {
    return new Stage(this.manager.ctx, this.id, V1);
  }

  /** Table exports (egress) of this workspace group. */
  get exports(): ExportManager {
    return new ExportManager(this.manager.ctx, `workspaceGroups/${encodeURIComponent(this.id)}`, V1);
  }

  toString(): string {
    return describe('WorkspaceGroup', { name: this.name, id: this.id, state: this.state, region: this.region?.name, firewallRanges: this.firewallRanges });
  }
}

/** A workspace (v1, deprecated: use clusters). */
export class Workspace {
  id!: string;
  name!: string;
  groupId!: string;
  size!: string;
  state!: string;
  createdAt!: Date | null;
  terminatedAt!: Date | null;
  lastResumedAt!: Date | null;
  endpoint!: string | null;
  autoSuspend!: AutoSuspend | null;
  cacheConfig!: number | null;
  deploymentType!: string | null;
  resumeAttachments!: ResumeAttachment[];
  scalingProgress!: number | null;
  kaiEnabled!: boolean | null;
  scaleFactor!: number | null;
  autoScale!: Record<string, unknown> | null;
  expiresAt!: Date | null;

  constructor(
    private readonly manager: WorkspaceManager,
    json: Record<string, unknown>,
  ) {
    hideManager(this);
    this.assign(json);
  }

  assign(o: Record<string, unknown>): this {
    this.id = String(o.workspaceID);
    this.name = String(o.name ?? '');
    this.groupId = String(o.workspaceGroupID ?? '');
    this.size = String(o.size ?? 'Unknown');
    this.state = String(o.state ?? 'Unknown').trim();
    this.createdAt = toDate(o.createdAt);
    this.terminatedAt = toDate(o.terminatedAt);
    this.lastResumedAt = toDate(o.lastResumedAt);
    this.endpoint = str(o.endpoint);
    this.autoSuspend = (o.autoSuspend as AutoSuspend | undefined) ?? null;
    this.cacheConfig = num(o.cacheConfig);
    this.deploymentType = str(o.deploymentType);
    this.resumeAttachments = Array.isArray(o.resumeAttachments) ? (o.resumeAttachments.filter(Boolean) as ResumeAttachment[]) : [];
    this.scalingProgress = num(o.scalingProgress);
    this.kaiEnabled = bool(o.kaiEnabled);
    this.scaleFactor = num(o.scaleFactor);
    this.autoScale = (o.autoScale as Record<string, unknown> | undefined) ?? null;
    this.expiresAt = toDate(o.expiresAt);
    return this;
  }

  async refresh(opts: CallOptions = {}): Promise<this> {
    return this.assign(await this.manager.workspaceJson(this.id, opts));
  }

  async update(
    changes: {
      autoSuspend?: AutoSuspend;
      cacheConfig?: number;
      deploymentType?: string;
      size?: string;
      scaleFactor?: number;
      autoScale?: Record<string, unknown>;
    },
    opts: CallOptions = {},
  ): Promise<this> {
    const body = compact({ ...changes, autoSuspend: camelKeys(changes.autoSuspend), autoScale: camelKeys(changes.autoScale) });
    await this.manager.ctx.client.request({ method: 'PATCH', path: `workspaces/${encodeURIComponent(this.id)}`, version: V1, json: body, signal: opts.signal });
    return this.refresh(opts);
  }

  async terminate(opts: CallOptions & { force?: boolean; waitOnTerminated?: boolean | WaitOptions } = {}): Promise<this> {
    await this.manager.ctx.client.request({
      method: 'DELETE',
      path: `workspaces/${encodeURIComponent(this.id)}`,
      version: V1,
      query: { force: opts.force ? 'true' : 'false' },
      signal: opts.signal,
    });
    const w = waitArgs(opts.waitOnTerminated, 10, opts.signal);
    if (w) this.assign(await this.manager.waitJson(this.id, ['TERMINATED'], w));
    return this;
  }

  async suspend(opts: CallOptions & { waitOnSuspended?: boolean | WaitOptions } = {}): Promise<this> {
    await this.manager.ctx.client.request({ method: 'POST', path: `workspaces/${encodeURIComponent(this.id)}/suspend`, version: V1, signal: opts.signal });
    const w = waitArgs(opts.waitOnSuspended, 20, opts.signal);
    if (w) this.assign(await this.manager.waitJson(this.id, ['SUSPENDED'], w));
    return this;
  }

  async resume(opts: CallOptions & { disableAutoSuspend?: boolean; waitOnResumed?: boolean | WaitOptions } = {}): Promise<this> {
    await this.manager.ctx.client.request({
      method: 'POST',
      path: `workspaces/${encodeURIComponent(this.id)}/resume`,
      version: V1,
      json: { disableAutoSuspend: opts.disableAutoSuspend ?? false },
      signal: opts.signal,
    });
    const w = waitArgs(opts.waitOnResumed, 20, opts.signal);
    if (w) this.assign(await this.manager.waitJson(this.id, ['RESUMED', 'ACTIVE'], w));
    return this;
  }

  /** A database connection to the workspace's endpoint (needs the optional peer @s2/core). */
  connect<C extends DatabaseConnection = DatabaseConnection>(opts: DatabaseConnectOptions = {}): Promise<C> {
    return connectTo(this.endpoint, 'workspace', opts);
  }

  toString(): string {
    return describe('Workspace', { name: this.name, id: this.id, state: this.state, size: this.size, endpoint: this.endpoint });
  }
}

export interface CreateWorkspaceGroupOptions extends CallOptions {
  name: string;
  /** A Region (its id; or provider + regionName when it has none) or a region id. */
  region: Region | string;
  firewallRanges?: string[];
  adminPassword?: string;
  backupBucketKMSKeyID?: string;
  dataBucketKMSKeyID?: string;
  expiresAt?: Date | string;
  smartDR?: boolean;
  allowAllTraffic?: boolean;
  updateWindow?: UpdateWindow;
  deploymentType?: string;
  highAvailabilityTwoZones?: boolean;
  optInPreviewFeature?: boolean;
  projectId?: string;
}

export interface CreateWorkspaceOptions extends CallOptions {
  name: string;
  workspaceGroup: WorkspaceGroup | string;
  size?: string;
  autoSuspend?: AutoSuspend;
  cacheConfig?: number;
  enableKai?: boolean;
  autoScale?: Record<string, unknown>;
  scaleFactor?: number;
  waitOnActive?: boolean | WaitOptions;
}

/** Workspace groups, workspaces (v1, pinned; deprecated in favour of clusters). */
export class WorkspaceManager {
  readonly regions: RegionManager;

  constructor(readonly ctx: Context) {
    this.regions = new RegionManager(ctx, V1);
  }

  /** @internal */
  groupJson(id: string, opts: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.ctx.client.json({ path: `workspaceGroups/${encodeURIComponent(id)}`, version: V1, signal: opts.signal });
  }

  /** @internal */
  workspaceJson(id: string, opts: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.ctx.client.json({ path: `workspaces/${encodeURIComponent(id)}`, version: V1, signal: opts.signal });
  }

  /** @internal */
  async attachRegion(g: WorkspaceGroup, opts: CallOptions): Promise<WorkspaceGroup> {
    if (!g.regionId) return g;
    const regions = await this.regions.list(opts);
    g.region = regions.find((r) => r.id === g.regionId) ?? { id: g.regionId, name: '<unknown>', provider: '<unknown>', regionName: null };
    return g;
  }

  /** @internal */
  waitJson(id: string, states: string[], w: WaitOptions & { interval: number; timeout: number }): Promise<Record<string, unknown>> {
    return this.workspaceJson(id, w).then((first) =>
      pollUntil(
        first,
        (x) => stateIn(states)(x as { state?: string }),
        () => this.workspaceJson(id, w),
        { ...w, what: `workspace to become ${states.map((s) => s.toLowerCase()).join(', ')}` },
      ),
    );
  }

  async listGroups(opts: CallOptions & { includeTerminated?: boolean } = {}): Promise<NamedList<WorkspaceGroup>> {
    this.ctx.deprecated('workspaceGroups', 'clusters');
    const rows = await this.ctx.client.json<Record<string, unknown>[]>({
      path: 'workspaceGroups',
      version: V1,
      query: { includeTerminated: opts.includeTerminated },
      signal: opts.signal,
    });
    const out = NamedList.fromItems((rows ?? []).map((o) => new WorkspaceGroup(this, o)));
    for (const g of out) await this.attachRegion(g, opts);
    return out;
  }

  async getGroup(id: string, opts: CallOptions = {}): Promise<WorkspaceGroup> {
    return this.attachRegion(new WorkspaceGroup(this, await this.groupJson(id, opts)), opts);
  }

  /** `POST workspaceGroups` (replayed when the organization lock is busy), then `GET` it. */
  async createGroup(o: CreateWorkspaceGroupOptions): Promise<WorkspaceGroup> {
    if (o === null || typeof o !== 'object') throw new ManagementError('create needs an options object');
    if (typeof o.name !== 'string' || o.name.trim() === '') throw new ManagementError('create needs a non-empty name');
    this.ctx.deprecated('workspaceGroups.create', 'clusters.create');
    let regionID: string | undefined;
    let provider: string | undefined;
    let regionName: string | undefined;
    if (typeof o.region === 'string') regionID = o.region;
    else if (o.region.id) regionID = o.region.id;
    else {
      provider = o.region.provider;
      regionName = o.region.regionName ?? undefined;
    }
    const body = compact({
      name: o.name,
      regionID,
      provider,
      regionName,
      adminPassword: o.adminPassword,
      backupBucketKMSKeyID: o.backupBucketKMSKeyID,
      dataBucketKMSKeyID: o.dataBucketKMSKeyID,
      firewallRanges: o.firewallRanges ?? [],
      expiresAt: fromDate(o.expiresAt),
      smartDR: o.smartDR,
      allowAllTraffic: o.allowAllTraffic,
      updateWindow: camelKeys(o.updateWindow),
      deploymentType: o.deploymentType,
      highAvailabilityTwoZones: o.highAvailabilityTwoZones,
      optInPreviewFeature: o.optInPreviewFeature,
      projectID: o.projectId,
    });
    const res = await this.ctx.client.withLockRetry(
      () => this.ctx.client.json<{ workspaceGroupID?: string }>({ method: 'POST', path: 'workspaceGroups', version: V1, json: body, signal: o.signal }),
      o.signal,
    );
    if (!res?.workspaceGroupID) throw new ManagementError('No workspaceGroupID returned from API');
    return this.getGroup(res.workspaceGroupID, o);
  }

  /** A workspace group by id or unique name; without one, `SINGLESTOREDB_WORKSPACE_GROUP`. */
  async findGroup(nameOrId?: string, opts: CallOptions = {}): Promise<WorkspaceGroup> {
    const key = nameOrId ?? this.ctx.client.config.env.SINGLESTOREDB_WORKSPACE_GROUP;
    if (!key) throw new ManagementError('No workspace group specified: pass a name or id, or set SINGLESTOREDB_WORKSPACE_GROUP');
    if (isUuid(key)) return this.getGroup(key, opts);
    const matches = (await this.listGroups(opts)).filter((g) => g.name === key);
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new ManagementError(`No workspace group named '${key}'`, { status: 404 });
    throw new ManagementError(`More than one workspace group is named '${key}'; use an id: ${matches.map((g) => g.id).join(', ')}`);
  }

  /** A workspace by id, or by name within a group (default: `SINGLESTOREDB_WORKSPACE` / `SINGLESTOREDB_WORKSPACE_GROUP`). */
  async findWorkspace(nameOrId?: string, group?: WorkspaceGroup | string, opts: CallOptions = {}): Promise<Workspace> {
    const key = nameOrId ?? this.ctx.client.config.env.SINGLESTOREDB_WORKSPACE;
    if (!key) throw new ManagementError('No workspace specified: pass a name or id, or set SINGLESTOREDB_WORKSPACE');
    if (isUuid(key)) return this.getWorkspace(key, opts);
    const g = typeof group === 'object' ? group : await this.findGroup(group, opts);
    const found = (await g.workspaces(opts)).lookup(key);
    if (!found) throw new ManagementError(`No workspace named '${key}' in workspace group ${g.name}`, { status: 404 });
    return found;
  }

  async listWorkspaces(groupId: string, opts: CallOptions & { includeTerminated?: boolean } = {}): Promise<NamedList<Workspace>> {
    const rows = await this.ctx.client.json<Record<string, unknown>[]>({
      path: 'workspaces',
      version: V1,
      query: { workspaceGroupID: groupId, includeTerminated: opts.includeTerminated },
      signal: opts.signal,
    });
    return NamedList.fromItems((rows ?? []).map((o) => new Workspace(this, o)));
  }

  async getWorkspace(id: string, opts: CallOptions = {}): Promise<Workspace> {
    return new Workspace(this, await this.workspaceJson(id, opts));
  }

  /** `POST workspaces`, then `GET` it; with `waitOnActive`, polls until ACTIVE. */
  async createWorkspace(o: CreateWorkspaceOptions): Promise<Workspace> {
    if (o === null || typeof o !== 'object') throw new ManagementError('create needs an options object');
    if (typeof o.name !== 'string' || o.name.trim() === '') throw new ManagementError('create needs a non-empty name');
    this.ctx.deprecated('workspaces.create', 'clusters.create');
    const groupId = typeof o.workspaceGroup === 'string' ? o.workspaceGroup : o.workspaceGroup.id;
    const body = compact({
      name: o.name,
      workspaceGroupID: groupId,
      size: o.size,
      autoSuspend: camelKeys(o.autoSuspend),
      cacheConfig: o.cacheConfig,
      enableKai: o.enableKai,
      autoScale: camelKeys(o.autoScale),
      scaleFactor: o.scaleFactor,
    });
    const res = await this.ctx.client.json<{ workspaceID?: string }>({ method: 'POST', path: 'workspaces', version: V1, json: body, signal: o.signal });
    if (!res?.workspaceID) throw new ManagementError('No workspaceID returned from API');
    const w = waitArgs(o.waitOnActive, 10, o.signal);
    if (w) return new Workspace(this, await this.waitJson(res.workspaceID, ['ACTIVE'], w));
    return this.getWorkspace(res.workspaceID, o);
  }

  private waitFor(ws: Workspace | string, states: string[], w: WaitOptions, defInterval: number): Promise<Workspace> {
    const id = typeof ws === 'string' ? ws : ws.id;
    return this.waitJson(id, states, { interval: w.interval ?? defInterval, timeout: w.timeout ?? 600, signal: w.signal }).then((o) => new Workspace(this, o));
  }

  waitOnActive(ws: Workspace | string, w: WaitOptions = {}): Promise<Workspace> {
    return this.waitFor(ws, ['ACTIVE'], w, 10);
  }

  waitOnSuspended(ws: Workspace | string, w: WaitOptions = {}): Promise<Workspace> {
    return this.waitFor(ws, ['SUSPENDED'], w, 20);
  }

  waitOnResumed(ws: Workspace | string, w: WaitOptions = {}): Promise<Workspace> {
    return this.waitFor(ws, ['RESUMED', 'ACTIVE'], w, 20);
  }

  waitOnTerminated(ws: Workspace | string, w: WaitOptions = {}): Promise<Workspace> {
    return this.waitFor(ws, ['TERMINATED'], w, 10);
  }
}
