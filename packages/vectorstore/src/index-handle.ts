import { requireOptions, VectorStoreError } from './errors.js';
import { toIdList } from './ids.js';
import { rows, type SqlClient } from './client.js';
import type { Filter } from './sql/filter.js';
import { spacedJson } from './sql/json.js';
import { optionsLiteral } from './sql/literal.js';
import { indexTableName } from './sql/names.js';
import { checkVector, decodeJson, decodeVector, normalize, vectorHexLiteral, vectorText, type WireVectorFormat } from './sql/vectors.js';
import { buildWhere, whereClause } from './sql/where.js';
import { chunks, isReplayable, type NormalizedItem, type UpsertSource } from './upsert-input.js';
import { withVectorSupport } from './vector-support.js';
import { Metric, type EmbeddingsLike, type IndexModel, type IndexStats, type Match, type Metadata, type VectorValues } from './types.js';

/** Settings an index handle shares with its VectorDb. */
export interface StoreSettings {
  /**
   * Most rows in one REPLACE statement (default 1000; 1 sends one statement per vector, like
   * the `singlestore-vectorstore` 0.1.5 Python package).
   */
  batchSize: number;
  /** A statement is cut before it grows past this many bytes of values (default 1 MiB). */
  maxStatementBytes: number;
  /** Resolved: `'auto'` was settled when the store opened. */
  vectorFormat: WireVectorFormat;
  embeddings?: EmbeddingsLike;
}

export interface FetchedVector {
  id: string;
  values: number[];
  metadata: Metadata | null;
}

export interface QueryOptions {
  topK: number;
  vector?: VectorValues;
  /** Query by the vector of a stored id (looked up in any namespace, as in singlestore-vectorstore). */
  id?: string;
  /** Query by text: embedded with the store's embeddings model. */
  text?: string;
  namespace?: string;
  namespaces?: readonly string[];
  filter?: Filter;
  includeValues?: boolean;
  includeMetadata?: boolean;
  /** Scan without the vector index (`USE INDEX ()`). */
  disableVectorIndexUse?: boolean;
  /** Search-time options of the vector index, e.g. `{ k: 100, ef: 64 }`. */
  searchOptions?: Record<string, unknown>;
}

export interface DeleteOptions {
  ids?: readonly string[];
  deleteAll?: boolean;
  namespace?: string;
  filter?: Filter;
}

export interface UpdateOptions {
  values?: VectorValues;
  /** Replaces the whole metadata object (no merge). */
  setMetadata?: Metadata;
  namespace?: string;
}

export interface ListOptions {
  prefix?: string;
  namespace?: string;
  /** At most this many ids: one page (without it, every matching id, as singlestore-vectorstore). */
  limit?: number;
  /** Only ids after this one in id order: the last id of the previous page. */
  after?: string;
}

/** Bytes of a row besides its values: parentheses, commas, quotes, the namespace. */
const ROW_OVERHEAD = 16;

/** UTF-8 length of a string without encoding it. */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      n += 1; // a surrogate pair: 4 bytes for 2 units
      i++;
    } else if (c >= 0x800) n += 2;
    else if (c >= 0x80) n += 1;
  }
  return n;
}

/** The SQL that normalises a JSON vector parameter on the server (singlestore-vectorstore's expression). */
const NORMALIZED_FROM_JSON = 'scalar_vector_mul(1.0 / sqrt(vector_elements_sum(vector_mul(JSON_ARRAY_PACK(?), JSON_ARRAY_PACK(?)))), JSON_ARRAY_PACK(?))';

/** Operations on one index. The model is read once (`vectorDb.index(name)`); reconfigure, then get a new handle. */
export class IndexHandle {
  readonly table: string;

  constructor(
    private readonly client: SqlClient,
    readonly model: IndexModel,
    private readonly settings: StoreSettings,
  ) {
    this.table = indexTableName(model.name);
  }

  private get cosine(): boolean {
    return this.model.metric === Metric.COSINE;
  }

