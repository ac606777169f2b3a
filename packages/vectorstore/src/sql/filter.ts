import { VectorStoreError } from '../errors.js';
import { spacedJson } from './json.js';

export type FilterValue = string | number | boolean;
export type FieldOperator =
  | { $eq: FilterValue }
  | { $ne: FilterValue }
  | { $gt: number }
  | { $gte: number }
  | { $lt: number }
  | { $lte: number }
  | { $in: FilterValue[] }
  | { $nin: FilterValue[] }
  | { $exists: boolean };
/**
 * A metadata filter: `{ field: value }`, `{ field: { $op: … } }`, `{ $and: [...] }` or
 * `{ $or: [...] }`, exactly one key per object. A dotted field (`"author.name"`) is a path into
 * nested metadata objects.
 */
export type Filter = { $and: Filter[] } | { $or: Filter[] } | { [field: string]: FilterValue | FieldOperator };

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const METADATA = 'metadata';
/** Deeper `$and`/`$or` nesting is refused (a hostile filter would otherwise overflow the stack). */
const MAX_DEPTH = 100;
const COMPARISONS: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function matchParam(value: unknown): string {
  if (typeof value === 'boolean') return 'MATCH_PARAM_BOOL_STRICT()';
  if (typeof value === 'string') return 'MATCH_PARAM_STRING_STRICT()';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new VectorStoreError(`Unsupported filter value ${value}: only finite numbers`);
    return 'MATCH_PARAM_DOUBLE_STRICT()';
  }
  throw new VectorStoreError(`Unsupported value type: ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
}

/** One `?` per path segment: JSON_MATCH_ANY and friends take the key path as separate arguments. */
function keyPath(field: string): { sql: string; params: string[] } {
  const parts = field.split('.');
  if (parts.some((p) => p === '')) throw new VectorStoreError(`Invalid metadata key path "${field}"`);
  return { sql: parts.map(() => '?').join(', '), params: parts };
}

function equals(field: string, value: unknown, negate: boolean): SqlFragment {
  const path = keyPath(field);
  const match = `JSON_MATCH_ANY(${matchParam(value)} = ?, ${METADATA}, ${path.sql})`;
  if (!negate) return { sql: match, params: [value, ...path.params] };
  return { sql: `NOT ${match} AND JSON_MATCH_ANY_EXISTS(${METADATA}, ${path.sql})`, params: [value, ...path.params, ...path.params] };
}

function fieldOperator(field: string, op: Record<string, unknown>): SqlFragment {
  const keys = Object.keys(op);
  if (keys.length !== 1) throw new VectorStoreError('Field filter must contain exactly one key');
  const operator = keys[0]!;
  const value = op[operator];
  const path = keyPath(field);
  switch (operator) {
    case '$eq':
      return equals(field, value, false);
    case '$ne':
      return equals(field, value, true);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new VectorStoreError(`${operator} must be a numeric value`);
      return { sql: `JSON_EXTRACT_DOUBLE(${METADATA}, ${path.sql}) ${COMPARISONS[operator]} ?`, params: [...path.params, value] };
    case '$in':
    case '$nin': {
      if (!Array.isArray(value)) throw new VectorStoreError(`${operator} must be a list`);
      for (const v of value) matchParam(v);
      const match = `JSON_MATCH_ANY(JSON_ARRAY_CONTAINS_JSON(?, MATCH_PARAM_JSON()), ${METADATA}, ${path.sql})`;
      if (operator === '$in') return { sql: match, params: [spacedJson(value), ...path.params] };
      return { sql: `NOT ${match} AND JSON_MATCH_ANY_EXISTS(${METADATA}, ${path.sql})`, params: [spacedJson(value), ...path.params, ...path.params] };
    }
    case '$exists':
      if (typeof value !== 'boolean') throw new VectorStoreError('$exists must be a boolean');
      return { sql: `${value ? '' : 'NOT '}JSON_MATCH_ANY_EXISTS(${METADATA}, ${path.sql})`, params: path.params };
    default:
      throw new VectorStoreError(`Unsupported operator: ${operator}`);
  }
}

function logical(op: '$and' | '$or', list: unknown, depth: number): SqlFragment {
  if (!Array.isArray(list) || list.length === 0) throw new VectorStoreError(`${op} must be a non-empty list of filters`);
  if (depth >= MAX_DEPTH) throw new VectorStoreError(`Filter is nested more than ${MAX_DEPTH} levels deep`);
  const parts = list.map((f) => compile(f as Filter, depth + 1));
  const sql = parts.map((p) => p.sql).join(op === '$and' ? ' AND ' : ' OR ');
  // The reference brackets $or only; AND binds tighter than OR and NOT tighter than AND, so
  // a bare $and (and the `NOT … AND …` of $ne/$nin) inside an $or still groups correctly.
  return { sql: op === '$or' ? `(${sql})` : sql, params: parts.flatMap((p) => p.params) };
}

/** Compiles a metadata filter to a WHERE fragment with `?` placeholders (SingleStore JSON functions). */
export function compileFilter(filter: Filter): SqlFragment {
  return compile(filter, 0);
}

function compile(filter: Filter, depth: number): SqlFragment {
  if (!isPlainObject(filter)) throw new VectorStoreError('Filter must be a dictionary');
  const keys = Object.keys(filter);
  if (keys.length !== 1) throw new VectorStoreError('Filter must contain exactly one key');
  const key = keys[0]!;
  const value = (filter as Record<string, unknown>)[key];
  if (key === '$and' || key === '$or') return logical(key, value, depth);
  if (key.startsWith('$')) throw new VectorStoreError(`Unsupported operator: ${key}`);
  if (isPlainObject(value)) return fieldOperator(key, value);
  return equals(key, value, false);
}
