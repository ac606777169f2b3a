import { randomBytes, randomUUID } from 'node:crypto';
import { HttpError, type Req, type Router } from './router.js';
import { now, settle, type FakeState, type Json, type Stored } from './state.js';

export interface Timing {
  /** Milliseconds an asynchronous transition (create, suspend, resume, terminate, resize) takes. */
  transitionMs: number;
  /** Milliseconds after ACTIVE before a v2 cluster reports its firewall ranges. */
  firewallDelayMs: number;
  /** SQL endpoint handed out for dedicated deployments (`host` or `host:port`). */
  endpoint?: string;
  /** `host:port` handed out for starter deployments. */
  starterEndpoint?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUuid(id: string): string {
  const text = decodeURIComponent(id);
  if (!UUID.test(text)) throw new HttpError(400, `invalid UUID: "${text}"`);
  return text;
}

export function lookup(map: Map<string, Stored>, id: string, what: string): Stored {
  const rec = map.get(requireUuid(id));
  if (!rec) throw new HttpError(404, `${what} not found`);
  return rec;
}

export function obj(body: unknown): Json {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Json) : {};
}

/** Sets the present (non-null) fields of `src` listed in `keys` on `dst`. */
function apply(dst: Json, src: Json, keys: string[]): void {
  for (const k of keys) if (src[k] !== undefined && src[k] !== null) dst[k] = src[k];
}

function schedule(rec: Stored, t: Timing, to: string, via: string, then?: (j: Json) => void): void {
  rec.json.state = via;
  rec.pending = { at: Date.now() + t.transitionMs, to, then };
}

function requireString(b: Json, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || v === '') throw new HttpError(400, `${key} is required`);
  return v;
}

const live = (j: Json) => j.state !== 'TERMINATED' && !j.terminatedAt;
/**
 * A repeated DELETE leaves the running termination alone; a DELETE during a create, resize,
 * suspend or resume replaces that transition, as the service terminates a deployment in any
 * live state.
 */
const terminating = (rec: Stored) => rec.pending?.to === 'TERMINATED';

function endpointFor(t: Timing, id: string): string {
  return t.endpoint ?? `svc-${id.slice(0, 8)}-dml.fake.singlestore.test`;
}

/** The v2 cluster record as the service reports it. */
export function newCluster(state: FakeState, t: Timing, b: Json): Stored {
  const id = randomUUID();
  const json: Json = {
    clusterID: id,
    name: b.name,
    state: 'ACTIVE',
    sizeConfig: { size: 'S-00', scaleFactor: 1, ...obj(b.sizeConfig) },
    createdAt: now(),
    endpoint: endpointFor(t, id),
    provider: b.provider ?? 'AWS',
    region: b.region ?? state.regions[0]!.regionName,
    projectID: b.projectID ?? state.projects[0]?.projectID,
    deploymentType: b.deploymentType ?? 'PRODUCTION',
    kai: b.kai ?? false,
    multiAZ: b.multiAZ ?? false,
    allowAllTraffic: b.allowAllTraffic ?? false,
    firewallRanges: b.firewallRanges ?? [],
    outboundAllowList: [],
    cacheConfig: b.cacheConfig ?? 1,
  };
  apply(json, b, ['autoSuspend', 'autoScale', 'expiresAt', 'updateWindow', 'optInPreviewFeature']);
  return { json };
}