  /**
   * Inserts or replaces vectors, in multi-row `REPLACE` statements. Returns the summed affected
   * rows as the server counts them: a replaced id counts 2 (delete + insert), as in
   * singlestore-vectorstore.
   *
   * An array, Arrow table or polars frame is checked whole (shape, dimension, F32 range,
   * metadata) before the first statement, so a bad item writes nothing. An iterable is read
   * lazily, a batch at a time: a bad item there fails the call after the batches before it
   * were written. Vectors made from text are checked when the model returns them, per batch.
   */
  async upsert(vectors: UpsertSource, options: { namespace?: string } = {}): Promise<number> {
    requireOptions(options, 'upsert()');
    if (isReplayable(vectors)) {
      for await (const chunk of chunks(vectors, this.settings.batchSize)) for (const it of chunk) this.checkItem(it);
    }
    let total = 0;
    let any = false;
    for await (const chunk of chunks(vectors, this.settings.batchSize)) {
      any = true;
      await this.embedMissing(chunk);
      for (const batch of this.statementBatches(chunk)) total += await this.replaceRows(batch, options.namespace);
    }
    if (any && this.model.useVectorIndex) await this.client.execute(`OPTIMIZE TABLE ${this.table} FLUSH`);
    return total;
  }

  private async embedMissing(chunk: NormalizedItem[]): Promise<void> {
    const pending = chunk.filter((it) => it.values === undefined);
    if (!pending.length) return;
    const model = this.settings.embeddings;
    if (!model) throw new VectorStoreError(`Vector ${pending[0]!.id} has text but no values, and the store has no embeddings model`);
    const vectors = await model.embedDocuments(pending.map((it) => it.text!));
    if (vectors.length !== pending.length) throw new VectorStoreError(`The embeddings model returned ${vectors.length} vectors for ${pending.length} texts`);
    pending.forEach((it, i) => (it.values = vectors[i]));
  }

  /** What would fail while building the statement, checked without building it. */
  private checkItem(it: NormalizedItem): void {
    if (it.values !== undefined) checkVector(it.values, this.model.dimension, it.id);
    if (it.metadata != null) spacedJson(it.metadata);
  }

  /**
   * Splits a chunk into statements that respect both the row and the byte limit. The byte count
   * is of what actually goes out (vector text or hex, every copy of it, the metadata JSON, the
   * id), which is why each item's SQL pieces are made here, once.
   */
  private *statementBatches(chunk: NormalizedItem[]): Generator<NormalizedItem[]> {
    const { batchSize, maxStatementBytes, vectorFormat } = this.settings;
    const json = vectorFormat === 'json';
    let batch: NormalizedItem[] = [];
    let bytes = 0;
    for (const it of chunk) {
      checkVector(it.values!, this.model.dimension, it.id);
      it.vectorSql = json ? vectorText(it.values!) : vectorHexLiteral(it.values!);
      it.metadataJson = it.metadata == null ? null : spacedJson(it.metadata);
      // JSON vectors go once more as the normalised vector's three arguments; hex ones as the normalised copy.
      const copies = this.cosine ? (json ? 4 : 2) : 1;
      const size = ROW_OVERHEAD + utf8Length(it.id) + it.vectorSql.length * copies + (it.metadataJson?.length ?? 0);
      if (batch.length && (batch.length >= batchSize || bytes + size > maxStatementBytes)) {
        yield batch;
        batch = [];
        bytes = 0;
      }
      batch.push(it);
      bytes += size;
    }
    if (batch.length) yield batch;
  }

  private async replaceRows(batch: NormalizedItem[], namespace: string | undefined): Promise<number> {
    const json = this.settings.vectorFormat === 'json';
    // A batch carries a metadata column when any of its items has metadata; the others get NULL.
    const withMetadata = batch.some((it) => it.metadata !== undefined);
    const cols = [...(namespace ? ['namespace'] : []), 'id', 'vector', ...(withMetadata ? ['metadata'] : [])];
    if (this.cosine) cols.push('vector_normalized');
    const params: unknown[] = [];
    const rowsSql: string[] = [];
    for (const it of batch) {
      const cells: string[] = [];
      if (namespace) {
        cells.push('?');
        params.push(namespace);
      }
      cells.push('?');
      params.push(it.id);
      if (json) {
        cells.push('?');
        params.push(it.vectorSql);
      } else {
        cells.push(it.vectorSql!);
      }
      if (withMetadata) {
        cells.push('?');
        params.push(it.metadataJson ?? null);
      }
      if (this.cosine && json) {
        params.push(it.vectorSql, it.vectorSql, it.vectorSql);
        cells.push(NORMALIZED_FROM_JSON);
      } else if (this.cosine) {
        cells.push(vectorHexLiteral(normalize(it.values!)));
      }
      rowsSql.push(`(${cells.join(',')})`);
    }
    const res = await this.client.execute(`REPLACE INTO ${this.table} (${cols.join(',')}) VALUES ${rowsSql.join(', ')}`, params);
    return res.rowcount;
  }

