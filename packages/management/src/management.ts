import { makeContext, type Context } from './context.js';
import { FilesManager } from './fs/files.js';
import { Stage } from './fs/stage.js';
import { ManagementClient } from './http/client.js';
import type { ManagementOptions } from './http/config.js';
import type { TraceEvent } from './http/trace.js';
import { BillingManager } from './managers/billing.js';
import { ClusterManager } from './managers/clusters.js';
import { InferenceApiManager } from './managers/inference.js';
import { JobsManager } from './managers/jobs.js';
import { OrganizationManager, SecretsManager } from './managers/organization.js';
import { ProjectManager } from './managers/projects.js';
import { RegionManager } from './managers/regions.js';
import { STARTER_CLUSTERS, STARTER_WORKSPACES, StarterManager } from './managers/starter.js';
import { WorkspaceManager } from './managers/workspaces.js';

/**
 * Entry point to the Management API: one client (token, base URL, retries, tracing) and a
 * manager per resource. v2 is the default; the workspace managers are pinned to v1.
 */
export class Management {
  readonly client: ManagementClient;
  readonly ctx: Context;
  readonly starterClusters: StarterManager;
  readonly projects: ProjectManager;
  readonly regions: RegionManager;
  readonly files: FilesManager;
  readonly organization: OrganizationManager;
  readonly secrets: SecretsManager;
  readonly billing: BillingManager;
  readonly jobs: JobsManager;
  private clusterManager?: ClusterManager;
  private workspaceManager?: WorkspaceManager;
  private starterWorkspaceManager?: StarterManager;
  private inference?: InferenceApiManager;

  constructor(options: ManagementOptions = {}) {
    this.client = new ManagementClient(options);
    this.ctx = makeContext(this.client);
    this.starterClusters = new StarterManager(this.ctx, STARTER_CLUSTERS);
    this.projects = new ProjectManager(this.ctx);
    this.regions = new RegionManager(this.ctx);
    this.files = new FilesManager(this.ctx);
    this.organization = new OrganizationManager(this.ctx);
    this.secrets = new SecretsManager(this.ctx);
    this.billing = new BillingManager(this.ctx);
    this.jobs = new JobsManager(this.ctx);
  }

  /** Clusters (v2; an error when the client is configured for v1). */
  get clusters(): ClusterManager {
    return (this.clusterManager ??= new ClusterManager(this.ctx));
  }

  /** Workspace groups and workspaces (v1, deprecated: use `clusters`). */
  get workspaces(): WorkspaceManager {
    return (this.workspaceManager ??= new WorkspaceManager(this.ctx));
  }

  /** Starter workspaces (v1, deprecated: use `starterClusters`). */
  get starterWorkspaces(): StarterManager {
    return (this.starterWorkspaceManager ??= new StarterManager(this.ctx, STARTER_WORKSPACES));
  }

  /** Inference APIs and models (v1 only); the project defaults to `SINGLESTOREDB_PROJECT`. */
  get inferenceApis(): InferenceApiManager {
    return (this.inference ??= new InferenceApiManager(this.ctx));
  }

  inferenceApisFor(projectId: string): InferenceApiManager {
    return new InferenceApiManager(this.ctx, projectId);
  }

  /** The Stage of a deployment id: a cluster/starter cluster (v2, default) or a workspace group/starter workspace (v1). */
  stage(deploymentId: string, opts: { version?: 'v1' | 'v2' } = {}): Stage {
    return new Stage(this.ctx, deploymentId, opts.version ?? (this.client.config.version === 'v1' ? 'v1' : 'v2'));
  }

  /** Runs `fn` and reports every API call it made (method, path, status, attempts, ms). */
  trace<T>(fn: () => Promise<T>): Promise<{ result: T; calls: TraceEvent[] }> {
    return this.client.traced(fn);
  }
}

export function createManagement(options: ManagementOptions = {}): Management {
  return new Management(options);
}

/** Factories named as in the SingleStoreDB Python SDK (singlestoredb 1.18.1). */
export function manageClusters(options: ManagementOptions = {}): ClusterManager {
  return new Management(options).clusters;
}

export function manageWorkspaces(options: ManagementOptions = {}): WorkspaceManager {
  return new Management(options).workspaces;
}

export function manageFiles(options: ManagementOptions = {}): FilesManager {
  return new Management(options).files;
}

export function manageRegions(options: ManagementOptions = {}): RegionManager {
  return new Management(options).regions;
}
