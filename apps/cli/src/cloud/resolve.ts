import { isUuid, ManagementError, type Management, type Stage } from '@s2/management';

/** A cluster by id or name. */
export function findCluster(mgmt: Management, key: string) {
  return mgmt.clusters.find(key);
}

export async function findStarter(mgmt: Management, key: string) {
  if (isUuid(key)) return mgmt.starterClusters.get(key);
  const found = (await mgmt.starterClusters.list()).lookup(key);
  if (!found) throw new ManagementError(`No starter cluster named '${key}'`);
  return found;
}

/** The Stage of a cluster or starter cluster (id or name), or with `v1` of a workspace group. */
export async function findStage(mgmt: Management, key: string, v1: boolean): Promise<Stage> {
  if (v1) {
    if (isUuid(key)) return mgmt.stage(key, { version: 'v1' });
    const g = (await mgmt.workspaces.listGroups()).lookup(key) ?? (await mgmt.starterWorkspaces.list()).lookup(key);
    if (!g) throw new ManagementError(`No workspace group or starter workspace named '${key}'`);
    return mgmt.stage(g.id, { version: 'v1' });
  }
  if (isUuid(key)) return mgmt.stage(key);
  const c = (await mgmt.clusters.list()).lookup(key) ?? (await mgmt.starterClusters.list()).lookup(key);
  if (!c) throw new ManagementError(`No cluster or starter cluster named '${key}'`);
  return mgmt.stage(c.id);
}
