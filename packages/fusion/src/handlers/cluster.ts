/** Clusters, starter clusters and projects: the v2 vocabulary added in 1.18 (management-v2.md). */
import type { Cluster, Management } from '@s2/management';
import type { Params } from '../grammar/index.js';
import { FusionValueError } from '../errors.js';
import { FusionResult } from '../result.js';
import type { FusionContext, FusionRun } from '../registry.js';
import {
  autoSuspendOf,
  optionalInteger,
  dropRun,
  getCluster,
  getProject,
  getStarterCluster,
  ifExists,
  json,
  listing,
  suspendRuns,
  updateWindowOf,
} from './support.js';
import { useCurrent, useDeployment } from './use.js';

const m = (ctx: FusionContext): Management => ctx.management();

const regionRows = (regions: readonly { name: string; provider: string; regionName: string | null }[]) =>
  regions.map((r) => [r.name, r.provider, r.regionName]);

function regionResult(rows: unknown[][], params: Params): FusionResult {
  const res = new FusionResult().addField('Name', 'STRING').addField('Provider', 'STRING').addField('RegionName', 'STRING');
  return listing(res.setRows(rows as string[][]), params);
}

export const showClusters: FusionRun = async (params, ctx) => {
  const clusters = await m(ctx).clusters.list();
  const projects = params.extended ? new Map((await m(ctx).projects.list()).map((p) => [p.id, p.name])) : new Map<string, string>();
  const res = new FusionResult()
    .addField('Name', 'STRING')
    .addField('ID', 'STRING')
    .addField('Region', 'STRING')
    .addField('Size', 'STRING')
    .addField('State', 'STRING');
  if (params.extended) {
    res
      .addField('Provider', 'STRING')
      .addField('Endpoint', 'STRING')
      .addField('DeploymentType', 'STRING')
      .addField('FirewallRanges', 'JSON')
      .addField('ProjectName', 'STRING')
      .addField('CreatedAt', 'DATETIME')
      .addField('TerminatedAt', 'DATETIME');
  }
  res.setRows(
    clusters.map((c: Cluster) => {
      const row = [c.name, c.id, c.region, c.size, c.state];
      if (!params.extended) return row;
      return [
        ...row,
        c.provider,
        c.endpoint,
        c.deploymentType,
        json(c.firewallRanges),
        c.projectId ? (projects.get(c.projectId) ?? null) : null,
        c.createdAt,
        c.terminatedAt,
      ];
    }),
  );
  return listing(res, params);
};

export const showClusterRegions: FusionRun = async (params, ctx) => regionResult(regionRows(await m(ctx).regions.list()), params);

export const showStarterClusterRegions: FusionRun = async (params, ctx) => regionResult(regionRows(await m(ctx).regions.sharedTier()), params);

export const showProjects: FusionRun = async (params, ctx) => {
  const projects = await m(ctx).projects.list();
  const res = new FusionResult().addField('Name', 'STRING').addField('ID', 'STRING').addField('Edition', 'STRING').addField('CreatedAt', 'DATETIME');
  return listing(res.setRows(projects.map((p) => [p.name, p.id, p.edition, p.createdAt])), params);
};

/** IN REGION matches a region's display name or provider name (case-insensitively), narrowed by USING PROVIDER. */
async function resolveRegion(mg: Management, params: Params): Promise<{ provider?: string; region: string }> {
  const name = String((params.in_region as { region_name: string }).region_name);
  const provider = (params.using_provider as string | null) || undefined;
  const wanted = name.toLowerCase();
  let matches = (await mg.regions.list()).filter((r) => [r.name, r.regionName].some((x) => x && x.toLowerCase() === wanted));
  if (provider) matches = matches.filter((r) => (r.provider || '').toUpperCase() === provider.toUpperCase());
  if (matches.length > 1) {
    throw new FusionValueError(
      `more than one region matches "${name}": ${matches.map((r) => `${r.provider} ${r.regionName}`).join(', ')}; use the USING PROVIDER clause to select one`,
    );
  }
  if (matches.length === 1) return { provider: matches[0].provider, region: matches[0].regionName ?? matches[0].name };
  return { provider, region: name };
}

export const createCluster: FusionRun = async (params, ctx) => {
  const mg = m(ctx);
  if (params.if_not_exists && (await mg.clusters.list()).some((c) => c.name === params.cluster_name && !c.terminatedAt)) return null;
  const project = await getProject(mg, params);
  const region = await resolveRegion(mg, params);
  const cluster = await mg.clusters.create({
    name: String(params.cluster_name),
    provider: region.provider,
    region: region.region,
    size: (params.with_size as string | null) ?? undefined,
    scaleFactor: (params.using_scale_factor as number | null) ?? undefined,
    firewallRanges: params.with_firewall_ranges as string[],
    allowAllTraffic: params.allow_all_traffic === true,
    autoSuspend: autoSuspendOf(params),
    cacheConfig: optionalInteger(params.with_cache_config, 'CACHE CONFIG'),
    expiresAt: (params.expires_at as string | null) ?? undefined,
    updateWindow: updateWindowOf(params),
    kai: params.enable_kai === true ? true : undefined,
    project: project ?? undefined,
    waitOnActive: params.wait_on_active === true,
  });
  return new FusionResult()
    .addField('Name', 'STRING')
    .addField('ID', 'STRING')
    .addField('Endpoint', 'STRING')
    .addField('AdminPassword', 'STRING')
    .setRows([[cluster.name, cluster.id, cluster.endpoint, cluster.adminPassword]]);
};

export const { suspend: suspendCluster, resume: resumeCluster } = suspendRuns(getCluster);
export const dropCluster = dropRun(getCluster, 'cluster');

/**
 * USE CLUSTER: this connection moves to the cluster's endpoint; the SingleStoreDB Python SDK (singlestoredb 1.18.1)
 * talks to the notebook portal instead.
 */
export const useCluster: FusionRun = async (params, ctx) => {
  const target = params.cluster as Record<string, unknown>;
  if (target.current_cluster) return useCurrent(ctx, params.with_database as string | null);
  const cluster = await getCluster(m(ctx), params);
  return useDeployment(ctx, { kind: 'cluster', name: cluster.name, state: cluster.state, endpoint: cluster.endpoint }, params.with_database as string | null);
};

export const showStarterClusters: FusionRun = async (params, ctx) => {
  const starters = await m(ctx).starterClusters.list();
  const projects = params.extended ? new Map((await m(ctx).projects.list()).map((p) => [p.id, p.name])) : new Map<string, string>();
  const res = new FusionResult().addField('Name', 'STRING').addField('ID', 'STRING').addField('DatabaseName', 'STRING');
  if (params.extended) res.addField('Endpoint', 'STRING').addField('ProjectName', 'STRING');
  res.setRows(
    starters.map((s) => {
      const row = [s.name, s.id, s.databaseName];
      return params.extended ? [...row, s.endpoint, s.projectId ? (projects.get(s.projectId) ?? null) : null] : row;
    }),
  );
  return listing(res, params);
};

export const createStarterCluster: FusionRun = async (params, ctx) => {
  const mg = m(ctx);
  if (params.if_not_exists && (await mg.starterClusters.list()).some((s) => s.name === params.cluster_name)) return null;
  await mg.starterClusters.create({
    name: String(params.cluster_name),
    databaseName: String(params.with_database),
    provider: String(params.using_provider),
    region: String(params.in_region),
  });
  return null;
};

export const dropStarterCluster: FusionRun = (params, ctx) =>
  ifExists(params, async () => {
    await (await getStarterCluster(m(ctx), params)).terminate();
  });
