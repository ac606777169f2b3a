import { VectorStoreError } from '../errors.js';
import { compileFilter, type Filter, type SqlFragment } from './filter.js';

export interface WhereInput {
  id?: string;
  prefix?: string;
  namespace?: string;
  namespaces?: readonly string[];
  ids?: readonly string[];
  filter?: Filter;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** `%`, `_` and `\` are LIKE metacharacters; a prefix is matched literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The WHERE conditions, in the fixed order of the `singlestore-vectorstore` 0.1.5 Python package
 * (id, prefix, namespace, namespaces, ids, filter), joined with AND; empty strings and lists
 * count as absent. Returns an empty `sql` when nothing restricts the rows.
 */
export function buildWhere(input: WhereInput): SqlFragment {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (input.id) {
    parts.push('id = ?');
    params.push(input.id);
  }
  if (input.prefix) {
    parts.push('id LIKE ?');
    params.push(likePrefix(input.prefix));
  }
  if (input.namespace) {
    parts.push('namespace = ?');
    params.push(input.namespace);
  }
  if (input.namespaces !== undefined && input.namespaces !== null) {
    if (!Array.isArray(input.namespaces)) throw new VectorStoreError('Namespaces must be a list');
    if (input.namespaces.length > 0) {
      if (input.namespace) throw new VectorStoreError('Cannot specify both namespace and namespaces');
      parts.push(`namespace IN (${placeholders(input.namespaces.length)})`);
      params.push(...input.namespaces);
    }
  }
  if (input.ids && input.ids.length > 0) {
    parts.push(`id IN (${placeholders(input.ids.length)})`);
    params.push(...input.ids);
  }
  if (input.filter && Object.keys(input.filter).length > 0) {
    const f = compileFilter(input.filter);
    parts.push(f.sql);
    params.push(...f.params);
  }
  return { sql: parts.join(' AND '), params };
}

export function whereClause(w: SqlFragment): string {
  return w.sql ? ` WHERE ${w.sql}` : '';
}
