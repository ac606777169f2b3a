import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import { sleep } from '../http/abort.js';
import type { CallOptions } from '../http/client.js';
import { camelToSnake, compact } from '../util/case.js';
import { fromDate, toDate, toDateStrict } from '../util/dates.js';
import { hideManager } from '../util/hidden.js';
import { checkWaitTimes } from '../util/wait.js';

export type JobMode = 'ONCE' | 'RECURRING';
export type JobStatus = 'UNKNOWN' | 'SCHEDULED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ERROR' | 'CANCELED';
export type TargetType = 'WORKSPACE' | 'CLUSTER' | 'VIRTUAL_WORKSPACE' | 'VIRTUAL_CLUSTER';

const enumName = (s: unknown) => camelToSnake(String(s ?? '')).toUpperCase();
const wire = { ONCE: 'Once', RECURRING: 'Recurring' } as const;
const targetWire: Record<TargetType, string> = {
  WORKSPACE: 'Workspace',
  CLUSTER: 'Cluster',
  VIRTUAL_WORKSPACE: 'VirtualWorkspace',
  VIRTUAL_CLUSTER: 'VirtualCluster',
};

function status(s: unknown): JobStatus {
  const n = enumName(s);
  return (['SCHEDULED', 'RUNNING', 'COMPLETED', 'FAILED', 'ERROR', 'CANCELED'].includes(n) ? n : 'UNKNOWN') as JobStatus;
}

export interface JobMetadata {
  count: number;
  status: JobStatus;
  avgDurationInSeconds: number | null;
  maxDurationInSeconds: number | null;
}

export interface TargetConfig {
  databaseName: string | null;
  resumeTarget: boolean;
  targetId: string;
  targetType: TargetType;
}

export interface Execution {
  executionId: string;
  jobId: string;
  executionNumber: number;
  status: JobStatus;
  scheduledStartTime: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  snapshotNotebookPath: string | null;
}

export interface Parameter {
  name: string;
  value: string;
  type: 'string' | 'integer' | 'float' | 'boolean';
}

export interface Runtime {
  name: string;
  description: string;
}

/** A scheduled notebook job. */
export class Job {
  jobId: string;
  name: string | null;
  description: string | null;
  createdAt: Date;
  terminatedAt: Date | null;
  enqueuedBy: string;
  completedExecutionsCount: number;
  jobMetadata: JobMetadata[];
  executionConfig: { createSnapshot: boolean; maxDurationInMins: number | null; notebookPath: string };
  schedule: { mode: JobMode; startAt: Date | null; executionIntervalInMinutes: number | null };
  targetConfig: TargetConfig | null;

  constructor(
    private readonly manager: JobsManager,
    o: Record<string, unknown>,
  ) {
    hideManager(this);
    const ec = (o.executionConfig ?? {}) as Record<string, unknown>;
    const sc = (o.schedule ?? {}) as Record<string, unknown>;
    const tc = o.targetConfig as Record<string, unknown> | null | undefined;
    this.jobId = String(o.jobID);
    this.name = o.name == null ? null : String(o.name);
    this.description = o.description == null ? null : String(o.description);
    this.createdAt = toDateStrict(o.createdAt, 'createdAt');
    this.terminatedAt = toDate(o.terminatedAt);
    this.enqueuedBy = String(o.enqueuedBy ?? '');
    this.completedExecutionsCount = Number(o.completedExecutionsCount ?? 0);
    this.jobMetadata = ((o.jobMetadata ?? []) as Record<string, unknown>[]).map((m) => ({
      count: Number(m.count),
      status: status(m.status),
      avgDurationInSeconds: m.avgDurationInSeconds == null ? null : Number(m.avgDurationInSeconds),
      maxDurationInSeconds: m.maxDurationInSeconds == null ? null : Number(m.maxDurationInSeconds),
    }));
    this.executionConfig = {
      createSnapshot: !!ec.createSnapshot,
      maxDurationInMins: ec.maxAllowedExecutionDurationInMinutes == null ? null : Number(ec.maxAllowedExecutionDurationInMinutes),
      notebookPath: String(ec.notebookPath ?? ''),
    };
    const mode = enumName(sc.mode);
    if (mode !== 'ONCE' && mode !== 'RECURRING') throw new ManagementError(`Unknown job mode: ${String(sc.mode)}`);
    this.schedule = {
      mode,
      startAt: toDate(sc.startAt),
      executionIntervalInMinutes: sc.executionIntervalInMinutes == null ? null : Number(sc.executionIntervalInMinutes),
    };
    this.targetConfig = tc
      ? {
          databaseName: tc.databaseName == null ? null : String(tc.databaseName),
          resumeTarget: !!tc.resumeTarget,
          targetId: String(tc.targetID),
          targetType: enumName(tc.targetType) as TargetType,
        }
      : null;
  }

