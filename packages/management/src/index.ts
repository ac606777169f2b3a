export { Management, createManagement, manageClusters, manageWorkspaces, manageFiles, manageRegions } from './management.js';
export { ManagementError, ManagementFsError, MissingPeerError, maskSecrets } from './errors.js';
export type { DatabaseConnectOptions } from './connect.js';
export type { DatabaseConnection } from '@s2/base';
export { ManagementClient, USER_AGENT, encodePath, type CallOptions, type RequestOptions, type Query } from './http/client.js';
export {
  resolveConfig,
  discoverToken,
  DEFAULT_BASE_URL,
  DEFAULT_VERSION,
  type ManagementOptions,
  type ResolvedConfig,
  type GetWithBody,
} from './http/config.js';
export { RETRY_METHODS, RETRY_STATUSES, LOCK_ERROR, backoffMs, retryAfterMs, lockRetryWaitMs } from './http/retry.js';
export { isJwt } from './http/jwt.js';
export type { TraceEvent } from './http/trace.js';
export type { Context } from './context.js';
export { NamedList } from './util/named-list.js';
export { toDate, fromDate } from './util/dates.js';
export type { WaitOptions } from './util/wait.js';
export type { AutoSuspend, UpdateWindow, ResumeAttachment } from './models/common.js';
export type { Region, Project } from './models/region.js';
export type { Organization, Secret } from './models/organization.js';
export { Cluster, ClusterManager, type CreateClusterOptions, type UpdateClusterOptions } from './managers/clusters.js';
export { StarterDeployment, StarterManager, type StarterCluster, type StarterWorkspace, type CreateStarterOptions } from './managers/starter.js';
export { ProjectManager, isUuid } from './managers/projects.js';
export { RegionManager } from './managers/regions.js';
export { Workspace, WorkspaceGroup, WorkspaceManager, type CreateWorkspaceGroupOptions, type CreateWorkspaceOptions } from './managers/workspaces.js';
export { OrganizationManager, SecretsManager } from './managers/organization.js';
export { BillingManager, type BillingUsageItem, type UsageItem } from './managers/billing.js';
export {
  JobsManager,
  Job,
  type JobMode,
  type JobStatus,
  type TargetType,
  type JobMetadata,
  type TargetConfig,
  type Execution,
  type Parameter,
  type Runtime,
  type ScheduleJobOptions,
  type JobWaitOptions,
} from './managers/jobs.js';
export { ExportManager, type ExportDefinition, type ExportStatus } from './managers/exports.js';
export { InferenceApiManager, type InferenceApiInfo, type ModelOperationResult } from './managers/inference.js';
export { FileLocation, normalizePath, type TransferOptions, type UploadOptions, type ListOptions } from './fs/location.js';
export { FilesObject } from './fs/object.js';
export { Stage } from './fs/stage.js';
export { FileSpace, FilesManager, type FileSpaceName } from './fs/files.js';
export type { UploadSource, TransferProgress } from './fs/body.js';
