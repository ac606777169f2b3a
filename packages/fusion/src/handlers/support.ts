/**
 * What the built-in handlers share: parameter access, target resolution (fusion.md §4, as in
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1)), and the common shapes of listing results.
 */
import { ManagementError, type Cluster, type Management, type Project, type StarterDeployment, type Workspace, type WorkspaceGroup } from '@s2/management';
import type { Params } from '../grammar/index.js';
import { FusionNotFoundError, FusionValueError } from '../errors.js';
import type { FusionResult } from '../result.js';
import type { FusionRun } from '../registry.js';

/** `params[a][b]...`, tolerating missing levels. */
export function dig(params: Params, ...path: string[]): unknown {
  let v: unknown = params;
  for (const k of path) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The first non-empty string among the given parameter paths. */
export function firstParam(params: Params, ...paths: string[][]): string | null {
  for (const p of paths) {
    const v = dig(params, ...p);
    if (v !== undefined && v !== null && v !== '' && v !== false) return String(v);
  }
  return null;
}

export const env = (name: string): string | undefined =>
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name] || undefined;

const isNotFound = (err: unknown): boolean => err instanceof ManagementError && err.status === 404;

/** Missing resources: a 404, or the 400 the API gives for a malformed ID (the reference's `_is_missing`). */
export function isMissing(err: unknown): boolean {
  return isNotFound(err) || (err instanceof ManagementError && err.status === 400 && /uuid/i.test(err.message));
}

/**
 * `get(id)`, a missing target being a FusionNotFoundError. The reference's v1 lookups (workspace
 * groups, workspaces) count only a 404 as missing: a malformed ID stays the API's 400 there.
 */
async function byId<T>(id: string, get: (id: string) => Promise<T>, missing: string, missingWhen = isMissing): Promise<T> {
  try {
    return await get(id);
  } catch (err) {
    if (missingWhen(err)) throw new FusionNotFoundError(missing);
    throw err;
  }
}

/** Exactly one item of the given name, or the Python SDK's KeyError/ValueError. */
export function onlyNamed<T extends { id: string; name: string }>(items: readonly T[], name: string, what: string): T {
  const found = items.filter((x) => x.name === name);
  if (found.length === 0) throw new FusionNotFoundError(`no ${what} found with name: ${name}`);
  if (found.length > 1) throw new FusionValueError(`more than one ${what} with given name was found: ${found.map((x) => x.id).join(', ')}`);
  return found[0];
}

export async function getWorkspaceGroup(m: Management, params: Params): Promise<WorkspaceGroup> {
  const name = firstParam(params, ['group_name'], ['in_group', 'group_name'], ['group', 'group_name']);
  if (name) return onlyNamed(await m.workspaces.listGroups(), name, 'workspace group');
  const id = firstParam(params, ['group_id'], ['in_group', 'group_id'], ['group', 'group_id']);
  if (id) return byId(id, (x) => m.workspaces.getGroup(x), `no workspace group found with ID: ${id}`, isNotFound);
  const fromEnv = env('SINGLESTOREDB_WORKSPACE_GROUP');
  if (fromEnv) return byId(fromEnv, (x) => m.workspaces.getGroup(x), `no workspace found with ID: ${fromEnv}`, isNotFound);
  throw new FusionNotFoundError('no workspace group was specified');
}

export async function getWorkspace(m: Management, params: Params): Promise<Workspace> {
  const name = firstParam(params, ['workspace_name'], ['workspace', 'workspace_name']);
  if (name) {
    const group = await getWorkspaceGroup(m, params);
    return onlyNamed(await group.workspaces(), name, 'workspace');
  }
  const id = firstParam(params, ['workspace_id'], ['workspace', 'workspace_id']) ?? env('SINGLESTOREDB_WORKSPACE');
  if (id) return byId(id, (x) => m.workspaces.getWorkspace(x), `no workspace found with ID: ${id}`, isNotFound);
  throw new FusionNotFoundError('no workspace was specified');
}

export async function getCluster(m: Management, params: Params): Promise<Cluster> {
  const name = firstParam(params, ['cluster_name'], ['cluster', 'cluster_name']);
  if (name) return onlyNamed(await m.clusters.list(), name, 'cluster');
  const id = firstParam(params, ['cluster_id'], ['cluster', 'cluster_id']);
  if (id) return byId(id, (x) => m.clusters.get(x), `no cluster found with ID: ${id}`);
  const fromEnv = env('SINGLESTOREDB_WORKSPACE');
  if (fromEnv) return byId(fromEnv, (x) => m.clusters.get(x), `no cluster found with ID: ${fromEnv} (from SINGLESTOREDB_WORKSPACE)`);
  throw new FusionNotFoundError('no cluster was specified');
}

export async function getStarterCluster(m: Management, params: Params): Promise<StarterDeployment> {
  const name = firstParam(params, ['cluster_name'], ['cluster', 'cluster_name']);
  if (name) return onlyNamed(await m.starterClusters.list(), name, 'starter cluster');
  const id = firstParam(params, ['cluster_id'], ['cluster', 'cluster_id']);
  if (id) return byId(id, (x) => m.starterClusters.get(x), `no starter cluster found with ID: ${id}`);
  throw new FusionNotFoundError('no starter cluster was specified');
}

