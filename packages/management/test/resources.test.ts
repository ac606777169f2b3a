import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManagementFake } from '@s2/fakes/management';
import { ManagementError, MissingPeerError, NamedList, type Management } from '@s2/management';
import { fakeAndClient } from './support.js';

let fake: ManagementFake;
let mgmt: Management;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ fake, mgmt, close } = await fakeAndClient({ transitionMs: 40 }));
});
afterAll(() => close());
beforeEach(() => fake.setTiming({ transitionMs: 40, firewallDelayMs: 0 }));

const fast = { interval: 0.01, timeout: 5 };

describe('v2 clusters', () => {
  it('walks create → ACTIVE → suspend → resume → terminate through the waiting helpers', async () => {
    // Long enough that the GET after the POST still sees PENDING on a loaded machine.
    fake.setTiming({ transitionMs: 400 });
    const region = await mgmt.regions.find('aws', 'us-east-1');
    const created = await mgmt.clusters.create({
      name: 'life',
      region,
      size: 'S-2',
      firewallRanges: ['10.0.0.0/8'],
      autoSuspend: { suspend_type: 'IDLE', suspend_after_seconds: 3600 },
    });
    expect(created.state).toBe('PENDING');
    const body = fake.requests.find((r) => r.method === 'POST' && r.path === '/v2/clusters')!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'life',
      provider: 'AWS',
      region: 'us-east-1',
      sizeConfig: { size: 'S-2' },
      firewallRanges: ['10.0.0.0/8'],
      autoSuspend: { suspendType: 'IDLE', suspendAfterSeconds: 3600 },
    });
    expect(body.projectID).toBe(fake.state.projects[0]!.projectID);
    expect(Object.values(body)).not.toContain(null);
    const active = await mgmt.clusters.waitOnActive(created, fast);
    expect(active.state).toBe('ACTIVE');
    expect(active.size).toBe('S-2');
    expect(active.endpoint).toMatch(/fake/);
    expect(active.createdAt).toBeInstanceOf(Date);
    await active.suspend({ waitOnSuspended: fast });
    expect(active.state).toBe('SUSPENDED');
    await active.resume({ waitOnResumed: fast, disableAutoSuspend: true });
    expect(active.state).toBe('ACTIVE');
    expect(active.lastResumedAt).toBeInstanceOf(Date);
    await active.update({ name: 'life-2' });
    expect(active.name).toBe('life-2');
    await active.terminate({ waitOnTerminated: fast });
    expect(active.terminatedAt).toBeInstanceOf(Date);
    expect((await mgmt.clusters.list()).ids()).not.toContain(active.id);
  });

  it('terminates a cluster deleted while its create is still PENDING (the fake does not drop that DELETE)', async () => {
    fake.setTiming({ transitionMs: 400 });
    const c = await mgmt.clusters.create({ name: 'short-lived', region: 'us-east-1', provider: 'AWS' });
    expect(c.state).toBe('PENDING');
    await c.terminate({ waitOnTerminated: fast });
    expect(c.terminatedAt).toBeInstanceOf(Date);
    expect((await mgmt.clusters.list()).ids()).not.toContain(c.id);
  });

  it('waitOnActive with a create waits for the firewall too', async () => {
    fake.setTiming({ firewallDelayMs: 150 });
    const c = await mgmt.clusters.create({ name: 'fw', region: 'us-east-1', provider: 'AWS', firewallRanges: ['1.2.3.4/32'], waitOnActive: fast });
    expect(c.state).toBe('ACTIVE');
    expect(c.firewallRanges).toEqual(['1.2.3.4/32']);
    const polls = fake.requests.filter((r) => r.method === 'GET' && r.path === `/v2/clusters/${c.id}`);
    expect(polls.length).toBeGreaterThan(3);
  });

  it('a wait that runs out is a ManagementError; an abort ends it', async () => {
    fake.setTiming({ transitionMs: 5000 });
    const c = await mgmt.clusters.create({ name: 'slow', region: 'us-east-1', provider: 'AWS' });
    await expect(mgmt.clusters.waitOnActive(c, { interval: 0.02, timeout: 0.1 })).rejects.toThrow('Exceeded waiting time for cluster to become active.');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('aborted wait')), 50);
    await expect(mgmt.clusters.waitOnActive(c, { interval: 10, timeout: 60, signal: ac.signal })).rejects.toThrow('aborted wait');
  });

  it('lists as a NamedList, gets by id, and rejects bad ids with the UUID message', async () => {
    const seeded = fake.seed.cluster({ name: 'seeded' });
    const list = await mgmt.clusters.list();
    expect(list).toBeInstanceOf(NamedList);
    expect(list.get('seeded').id).toBe(seeded.clusterID);
    expect(list.get(String(seeded.clusterID)).name).toBe('seeded');
    expect(list.has('nope')).toBe(false);
    await expect(mgmt.clusters.get('bad id')).rejects.toThrow(/UUID/);
    await expect(mgmt.clusters.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });

  it('resolves the project: explicit name, current cluster, only project, or an error listing them', async () => {
    const other = fake.seed.project({ name: 'Analytics' });
    expect(await mgmt.clusters.resolveProjectId('Analytics')).toBe(other.projectID);
    expect(await mgmt.clusters.resolveProjectId(String(other.projectID))).toBe(other.projectID);
    const home = fake.seed.cluster({ name: 'home', projectID: other.projectID });
    const { createManagement } = await import('@s2/management');
    const nb = createManagement({ baseUrl: fake.url, token: fake.token, env: { SINGLESTOREDB_WORKSPACE: String(home.clusterID) } });
    expect(await nb.clusters.resolveProjectId(undefined)).toBe(other.projectID);
    await expect(mgmt.clusters.resolveProjectId(undefined)).rejects.toThrow(/more than one.*Default Project.*Analytics/);
    await expect(mgmt.clusters.resolveProjectId('Missing')).rejects.toThrow(/No project named 'Missing'/);
    fake.seed.project({ name: 'Analytics' });
    await expect(mgmt.clusters.resolveProjectId('Analytics')).rejects.toThrow(/More than one project is named/);
    fake.state.projects.splice(1);
  });

  it('find() by name or id; current() from SINGLESTOREDB_WORKSPACE', async () => {
    const a = fake.seed.cluster({ name: 'findme' });
    expect((await mgmt.clusters.find('findme')).id).toBe(a.clusterID);
    expect((await mgmt.clusters.find(String(a.clusterID))).name).toBe('findme');
    await expect(mgmt.clusters.find('nobody')).rejects.toMatchObject({ status: 404 });
    fake.seed.cluster({ name: 'findme' });
    await expect(mgmt.clusters.find('findme')).rejects.toThrow(/More than one cluster is named 'findme'/);
    const { createManagement } = await import('@s2/management');
    const nb = createManagement({ baseUrl: fake.url, token: fake.token, env: { SINGLESTOREDB_WORKSPACE: String(a.clusterID) } });
    expect((await nb.clusters.current()).id).toBe(a.clusterID);
    await expect(mgmt.clusters.current()).rejects.toThrow(/SINGLESTOREDB_WORKSPACE/);
  });

  it("reads Go time.Time text (how GET /v2/clusters/{id} sends expiresAt) like RFC 3339; Go's zero time is unset", async () => {
    const read = async (expiresAt: string) => (await mgmt.clusters.get(String(fake.seed.cluster({ name: 'go-time', expiresAt }).clusterID))).expiresAt;
    expect(await read('2026-09-17 14:42:41.445984 +0000 UTC')).toEqual(new Date('2026-09-17T14:42:41.445Z'));
    expect(await read('2026-09-17 14:42:41.5 -0700 MST')).toEqual(new Date('2026-09-17T21:42:41.500Z'));
    expect(await read('2026-09-17 14:42:41 +0000 UTC m=+3600.000000001')).toEqual(new Date('2026-09-17T14:42:41Z'));
    expect(await read('2026-09-17 14:42:41.445984 +05:30 IST m=-0.25')).toEqual(new Date('2026-09-17T09:12:41.445Z'));
    expect(await read('2026-09-17T14:42:41.123456789Z')).toEqual(new Date('2026-09-17T14:42:41.123Z'));
    expect(await read('2026-09-17 14:42:41')).toEqual(new Date('2026-09-17T14:42:41Z'));
    expect(await read('0001-01-01 00:00:00 +0000 UTC')).toBeNull();
    expect(await read('0001-01-01T00:00:00Z')).toBeNull();
    expect(await read('next tuesday')).toBeNull();
  });

  it('connect() without an endpoint names the endpoint', async () => {
    const c = await mgmt.clusters.get(String(fake.seed.cluster({ name: 'noep', endpoint: null }).clusterID));
    await expect(c.connect()).rejects.toThrow('An endpoint has not been set in this cluster configuration');
    expect(new MissingPeerError('@s2/core', '.connect()').message).toContain('npm install @s2/core');
  });
});

