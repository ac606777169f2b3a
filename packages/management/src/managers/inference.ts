import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import { encodePath, type CallOptions } from '../http/client.js';

/** A deployed model endpoint (v1 `inferenceapis`). */
export interface InferenceApiInfo {
  serviceId: string;
  projectId: string;
  modelName: string;
  name: string;
  connectionUrl: string;
  /**
   * The in-cluster URL; `connectionUrl` when the API reports none (null or empty), where the
   * Python SDK's AI factories fall back to the public URL too.
   */
  internalConnectionUrl: string;
  hostingPlatform: string;
  /** The model's context window in tokens, when the API reports one (read defensively, as the Python SDK does). */
  maxInputTokens?: number;
}

export interface ModelOperationResult {
  name: string;
  status: string;
  hostingPlatform: string;
}

const V1 = 'v1';

/** Inference APIs and their models (Management API v1 only). */
export class InferenceApiManager {
  constructor(
    private readonly ctx: Context,
    private readonly projectId?: string,
  ) {}

  private project(): string {
    const p = this.projectId ?? this.ctx.client.config.env.SINGLESTOREDB_PROJECT;
    if (!p) throw new ManagementError('No inference project configured: pass projectId or set SINGLESTOREDB_PROJECT');
    return p;
  }

  /**
   * `GET inferenceapis/{project}/{model}`. A model name's `/` (`Qwen/Qwen3-Embedding-0.6B`) stays a
   * separator, as the Python SDK sends it; the client refuses `.`/`..` segments.
   */
  async get(modelName: string, opts: CallOptions = {}): Promise<InferenceApiInfo> {
    const o = await this.ctx.client.json<Record<string, unknown>>({
      path: `inferenceapis/${encodeURIComponent(this.project())}/${encodePath(modelName)}`,
      version: V1,
      signal: opts.signal,
    });
    for (const k of ['serviceID', 'projectID', 'modelName', 'name', 'connectionURL', 'hostingPlatform']) {
      if (o?.[k] == null) throw new ManagementError(`The inference API answer for ${modelName} has no ${k}`);
    }
    return {
      serviceId: String(o.serviceID),
      projectId: String(o.projectID),
      modelName: String(o.modelName),
      name: String(o.name),
      connectionUrl: String(o.connectionURL),
      internalConnectionUrl: o.internalConnectionURL ? String(o.internalConnectionURL) : String(o.connectionURL),
      hostingPlatform: String(o.hostingPlatform),
      ...(typeof o.maxInputTokens === 'number' && Number.isInteger(o.maxInputTokens) && o.maxInputTokens > 0 ? { maxInputTokens: o.maxInputTokens } : {}),
    };
  }

  private async op(method: 'POST' | 'DELETE', path: string, defStatus: string, opts: CallOptions): Promise<ModelOperationResult> {
    const o = (await this.ctx.client.json<Record<string, unknown>>({ method, path, version: V1, signal: opts.signal })) ?? {};
    return { name: String(o.modelName ?? o.name ?? ''), status: String(o.status ?? defStatus), hostingPlatform: String(o.hostingPlatform ?? '') };
  }

  async start(modelName: string, opts: CallOptions = {}): Promise<ModelOperationResult> {
    const r = await this.op('POST', `models/${encodeURIComponent(modelName)}/start`, 'Initializing', opts);
    return { ...r, status: 'Initializing' };
  }

  stop(modelName: string, opts: CallOptions = {}): Promise<ModelOperationResult> {
    return this.op('POST', `models/${encodeURIComponent(modelName)}/stop`, 'Suspended', opts);
  }

  drop(modelName: string, opts: CallOptions = {}): Promise<ModelOperationResult> {
    return this.op('DELETE', `models/${encodeURIComponent(modelName)}`, 'Deleted', opts);
  }

  /** `GET models`. */
  async show(opts: CallOptions = {}): Promise<ModelOperationResult[]> {
    const rows = await this.ctx.client.json<Record<string, unknown>[]>({ path: 'models', version: V1, signal: opts.signal });
    return (rows ?? []).map((o) => ({ name: String(o.name ?? ''), status: String(o.status ?? ''), hostingPlatform: String(o.hostingPlatform ?? '') }));
  }
}
