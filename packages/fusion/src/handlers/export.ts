/**
 * Table exports (egress), hidden as in the reference: `clusters/{id}/egress/…` of the current
 * cluster (SINGLESTOREDB_WORKSPACE). The reference reads export status with GET requests that
 * carry a JSON body, which fetch cannot send; here the same fields go in the query string.
 */
import { NotSupportedError } from '@s2/base';
import type { Management } from '@s2/management';
import type { Params } from '../grammar/index.js';
import { FusionValueError } from '../errors.js';
import { FusionResult } from '../result.js';
import type { FusionContext, FusionRun } from '../registry.js';
import { getCluster } from './support.js';

type Json = Record<string, unknown>;

async function egress(ctx: FusionContext): Promise<{ m: Management; path: (verb: string) => string }> {
  const m = ctx.management();
  const cluster = await getCluster(m, {});
  return { m, path: (verb) => `clusters/${encodeURIComponent(cluster.id)}/egress/${verb}` };
}

function jsonParam(text: unknown, what: string): Json {
  if (!text) return {};
  try {
    const v = JSON.parse(String(text)) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  } catch {
    // reported below
  }
  throw new FusionValueError(`${what} must be a JSON object: ${String(text)}`);
}

/** Catalog and link (storage) settings: config and credentials merged; storage is S3. */
function infos(params: Params): { catalogInfo: Json; storageInfo: Json } {
  const catalog = (params.catalog ?? {}) as Json;
  const storage = (params.storage ?? {}) as Json;
  return {
    catalogInfo: { ...jsonParam(catalog.catalog_config, 'CATALOG CONFIG'), ...jsonParam(catalog.catalog_creds, 'CATALOG CREDENTIALS') },
    storageInfo: { ...jsonParam(storage.link_config, 'LINK CONFIG'), ...jsonParam(storage.link_creds, 'LINK CREDENTIALS'), provider: 'S3' },
  };
}

/** `{ transform: { col_transform: [name, {transform_col}] } }` → `{ transform, name }`. */
function transformOf(t: Json): { transform: string; name: string } {
  if (t.arg_transform) throw new NotSupportedError('BUCKET and TRUNCATE transforms are not supported by the export commands');
  const [name, col] = t.col_transform as [string, { transform_col: unknown }];
  const column = col.transform_col;
  return { transform: name.toLowerCase(), name: Array.isArray(column) ? column.join('.') : String(column) };
}

const INTERVAL_SECONDS: Readonly<Record<string, number>> = { SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86400 };

function startBody(params: Params, incremental: boolean): Json {
  const table = params.from_table;
  if (!Array.isArray(table)) throw new FusionValueError('database name must be specified for source table');
  const partitions = ((params.partition_by ?? []) as Json[]).map((p) => transformOf((p.partition_key as Json).transform as Json));
  const keys = ((Array.isArray(params.order_by) ? params.order_by : []) as Json[]).map((k) => {
    const key = k.sort_key as Json;
    return {
      ...transformOf(key.transform as Json),
      direction: /desc/i.test(String(key.direction ?? '')) ? 'descending' : 'ascending',
      null_order: /last/i.test(String(key.null_order ?? '')) ? 'nulls_last' : 'nulls_first',
    };
  });
  let refreshInterval: number | undefined;
  const interval = params.refresh_interval as Json | null | undefined;
  if (interval) {
    const value = Number(interval.refresh_interval_value);
    if (value < 0) throw new FusionValueError('refresh interval must be greater than 0');
    refreshInterval = value * INTERVAL_SECONDS[String(interval.refresh_interval_time_unit).toUpperCase()];
  }
  return {
    databaseName: table[0],
    tableName: table[1],
    ...infos(params),
    partitionSpec: partitions.length ? { partitions } : undefined,
    sortOrderSpec: keys.length ? { keys } : undefined,
    properties: params.properties ? jsonParam(params.properties, 'PROPERTIES') : undefined,
    incremental: incremental || undefined,
    refreshInterval,
  };
}

const idResult = (id: unknown) => new FusionResult().addField('ExportID', 'STRING').setRows([[String(id)]]);

function statusResult(rows: [string, Json][]): FusionResult {
  return new FusionResult().addField('ExportID', 'STRING').addField('Status', 'STRING').addField('Message', 'STRING')
    .setRows(rows.map(([id, info]) => [id, String(info.status ?? 'Unknown'), String(info.statusMsg ?? '')]));
}

async function statusOf(ctx: FusionContext, id: string): Promise<FusionResult> {
  const { m, path } = await egress(ctx);
  const info = await m.client.json<Json>({ path: path('tableEgressStatus'), query: { egressID: id } });
  return statusResult([[id, info ?? {}]]);
}

function control(verb: string): FusionRun {
  return async (params, ctx) => {
    const { m, path } = await egress(ctx);
    await m.client.request({ method: 'POST', path: path(verb), json: { egressID: params.export_id } });
    return statusOf(ctx, String(params.export_id));
  };
}

function start(incremental: boolean): FusionRun {
  return async (params, ctx) => {
    const body = startBody(params, incremental);
    const { m, path } = await egress(ctx);
    const out = await m.client.json<Json>({ method: 'POST', path: path('startTableEgress'), json: body });
    return idResult(out?.egressID);
  };
}

export const exportCommands: Record<string, FusionRun> = {
  'CREATE CLUSTER IDENTITY': async (params, ctx) => {
    const { m, path } = await egress(ctx);
    const out = await m.client.json<Json>({ method: 'POST', path: path('createEgressClusterIdentity'), json: infos(params) });
    return new FusionResult().addField('Identity', 'STRING').setRows([[out?.identity as string ?? null]]);
  },
  'START EXPORT': start(false),
  'START INCREMENTAL EXPORT': start(true),
  'SHOW EXPORT': (params, ctx) => statusOf(ctx, String(params.export_id)),
  'SHOW EXPORTS': async (params, ctx) => {
    const { m, path } = await egress(ctx);
    const list = (await m.client.json<Json[]>({ path: path('tableEgressStatus'), query: { scope: String(params.scope ?? 'all') } })) ?? [];
    const rows: [string, Json][] = [];
    for (const item of list) {
      const id = String(item.egressID);
      rows.push([id, (await m.client.json<Json>({ path: path('tableEgressStatus'), query: { egressID: id } })) ?? {}]);
    }
    return statusResult(rows);
  },
  'SUSPEND EXPORT': control('suspendTableEgress'),
  'RESUME EXPORT': control('resumeTableEgress'),
  'DROP EXPORT': async (params, ctx) => {
    const { m, path } = await egress(ctx);
    await m.client.request({ method: 'DELETE', path: path('dropTableEgress'), json: { egressID: params.export_id } });
    return null;
  },
};
