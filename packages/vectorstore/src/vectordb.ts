import { createPool, type PoolOptions } from '@s2/core';
import { IndexNotFoundError, requireOptions, VectorStoreError } from './errors.js';
import { isSqlClient, rows, type SqlClient } from './client.js';
import { IndexHandle, type StoreSettings } from './index-handle.js';
import { spacedJson } from './sql/json.js';
import { optionsLiteral } from './sql/literal.js';
import { DEFAULT_DIMENSION, indexTableName, REGISTRY_TABLE, VECTOR_INDEX_NAME } from './sql/names.js';
import { decodeJson, type VectorFormat, type WireVectorFormat } from './sql/vectors.js';
import { detectVectorFormat } from './server-format.js';
import { withVectorSupport } from './vector-support.js';
import { DeletionProtection, Metric, METRICS, type EmbeddingsLike, type IndexModel } from './types.js';
import { S2_VERSION } from '@s2/base';

export const VECTORSTORE_VERSION: string = S2_VERSION;

export interface VectorDbOptions {
  /**
   * Most rows per REPLACE statement (default 1000; 1 reproduces the one statement per vector of
   * the `singlestore-vectorstore` 0.1.5 Python package).
   */
  batchSize?: number;
  /** Upper bound for the values of one statement in bytes (default 1 MiB, below every server's packet limit). */
  maxStatementBytes?: number;
  /**
   * How vectors are sent on upsert/update: `'auto'` (default: asks the server once, with
   * `SELECT @@memsql_version`, and sends binary to SingleStore 8.5 or later, JSON elsewhere),
   * `'json'` (JSON array text, as singlestore-vectorstore) or `'binary'` (packed F32 bytes as a hex
   * literal, about half the bytes and no float formatting; needs VECTOR columns; the cosine
   * normalisation is then computed client-side).
   */
  vectorFormat?: VectorFormat;
  /** Text in, vectors out: used for `{ id, text }` records and `query({ text })` (e.g. an @s2/ai embeddings class). */
  embeddings?: EmbeddingsLike;
}

export interface CreateIndexOptions {
  dimension?: number;
  metric?: Metric;
  deletionProtection?: DeletionProtection;
  tags?: Record<string, string>;
  useVectorIndex?: boolean;
  /** Build options of the vector index (`index_type`, `nlist`, `M`, …); `metric_type` is set from the metric. */
  vectorIndexOptions?: Record<string, unknown>;
}

export interface ConfigureIndexOptions {
  deletionProtection?: DeletionProtection;
  /** Replaces all tags. */
  tags?: Record<string, string>;
  useVectorIndex?: boolean;
  /** Replaces the stored options (`metric_type` is always kept) and rebuilds an existing vector index. */
  vectorIndexOptions?: Record<string, unknown>;
}

const REGISTRY_COLUMNS = 'name, dimension, metric, deletion_protection, use_vector_index, vector_index_options, tags';

const distanceStrategy = (metric: Metric) => (metric === Metric.EUCLIDEAN ? 'EUCLIDEAN_DISTANCE' : 'DOT_PRODUCT');

function checkMetric(metric: unknown): Metric {
  if (!METRICS.includes(metric as Metric)) throw new VectorStoreError(`Invalid metric: ${String(metric)}. Must be one of ${METRICS.join(', ')}`);
  return metric as Metric;
}

