/**
 * Stage commands: the deployment is a cluster or starter cluster (v2), or a workspace group or
 * starter workspace (v1), found as the SingleStoreDB Python SDK (singlestoredb 1.18.1) finds it (`get_deployment`).
 */
import type { FileLocation, Management } from '@s2/management';
import type { Params } from '../grammar/index.js';
import { FusionNotFoundError, FusionValueError } from '../errors.js';
import type { FusionRun } from '../registry.js';
import { createFolder, downloadFile, dropPath, showFiles, uploadFile, type LocationOf } from './filesystem.js';
import { env, firstParam, isMissing } from './support.js';

interface HasStage {
  id: string;
  name: string;
  stage: FileLocation;
}

/** One of `items` named `name`; none → undefined; several → the Python SDK's ValueError. */
function single<T extends { id: string; name: string }>(items: readonly T[], name: string, what: string): T | undefined {
  const found = items.filter((x) => x.name === name);
  if (found.length > 1) throw new FusionValueError(`more than one ${what} with given name was found: ${found.map((x) => x.id).join(', ')}`);
  return found[0];
}

/** `get` that answers undefined for a missing resource. */
async function orMissing<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** A v1 workspace group, else a starter workspace. */
async function workspaceGroup(m: Management, name: string | null, id: string | null): Promise<HasStage | undefined> {
  if (name) {
    return single(await m.workspaces.listGroups(), name, 'workspace group') ?? single(await m.starterWorkspaces.list(), name, 'starter workspace');
  }
  return (await orMissing(() => m.workspaces.getGroup(id!))) ?? (await orMissing(() => m.starterWorkspaces.get(id!)));
}

async function deploymentById(m: Management, id: string, fromEnv: string | null, fallBack: boolean): Promise<HasStage> {
  const found =
    (await orMissing(() => m.clusters.get(id))) ??
    (await orMissing(() => m.starterClusters.get(id))) ??
    (fallBack ? await workspaceGroup(m, null, id) : undefined);
  if (!found) throw new FusionNotFoundError(`no deployment found with ID: ${id}${fromEnv ? ` (from ${fromEnv})` : ''}`);
  return found;
}

export async function getDeployment(m: Management, params: Params): Promise<HasStage> {
  const groupName = firstParam(params, ['group', 'group_name'], ['in', 'in_group', 'group_name']);
  const groupId = firstParam(params, ['group', 'group_id'], ['in', 'in_group', 'group_id']);
  if (groupName || groupId) {
    const group = await workspaceGroup(m, groupName, groupId);
    if (!group) throw new FusionNotFoundError(`no workspace group found with ${groupName ? 'name' : 'ID'}: ${groupName ?? groupId}`);
    return group;
  }
  const name = firstParam(params, ['deployment_name'], ['in_deployment', 'deployment_name'], ['in', 'in_deployment', 'deployment_name']);
  if (name) {
    const found =
      single(await m.clusters.list(), name, 'cluster') ??
      single(await m.starterClusters.list(), name, 'starter cluster') ??
      (await workspaceGroup(m, name, null));
    if (!found) throw new FusionNotFoundError(`no deployment found with name: ${name}`);
    return found;
  }
  const id = firstParam(params, ['deployment_id'], ['in_deployment', 'deployment_id'], ['in', 'in_deployment', 'deployment_id']);
  if (id) return deploymentById(m, id, null, true);
  const current = env('SINGLESTOREDB_WORKSPACE');
  if (current) return deploymentById(m, current, 'SINGLESTOREDB_WORKSPACE', false);
  if (env('SINGLESTOREDB_WORKSPACE_GROUP')) {
    throw new FusionNotFoundError(
      'SINGLESTOREDB_WORKSPACE_GROUP holds a group ID, which management API v2 cannot look up; set SINGLESTOREDB_WORKSPACE to the cluster ID instead, or name the deployment with IN.',
    );
  }
  throw new FusionNotFoundError('no deployment was specified');
}

const stageOf: LocationOf = async (m, params) => (await getDeployment(m, params)).stage;

export const stageCommands = {
  show: showFiles(stageOf),
  upload: uploadFile(stageOf, 'stage_path'),
  download: downloadFile(stageOf, 'stage_path'),
  create: createFolder(stageOf, 'stage_path'),
  dropFile: (async (params, ctx) => dropPath(await stageOf(ctx.management(), params), String(params.stage_path), 'file', false)) as FusionRun,
  dropFolder: (async (params, ctx) =>
    dropPath(await stageOf(ctx.management(), params), String(params.stage_path), 'folder', params.recursive === true)) as FusionRun,
};