export function registerDeployments(router: Router, state: FakeState, t: Timing): void {
  // ---- v2 clusters ----
  const clusterView = (rec: Stored) => settle(rec);
  router.add('GET', '/v2/clusters', (r) => ({
    json: [...state.clusters.values()].map(clusterView).filter((j) => r.query.includeTerminated === 'true' || live(j)),
  }));
  router.add('POST', '/v2/clusters', (r) => {
    const b = obj(r.body);
    requireString(b, 'name');
    const provider = requireString(b, 'provider');
    const region = requireString(b, 'region');
    const projectID = requireString(b, 'projectID');
    if (!Array.isArray(b.firewallRanges)) throw new HttpError(400, 'firewallRanges is required; indicate empty list [] to disallow all inbound traffic');
    if (!state.regions.some((x) => x.provider.toLowerCase() === provider.toLowerCase() && x.regionName === region))
      throw new HttpError(400, `unknown region ${provider} ${region}`);
    if (!state.projects.some((p) => p.projectID === projectID)) throw new HttpError(400, `unknown projectID ${projectID}`);
    if ([...state.clusters.values()].some((c) => live(c.json) && c.json.name === b.name))
      throw new HttpError(409, `a cluster named ${String(b.name)} already exists`);
    const rec = newCluster(state, t, { ...b, provider: state.regions.find((x) => x.provider.toLowerCase() === provider.toLowerCase())!.provider });
    schedule(rec, t, 'ACTIVE', 'PENDING');
    const wantsFirewall = (b.firewallRanges as unknown[]).length > 0 || b.allowAllTraffic === true;
    if (wantsFirewall && t.firewallDelayMs > 0) rec.firewallAt = rec.pending!.at + t.firewallDelayMs;
    state.clusters.set(String(rec.json.clusterID), rec);
    return { json: { clusterID: rec.json.clusterID, adminPassword: randomBytes(12).toString('base64url') } };
  });
  router.add('GET', '/v2/clusters/:id', (r) => ({ json: clusterView(lookup(state.clusters, r.params.id!, 'cluster')) }));
  router.add('PATCH', '/v2/clusters/:id', (r) => {
    const rec = lookup(state.clusters, r.params.id!, 'cluster');
    settle(rec);
    if (!live(rec.json)) throw new HttpError(409, 'cluster is terminated');
    const b = obj(r.body);
    apply(rec.json, b, ['name', 'autoSuspend', 'autoScale', 'deploymentType', 'expiresAt', 'updateWindow', 'kai', 'firewallRanges', 'allowAllTraffic']);
    const resized = b.sizeConfig != null || b.cacheConfig != null;
    if (b.sizeConfig != null) rec.json.sizeConfig = { ...obj(rec.json.sizeConfig), ...obj(b.sizeConfig) };
    if (b.cacheConfig != null) rec.json.cacheConfig = b.cacheConfig;
    if (resized) schedule(rec, t, 'ACTIVE', 'PENDING');
    if ((b.firewallRanges != null || b.allowAllTraffic != null) && t.firewallDelayMs > 0) rec.firewallAt = Date.now() + t.firewallDelayMs;
    return { json: { clusterID: rec.json.clusterID } };
  });
  router.add('DELETE', '/v2/clusters/:id', (r) => {
    const rec = lookup(state.clusters, r.params.id!, 'cluster');
    settle(rec);
    if (live(rec.json) && !terminating(rec)) schedule(rec, t, 'TERMINATED', 'PENDING', (j) => (j.terminatedAt = now()));
    return { json: { clusterID: rec.json.clusterID } };
  });
  router.add('POST', '/v2/clusters/:id/suspend', (r) => {
    const rec = lookup(state.clusters, r.params.id!, 'cluster');
    if (settle(rec).state !== 'ACTIVE') throw new HttpError(409, `cluster is ${String(rec.json.state)}, not ACTIVE`);
    schedule(rec, t, 'SUSPENDED', 'PENDING');
    return { json: { clusterID: rec.json.clusterID } };
  });
  router.add('POST', '/v2/clusters/:id/resume', (r) => {
    const rec = lookup(state.clusters, r.params.id!, 'cluster');
    if (settle(rec).state !== 'SUSPENDED') throw new HttpError(409, `cluster is ${String(rec.json.state)}, not SUSPENDED`);
    rec.json.disableAutoSuspend = !!obj(r.body).disableAutoSuspend;
    schedule(rec, t, 'ACTIVE', 'PENDING', (j) => (j.lastResumedAt = now()));
    return { json: { clusterID: rec.json.clusterID } };
  });

  // ---- projects ----
  router.add('GET', '/v2/projects', () => ({ json: state.projects }));
  router.add('GET', '/v2/projects/:id', (r) => {
    const id = requireUuid(r.params.id!);
    const p = state.projects.find((x) => x.projectID === id);
    if (!p) throw new HttpError(404, 'project not found');
    return { json: p };
  });

  // ---- starter clusters (v2) and starter workspaces (v1) ----
  const starter = (version: 'v1' | 'v2', map: Map<string, Stored>, idKey: string) => {
    const base = version === 'v2' ? '/v2/sharedtier/virtualClusters' : '/v1/sharedtier/virtualWorkspaces';
    router.add('GET', base, () => ({ json: [...map.values()].map((x) => x.json) }));
    router.add('POST', base, (r) => {
      const b = obj(r.body);
      requireString(b, 'name');
      const db = requireString(b, 'databaseName');
      if (!/^[a-z0-9_]+$/.test(db)) throw new HttpError(400, 'databaseName may only contain a-z, 0-9 and _');
      const provider = requireString(b, 'provider');
      const regionName = requireString(b, 'regionName');
      if (!['AWS', 'GCP', 'AZURE'].includes(provider))
        throw new HttpError(500, `${provider === '' ? 'Unspecified' : provider} is not a valid CloudServiceProvider`);
      if (!state.sharedTierRegions.some((x) => x.provider.toUpperCase() === provider && x.regionName === regionName))
        throw new HttpError(400, `no shared tier region ${provider} ${regionName}`);
      const id = randomUUID();
      const json: Json = {
        [idKey]: id,
        name: b.name,
        databaseName: db,
        endpoint: t.starterEndpoint ?? `svc-${id.slice(0, 8)}.starter.fake.singlestore.test:3333`,
        mysqlDmlPort: 3333,
        websocketPort: 443,
      };
      if (b.projectID != null) json.projectID = b.projectID;
      map.set(id, { json });
      return { json: { [idKey]: id } };
    });
    router.add('GET', `${base}/:id`, (r) => ({ json: lookup(map, r.params.id!, 'starter deployment').json }));
    router.add('DELETE', `${base}/:id`, (r) => {
      const rec = lookup(map, r.params.id!, 'starter deployment');
      map.delete(String(rec.json[idKey]));
      return { json: { [idKey]: rec.json[idKey] } };
    });
    router.add('POST', `${base}/:id/users`, (r) => {
      const rec = lookup(map, r.params.id!, 'starter deployment');
      const b = obj(r.body);
      const userName = requireString(b, 'userName');
      const password = typeof b.password === 'string' && b.password ? b.password : randomBytes(12).toString('base64url');
      const userID = randomUUID();
      const users = state.starterUsers.get(String(rec.json[idKey])) ?? [];
      users.push({ userID, userName });
      state.starterUsers.set(String(rec.json[idKey]), users);
      return { json: { userID, password } };
    });
  };
  starter('v2', state.starterClusters, 'virtualClusterID');
  starter('v1', state.starterWorkspaces, 'virtualWorkspaceID');

  // ---- v1 workspace groups ----
  const groupView = (rec: Stored) => settle(rec);
  router.add('GET', '/v1/workspaceGroups', (r) => ({
    json: [...state.workspaceGroups.values()].map(groupView).filter((j) => /^true$/i.test(r.query.includeTerminated ?? '') || live(j)),
  }));
  router.add('POST', '/v1/workspaceGroups', (r) => {
    const b = obj(r.body);
    requireString(b, 'name');
    const region =
      state.regions.find((x) => x.regionID === b.regionID) ??
      state.regions.find((x) => b.provider && x.provider.toLowerCase() === String(b.provider).toLowerCase() && x.regionName === b.regionName);
    if (!region) throw new HttpError(400, `unknown region ${String(b.regionID ?? b.regionName)}`);
    const id = randomUUID();
    const json: Json = {
      workspaceGroupID: id,
      name: b.name,
      state: 'ACTIVE',
      createdAt: now(),
      regionID: region.regionID,
      firewallRanges: b.firewallRanges ?? [],
      allowAllTraffic: b.allowAllTraffic ?? false,
    };
    apply(json, b, ['expiresAt', 'updateWindow', 'deploymentType', 'highAvailabilityTwoZones', 'optInPreviewFeature', 'projectID']);
    const rec: Stored = { json };
    schedule(rec, t, 'ACTIVE', 'PENDING');
    state.workspaceGroups.set(id, rec);
    return { json: { workspaceGroupID: id } };
  });
  router.add('GET', '/v1/workspaceGroups/:id', (r) => ({ json: groupView(lookup(state.workspaceGroups, r.params.id!, 'workspace group')) }));
  router.add('PATCH', '/v1/workspaceGroups/:id', (r) => {
    const rec = lookup(state.workspaceGroups, r.params.id!, 'workspace group');
    apply(rec.json, obj(r.body), ['name', 'firewallRanges', 'expiresAt', 'allowAllTraffic', 'updateWindow']);
    return { json: { workspaceGroupID: rec.json.workspaceGroupID } };
  });
  router.add('DELETE', '/v1/workspaceGroups/:id', (r) => {
    const rec = lookup(state.workspaceGroups, r.params.id!, 'workspace group');
    const force = /^(true|1)$/i.test(r.query.force ?? '');
    const members = [...state.workspaces.values()].filter((w) => w.json.workspaceGroupID === rec.json.workspaceGroupID && live(settle(w)));
    if (members.length && !force) throw new HttpError(409, 'workspace group has active workspaces');
    for (const w of members) schedule(w, t, 'TERMINATED', 'PENDING', (j) => (j.terminatedAt = now()));
    if (live(settle(rec))) schedule(rec, t, 'TERMINATED', 'PENDING', (j) => (j.terminatedAt = now()));
    return { json: { workspaceGroupID: rec.json.workspaceGroupID } };
  });

  // ---- v1 workspaces ----
  router.add('GET', '/v1/workspaces', (r) => {
    const gid = r.query.workspaceGroupID;
    return {
      json: [...state.workspaces.values()]
        .map((w) => settle(w))
        .filter((j) => j.workspaceGroupID === gid && (/^true$/i.test(r.query.includeTerminated ?? '') || live(j))),
    };
  });
  router.add('POST', '/v1/workspaces', (r) => {
    const b = obj(r.body);
    const group = state.workspaceGroups.get(String(b.workspaceGroupID));
    if (!group || !live(settle(group))) throw new HttpError(400, 'workspace group does not exist or is terminated');
    const id = randomUUID();
    const json: Json = {
      workspaceID: id,
      workspaceGroupID: b.workspaceGroupID,
      name: b.name,
      size: b.size ?? 'S-00',
      state: 'ACTIVE',
      createdAt: now(),
      cacheConfig: b.cacheConfig ?? 1,
      deploymentType: 'PRODUCTION',
      kaiEnabled: b.enableKai ?? false,
      scaleFactor: b.scaleFactor ?? 1,
    };
    apply(json, b, ['autoSuspend', 'autoScale']);
    const rec: Stored = { json };
    schedule(rec, t, 'ACTIVE', 'PENDING', (j) => (j.endpoint = endpointFor(t, id)));
    state.workspaces.set(id, rec);
    return { json: { workspaceID: id } };
  });
  router.add('GET', '/v1/workspaces/:id', (r) => ({ json: settle(lookup(state.workspaces, r.params.id!, 'workspace')) }));
  router.add('PATCH', '/v1/workspaces/:id', (r) => {
    const rec = lookup(state.workspaces, r.params.id!, 'workspace');
    const b = obj(r.body);
    apply(rec.json, b, ['autoSuspend', 'cacheConfig', 'deploymentType', 'size', 'scaleFactor', 'autoScale']);
    if (b.size != null) schedule(rec, t, 'ACTIVE', 'PENDING');
    return { json: { workspaceID: rec.json.workspaceID } };
  });
  router.add('DELETE', '/v1/workspaces/:id', (r) => {
    const rec = lookup(state.workspaces, r.params.id!, 'workspace');
    if (live(settle(rec)) && !terminating(rec)) schedule(rec, t, 'TERMINATED', 'PENDING', (j) => (j.terminatedAt = now()));
    return { json: { workspaceID: rec.json.workspaceID } };
  });
  router.add('POST', '/v1/workspaces/:id/suspend', (r) => {
    const rec = lookup(state.workspaces, r.params.id!, 'workspace');
    if (settle(rec).state !== 'ACTIVE') throw new HttpError(409, `workspace is ${String(rec.json.state)}, not ACTIVE`);
    schedule(rec, t, 'SUSPENDED', 'PENDING');
    return { json: { workspaceID: rec.json.workspaceID } };
  });
  router.add('POST', '/v1/workspaces/:id/resume', (r) => {
    const rec = lookup(state.workspaces, r.params.id!, 'workspace');
    if (settle(rec).state !== 'SUSPENDED') throw new HttpError(409, `workspace is ${String(rec.json.state)}, not SUSPENDED`);
    schedule(rec, t, 'ACTIVE', 'PENDING', (j) => (j.lastResumedAt = now()));
    return { json: { workspaceID: rec.json.workspaceID } };
  });
}

export type { Req };