/** Tags are string labels: any other value would be refused by JSON or read back as something else. */
function checkTags(tags: unknown): Record<string, string> {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags))
    throw new VectorStoreError(`tags must be an object of strings, got ${tags === null ? 'null' : Array.isArray(tags) ? 'an array' : typeof tags}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== 'string') throw new VectorStoreError(`tag '${k}' must be a string, got ${v === null ? 'null' : typeof v}`);
    out[k] = v;
  }
  return out;
}

function checkProtection(value: unknown): DeletionProtection {
  if (value !== DeletionProtection.ENABLED && value !== DeletionProtection.DISABLED) {
    throw new VectorStoreError(`Invalid deletion_protection: ${String(value)}. Must be one of enabled, disabled`);
  }
  return value;
}

function modelFromRow(r: unknown[]): IndexModel {
  return {
    name: String(r[0]),
    dimension: Number(r[1]),
    metric: checkMetric(r[2]),
    deletionProtection: r[3] && Number(r[3]) !== 0 ? DeletionProtection.ENABLED : DeletionProtection.DISABLED,
    useVectorIndex: !!r[4] && Number(r[4]) !== 0,
    vectorIndexOptions: decodeJson(r[5]) ?? {},
    tags: (decodeJson(r[6]) ?? {}) as Record<string, string>,
  };
}

/**
 * Vector indexes in one SingleStoreDB database: a registry table (`vector_indexes`) plus one
 * table per index, the layout of singlestore-vectorstore, so both can share a database. Create
 * with {@link vectorDb}.
 */
export class VectorDb {
  private constructor(
    readonly client: SqlClient,
    private readonly settings: StoreSettings,
    private readonly ownsClient: boolean,
  ) {}

  /** How this store sends vectors on upsert/update: as asked, or as detected for `'auto'`. */
  get vectorFormat(): WireVectorFormat {
    return this.settings.vectorFormat;
  }

  /** @internal Use `vectorDb()`. */
  static async open(client: SqlClient, options: VectorDbOptions, ownsClient: boolean): Promise<VectorDb> {
    const batchSize = options.batchSize ?? 1000;
    const maxStatementBytes = options.maxStatementBytes ?? 1 << 20;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new VectorStoreError(`batchSize must be a positive integer, got ${String(batchSize)}`);
    if (!(maxStatementBytes > 0)) throw new VectorStoreError(`maxStatementBytes must be positive, got ${String(maxStatementBytes)}`);
    const requested = options.vectorFormat ?? 'auto';
    if (requested !== 'auto' && requested !== 'json' && requested !== 'binary') {
      throw new VectorStoreError(`vectorFormat must be 'auto', 'json' or 'binary', got ${String(requested)}`);
    }
    await client.execute(
      `CREATE TABLE IF NOT EXISTS ${REGISTRY_TABLE}(name VARCHAR(255) PRIMARY KEY, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, ` +
        `updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, dimension INT DEFAULT ${DEFAULT_DIMENSION}, ` +
        `metric Enum(${METRICS.map((m) => `'${m}'`).join(', ')}), deletion_protection BOOL, use_vector_index BOOL, vector_index_options JSON, tags JSON)`,
    );
    const vectorFormat = requested === 'auto' ? await detectVectorFormat(client) : requested;
    return new VectorDb(client, { batchSize, maxStatementBytes, vectorFormat, embeddings: options.embeddings }, ownsClient);
  }

  /** Registers an index and creates its table (the registry row is removed again if the table cannot be created). */
  async createIndex(name: string, options: CreateIndexOptions = {}): Promise<IndexModel> {
    if (typeof name !== 'string' || name === '') throw new VectorStoreError('An index needs a non-empty name');
    // The registry's name is VARCHAR(255): a longer one would be cut (or refused) by the server after the fact.
    if ([...name].length > 255) throw new VectorStoreError(`An index name has at most 255 characters, got ${[...name].length}`);
    requireOptions(options, 'createIndex()');
    const dimension = options.dimension ?? DEFAULT_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < 1) throw new VectorStoreError(`dimension must be a positive integer, got ${String(dimension)}`);
    const metric = checkMetric(options.metric ?? Metric.COSINE);
    const deletionProtection = checkProtection(options.deletionProtection ?? DeletionProtection.DISABLED);
    const tags = checkTags(options.tags ?? {});
    const useVectorIndex = options.useVectorIndex ?? false;
    const vectorIndexOptions = { ...(options.vectorIndexOptions ?? {}), metric_type: distanceStrategy(metric) };
    await this.client.execute(`INSERT INTO ${REGISTRY_TABLE}(${REGISTRY_COLUMNS}) VALUES(?, ?, ?, ?, ?, ?, ?)`, [
      name,
      dimension,
      metric,
      deletionProtection === DeletionProtection.ENABLED,
      useVectorIndex,
      spacedJson(vectorIndexOptions),
      spacedJson(tags),
    ]);
    const cosine = metric === Metric.COSINE;
    let columns =
      `id VARCHAR(255) PRIMARY KEY, vector VECTOR(${dimension}, F32) NOT NULL, metadata JSON, namespace VARCHAR(255), ` +
      'created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP';
    if (cosine) columns += `, vector_normalized VECTOR(${dimension}, F32) NOT NULL`;
    if (useVectorIndex)
      columns += `, VECTOR INDEX ${VECTOR_INDEX_NAME} (${cosine ? 'vector_normalized' : 'vector'}) INDEX_OPTIONS ${optionsLiteral(spacedJson(vectorIndexOptions))}`;
    try {
      await withVectorSupport('createIndex()', () => this.client.execute(`CREATE TABLE ${indexTableName(name)}(${columns})`));
    } catch (err) {
      await this.client.execute(`DELETE FROM ${REGISTRY_TABLE} WHERE name=?`, [name]).catch(() => {});
      throw err;
    }
    return { name, dimension, metric, deletionProtection, tags, useVectorIndex, vectorIndexOptions };
  }

  /** Drops the index's table and registry row; refuses when deletion protection is enabled. */
  async deleteIndex(name: string): Promise<void> {
    const index = await this.describeIndex(name);
    if (index.deletionProtection === DeletionProtection.ENABLED) throw new VectorStoreError(`Index ${name} has deletion protection enabled. Cannot delete.`);
    await this.client.execute(`DROP TABLE IF EXISTS ${indexTableName(name)}`);
    await this.client.execute(`DELETE FROM ${REGISTRY_TABLE} WHERE name=?`, [name]);
  }

  /** All indexes, ordered by name. */
  async listIndexes(): Promise<IndexModel[]> {
    return (await rows(this.client, `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} ORDER BY name`)).map(modelFromRow);
  }

  /** The index's model; `IndexNotFoundError` when it does not exist. */
  async describeIndex(name: string): Promise<IndexModel> {
    const [row] = await rows(this.client, `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} WHERE name= ?`, [name]);
    if (!row) throw new IndexNotFoundError(name);
    return modelFromRow(row);
  }

  async hasIndex(name: string): Promise<boolean> {
    return (await rows(this.client, `SELECT name FROM ${REGISTRY_TABLE} WHERE name= ?`, [name])).length > 0;
  }

  /**
   * Changes protection, tags or the vector index. Differences from singlestore-vectorstore:
   * arguments are validated before anything runs, `metric_type` is always kept in the stored
   * options, `DROP INDEX` is sent only when `SHOW INDEX` lists the vector index, and if the DDL
   * fails the registry row is put back as it was. A rebuild that fails after the old index was
   * dropped re-creates the old index; if that fails too, the row says `use_vector_index=0`, so a
   * later call can still add one.
   */
  async configureIndex(name: string, options: ConfigureIndexOptions = {}): Promise<IndexModel> {
    requireOptions(options, 'configureIndex()');
    const tags = options.tags === undefined ? undefined : checkTags(options.tags);
    const index = await this.describeIndex(name);
    const sets: string[] = [];
    const params: unknown[] = [];
    if (options.deletionProtection !== undefined) {
      sets.push('deletion_protection=?');
      params.push(checkProtection(options.deletionProtection) === DeletionProtection.ENABLED);
    }
    if (tags !== undefined) {
      sets.push('tags=?');
      params.push(spacedJson(tags));
    }
    const wantIndex = options.useVectorIndex ?? (options.vectorIndexOptions !== undefined && index.useVectorIndex ? true : undefined);
    if (options.useVectorIndex !== undefined) {
      sets.push('use_vector_index=?');
      params.push(options.useVectorIndex);
    }
    let vectorIndexOptions: Record<string, unknown> | undefined;
    if (options.useVectorIndex !== undefined || options.vectorIndexOptions !== undefined) {
      vectorIndexOptions = { ...(options.vectorIndexOptions ?? {}), metric_type: distanceStrategy(index.metric) };
      sets.push('vector_index_options=?');
      params.push(spacedJson(vectorIndexOptions));
    }
    if (!sets.length) return this.describeIndex(name);
    const table = indexTableName(name);
    // The table, not the registry, decides whether there is an index to drop: the two can
    // disagree after a failure elsewhere, and a DROP of a missing index fails every later call.
    const present = wantIndex !== undefined && (await this.hasVectorIndex(table));
    await this.client.execute(`UPDATE ${REGISTRY_TABLE} SET ${sets.join(', ')} WHERE name=?`, [...params, name]);
    if (wantIndex !== undefined) {
      const column = index.metric === Metric.COSINE ? 'vector_normalized' : 'vector';
      const addIndex = (opts: Record<string, unknown> | undefined) =>
        this.client.execute(`ALTER TABLE ${table} ADD VECTOR INDEX ${VECTOR_INDEX_NAME} (${column}) INDEX_OPTIONS ${optionsLiteral(spacedJson(opts))}`);
      let dropped = false;
      let added = false;
      try {
        if (present) {
          await this.client.execute(`DROP INDEX ${VECTOR_INDEX_NAME} ON ${table}`);
          dropped = true;
        }
        if (wantIndex) {
          await addIndex(vectorIndexOptions);
          added = true;
          await this.client.execute(`OPTIMIZE TABLE ${table} FLUSH`);
        }
      } catch (err) {
        // The new index is in place and the registry already describes it: only the flush failed.
        if (added) throw err;
        let hasIndex = present && !dropped;
        if (dropped) {
          // Put back what was dropped, so a failed rebuild does not also lose the working index.
          try {
            await addIndex({ ...index.vectorIndexOptions, metric_type: distanceStrategy(index.metric) });
            hasIndex = true;
          } catch {
            // The table is left without an index; the registry row below says so.
          }
        }
        await this.client
          .execute(`UPDATE ${REGISTRY_TABLE} SET deletion_protection=?, tags=?, use_vector_index=?, vector_index_options=? WHERE name=?`, [
            index.deletionProtection === DeletionProtection.ENABLED,
            spacedJson(index.tags),
            hasIndex,
            spacedJson(index.vectorIndexOptions),
            name,
          ])
          .catch(() => {});
        throw err;
      }
    }
    return this.describeIndex(name);
  }

  /** Whether the table has the vector index, as `SHOW INDEX` reports it (`Key_name` is the third column). */
  private async hasVectorIndex(table: string): Promise<boolean> {
    return (await rows(this.client, `SHOW INDEX FROM ${table}`)).some((r) => String(r[2]) === VECTOR_INDEX_NAME);
  }

  /** A handle for data operations on one index (reads its model once). */
  async index(name: string): Promise<IndexHandle> {
    return new IndexHandle(this.client, await this.describeIndex(name), this.settings);
  }

  /** Ends the pool the store created itself; a connection or pool passed in is left open. */
  async close(): Promise<void> {
    if (this.ownsClient) await (this.client as unknown as { end(): Promise<void> }).end();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  if (typeof (v as { then?: unknown }).then === 'function') return 'a promise (missing await?)';
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}

/**
 * Opens a vector store over an @s2/core connection or pool (wire or HTTP), or over a pool it
 * creates from a URL or pool options (with no argument: from `SINGLESTOREDB_URL` and the other
 * `SINGLESTOREDB_*` variables), and makes sure the registry table exists.
 */
export async function vectorDb(source: SqlClient | string | PoolOptions = {}, options: VectorDbOptions = {}): Promise<VectorDb> {
  if (isSqlClient(source)) return VectorDb.open(source, options, false);
  // Only a URL or a plain options object opens a pool: anything else (a forgotten `await` on
  // connect(), null, a wrong object) would otherwise connect wherever the environment points.
  if (typeof source !== 'string' && !isPlainObject(source)) {
    throw new VectorStoreError(`vectorDb() needs a connection, a pool, a URL or pool options, got ${describeValue(source)}`);
  }
  const poolOptions: PoolOptions = typeof source === 'string' ? { url: source } : { ...source };
  poolOptions.connAttrs = { _connector_name: 's2 vectorstore', _connector_version: VECTORSTORE_VERSION, ...(poolOptions.connAttrs ?? {}) };
  const pool = createPool(poolOptions);
  try {
    return await VectorDb.open(pool as unknown as SqlClient, options, true);
  } catch (err) {
    await pool.end();
    throw err;
  }
}