describe('starter clusters and regions', () => {
  it('creates in a shared-tier region, creates a user, lists and terminates', async () => {
    const region = await mgmt.regions.find('GCP', 'us-central1', { sharedTier: true });
    const sc = await mgmt.starterClusters.create({ name: 'starter', databaseName: 'starter_db', region });
    expect(fake.requests.find((r) => r.method === 'POST' && r.path === '/v2/sharedtier/virtualClusters')!.body).toEqual({
      name: 'starter',
      databaseName: 'starter_db',
      provider: 'GCP',
      regionName: 'us-central1',
    });
    expect(sc.endpoint).toMatch(/:3333$/);
    expect((await mgmt.starterClusters.list()).names()).toContain('starter');
    const user = await sc.createUser('app_user');
    expect(user.password.length).toBeGreaterThan(8);
    expect((await sc.createUser('u2', 'pw-given')).password).toBe('pw-given');
    await sc.terminate();
    await expect(mgmt.starterClusters.get(sc.id)).rejects.toMatchObject({ status: 404 });
    await expect(mgmt.regions.find('AWS', 'mars-1')).rejects.toThrow(/No region AWS 'mars-1'/);
  });

  it('v2 regions are (provider, regionName) without ids; v1 regions have ids', async () => {
    const v2 = await mgmt.regions.list({ refresh: true });
    expect(v2.every((r) => r.id === null && r.regionName)).toBe(true);
    expect(new Set(v2.map((r) => r.provider))).toEqual(new Set(['AWS', 'GCP', 'Azure']));
    const v1 = await mgmt.workspaces.regions.list();
    expect(v1.every((r) => r.id)).toBe(true);
  });
});