  /** Vectors by id (ids that do not exist are absent from the result). */
  async fetch(ids: readonly string[], options: { namespace?: string } = {}): Promise<Record<string, FetchedVector>> {
    requireOptions(options, 'fetch()');
    const out: Record<string, FetchedVector> = Object.create(null) as Record<string, FetchedVector>;
    const list = toIdList(ids, 'fetch ids');
    if (!list.length) return out;
    const where = buildWhere({ namespace: options.namespace, ids: list });
    for (const [id, vector, metadata] of await rows(this.client, `SELECT id, vector, metadata FROM ${this.table}${whereClause(where)}`, where.params)) {
      out[String(id)] = { id: String(id), values: decodeVector(vector), metadata: decodeJson(metadata) };
    }
    return out;
  }

  /** The `topK` nearest vectors to a vector, a stored id, or a text. */
  async query(options: QueryOptions): Promise<Match[]> {
    const { topK, id } = requireOptions(options, 'query()');
    let vector: VectorValues | undefined = options.vector && options.vector.length ? options.vector : undefined;
    const sources = [vector !== undefined, !!id, options.text !== undefined].filter(Boolean).length;
    if (sources === 0) throw new VectorStoreError('Must provide either a vector or an id for querying');
    if (sources > 1) throw new VectorStoreError('Cannot provide both a vector and an id for querying');
    if (!Number.isInteger(topK) || topK < 1) throw new VectorStoreError(`topK must be a positive integer, got ${String(topK)}`);
    const disable = options.disableVectorIndexUse === true;
    const search = options.searchOptions && Object.keys(options.searchOptions).length ? options.searchOptions : undefined;
    if (disable && !this.model.useVectorIndex) throw new VectorStoreError('Vector index is not enabled for this index, cannot disable it');
    if (search && disable) throw new VectorStoreError('Cannot provide search options when vector index is disabled');
    if (search && !this.model.useVectorIndex) throw new VectorStoreError('Search options can only be used with vector index enabled');
    const where = buildWhere({ namespace: options.namespace, namespaces: options.namespaces, filter: options.filter });

    if (id) {
      const found = await this.fetch([id]);
      if (!found[id]) throw new VectorStoreError(`Vector with id ${id} not found.`);
      vector = found[id].values;
    } else if (options.text !== undefined) {
      if (!this.settings.embeddings) throw new VectorStoreError('A text query needs an embeddings model (vectorDb(…, { embeddings }))');
      vector = await this.settings.embeddings.embedQuery(options.text);
    }
    checkVector(vector!, this.model.dimension);
    const euclidean = this.model.metric === Metric.EUCLIDEAN;
    const fn = euclidean ? 'EUCLIDEAN_DISTANCE' : '-DOT_PRODUCT';
    const field = this.cosine ? 'vector_normalized' : 'vector';
    const probe = this.cosine ? normalize(vector!) : vector!;
    const hint = disable ? ' USE INDEX ()' : search ? ` SEARCH_OPTIONS ${optionsLiteral(spacedJson(search))}` : '';
    const sql = `SELECT id, vector, metadata, ${fn}(${field}, ?) AS __score FROM ${this.table}${whereClause(where)} ORDER BY __score${hint} LIMIT ?`;
    const result = await withVectorSupport('query()', () => rows(this.client, sql, [vectorText(probe), ...where.params, topK]));
    return result.map(([rid, values, metadata, score]) => ({
      id: String(rid),
      score: euclidean ? Number(score) : -Number(score),
      values: options.includeValues ? decodeVector(values) : null,
      metadata: options.includeMetadata ? decodeJson(metadata) : null,
    }));
  }

