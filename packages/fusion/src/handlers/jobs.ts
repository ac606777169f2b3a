/** Scheduled notebook jobs (fusion.md §6.3). */
import { ManagementError, type Job, type JobMode } from '@s2/management';
import type { Params } from '../grammar/index.js';
import { FusionValueError } from '../errors.js';
import { FusionResult } from '../result.js';
import type { FusionRun } from '../registry.js';
import { safeInteger } from './support.js';

/** Enum values as the API spells them (`RECURRING` → `Recurring`, `VIRTUAL_CLUSTER` → `VirtualCluster`). */
const wireName = (v: string | null | undefined): string | null =>
  v == null
    ? null
    : v
        .toLowerCase()
        .split('_')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('');

const MINUTES: Readonly<Record<string, number>> = { MINUTES: 1, HOURS: 60, DAYS: 1440 };
const SECONDS: Readonly<Record<string, number>> = { SECONDS: 1, MINUTES: 60, HOURS: 3600 };

function modeOf(text: unknown): JobMode {
  const mode = String(text).toUpperCase();
  if (mode !== 'ONCE' && mode !== 'RECURRING') throw new FusionValueError(`Unknown Mode: ${String(text)}`);
  return mode;
}

type JobParameter = string | number | boolean | { value: string; type: 'integer' };

/** `WITH PARAMETERS {…}`; integers past 2^53 (bigints from the lossless JSON parse) keep every digit. */
function parametersOf(params: Params): Record<string, JobParameter> | undefined {
  const given = params.with_parameters as Record<string, unknown> | null | undefined;
  if (!given || Object.keys(given).length === 0) return undefined;
  const out: Record<string, JobParameter> = {};
  for (const [k, v] of Object.entries(given)) {
    if (typeof v === 'bigint') out[k] = { value: String(v), type: 'integer' };
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else throw new FusionValueError(`unsupported type for job parameter '${k}': ${v === null ? 'null' : typeof v}`);
  }
  return out;
}

/**
 * `START AT` text as the reference reads it: without a zone it is UTC, whatever the machine's
 * time zone (JavaScript would read `2024-06-25 21:35:06` as local time).
 */
function startAtOf(text: unknown): Date | undefined {
  if (!text) return undefined;
  const s = String(text).trim().replace(' ', 'T');
  const zoned = !s.includes('T') || /(Z|[+-]\d\d:?\d\d)$/i.test(s);
  const d = new Date(zoned ? s : `${s}Z`);
  if (Number.isNaN(d.getTime())) throw new FusionValueError(`invalid start time: ${String(text)}`);
  return d;
}

const jobIdResult = (job: Job) => new FusionResult().addField('JobID', 'STRING').setRows([[job.jobId]]);

export const scheduleJob: FusionRun = async (params, ctx) => {
  const every = params.execute_every as { interval: number; time_unit: string } | null;
  const job = await ctx.management().jobs.schedule({
    notebookPath: String(params.notebook_path),
    mode: modeOf(params.with_mode),
    runtimeName: (params.with_runtime as string | null) ?? undefined,
    createSnapshot: params.create_snapshot === true,
    name: (params.with_name as string | null) ?? undefined,
    description: (params.with_description as string | null) ?? undefined,
    executionIntervalInMinutes: every ? safeInteger(every.interval, 'EXECUTE EVERY', MINUTES[every.time_unit.toUpperCase()]) : undefined,
    startAt: startAtOf(params.start_at),
    resumeTarget: params.resume_target === true,
    parameters: parametersOf(params),
  });
  return jobIdResult(job);
};

export const runJob: FusionRun = async (params, ctx) => {
  const job = await ctx
    .management()
    .jobs.run(String(params.notebook_path), { runtimeName: (params.with_runtime as string | null) ?? undefined, parameters: parametersOf(params) });
  return jobIdResult(job);
};

export const waitOnJobs: FusionRun = async (params, ctx) => {
  const t = params.with_timeout as { time: number; time_unit: string } | null;
  const opts = t ? { timeout: safeInteger(t.time, 'TIMEOUT', SECONDS[t.time_unit.toUpperCase()]) } : {};
  let success: boolean;
  try {
    success = await ctx.management().jobs.wait(params.job_ids as string[], opts);
  } catch (err) {
    // The reference raises ValueError for a recurring job; @s2/management has no value-error class, so its refusal is recognised here.
    if (err instanceof ManagementError && err.status === null && err.message.startsWith('Cannot wait for recurring job ')) {
      throw new FusionValueError(err.message, { cause: err });
    }
    throw err;
  }
  return new FusionResult().addField('Success', 'BOOL').setRows([[success]]);
};

