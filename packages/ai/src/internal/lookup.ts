import { createManagement, type InferenceApiInfo as ManagedInferenceApiInfo, type ManagementOptions } from '@s2/management';
import type { Env } from './env.js';

/** What the management API says about one model (`GET v1/inferenceapis/{project}/{model}`), `maxInputTokens` included when reported. */
export type InferenceApiInfo = ManagedInferenceApiInfo;

/** How to reach the management API: the options of `@s2/management`, plus the inference project. */
export interface LookupOptions extends ManagementOptions {
  /** The inference project; default `SINGLESTOREDB_PROJECT`. */
  project?: string;
}

/**
 * The one place that asks the management API for a model's endpoint, through @s2/management's
 * inference-API manager (pinned to v1, where inference APIs live in
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1)).
 */
export async function lookupInferenceApi(modelName: string, opts: LookupOptions, env: Env, signal?: AbortSignal): Promise<InferenceApiInfo> {
  const { project, ...management } = opts;
  const mgmt = createManagement({ env, ...management });
  const apis = project ? mgmt.inferenceApisFor(project) : mgmt.inferenceApis;
  return apis.get(modelName, { signal });
}