  /** Deletes by ids, by filter, or everything (`deleteAll`, optionally within one namespace). */
  async delete(options: DeleteOptions): Promise<void> {
    requireOptions(options, 'delete()');
    const ids = options.ids === undefined || options.ids === null ? undefined : toIdList(options.ids, 'delete ids');
    const hasIds = !!ids && ids.length > 0;
    const hasFilter = !!options.filter && Object.keys(options.filter).length > 0;
    if (options.deleteAll === true && (hasIds || hasFilter)) throw new VectorStoreError('Cannot delete all vectors and specify ids or filter at the same time');
    if (hasIds && hasFilter) throw new VectorStoreError('Cannot specify both ids and filter for deletion');
    if (!options.deleteAll && !hasIds && !hasFilter) throw new VectorStoreError('Must specify ids, delete_all, or filter to delete vectors');
    const where = buildWhere({ ids, namespace: options.namespace, filter: options.filter });
    await this.client.execute(`DELETE FROM ${this.table}${whereClause(where)}`, where.params);
  }

  /**
   * Replaces the values and/or metadata of one vector (a missing id is a no-op). Unlike
   * singlestore-vectorstore, new values also refresh `vector_normalized` of a cosine index.
   */
  async update(id: string, options: UpdateOptions): Promise<void> {
    requireOptions(options, 'update()');
    const sets: string[] = [];
    const params: unknown[] = [];
    const json = this.settings.vectorFormat === 'json';
    if (options.values !== undefined && options.values !== null) {
      checkVector(options.values, this.model.dimension, id);
      if (json) {
        sets.push('vector = ?');
        params.push(vectorText(options.values));
      } else {
        sets.push(`vector = ${vectorHexLiteral(options.values)}`);
      }
    }
    if (options.setMetadata !== undefined && options.setMetadata !== null) {
      sets.push('metadata = ?');
      params.push(spacedJson(options.setMetadata));
    }
    if (!sets.length || !id) throw new VectorStoreError('No valid fields provided for update.');
    if (this.cosine && options.values) {
      sets.push(`vector_normalized = ${json ? NORMALIZED_FROM_JSON : vectorHexLiteral(normalize(options.values))}`);
      if (json) params.push(...Array(3).fill(params[0]));
    }
    const where = buildWhere({ id, namespace: options.namespace });
    await this.client.execute(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE ${where.sql}`, [...params, ...where.params]);
  }

  /** Vector counts per namespace (null namespace → `""`), optionally of the rows a filter matches. */
  async describeIndexStats(options: { filter?: Filter } = {}): Promise<IndexStats> {
    requireOptions(options, 'describeIndexStats()');
    const where = buildWhere({ filter: options.filter });
    const namespaces: IndexStats['namespaces'] = Object.create(null) as IndexStats['namespaces'];
    let total = 0;
    for (const [ns, count] of await rows(
      this.client,
      `SELECT namespace, count(*) AS vector_count FROM ${this.table}${whereClause(where)} GROUP BY namespace`,
      where.params,
    )) {
      const n = Number(count);
      const key = ns === null || ns === undefined ? '' : String(ns);
      namespaces[key] = { vectorCount: (namespaces[key]?.vectorCount ?? 0) + n };
      total += n;
    }
    return { dimension: this.model.dimension, totalVectorCount: total, namespaces };
  }

  /**
   * Ids in ascending order, optionally those starting with `prefix` (matched literally) in one
   * namespace; `limit` and `after` page through them (keyset paging: each page is one indexed
   * range read, however deep).
   */
  async list(options: ListOptions = {}): Promise<string[]> {
    const { limit, after } = requireOptions(options, 'list()');
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new VectorStoreError(`limit must be a positive integer, got ${String(limit)}`);
    if (after !== undefined && typeof after !== 'string') throw new VectorStoreError(`after must be an id (a string), got ${typeof after}`);
    const where = buildWhere({ prefix: options.prefix, namespace: options.namespace });
    if (after !== undefined) {
      where.sql = where.sql ? `${where.sql} AND id > ?` : 'id > ?';
      where.params.push(after);
    }
    const sql = `SELECT id FROM ${this.table}${whereClause(where)} ORDER BY id${limit === undefined ? '' : ' LIMIT ?'}`;
    return (await rows(this.client, sql, limit === undefined ? where.params : [...where.params, limit])).map((r) => String(r[0]));
  }

  /** Every matching id, a page (`pageSize` ids, default 1000) at a time. */
  async *listPages(options: Omit<ListOptions, 'limit' | 'after'> & { pageSize?: number } = {}): AsyncGenerator<string[]> {
    const { pageSize = 1000, ...filter } = options;
    let after: string | undefined;
    for (;;) {
      const page = await this.list({ ...filter, limit: pageSize, after });
      if (page.length) yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1];
    }
  }
}
