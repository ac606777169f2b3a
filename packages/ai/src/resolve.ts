import { processEnv, type Env } from './internal/env.js';
import { lookupInferenceApi, type InferenceApiInfo, type LookupOptions } from './internal/lookup.js';

export type { InferenceApiInfo, LookupOptions };

export interface ResolveOptions {
  /** The endpoint URL; default `SINGLESTOREDB_INFERENCE_API_BASE_URL`. */
  baseUrl?: string;
  /** `Amazon` selects the Bedrock protocol, anything else the OpenAI-compatible one; default `SINGLESTOREDB_INFERENCE_API_HOSTING_PLATFORM`. */
  hostingPlatform?: string;
  /** Use the public `connectionURL` instead of the in-cluster `internalConnectionURL` (for code running outside SingleStore's network). */
  preferExternalUrl?: boolean;
  /** How to reach the management API when the endpoint must be looked up. */
  management?: LookupOptions;
  /** Environment to read (default: `process.env` when there is one). */
  env?: Env;
  signal?: AbortSignal;
}

export interface InferenceEndpoint {
  modelName: string;
  /** The URL requests go to (the OpenAI base URL, or the Bedrock endpoint). */
  url: string;
  hostingPlatform: string;
  /** The lookup result, when the management API was asked. */
  info: InferenceApiInfo | null;
}

/**
 * Where a model is served and how: explicit options, then the environment; when either the URL
 * or the platform is still unknown, the management API is asked and the known one wins.
 */
export async function resolveInferenceEndpoint(modelName: string, opts: ResolveOptions = {}): Promise<InferenceEndpoint> {
  const env = opts.env ?? processEnv();
  const baseUrl = opts.baseUrl ?? env.SINGLESTOREDB_INFERENCE_API_BASE_URL;
  const hostingPlatform = opts.hostingPlatform ?? env.SINGLESTOREDB_INFERENCE_API_HOSTING_PLATFORM;
  if (baseUrl !== undefined && hostingPlatform !== undefined) return { modelName, url: baseUrl, hostingPlatform, info: null };
  const info = await lookupInferenceApi(modelName, opts.management ?? {}, env, opts.signal);
  const internal = info.internalConnectionUrl || info.connectionUrl;
  const looked = opts.preferExternalUrl ? info.connectionUrl || internal : internal;
  return { modelName, url: baseUrl ?? looked, hostingPlatform: hostingPlatform ?? info.hostingPlatform, info };
}