export async function getProject(m: Management, params: Params): Promise<Project | null> {
  const name = firstParam(params, ['project_name'], ['in_project', 'project_name']);
  if (name) return onlyNamed(await m.projects.list(), name, 'project');
  const id = firstParam(params, ['project_id'], ['in_project', 'project_id']);
  if (id) return byId(id, (x) => m.projects.get(x), `no project found with ID: ${id}`);
  return null;
}

/** Runs `fn`; with IF EXISTS, a missing target is not an error. */
export async function ifExists(params: Params, fn: () => Promise<unknown>): Promise<null> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof FusionNotFoundError) || !params.if_exists) throw err;
  }
  return null;
}

/** LIKE on Name, ORDER BY, LIMIT: how every listing finishes. */
export function listing(res: FusionResult, params: Params): FusionResult {
  return res.applyListing(params);
}

/**
 * An `<integer>` parameter as a number the API can take. The parser keeps integers past 2^53
 * as bigints so no digit is lost; the API's fields are JSON numbers, so such a value (or one
 * that grows past 2^53 once scaled to seconds or minutes) is refused rather than rounded.
 */
export function safeInteger(value: unknown, what: string, scale = 1): number {
  const n = typeof value === 'bigint' ? Number.NaN : Number(value) * scale;
  if (!Number.isSafeInteger(n)) throw new FusionValueError(`${what} ${String(value)} is out of range`);
  return n;
}

/** An optional `<integer>` parameter (null or absent: undefined). */
export function optionalInteger(value: unknown, what: string): number | undefined {
  return value === null || value === undefined ? undefined : safeInteger(value, what);
}

export const SUSPEND_UNIT_SECONDS: Readonly<Record<string, number>> = { SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86400 };

/** `AUTO SUSPEND AFTER n UNITS WITH TYPE t` → the API's auto-suspend object (the port reads the merged mapping). */
export function autoSuspendOf(params: Params): { suspendAfterSeconds: number; suspendType: string } | undefined {
  const clause = params.auto_suspend as Record<string, unknown> | null | undefined;
  if (!clause || typeof clause !== 'object') return undefined;
  const units = String(clause.suspend_after_units).toUpperCase();
  return {
    suspendAfterSeconds: safeInteger(clause.suspend_after_value, 'AUTO SUSPEND AFTER', SUSPEND_UNIT_SECONDS[units]),
    suspendType: String(clause.suspend_type).toUpperCase(),
  };
}

/** `'<day>:<hour>'` → `{day, hour}`. */
export function updateWindowOf(params: Params): { day: number; hour: number } | undefined {
  const w = params.with_update_window;
  if (!w) return undefined;
  const [day, hour] = String(w).split(':', 2);
  const out = { day: Number(day), hour: Number(hour) };
  if (!Number.isInteger(out.day) || !Number.isInteger(out.hour)) throw new FusionValueError(`invalid update window '${String(w)}': use '<day>:<hour>'`);
  return out;
}

export const json = (v: unknown): string => JSON.stringify(v ?? []);

interface Terminable {
  terminatedAt: Date | null;
  terminate(o: { waitOnTerminated?: boolean; force?: boolean }): Promise<unknown>;
}

interface Suspendable {
  suspend(o: { waitOnSuspended?: boolean }): Promise<unknown>;
  resume(o: { waitOnResumed?: boolean; disableAutoSuspend?: boolean }): Promise<unknown>;
}

type Finder<T> = (m: Management, params: Params) => Promise<T>;

/** DROP … [ IF EXISTS ] … [ WAIT ON TERMINATED ] [ FORCE ] of a deployment found by `get`. */
export function dropRun(get: Finder<Terminable>, what: string): FusionRun {
  return (params, ctx) =>
    ifExists(params, async () => {
      const target = await get(ctx.management(), params);
      if (target.terminatedAt) throw new FusionNotFoundError(`${what} is already terminated`);
      await target.terminate({ waitOnTerminated: params.wait_on_terminated === true, ...('force' in params ? { force: params.force === true } : {}) });
    });
}

/** SUSPEND … [ WAIT ON SUSPENDED ] and RESUME … [ DISABLE AUTO SUSPEND ] [ WAIT ON RESUMED ]. */
export function suspendRuns(get: Finder<Suspendable>): { suspend: FusionRun; resume: FusionRun } {
  return {
    suspend: async (params, ctx) => {
      await (await get(ctx.management(), params)).suspend({ waitOnSuspended: params.wait_on_suspended === true });
      return null;
    },
    resume: async (params, ctx) => {
      await (await get(ctx.management(), params)).resume({
        waitOnResumed: params.wait_on_resumed === true,
        disableAutoSuspend: params.disable_auto_suspend === true,
      });
      return null;
    },
  };
}
