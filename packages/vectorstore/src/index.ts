/**
 * @s2/vectorstore — vector indexes on SingleStoreDB: batched upserts, metadata filters,
 * similarity queries; table layout compatible with the `singlestore-vectorstore` 0.1.5 Python package.
 */
import './connection-getter.js';

export { vectorDb, VectorDb, VECTORSTORE_VERSION, type VectorDbOptions, type CreateIndexOptions, type ConfigureIndexOptions } from './vectordb.js';
export { IndexHandle, type QueryOptions, type DeleteOptions, type UpdateOptions, type ListOptions, type FetchedVector } from './index-handle.js';
export { compileFilter, type Filter, type FieldOperator, type FilterValue, type SqlFragment } from './sql/filter.js';
export { indexTableName } from './sql/names.js';
export type { VectorFormat, WireVectorFormat } from './sql/vectors.js';
export { BINARY_VECTORS_SINCE } from './server-format.js';
export type { UpsertSource, ArrowTableLike, PolarsFrameLike } from './upsert-input.js';
export type { SqlClient } from './client.js';
export { VectorStoreError, IndexNotFoundError } from './errors.js';
export {
  Metric,
  DeletionProtection,
  type IndexModel,
  type Metadata,
  type VectorValues,
  type VectorRecord,
  type TextRecord,
  type VectorTuple,
  type UpsertItem,
  type Match,
  type IndexStats,
  type NamespaceStats,
  type EmbeddingsLike,
} from './types.js';
