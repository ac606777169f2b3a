import { ManagementError, OptionError } from '@s2/base';
import type { Env } from './env.js';

/** What the management API says about one model (`GET v1/inferenceapis/{project}/{model}`). */
export interface InferenceApiInfo {
  serviceId: string;
  projectId: string;
  modelName: string;
  name: string;
  connectionUrl: string;
  internalConnectionUrl: string;
  hostingPlatform: string;
  /** The model's context window, when the API reports one. */
  maxInputTokens?: number;
}

export interface LookupOptions {
  /** Management API token; default `SINGLESTOREDB_MANAGEMENT_TOKEN`, else a JWT password in `SINGLESTOREDB_URL`. */
  token?: string;
  /** Management API base URL without the version; default `SINGLESTOREDB_MANAGEMENT_BASE_URL` or https://api.singlestore.com. */
  baseUrl?: string;
  /** The inference project; default `SINGLESTOREDB_PROJECT`. */
  project?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * The one place that asks the management API for a model's endpoint. Inference APIs are
 * v1-only in the reference 1.18, so the path is pinned to v1.
 */
export async function lookupInferenceApi(modelName: string, opts: LookupOptions, env: Env): Promise<InferenceApiInfo> {
  const project = opts.project ?? env.SINGLESTOREDB_PROJECT;
  if (!project) throw new OptionError(`finding the endpoint of model ${modelName} needs the inference project: set SINGLESTOREDB_PROJECT (or give baseUrl and hostingPlatform)`);
  const token = opts.token ?? (env.SINGLESTOREDB_MANAGEMENT_TOKEN || undefined) ?? jwtPasswordOf(env.SINGLESTOREDB_URL);
  if (!token) throw new OptionError(`finding the endpoint of model ${modelName} needs a management API token: set SINGLESTOREDB_MANAGEMENT_TOKEN (or give baseUrl and hostingPlatform)`);
  const base = (opts.baseUrl ?? env.SINGLESTOREDB_MANAGEMENT_BASE_URL ?? 'https://api.singlestore.com').replace(/\/+$/, '');
  const url = `${base}/v1/inferenceapis/${encodeURIComponent(project)}/${encodeURIComponent(modelName)}`;
  const res = await (opts.fetch ?? globalThis.fetch)(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: opts.signal });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  if (!res.ok) throw new ManagementError(`looking up model ${modelName} failed: ${res.status} ${text.slice(0, 300)}`, { errno: res.status, response: body });
  const o = body as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
  const info: InferenceApiInfo = {
    serviceId: str('serviceID'),
    projectId: str('projectID'),
    modelName: str('modelName') || modelName,
    name: str('name'),
    connectionUrl: str('connectionURL'),
    internalConnectionUrl: str('internalConnectionURL'),
    hostingPlatform: str('hostingPlatform'),
  };
  if (typeof o.maxInputTokens === 'number') info.maxInputTokens = o.maxInputTokens;
  return info;
}

/** The password of a connection URL when it is a JWT (the notebook environment's token). */
function jwtPasswordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^[^:]+:\/\/[^:@/]*:([^@/]*)@/.exec(url.includes('://') ? url : `singlestoredb://${url}`);
  const password = m ? decodeURIComponent(m[1]!) : '';
  const parts = password.split('.');
  if (parts.length !== 3) return undefined;
  try {
    JSON.parse(atob(parts[0]!.replace(/-/g, '+').replace(/_/g, '/')));
    return password;
  } catch {
    return undefined;
  }
}
