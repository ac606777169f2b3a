import { randomUUID } from 'node:crypto';
import type { Timing } from './deployments.js';
import { obj, requireUuid } from './deployments.js';
import { HttpError, type Router } from './router.js';
import { now, type FakeState, type Json } from './state.js';

const BOTH = ['v1', 'v2'] as const;
const FAKE_USER = '00000000-0000-4000-8000-000000000001';

/** A one-off job completes `transitionMs` after its start; its completion is applied when read. */
function settleJob(job: Json, t: Timing): Json {
  const sc = obj(job.schedule);
  if (job.terminatedAt || sc.mode !== 'Once' || Number(job.completedExecutionsCount) > 0) return job;
  const start = Date.parse(String(sc.startAt ?? job.createdAt));
  const due = Math.max(start, Date.parse(String(job.createdAt))) + t.transitionMs;
  if (Date.now() < due) return job;
  const startedAt = new Date(due).toISOString();
  job.completedExecutionsCount = 1;
  job.jobMetadata = [{ count: 1, status: 'Completed', avgDurationInSeconds: 1, maxDurationInSeconds: 1 }];
  const ec = obj(job.executionConfig);
  job._executions = [
    {
      executionID: randomUUID(),
      jobID: job.jobID,
      executionNumber: 1,
      status: 'Completed',
      scheduledStartTime: String(sc.startAt ?? job.createdAt),
      startedAt,
      finishedAt: new Date(due + 1000).toISOString(),
      ...(ec.createSnapshot ? { snapshotNotebookPath: `snapshots/${String(ec.notebookPath)}` } : {}),
    },
  ];
  return job;
}

function publicJob(job: Json): Json {
  const { _executions, ...rest } = job;
  void _executions;
  return rest;
}

export function defaultBilling(): Json[] {
  const day = (d: number) => new Date(Date.UTC(2025, 0, d)).toISOString().replace('.000Z', '+00:00');
  const item = (d: number, value: string) => ({
    startTime: day(d),
    endTime: day(d + 1),
    value,
    ownerID: FAKE_USER,
    ownerId: FAKE_USER,
    resourceID: '11111111-1111-4111-8111-111111111111',
    resourceId: '11111111-1111-4111-8111-111111111111',
    resourceName: 'fake-cluster',
    resourceType: 'Cluster',
    resource_type: 'Cluster',
  });
  const usage = [item(1, '1.5'), item(2, '2.25')];
  return [{ metric: 'ComputeCredit', description: 'Compute credits used', usage, Usage: usage }];
}