describe('v1 workspace groups and workspaces (OpenAPI-validated)', () => {
  it('creates a group and a workspace, waits, suspends, resumes, terminates', async () => {
    const regions = await mgmt.workspaces.regions.list();
    const g = await mgmt.workspaces.createGroup({ name: 'wg', region: regions[0]!, firewallRanges: ['0.0.0.0/0'], adminPassword: 'pw' });
    expect(g.region?.name).toBe(regions[0]!.name);
    const ws = await g.createWorkspace({ name: 'ws', size: 'S-0', waitOnActive: fast });
    expect(ws.state).toBe('ACTIVE');
    expect(ws.endpoint).toMatch(/^svc-[0-9a-f-]{8}-dml\.fake\.singlestore\.test$/);
    expect((await g.workspaces()).names()).toEqual(['ws']);
    await ws.suspend({ waitOnSuspended: fast });
    await ws.resume({ waitOnResumed: fast });
    expect(ws.state).toBe('ACTIVE');
    await ws.suspend();
    expect((await mgmt.workspaces.waitOnSuspended(ws.id, fast)).state).toBe('SUSPENDED');
    await ws.resume();
    expect((await mgmt.workspaces.waitOnResumed(ws, fast)).state).toBe('ACTIVE');
    await g.update({ name: 'wg-2' });
    expect(g.name).toBe('wg-2');
    await expect(g.terminate()).rejects.toMatchObject({ status: 409 });
    await g.terminate({ force: true, waitOnTerminated: fast });
    expect(g.terminatedAt).toBeInstanceOf(Date);
    expect((await mgmt.workspaces.listGroups()).ids()).not.toContain(g.id);
    expect((await mgmt.workspaces.listGroups({ includeTerminated: true })).ids()).toContain(g.id);
  });

  it('terminates a workspace deleted while its create is still PENDING', async () => {
    fake.setTiming({ transitionMs: 400 });
    const regions = await mgmt.workspaces.regions.list();
    const g = await mgmt.workspaces.createGroup({ name: 'wg-short', region: regions[0]!, firewallRanges: ['0.0.0.0/0'], adminPassword: 'pw' });
    const ws = await g.createWorkspace({ name: 'ws-short', size: 'S-0' });
    expect(ws.state).toBe('PENDING');
    await ws.terminate({ waitOnTerminated: fast });
    expect(ws.terminatedAt).toBeInstanceOf(Date);
    await g.terminate({ force: true });
  });

  it('the fake rejects what the OpenAPI document rejects, but treats null as absent', async () => {
    const post = (json: unknown) => mgmt.client.request({ method: 'POST', path: 'workspaceGroups', version: 'v1', json });
    await expect(post({ name: 'x', firewallRanges: [] })).rejects.toThrow(/regionID/);
    await expect(post({ name: 'x', regionID: 'not-a-uuid', firewallRanges: [] })).rejects.toThrow(/uuid/i);
    await expect(post({ name: 5, regionID: fake.state.regions[0]!.regionID, firewallRanges: [] })).rejects.toMatchObject({ status: 400 });
    const ok = await post({
      name: 'nulls',
      regionID: fake.state.regions[0]!.regionID,
      firewallRanges: [],
      adminPassword: null,
      expiresAt: null,
      updateWindow: null,
    });
    expect(ok.status).toBe(200);
    await expect(mgmt.client.request({ path: 'workspaces', version: 'v1' })).rejects.toThrow(/workspaceGroupID/);
  });

  it('findGroup / findWorkspace by name, id or the environment', async () => {
    const g = fake.seed.workspaceGroup({ name: 'env-group' });
    const w = fake.seed.workspace(String(g.workspaceGroupID), { name: 'env-ws' });
    expect((await mgmt.workspaces.findGroup('env-group')).id).toBe(g.workspaceGroupID);
    expect((await mgmt.workspaces.findWorkspace('env-ws', 'env-group')).id).toBe(w.workspaceID);
    const { createManagement } = await import('@s2/management');
    const nb = createManagement({
      baseUrl: fake.url,
      token: fake.token,
      env: { SINGLESTOREDB_WORKSPACE_GROUP: 'env-group', SINGLESTOREDB_WORKSPACE: 'env-ws' },
      quietDeprecations: true,
    });
    expect((await nb.workspaces.findWorkspace()).id).toBe(w.workspaceID);
    await expect(mgmt.workspaces.findGroup()).rejects.toThrow(/SINGLESTOREDB_WORKSPACE_GROUP/);
  });

  it('starter workspaces at v1 use virtualWorkspaceID', async () => {
    const sw = await mgmt.starterWorkspaces.create({ name: 'sw', databaseName: 'db1', region: 'us-east-1', provider: 'aws' });
    expect(sw.id).toMatch(/-/);
    expect(fake.state.starterWorkspaces.has(sw.id)).toBe(true);
    await expect(sw.connect()).rejects.toBeInstanceOf(Error);
  });
});

