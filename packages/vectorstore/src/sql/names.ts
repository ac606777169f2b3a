/**
 * Table and column names shared with the `singlestore-vectorstore` 0.1.5 Python package, so both can
 * work on the same database.
 */
export const REGISTRY_TABLE = 'vector_indexes';
export const VECTOR_INDEX_NAME = 'vector_index';
export const DEFAULT_DIMENSION = 1536;

/** The data table of an index: every character outside [A-Za-z0-9_] becomes `_` (names can collide). */
export function indexTableName(name: string): string {
  return `index_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
