import type { FusionRegistry, FusionRun } from '../registry.js';
import { BUILTIN_GRAMMARS } from './grammars.js';
import { showFusionCommands, showFusionGrammar, showFusionHelp } from './introspection.js';
import * as cluster from '../handlers/cluster.js';
import * as jobs from '../handlers/jobs.js';
import * as workspace from '../handlers/workspace.js';
import { filesCommands } from '../handlers/filesystem.js';
import { stageCommands } from '../handlers/stage.js';
import { modelCommands } from '../handlers/models.js';
import { exportCommands } from '../handlers/export.js';

const personal = filesCommands('personal');
const shared = filesCommands('shared');

/** Handlers of the built-in commands, by command key. */
const HANDLERS: Record<string, FusionRun> = {
  'SHOW FUSION COMMANDS': showFusionCommands,
  'SHOW FUSION GRAMMAR': showFusionGrammar,
  'SHOW FUSION HELP': showFusionHelp,
  'SHOW REGIONS': workspace.showRegions,
  'SHOW WORKSPACE GROUPS': workspace.showWorkspaceGroups,
  'SHOW WORKSPACES': workspace.showWorkspaces,
  'CREATE WORKSPACE GROUP': workspace.createWorkspaceGroup,
  'CREATE WORKSPACE': workspace.createWorkspace,
  'SUSPEND WORKSPACE': workspace.suspendWorkspace,
  'RESUME WORKSPACE': workspace.resumeWorkspace,
  'DROP WORKSPACE GROUP': workspace.dropWorkspaceGroup,
  'DROP WORKSPACE': workspace.dropWorkspace,
  'USE WORKSPACE': workspace.useWorkspace,
  'SHOW CLUSTERS': cluster.showClusters,
  'SHOW CLUSTER REGIONS': cluster.showClusterRegions,
  'SHOW PROJECTS': cluster.showProjects,
  'CREATE CLUSTER': cluster.createCluster,
  'SUSPEND CLUSTER': cluster.suspendCluster,
  'RESUME CLUSTER': cluster.resumeCluster,
  'DROP CLUSTER': cluster.dropCluster,
  'USE CLUSTER': cluster.useCluster,
  'SHOW STARTER CLUSTERS': cluster.showStarterClusters,
  'SHOW STARTER CLUSTER REGIONS': cluster.showStarterClusterRegions,
  'CREATE STARTER CLUSTER': cluster.createStarterCluster,
  'DROP STARTER CLUSTER': cluster.dropStarterCluster,
  'SHOW STAGE FILES': stageCommands.show,
  'UPLOAD FILE TO STAGE': stageCommands.upload,
  'DOWNLOAD STAGE FILE': stageCommands.download,
  'DROP STAGE FILE': stageCommands.dropFile,
  'DROP STAGE FOLDER': stageCommands.dropFolder,
  'CREATE STAGE FOLDER': stageCommands.create,
  'SHOW PERSONAL FILES': personal.show,
  'UPLOAD PERSONAL FILE TO': personal.upload,
  'DOWNLOAD PERSONAL FILE': personal.download,
  'DROP PERSONAL': personal.drop,
  'CREATE PERSONAL FOLDER': personal.create,
  'SHOW SHARED FILES': shared.show,
  'UPLOAD SHARED FILE TO': shared.upload,
  'DOWNLOAD SHARED FILE': shared.download,
  'DROP SHARED': shared.drop,
  'CREATE SHARED FOLDER': shared.create,
  'SCHEDULE JOB USING NOTEBOOK': jobs.scheduleJob,
  'RUN JOB USING NOTEBOOK': jobs.runJob,
  'WAIT ON JOBS': jobs.waitOnJobs,
  'SHOW JOBS': jobs.showJobs,
  'SHOW JOB EXECUTIONS FOR': jobs.showJobExecutions,
  'SHOW JOB PARAMETERS FOR': jobs.showJobParameters,
  'SHOW JOB RUNTIMES': jobs.showJobRuntimes,
  'DROP JOBS': jobs.dropJobs,
  ...modelCommands,
  ...exportCommands,
};

/**
 * Registers the built-in commands: `'visible'`, `'hidden'` (models, exports) or `'all'`. The
 * hidden ones can be added later without touching the others (a user may have replaced one).
 */
export function registerBuiltins(registry: FusionRegistry, which: 'visible' | 'hidden' | 'all'): void {
  for (const [key, spec] of Object.entries(BUILTIN_GRAMMARS)) {
    const run = HANDLERS[key];
    if (!run || (spec.hidden ? which === 'visible' : which === 'hidden')) continue;
    registry.register({ grammar: spec.grammar, run, preview: spec.preview, deprecatedBy: spec.deprecatedBy }, { overwrite: true });
  }
}
