import type { DatabaseConnection } from '@s2/base';
import { connectTo, type DatabaseConnectOptions } from '../connect.js';
import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import type { CallOptions } from '../http/client.js';
import { describe, num, str } from '../models/common.js';
import type { Project, Region } from '../models/region.js';
import { Stage } from '../fs/stage.js';
import { NamedList } from '../util/named-list.js';
import { ProjectManager } from './projects.js';
import { hideManager } from '../util/hidden.js';

/** The two shared-tier APIs differ only in these names. */
interface Flavor {
  version: 'v1' | 'v2';
  path: string;
  idKey: string;
  what: string;
}

export const STARTER_CLUSTERS: Flavor = { version: 'v2', path: 'sharedtier/virtualClusters', idKey: 'virtualClusterID', what: 'starter cluster' };
export const STARTER_WORKSPACES: Flavor = { version: 'v1', path: 'sharedtier/virtualWorkspaces', idKey: 'virtualWorkspaceID', what: 'starter workspace' };

/** A starter (shared-tier) deployment: a starter cluster at v2, a starter workspace at v1. */
export class StarterDeployment {
  id!: string;
  name!: string;
  databaseName!: string;
  /** `host:port` of the SQL endpoint. */
  endpoint!: string | null;
  mysqlDmlPort!: number | null;
  websocketPort!: number | null;
  projectId!: string | null;

  constructor(
    private readonly manager: StarterManager,
    json: Record<string, unknown>,
  ) {
    hideManager(this);
    this.assign(json);
  }

  assign(o: Record<string, unknown>): this {
    this.id = String(o[this.manager.flavor.idKey]);
    this.name = String(o.name ?? '');
    this.databaseName = String(o.databaseName ?? '');
    this.endpoint = str(o.endpoint);
    this.mysqlDmlPort = num(o.mysqlDmlPort);
    this.websocketPort = num(o.websocketPort);
    this.projectId = str(o.projectID);
    return this;
  }

  async refresh(opts: CallOptions = {}): Promise<this> {
    return this.assign(await this.manager.fetchJson(this.id, opts));
  }

  /** `DELETE sharedtier/…/{id}`: removed at once (no waiting). */
  async terminate(opts: CallOptions = {}): Promise<void> {
    await this.manager.ctx.client.request({
      method: 'DELETE',
      path: `${this.manager.flavor.path}/${encodeURIComponent(this.id)}`,
      version: this.manager.flavor.version,
      signal: opts.signal,
    });
  }

  /** Creates a database user; the service generates the password when none is given. */
  async createUser(userName: string, password?: string, opts: CallOptions = {}): Promise<{ userId: string; password: string }> {
    const res = await this.manager.ctx.client.json<{ userID?: string; password?: string }>({
      method: 'POST',
      path: `${this.manager.flavor.path}/${encodeURIComponent(this.id)}/users`,
      version: this.manager.flavor.version,
      json: password != null ? { userName, password } : { userName },
      signal: opts.signal,
    });
    if (!res?.userID) throw new ManagementError('No userID returned from API');
    const pw = password ?? res.password;
    if (!pw) throw new ManagementError('No password available from API response');
    return { userId: res.userID, password: pw };
  }

  get stage(): Stage {
    return new Stage(this.manager.ctx, this.id, this.manager.flavor.version);
  }

  /** A connection to the endpoint with the starter database selected (needs @s2/core). */
  connect<C extends DatabaseConnection = DatabaseConnection>(opts: DatabaseConnectOptions = {}): Promise<C> {
    return connectTo(this.endpoint, this.manager.flavor.what, opts, this.databaseName);
  }

  toString(): string {
    return describe(this.manager.flavor.version === 'v2' ? 'StarterCluster' : 'StarterWorkspace', {
      name: this.name,
      id: this.id,
      databaseName: this.databaseName,
      endpoint: this.endpoint,
    });
  }
}

export type StarterCluster = StarterDeployment;
export type StarterWorkspace = StarterDeployment;

export interface CreateStarterOptions extends CallOptions {
  name: string;
  databaseName: string;
  /** A shared-tier Region, or the provider's region code together with `provider`. */
  region: Region | string;
  provider?: string;
  /** Project object, id or unique name (optional). */
  project?: Project | string;
}

/** Starter clusters (v2) or starter workspaces (v1): list, get, create. */
export class StarterManager {
  constructor(
    readonly ctx: Context,
    readonly flavor: Flavor,
  ) {}

  /** @internal */
  fetchJson(id: string, opts: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.ctx.client.json({ path: `${this.flavor.path}/${encodeURIComponent(id)}`, version: this.flavor.version, signal: opts.signal });
  }

  async list(opts: CallOptions = {}): Promise<NamedList<StarterDeployment>> {
    if (this.flavor.version === 'v1') this.ctx.deprecated('starterWorkspaces', 'starterClusters');
    const rows = await this.ctx.client.json<Record<string, unknown>[]>({ path: this.flavor.path, version: this.flavor.version, signal: opts.signal });
    return NamedList.fromItems((rows ?? []).map((o) => new StarterDeployment(this, o)));
  }

  async get(id: string, opts: CallOptions = {}): Promise<StarterDeployment> {
    return new StarterDeployment(this, await this.fetchJson(id, opts));
  }

  async create(o: CreateStarterOptions): Promise<StarterDeployment> {
    if (o === null || typeof o !== 'object') throw new ManagementError('create needs an options object with at least name and region');
    if (typeof o.name !== 'string' || o.name.trim() === '') throw new ManagementError('create needs a non-empty name');
    if (this.flavor.version === 'v1') this.ctx.deprecated('starterWorkspaces.create', 'starterClusters.create');
    let provider = o.provider;
    let regionName: string | undefined;
    if (typeof o.region === 'object') {
      provider = provider ?? o.region.provider;
      regionName = o.region.regionName ?? o.region.name;
    } else regionName = o.region;
    if (!provider || !regionName)
      throw new ManagementError('a provider and a region name are required; pass a Region, or a provider region name together with provider');
    const body: Record<string, unknown> = {
      name: o.name,
      databaseName: o.databaseName,
      // The shared-tier route accepts only the upper-case spellings (AWS, AZURE, GCP).
      provider: provider.toUpperCase(),
      regionName,
    };
    if (o.project != null) body.projectID = await new ProjectManager(this.ctx).idOf(o.project, o);
    const res = await this.ctx.client.json<Record<string, unknown>>({
      method: 'POST',
      path: this.flavor.path,
      version: this.flavor.version,
      json: body,
      signal: o.signal,
    });
    const id = res?.[this.flavor.idKey];
    if (!id) throw new ManagementError(`No ${this.flavor.idKey} returned from API`);
    return this.get(String(id), o);
  }
}