describe('jobs, secrets, organization, billing, inference', () => {
  it('runs a notebook job and waits for its execution', async () => {
    const job = await mgmt.jobs.run('Scheduling Test.ipynb', {
      runtimeName: 'notebooks-cpu-small',
      parameters: { strParam: 'string', intParam: 1, floatParam: 1.5, boolParam: true },
    });
    expect(job.executionConfig.notebookPath).toBe('Scheduling Test.ipynb');
    expect(job.schedule.mode).toBe('ONCE');
    expect(job.completedExecutionsCount).toBe(0);
    expect(job.targetConfig).toBeNull();
    expect(await job.parameters()).toEqual([
      { name: 'strParam', value: 'string', type: 'string' },
      { name: 'intParam', value: '1', type: 'integer' },
      { name: 'floatParam', value: '1.5', type: 'float' },
      { name: 'boolParam', value: 'True', type: 'boolean' },
    ]);
    expect(await job.wait({ interval: 0.01, timeout: 5 })).toBe(true);
    const done = await mgmt.jobs.get(job.jobId);
    expect(done.jobMetadata).toEqual([expect.objectContaining({ count: 1, status: 'COMPLETED' })]);
    const ex = await done.executions(1, 1);
    expect(ex.executions[0]).toMatchObject({ executionNumber: 1, status: 'COMPLETED' });
    expect(await done.delete()).toBe(true);
    expect((await mgmt.jobs.get(job.jobId)).terminatedAt).toBeInstanceOf(Date);
    expect((await mgmt.jobs.runtimes()).map((r) => r.name)).toContain('notebooks-cpu-small');
  });

  it('a wait with a NaN, infinite or negative timeout or interval is a ManagementError, not an endless wait', async () => {
    fake.setTiming({ transitionMs: 60_000 });
    const job = await mgmt.jobs.run('never-done.ipynb');
    const cluster = await mgmt.clusters.get(String(fake.seed.cluster({ name: 'pending', state: 'PENDING' }).clusterID));
    const before = fake.requests.length;
    for (const bad of [{ timeout: Number('abc') }, { timeout: -1 }, { timeout: Infinity }, { interval: Number.NaN, timeout: 1 }, { interval: -0.5 }]) {
      const label = JSON.stringify(bad, (_, v) => (typeof v === 'number' ? String(v) : v));
      await expect(mgmt.jobs.wait([job], bad), label).rejects.toThrow(/^the wait (timeout|interval) must be a non-negative number of seconds/);
      await expect(mgmt.jobs.wait([job], bad), label).rejects.toBeInstanceOf(ManagementError);
      await expect(mgmt.clusters.waitOnActive(cluster, bad), label).rejects.toThrow(/^the wait (timeout|interval) must be/);
    }
    expect(fake.requests.length).toBe(before);
    expect(await mgmt.jobs.wait([job], { timeout: 0 })).toBe(false);
  });

  it('targets the current cluster from the environment at v2', async () => {
    const { createManagement } = await import('@s2/management');
    const m = createManagement({
      baseUrl: fake.url,
      token: fake.token,
      env: { SINGLESTOREDB_DEFAULT_DATABASE: 'information_schema', SINGLESTOREDB_WORKSPACE: '11111111-1111-4111-8111-111111111111' },
    });
    const job = await m.jobs.run('nb.ipynb');
    expect(job.targetConfig).toEqual({
      databaseName: 'information_schema',
      resumeTarget: false,
      targetId: '11111111-1111-4111-8111-111111111111',
      targetType: 'CLUSTER',
    });
  });

  it('secrets: create, get with value, update, delete', async () => {
    const id = await mgmt.secrets.create('api_key', 'v1');
    expect(await mgmt.secrets.value('api_key')).toBe('v1');
    await mgmt.secrets.update(id, 'v2');
    expect((await mgmt.secrets.get('api_key')).value).toBe('v2');
    await mgmt.secrets.delete(id);
    await expect(mgmt.secrets.get('api_key')).rejects.toThrow('Secret api_key not found');
  });

  it('organization and billing', async () => {
    const org = await mgmt.organization.current();
    expect(org.id).toBe(fake.state.organization.orgID);
    const usage = await mgmt.billing.usage({
      startTime: new Date('2025-01-01T00:00:00Z'),
      endTime: new Date('2025-01-31T00:00:00Z'),
      metric: 'compute_credit',
      aggregateBy: 'day',
    });
    expect(fake.requests.at(-1)!.query).toMatchObject({ metric: 'ComputeCredit', aggregateBy: 'day', startTime: '2025-01-01T00:00:00.000Z' });
    expect(usage[0]!.metric).toBe('compute_credit');
    expect(usage[0]!.usage[0]).toMatchObject({ value: '1.5', resourceType: 'Cluster', resourceName: 'fake-cluster' });
    expect(usage[0]!.usage[0]!.startTime).toEqual(new Date('2025-01-01T00:00:00Z'));
  });

  it('inference APIs (v1): lookup by project and model, start/stop/show/drop', async () => {
    fake.seed.inferenceApi({ projectID: 'proj-1', modelName: 'e5', connectionURL: 'http://127.0.0.1:9/e5' });
    const info = await mgmt.inferenceApisFor('proj-1').get('e5');
    expect(fake.requests.at(-1)!.path).toBe('/v1/inferenceapis/proj-1/e5');
    expect(info).toMatchObject({ projectId: 'proj-1', modelName: 'e5', connectionUrl: 'http://127.0.0.1:9/e5', hostingPlatform: 'Amazon' });
    expect(info.maxInputTokens).toBeUndefined();
    // A context window is passed through when the API reports one, and ignored when it is not a positive integer.
    fake.seed.inferenceApi({ projectID: 'proj-1', modelName: 'qwen', connectionURL: 'http://127.0.0.1:9/q', maxInputTokens: 32768 });
    expect((await mgmt.inferenceApisFor('proj-1').get('qwen')).maxInputTokens).toBe(32768);
    fake.seed.inferenceApi({ projectID: 'proj-1', modelName: 'odd', connectionURL: 'http://127.0.0.1:9/o', maxInputTokens: '512' });
    expect((await mgmt.inferenceApisFor('proj-1').get('odd')).maxInputTokens).toBeUndefined();
    await expect(mgmt.inferenceApis.get('e5')).rejects.toThrow(/SINGLESTOREDB_PROJECT/);
    const api = mgmt.inferenceApisFor('proj-1');
    expect((await api.stop('e5')).status).toBe('Suspended');
    expect((await api.start('e5')).status).toBe('Initializing');
    expect((await api.show()).map((m) => m.name)).toContain('e5');
    expect((await api.drop('e5')).status).toBe('Deleted');
    await expect(api.get('nope')).rejects.toBeInstanceOf(ManagementError);
  });

  it("inference APIs: a model name's '/' stays a separator, other characters are encoded per segment, dot segments are refused", async () => {
    fake.seed.inferenceApi({ projectID: 'proj-1', modelName: 'Qwen/Qwen3-Embedding-0.6B', connectionURL: 'http://127.0.0.1:9/q' });
    fake.seed.inferenceApi({ projectID: 'proj-1', modelName: 'org/a b?c', connectionURL: 'http://127.0.0.1:9/o' });
    const api = mgmt.inferenceApisFor('proj-1');
    expect((await api.get('Qwen/Qwen3-Embedding-0.6B')).modelName).toBe('Qwen/Qwen3-Embedding-0.6B');
    expect(fake.requests.at(-1)!.path).toBe('/v1/inferenceapis/proj-1/Qwen/Qwen3-Embedding-0.6B');
    expect((await api.get('org/a b?c')).connectionUrl).toBe('http://127.0.0.1:9/o');
    expect(fake.requests.at(-1)!.path).toBe('/v1/inferenceapis/proj-1/org/a%20b%3Fc');
    const before = fake.requests.length;
    for (const name of ['../x', 'a/../../b', '.', 'x/.']) await expect(api.get(name)).rejects.toThrow(/path segment/);
    expect(fake.requests.length).toBe(before);
  });
});