export const showJobs: FusionRun = async (params, ctx) => {
  const jobs = await Promise.all((params.job_ids as string[]).map((id) => ctx.management().jobs.get(id)));
  const res = new FusionResult()
    .addField('JobID', 'STRING')
    .addField('Name', 'STRING')
    .addField('CreatedAt', 'DATETIME')
    .addField('EnqueuedBy', 'STRING')
    .addField('CompletedExecutions', 'INTEGER')
    .addField('NotebookPath', 'STRING')
    .addField('DatabaseName', 'STRING')
    .addField('TargetID', 'STRING')
    .addField('TargetType', 'STRING');
  if (params.extended) {
    res
      .addField('Description', 'STRING')
      .addField('TerminatedAt', 'DATETIME')
      .addField('CreateSnapshot', 'BOOL')
      .addField('MaxDurationInMins', 'INTEGER')
      .addField('ExecutionIntervalInMins', 'INTEGER')
      .addField('Mode', 'STRING')
      .addField('StartAt', 'DATETIME')
      .addField('ResumeTarget', 'BOOL');
  }
  res.setRows(
    jobs.map((j) => {
      const t = j.targetConfig;
      const row = [
        j.jobId,
        j.name,
        j.createdAt,
        j.enqueuedBy,
        j.completedExecutionsCount,
        j.executionConfig.notebookPath,
        t?.databaseName ?? null,
        t?.targetId ?? null,
        wireName(t?.targetType),
      ];
      if (!params.extended) return row;
      return [
        ...row,
        j.description,
        j.terminatedAt,
        j.executionConfig.createSnapshot,
        j.executionConfig.maxDurationInMins,
        j.schedule.executionIntervalInMinutes,
        wireName(j.schedule.mode),
        j.schedule.startAt,
        t ? t.resumeTarget : null,
      ];
    }),
  );
  return res.like({ Name: params.like as string | null });
};

export const showJobExecutions: FusionRun = async (params, ctx) => {
  const { executions } = await ctx
    .management()
    .jobs.executions(String(params.job_id), safeInteger(params.from_start, 'FROM'), safeInteger(params.to_end, 'TO'));
  const res = new FusionResult()
    .addField('ExecutionID', 'STRING')
    .addField('ExecutionNumber', 'INTEGER')
    .addField('JobID', 'STRING')
    .addField('Status', 'STRING')
    .addField('ScheduledStartTime', 'DATETIME')
    .addField('StartedAt', 'DATETIME')
    .addField('FinishedAt', 'DATETIME');
  if (params.extended) res.addField('SnapshotNotebookPath', 'STRING');
  return res.setRows(
    executions.map((e) => {
      const row = [e.executionId, e.executionNumber, e.jobId, wireName(e.status), e.scheduledStartTime, e.startedAt, e.finishedAt];
      return params.extended ? [...row, e.snapshotNotebookPath] : row;
    }),
  );
};

export const showJobParameters: FusionRun = async (params, ctx) => {
  const parameters = await ctx.management().jobs.parameters(String(params.job_id));
  return new FusionResult()
    .addField('Name', 'STRING')
    .addField('Value', 'STRING')
    .addField('Type', 'STRING')
    .setRows(parameters.map((p) => [p.name, p.value, p.type]));
};

export const showJobRuntimes: FusionRun = async (_params, ctx) => {
  const runtimes = await ctx.management().jobs.runtimes();
  return new FusionResult()
    .addField('Name', 'STRING')
    .addField('Description', 'STRING')
    .setRows(runtimes.map((r) => [r.name, r.description]));
};

export const dropJobs: FusionRun = async (params, ctx) => {
  const rows = [];
  for (const id of params.job_ids as string[]) rows.push([id, await ctx.management().jobs.delete(id)]);
  return new FusionResult().addField('JobID', 'STRING').addField('Success', 'BOOL').setRows(rows);
};