  wait(opts: JobWaitOptions = {}): Promise<boolean> {
    return this.manager.wait([this], opts);
  }

  executions(start: number, end: number, opts: CallOptions = {}) {
    return this.manager.executions(this.jobId, start, end, opts);
  }

  parameters(opts: CallOptions = {}): Promise<Parameter[]> {
    return this.manager.parameters(this.jobId, opts);
  }

  delete(opts: CallOptions = {}): Promise<boolean> {
    return this.manager.delete(this.jobId, opts);
  }
}

export interface JobWaitOptions extends CallOptions {
  /** Seconds; default: no limit. */
  timeout?: number;
  /** Seconds between polls (default 5). */
  interval?: number;
}

export interface ScheduleJobOptions extends CallOptions {
  notebookPath: string;
  mode: JobMode;
  createSnapshot?: boolean;
  name?: string;
  description?: string;
  executionIntervalInMinutes?: number;
  startAt?: Date;
  runtimeName?: string;
  resumeTarget?: boolean;
  /** Values typed by their JS type (integers vs floats by `Number.isInteger`), or explicit `{value, type}`. */
  parameters?: Record<string, string | number | boolean | { value: string | number | boolean; type: Parameter['type'] }>;
  maxAllowedExecutionDurationInMinutes?: number;
  /** Overrides the target taken from the environment (`SINGLESTOREDB_DEFAULT_DATABASE` …). */
  targetConfig?: { databaseName?: string; resumeTarget?: boolean; targetId?: string; targetType?: TargetType };
}

function toParameter(name: string, v: ScheduleJobOptions['parameters'] extends Record<string, infer V> | undefined ? V : never): Parameter {
  if (v && typeof v === 'object') return { name, value: typeof v.value === 'boolean' ? (v.value ? 'True' : 'False') : String(v.value), type: v.type };
  if (typeof v === 'boolean') return { name, value: v ? 'True' : 'False', type: 'boolean' };
  if (typeof v === 'number') return { name, value: String(v), type: Number.isInteger(v) ? 'integer' : 'float' };
  if (typeof v === 'string') return { name, value: v, type: 'string' };
  throw new ManagementError(`Unsupported job parameter type for ${name}: ${typeof v}`);
}

/** Scheduled notebook jobs. */
export class JobsManager {
  constructor(private readonly ctx: Context) {}

  private version(): string {
    return this.ctx.client.config.version;
  }

  private envTarget(resumeTarget?: boolean): Record<string, unknown> | undefined {
    const env = this.ctx.client.config.env;
    const db = env.SINGLESTOREDB_DEFAULT_DATABASE;
    if (!db) return undefined;
    const tc: Record<string, unknown> = { databaseName: db };
    if (resumeTarget != null) tc.resumeTarget = resumeTarget;
    const v2 = this.version() !== 'v1';
    if (env.SINGLESTOREDB_VIRTUAL_WORKSPACE) {
      tc.targetID = env.SINGLESTOREDB_VIRTUAL_WORKSPACE;
      tc.targetType = v2 ? 'VirtualCluster' : 'VirtualWorkspace';
    } else if (env.SINGLESTOREDB_WORKSPACE) {
      tc.targetID = env.SINGLESTOREDB_WORKSPACE;
      tc.targetType = v2 ? 'Cluster' : 'Workspace';
    }
    return tc;
  }

  /** `POST jobs`: the full job comes back. */
  async schedule(o: ScheduleJobOptions): Promise<Job> {
    const explicit = o.targetConfig
      ? compact({
          databaseName: o.targetConfig.databaseName,
          resumeTarget: o.targetConfig.resumeTarget ?? o.resumeTarget,
          targetID: o.targetConfig.targetId,
          targetType: o.targetConfig.targetType ? targetWire[o.targetConfig.targetType] : undefined,
        })
      : undefined;
    const body = compact({
      schedule: compact({ mode: wire[o.mode], startAt: fromDate(o.startAt), executionIntervalInMinutes: o.executionIntervalInMinutes }),
      executionConfig: compact({
        createSnapshot: o.createSnapshot ?? false,
        notebookPath: o.notebookPath,
        runtimeName: o.runtimeName,
        maxAllowedExecutionDurationInMinutes: o.maxAllowedExecutionDurationInMinutes,
      }),
      targetConfig: explicit ?? this.envTarget(o.resumeTarget),
      name: o.name,
      description: o.description,
      parameters: o.parameters ? Object.entries(o.parameters).map(([k, v]) => toParameter(k, v)) : undefined,
    });
    return new Job(this, await this.ctx.client.json({ method: 'POST', path: 'jobs', json: body, signal: o.signal }));
  }

