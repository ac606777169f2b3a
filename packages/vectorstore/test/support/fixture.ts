import type { ColumnSpec, RecordedStatement, ScriptedReply } from '@s2/testing';

const JSON_TYPE = 245;
const col = (name: string, type: number, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, type, ...extra });
const REGISTRY_COLUMNS = [
  col('name', 253),
  col('dimension', 3),
  col('metric', 254),
  col('deletion_protection', 1),
  col('use_vector_index', 1),
  col('vector_index_options', JSON_TYPE),
  col('tags', JSON_TYPE),
];
const SHOW_INDEX_COLUMNS = [
  'Table',
  'Non_unique',
  'Key_name',
  'Seq_in_index',
  'Column_name',
  'Collation',
  'Cardinality',
  'Sub_part',
  'Packed',
  'Null',
  'Index_type',
  'Comment',
  'Index_comment',
].map((name) => col(name, 253));
/** A VECTOR(3, F32) column in binary projection, as SingleStore describes it with extended metadata. */
const VECTOR_COLUMN = col('vector', 254, { charset: 63, extendedType: 2, vectorDimension: 3, vectorElementType: 1 });

/** The registry as the fake reports it (static: both clients see the same answers). */
export const REGISTRY: Record<string, (string | null)[]> = {
  docs: ['docs', '3', 'cosine', '0', '0', '{"metric_type": "DOT_PRODUCT"}', '{"team": "search"}'],
  eu: ['eu', '3', 'euclidean', '1', '1', '{"index_type": "HNSW_FLAT", "M": 16, "metric_type": "EUCLIDEAN_DISTANCE"}', '{}'],
  dp: ['dp', '3', 'dotproduct', '0', '0', '{"metric_type": "DOT_PRODUCT"}', '{}'],
};

const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

/** Answers the statements of the vector store with plausible rows; anything else gets an OK packet. */
export function respond(sql: string): ScriptedReply | undefined {
  const marker = /^SELECT 'op (\d+)'$/.exec(sql);
  if (marker) return { kind: 'rows', columns: [col('op', 253)], rows: [[`op ${marker[1]}`]] };
  const one = /FROM vector_indexes\s+WHERE name\s*=\s*'([^']*)'/.exec(sql);
  if (one) {
    const row = REGISTRY[one[1]!];
    if (/^\s*SELECT name FROM/.test(sql)) return { kind: 'rows', columns: [col('name', 253)], rows: row ? [[row[0]!]] : [] };
    return { kind: 'rows', columns: REGISTRY_COLUMNS, rows: row ? [row] : [] };
  }
  const showIndex = /^SHOW INDEX FROM index_(\w+)$/.exec(sql);
  if (showIndex) {
    // The physical indexes follow the registry: the primary key, plus the vector index where the row says so.
    const row = REGISTRY[showIndex[1]!];
    const key = (name: string, column: string, type: string) => [`index_${showIndex[1]}`, '0', name, '1', column, null, '0', null, null, '', type, '', ''];
    const out = [key('PRIMARY', 'id', 'BTREE')];
    if (row?.[4] === '1') out.push(key('vector_index', 'vector', 'VECTOR'));
    return { kind: 'rows', columns: SHOW_INDEX_COLUMNS, rows: out };
  }
  if (/FROM vector_indexes\s+ORDER BY name/.test(sql)) return { kind: 'rows', columns: REGISTRY_COLUMNS, rows: Object.values(REGISTRY) };
  if (/AS __score/.test(sql)) {
    return {
      kind: 'rows',
      columns: [col('id', 253), VECTOR_COLUMN, col('metadata', JSON_TYPE), col('__score', 5)],
      rows: [
        ['a', f32(0.1, 0.2, 0.3), '{"genre": "drama"}', '-0.5'],
        ['b', f32(1, 2, 3), null, '-0.25'],
      ],
    };
  }
  if (/^\s*SELECT id, vector, metadata FROM/.test(sql)) {
    return { kind: 'rows', columns: [col('id', 253), VECTOR_COLUMN, col('metadata', JSON_TYPE)], rows: [['a', f32(0.1, 0.2, 0.3), '{"genre": "drama"}']] };
  }
  if (/count\(\*\) AS vector_count/.test(sql))
    return {
      kind: 'rows',
      columns: [col('namespace', 253), col('vector_count', 8)],
      rows: [
        ['ns1', '2'],
        [null, '1'],
      ],
    };
  if (/^\s*SELECT id FROM/.test(sql)) return { kind: 'rows', columns: [col('id', 253)], rows: [['a'], ['ab']] };
  if (/^\s*REPLACE INTO/.test(sql)) return { kind: 'ok', affectedRows: (sql.match(/\),\s*\(/g)?.length ?? 0) + 1 };
  return undefined;
}

/**
 * Compares statements modulo layout: the reference writes multi-line SQL with indentation
 * and trailing semicolons. Whitespace runs collapse, and whitespace next to `( ) , =` and a
 * final `;` are dropped (on both sides alike).
 */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),=])\s*/g, '$1')
    .trim()
    .replace(/;$/, '');
}

/** Splits a recording at the `SELECT 'op N'` markers: element N holds operation N's statements (normalised). */
export function statementsByOp(recorded: readonly RecordedStatement[], ops: number): string[][] {
  const out: string[][] = Array.from({ length: ops }, () => []);
  let current = -1;
  for (const { sql } of recorded) {
    const marker = /^SELECT 'op (\d+)'$/.exec(sql);
    if (marker) current = Number(marker[1]);
    else if (current >= 0) out[current]!.push(normalizeSql(sql));
  }
  return out;
}
