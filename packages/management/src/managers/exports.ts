import type { Context } from '../context.js';
import { ManagementError } from '../errors.js';
import type { CallOptions } from '../http/client.js';
import { compact } from '../util/case.js';

/** What to export: a table to an Iceberg-style catalog and storage (objects or their JSON text). */
export interface ExportDefinition {
  database: string;
  table: string;
  catalogInfo: Record<string, unknown> | string;
  storageInfo: Record<string, unknown> | string;
  /** Partitions `{transform, name}`. */
  partitionBy?: Record<string, unknown>[];
  /** Sort keys `{transform, name, direction, null_order}`. */
  orderBy?: Record<string, unknown>[];
  properties?: Record<string, unknown>;
  incremental?: boolean;
  /** Seconds between incremental refreshes. */
  refreshInterval?: number;
}

export interface ExportStatus {
  exportId: string;
  /** `Running`, `Suspended`, … (`Unknown` when the service says nothing). */
  status: string;
  message: string;
}

function info(v: Record<string, unknown> | string, what: string): Record<string, unknown> {
  if (typeof v !== 'string') return { ...v };
  try {
    return JSON.parse(v) as Record<string, unknown>;
  } catch (err) {
    throw new ManagementError(`${what} is not valid JSON`, { cause: err });
  }
}

function parseStatus(o: Record<string, unknown>): ExportStatus {
  return { exportId: String(o.egressID ?? ''), status: String(o.status ?? 'Unknown'), message: String(o.statusMsg ?? '') };
}

/**
 * Table exports (egress) of one deployment: `clusters/{id}/egress/…` at v2,
 * `workspaceGroups/{id}/egress/…` at v1. The status calls are GETs with a JSON body, which
 * `fetch` cannot send: they need `options.getWithBody` (`createNodeManagement` in
 * `@s2/management/node` provides one).
 */
export class ExportManager {
  constructor(
    private readonly ctx: Context,
    private readonly owner: string,
    private readonly version: string,
  ) {}

  private path(verb: string): string {
    return `${this.owner}/egress/${verb}`;
  }

  /** `POST …/egress/createEgressClusterIdentity` → the service's answer (`identity` is the role to trust). */
  async createClusterIdentity(
    o: { catalogInfo: Record<string, unknown> | string; storageInfo: Record<string, unknown> | string } & CallOptions,
  ): Promise<Record<string, unknown>> {
    return this.ctx.client.json({
      method: 'POST',
      path: this.path('createEgressClusterIdentity'),
      version: this.version,
      json: { catalogInfo: info(o.catalogInfo, 'catalogInfo'), storageInfo: info(o.storageInfo, 'storageInfo') },
      signal: o.signal,
    });
  }

  /** `POST …/egress/startTableEgress` → the export id. */
  async start(d: ExportDefinition, opts: CallOptions = {}): Promise<string> {
    if (!d.database || !d.table) throw new ManagementError('Database and table must be set before starting the export.');
    const body = compact({
      databaseName: d.database,
      tableName: d.table,
      storageInfo: info(d.storageInfo, 'storageInfo'),
      catalogInfo: info(d.catalogInfo, 'catalogInfo'),
      partitionSpec: d.partitionBy ? { partitions: d.partitionBy } : undefined,
      sortOrderSpec: d.orderBy ? { keys: d.orderBy } : undefined,
      properties: d.properties,
      incremental: d.incremental ? true : undefined,
      refreshInterval: d.refreshInterval,
    });
    const res = await this.ctx.client.json<{ egressID?: unknown }>({
      method: 'POST',
      path: this.path('startTableEgress'),
      version: this.version,
      json: body,
      signal: opts.signal,
    });
    if (res?.egressID == null) throw new ManagementError('No egressID returned from API');
    return String(res.egressID);
  }

  async suspend(exportId: string, opts: CallOptions = {}): Promise<void> {
    await this.ctx.client.request({
      method: 'POST',
      path: this.path('suspendTableEgress'),
      version: this.version,
      json: { egressID: exportId },
      signal: opts.signal,
    });
  }

  async resume(exportId: string, opts: CallOptions = {}): Promise<void> {
    await this.ctx.client.request({
      method: 'POST',
      path: this.path('resumeTableEgress'),
      version: this.version,
      json: { egressID: exportId },
      signal: opts.signal,
    });
  }

  async drop(exportId: string, opts: CallOptions = {}): Promise<void> {
    await this.ctx.client.request({
      method: 'DELETE',
      path: this.path('dropTableEgress'),
      version: this.version,
      json: { egressID: exportId },
      signal: opts.signal,
    });
  }

  /** `GET …/egress/tableEgressStatus {egressID}` (GET with a JSON body). */
  async status(exportId: string, opts: CallOptions = {}): Promise<ExportStatus> {
    const o = await this.ctx.client.json<Record<string, unknown>>({
      path: this.path('tableEgressStatus'),
      version: this.version,
      json: { egressID: exportId },
      signal: opts.signal,
    });
    return parseStatus({ egressID: exportId, ...(o ?? {}) });
  }

  /** `GET …/egress/tableEgressStatus {scope}`: every export of the deployment. */
  async list(opts: CallOptions & { scope?: string } = {}): Promise<ExportStatus[]> {
    const rows = await this.ctx.client.json<Record<string, unknown>[]>({
      path: this.path('tableEgressStatus'),
      version: this.version,
      json: { scope: opts.scope ?? 'all' },
      signal: opts.signal,
    });
    return (rows ?? []).map(parseStatus);
  }
}