export function registerServices(router: Router, state: FakeState, t: Timing): void {
  for (const v of BOTH) {
    router.add('GET', `/${v}/organizations/current`, () => ({ json: state.organization }));
    router.add('GET', `/${v}/regions`, () => ({
      json: state.regions.map((r) =>
        v === 'v1' ? { regionID: r.regionID, region: r.region, provider: r.provider } : { region: r.region, provider: r.provider, regionName: r.regionName },
      ),
    }));
    router.add('GET', `/${v}/regions/sharedtier`, () => ({ json: state.sharedTierRegions }));

    // ---- secrets ----
    router.add('GET', `/${v}/secrets`, (r) => ({
      json: { secrets: [...state.secrets.values()].filter((s) => !s.deletedAt && (r.query.name == null || s.name === r.query.name)) },
    }));
    router.add('POST', `/${v}/secrets`, (r) => {
      const b = obj(r.body);
      if (typeof b.name !== 'string' || !b.name || typeof b.value !== 'string') throw new HttpError(400, 'name and value are required');
      if ([...state.secrets.values()].some((s) => !s.deletedAt && s.name === b.name)) throw new HttpError(409, `secret ${b.name} already exists`);
      const secretID = randomUUID();
      state.secrets.set(secretID, {
        secretID,
        name: b.name,
        value: b.value,
        createdBy: FAKE_USER,
        createdAt: now(),
        lastUpdatedBy: FAKE_USER,
        lastUpdatedAt: now(),
      });
      return { json: { secretID } };
    });
    router.add('PATCH', `/${v}/secrets/:id`, (r) => {
      const s = state.secrets.get(requireUuid(r.params.id!));
      if (!s || s.deletedAt) throw new HttpError(404, 'secret not found');
      const b = obj(r.body);
      if (typeof b.value !== 'string') throw new HttpError(400, 'value is required');
      Object.assign(s, { value: b.value, lastUpdatedAt: now(), lastUpdatedBy: FAKE_USER });
      return { json: { secretID: s.secretID } };
    });
    router.add('DELETE', `/${v}/secrets/:id`, (r) => {
      const id = requireUuid(r.params.id!);
      if (!state.secrets.has(id)) throw new HttpError(404, 'secret not found');
      state.secrets.delete(id);
      return { json: { secretID: id } };
    });

    // ---- billing ----
    router.add('GET', `/${v}/billing/usage`, (r) => {
      if (!r.query.startTime || !r.query.endTime) throw new HttpError(400, 'startTime and endTime are required');
      const metric = r.query.metric?.toLowerCase();
      const agg = (r.query.aggregateBy ?? r.query.aggregate_by)?.toLowerCase();
      if (agg && !['hour', 'day', 'month'].includes(agg)) throw new HttpError(400, `aggregateBy must be hour, day or month`);
      const items = (state.billing.length ? state.billing : defaultBilling()).filter((b) => !metric || String(b.metric).toLowerCase() === metric);
      return { json: { billingUsage: items } };
    });

    // ---- jobs ----
    router.add('GET', `/${v}/jobs/runtimes`, () => ({ json: state.runtimes }));
    router.add('POST', `/${v}/jobs`, (r) => {
      const b = obj(r.body);
      const ec = obj(b.executionConfig);
      const sc = obj(b.schedule);
      if (typeof ec.notebookPath !== 'string' || !ec.notebookPath) throw new HttpError(400, 'executionConfig.notebookPath is required');
      if (sc.mode !== 'Once' && sc.mode !== 'Recurring') throw new HttpError(400, 'schedule.mode must be Once or Recurring');
      if (sc.mode === 'Recurring' && !(Number(sc.executionIntervalInMinutes) > 0)) throw new HttpError(400, 'a recurring job needs executionIntervalInMinutes');
      const tc = b.targetConfig == null ? null : obj(b.targetConfig);
      const targetTypes = v === 'v2' ? ['Cluster', 'VirtualCluster'] : ['Workspace', 'VirtualWorkspace', 'Cluster'];
      if (tc && tc.targetType != null && !targetTypes.includes(String(tc.targetType)))
        throw new HttpError(400, `targetType must be one of ${targetTypes.join(', ')}`);
      const params = Array.isArray(b.parameters) ? (b.parameters as Json[]) : [];
      for (const p of params)
        if (!['string', 'integer', 'float', 'boolean'].includes(String(p.type))) throw new HttpError(400, `bad parameter type ${String(p.type)}`);
      const jobID = randomUUID();
      const job: Json = {
        jobID,
        name: b.name ?? null,
        description: b.description ?? null,
        createdAt: now(),
        enqueuedBy: FAKE_USER,
        completedExecutionsCount: 0,
        jobMetadata: [],
        executionConfig: {
          createSnapshot: !!ec.createSnapshot,
          notebookPath: ec.notebookPath,
          maxAllowedExecutionDurationInMinutes: ec.maxAllowedExecutionDurationInMinutes ?? 60,
          ...(ec.runtimeName ? { runtimeName: ec.runtimeName } : {}),
        },
        schedule: { mode: sc.mode, startAt: sc.startAt ?? now(), executionIntervalInMinutes: sc.executionIntervalInMinutes ?? null },
        targetConfig: tc ? { ...tc, resumeTarget: tc.resumeTarget ?? false } : null,
        terminatedAt: null,
      };
      state.jobs.set(jobID, { json: job, parameters: params });
      return { json: publicJob(job) };
    });
    const job = (id: string) => {
      const j = state.jobs.get(requireUuid(id));
      if (!j) throw new HttpError(404, 'job not found');
      settleJob(j.json, t);
      return j;
    };
    router.add('GET', `/${v}/jobs/:id`, (r) => ({ json: publicJob(job(r.params.id!).json) }));
    router.add('DELETE', `/${v}/jobs/:id`, (r) => {
      const j = job(r.params.id!);
      j.json.terminatedAt ??= now();
      return { json: true };
    });
    router.add('GET', `/${v}/jobs/:id/parameters`, (r) => ({ json: job(r.params.id!).parameters }));
    router.add('GET', `/${v}/jobs/:id/executions`, (r) => {
      const j = job(r.params.id!);
      const start = Number(r.query.start ?? 1);
      const end = Number(r.query.end ?? start);
      if (!Number.isInteger(start) || !Number.isInteger(end)) throw new HttpError(400, 'start and end must be integers');
      const all = (j.json._executions as Json[] | undefined) ?? [];
      return {
        json: {
          executions: all.filter((e) => Number(e.executionNumber) >= start && Number(e.executionNumber) <= end),
          executionsMetadata: { startExecutionNumber: start, endExecutionNumber: end },
        },
      };
    });
  }

  // ---- inference APIs and models (v1) ----
  // Model names may hold '/' (`Qwen/Qwen3-Embedding-0.6B`), sent as path separators.
  router.add('GET', '/v1/inferenceapis/:project/*model', (r) => {
    const info = state.inferenceApis.get(`${decodeURIComponent(r.params.project!)}/${decodeURIComponent(r.params.model!)}`);
    if (!info) throw new HttpError(404, 'inference API not found');
    return { json: info };
  });
  const model = (name: string) => {
    const m = state.models.get(decodeURIComponent(name));
    if (!m) throw new HttpError(404, 'model not found');
    return m;
  };
  router.add('GET', '/v1/models', () => ({
    json: [...state.models.values()].map((m) => ({ name: m.name, status: m.status, hostingPlatform: m.hostingPlatform })),
  }));
  router.add('POST', '/v1/models/:name/start', (r) => {
    const m = model(r.params.name!);
    m.status = 'Active';
    return { json: { modelName: m.name, hostingPlatform: m.hostingPlatform } };
  });
  router.add('POST', '/v1/models/:name/stop', (r) => {
    const m = model(r.params.name!);
    m.status = 'Suspended';
    return { json: { name: m.name, status: 'Suspended', hostingPlatform: m.hostingPlatform } };
  });
  router.add('DELETE', '/v1/models/:name', (r) => {
    const m = model(r.params.name!);
    state.models.delete(String(m.name));
    return { json: { name: m.name, status: 'Deleted', hostingPlatform: m.hostingPlatform } };
  });
}
