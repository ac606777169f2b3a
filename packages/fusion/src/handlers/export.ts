/**
 * Table exports (egress), hidden as in the SingleStoreDB Python SDK (singlestoredb 1.18.1): the export
 * manager of @s2/management on the current cluster (SINGLESTOREDB_WORKSPACE),
 * `clusters/{id}/egress/…`. Its status calls are GETs with a JSON body, as the Python SDK sends
 * them; the management client Fusion makes has the Node transport for them (`nodeGetWithBody`).
 */
import { NotSupportedError } from '@s2/base';
import type { ExportManager, ExportStatus } from '@s2/management';
import type { Params } from '../grammar/index.js';
import { FusionValueError } from '../errors.js';
import { FusionResult } from '../result.js';
import type { FusionContext, FusionRun } from '../registry.js';
import { getCluster, safeInteger } from './support.js';

type Json = Record<string, unknown>;

async function exportsOf(ctx: FusionContext): Promise<ExportManager> {
  return (await getCluster(ctx.management(), {})).exports;
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

function startDefinition(params: Params, incremental: boolean): Parameters<ExportManager['start']>[0] {
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
    const unit = INTERVAL_SECONDS[String(interval.refresh_interval_time_unit).toUpperCase()];
    refreshInterval = safeInteger(interval.refresh_interval_value, 'refresh interval', unit);
    if (refreshInterval < 0) throw new FusionValueError('refresh interval must be greater than 0');
  }
  const { catalogInfo, storageInfo } = infos(params);
  return {
    database: String(table[0]),
    table: String(table[1]),
    catalogInfo,
    storageInfo,
    partitionBy: partitions.length ? partitions : undefined,
    orderBy: keys.length ? keys : undefined,
    properties: params.properties ? jsonParam(params.properties, 'PROPERTIES') : undefined,
    incremental,
    refreshInterval,
  };
}

const idResult = (id: string) => new FusionResult().addField('ExportID', 'STRING').setRows([[id]]);

function statusResult(rows: ExportStatus[]): FusionResult {
  return new FusionResult()
    .addField('ExportID', 'STRING')
    .addField('Status', 'STRING')
    .addField('Message', 'STRING')
    .setRows(rows.map((s) => [s.exportId, s.status, s.message]));
}

function control(verb: 'suspend' | 'resume'): FusionRun {
  return async (params, ctx) => {
    const exports = await exportsOf(ctx);
    const id = String(params.export_id);
    await exports[verb](id);
    return statusResult([await exports.status(id)]);
  };
}

function start(incremental: boolean): FusionRun {
  return async (params, ctx) => {
    const definition = startDefinition(params, incremental);
    return idResult(await (await exportsOf(ctx)).start(definition));
  };
}

export const exportCommands: Record<string, FusionRun> = {
  'CREATE CLUSTER IDENTITY': async (params, ctx) => {
    const out = await (await exportsOf(ctx)).createClusterIdentity(infos(params));
    return new FusionResult().addField('Identity', 'STRING').setRows([[(out?.identity as string | undefined) ?? null]]);
  },
  'START EXPORT': start(false),
  'START INCREMENTAL EXPORT': start(true),
  'SHOW EXPORT': async (params, ctx) => statusResult([await (await exportsOf(ctx)).status(String(params.export_id))]),
  'SHOW EXPORTS': async (params, ctx) => {
    const exports = await exportsOf(ctx);
    // The listing gives the ids; each status is its own call, as in the Python SDK.
    const listed = await exports.list({ scope: String(params.scope ?? 'all') });
    const rows: ExportStatus[] = [];
    for (const item of listed) rows.push(await exports.status(item.exportId));
    return statusResult(rows);
  },
  'SUSPEND EXPORT': control('suspend'),
  'RESUME EXPORT': control('resume'),
  'DROP EXPORT': async (params, ctx) => {
    await (await exportsOf(ctx)).drop(String(params.export_id));
    return null;
  },
};