  /** Runs a notebook once, now. */
  run(notebookPath: string, o: Omit<ScheduleJobOptions, 'notebookPath' | 'mode'> = {}): Promise<Job> {
    return this.schedule({ ...o, notebookPath, mode: 'ONCE', createSnapshot: o.createSnapshot ?? false, startAt: o.startAt ?? new Date() });
  }

  async get(jobId: string, opts: CallOptions = {}): Promise<Job> {
    return new Job(this, await this.ctx.client.json({ path: `jobs/${encodeURIComponent(jobId)}`, signal: opts.signal }));
  }

  async executions(
    jobId: string,
    start: number,
    end: number,
    opts: CallOptions = {},
  ): Promise<{ executions: Execution[]; metadata: { startExecutionNumber: number; endExecutionNumber: number } | null }> {
    const res = await this.ctx.client.json<{ executions?: Record<string, unknown>[]; executionsMetadata?: Record<string, unknown> }>({
      path: `jobs/${encodeURIComponent(jobId)}/executions`,
      query: { start, end },
      signal: opts.signal,
    });
    const md = res?.executionsMetadata;
    return {
      executions: (res?.executions ?? []).map((e) => ({
        executionId: String(e.executionID),
        jobId: String(e.jobID),
        executionNumber: Number(e.executionNumber),
        status: status(e.status),
        scheduledStartTime: toDateStrict(e.scheduledStartTime, 'scheduledStartTime'),
        startedAt: toDate(e.startedAt),
        finishedAt: toDate(e.finishedAt),
        snapshotNotebookPath: e.snapshotNotebookPath == null ? null : String(e.snapshotNotebookPath),
      })),
      metadata: md ? { startExecutionNumber: Number(md.startExecutionNumber), endExecutionNumber: Number(md.endExecutionNumber) } : null,
    };
  }

  async parameters(jobId: string, opts: CallOptions = {}): Promise<Parameter[]> {
    const rows = await this.ctx.client.json<Parameter[]>({ path: `jobs/${encodeURIComponent(jobId)}/parameters`, signal: opts.signal });
    return (rows ?? []).map((p) => ({ name: String(p.name), value: String(p.value), type: p.type }));
  }

  async delete(jobId: string, opts: CallOptions = {}): Promise<boolean> {
    return !!(await this.ctx.client.json({ method: 'DELETE', path: `jobs/${encodeURIComponent(jobId)}`, signal: opts.signal }));
  }

  async runtimes(opts: CallOptions = {}): Promise<Runtime[]> {
    const rows = await this.ctx.client.json<Runtime[]>({ path: 'jobs/runtimes', signal: opts.signal });
    return (rows ?? []).map((r) => ({ name: String(r.name), description: String(r.description ?? '') }));
  }

  /**
   * Waits until each one-off job has a finished execution (true), or the timeout passes (false).
   * "Finished" is not "succeeded": read `jobMetadata[].status`. A recurring job is an error, and
   * so is a timeout or interval that is not a finite, non-negative number.
   */
  async wait(jobs: (Job | string)[], opts: JobWaitOptions = {}): Promise<boolean> {
    checkWaitTimes(opts);
    const deadline = opts.timeout != null ? performance.now() + opts.timeout * 1000 : Infinity;
    if (opts.timeout != null && opts.timeout <= 0) return false;
    for (const j of jobs) {
      const id = typeof j === 'string' ? j : j.jobId;
      for (;;) {
        if (performance.now() >= deadline) return false;
        const job = await this.get(id, opts);
        if (job.schedule.mode === 'RECURRING') throw new ManagementError(`Cannot wait for recurring job ${id}`);
        if (job.completedExecutionsCount > 0) break;
        await sleep(Math.min((opts.interval ?? 5) * 1000, Math.max(0, deadline - performance.now())), opts.signal);
      }
    }
    return true;
  }
}
