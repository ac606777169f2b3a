/** Workspace groups, workspaces and regions: the v1 vocabulary (fusion.md §6.1). */
import type { Params } from '../grammar/index.js';
import { FusionNotFoundError, FusionValueError } from '../errors.js';
import { FusionResult } from '../result.js';
import type { FusionContext, FusionRun } from '../registry.js';
import { autoSuspendOf, optionalInteger, dropRun, getWorkspace, getWorkspaceGroup, json, listing, suspendRuns, updateWindowOf } from './support.js';
import { useCurrent, useDeployment } from './use.js';

const m = (ctx: FusionContext) => ctx.management();

export const showRegions: FusionRun = async (params, ctx) => {
  const regions = await m(ctx).workspaces.regions.list();
  const res = new FusionResult().addField('Name', 'STRING').addField('ID', 'STRING').addField('Provider', 'STRING');
  return listing(res.setRows(regions.map((r) => [r.name, r.id, r.provider])), params);
};

export const showWorkspaceGroups: FusionRun = async (params, ctx) => {
  const groups = await m(ctx).workspaces.listGroups();
  const res = new FusionResult().addField('Name', 'STRING').addField('ID', 'STRING').addField('Region', 'STRING').addField('FirewallRanges', 'JSON');
  if (params.extended) res.addField('CreatedAt', 'DATETIME').addField('TerminatedAt', 'DATETIME');
  res.setRows(
    groups.map((g) => {
      const row = [g.name, g.id, g.region?.name ?? null, json(g.firewallRanges)];
      return params.extended ? [...row, g.createdAt, g.terminatedAt] : row;
    }),
  );
  return listing(res, params);
};

export const showWorkspaces: FusionRun = async (params, ctx) => {
  const group = await getWorkspaceGroup(m(ctx), params);
  const res = new FusionResult().addField('Name', 'STRING').addField('ID', 'STRING').addField('Size', 'STRING').addField('State', 'STRING');
  if (params.extended) res.addField('Endpoint', 'STRING').addField('CreatedAt', 'DATETIME').addField('TerminatedAt', 'DATETIME');
  res.setRows(
    (await group.workspaces()).map((w) => {
      const row = [w.name, w.id, w.size, w.state];
      return params.extended ? [...row, w.endpoint, w.createdAt, w.terminatedAt] : row;
    }),
  );
  return listing(res, params);
};

async function exists(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (err instanceof FusionNotFoundError || err instanceof FusionValueError) return false;
    throw err;
  }
}

export const createWorkspaceGroup: FusionRun = async (params, ctx) => {
  const mgr = m(ctx).workspaces;
  if (params.if_not_exists && (await exists(() => getWorkspaceGroup(m(ctx), params)))) return null;
  let regionId = params.region_id as string | null;
  if (params.region_name) {
    const regions = (await mgr.regions.list()).filter((r) => r.name === params.region_name);
    if (regions.length === 0) throw new FusionNotFoundError(`no region found with name "${String(params.region_name)}"`);
    if (regions.length > 1) throw new FusionValueError(`multiple regions found with the name "${String(params.region_name)}"`);
    regionId = regions[0].id;
  }
  await mgr.createGroup({
    name: String(params.group_name),
    region: regionId!,
    adminPassword: (params.with_password as string | null) ?? undefined,
    expiresAt: (params.expires_at as string | null) ?? undefined,
    firewallRanges: params.with_firewall_ranges as string[],
    backupBucketKMSKeyID: (params.with_backup_bucket_kms_key_id as string | null) ?? undefined,
    dataBucketKMSKeyID: (params.with_data_bucket_kms_key_id as string | null) ?? undefined,
    smartDR: params.with_smart_dr === true,
    allowAllTraffic: params.allow_all_traffic === true,
    updateWindow: updateWindowOf(params),
  });
  return null;
};

export const createWorkspace: FusionRun = async (params, ctx) => {
  const group = await getWorkspaceGroup(m(ctx), params);
  if (params.if_not_exists && (await group.workspaces()).some((w) => w.name === params.workspace_name)) return null;
  await group.createWorkspace({
    name: String(params.workspace_name),
    size: params.size as string,
    autoSuspend: autoSuspendOf(params),
    enableKai: params.enable_kai === true,
    cacheConfig: optionalInteger(params.with_cache_config, 'CACHE CONFIG'),
    waitOnActive: params.wait_on_active === true,
  });
  return null;
};

export const { suspend: suspendWorkspace, resume: resumeWorkspace } = suspendRuns(getWorkspace);
export const dropWorkspace = dropRun(getWorkspace, 'workspace');
export const dropWorkspaceGroup = dropRun(getWorkspaceGroup, 'workspace group');

/**
 * USE WORKSPACE: this connection moves to the workspace's endpoint; the SingleStoreDB Python SDK (singlestoredb 1.18.1)
 * talks to the notebook portal instead.
 */
export const useWorkspace: FusionRun = async (params: Params, ctx) => {
  const target = params.workspace as Record<string, unknown>;
  if (target.current_workspace) return useCurrent(ctx, params.with_database as string | null);
  const ws = await getWorkspace(m(ctx), params);
  return useDeployment(ctx, { kind: 'workspace', name: ws.name, state: ws.state, endpoint: ws.endpoint }, params.with_database as string | null);
};
