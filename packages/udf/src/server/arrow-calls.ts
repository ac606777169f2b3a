import { makeVector, RecordBatch, Table, Vector as ArrowVector, type Data } from 'apache-arrow';
import { ParameterError } from '@s2/base';
import { arrowColumn, convertedArrowValues } from '../codecs/arrow.js';
import type { UdfDefinition } from '../definition/udf.js';
import type { Vector } from '../definition/vectors.js';

/**
 * The `vectorized: 'arrow'` calling convention: arguments as one apache-arrow RecordBatch
 * (columns named like the arguments, typed from their declared SQL types), results as Arrow
 * vectors — one for a scalar function, a RecordBatch or Table for a table function — or any
 * column form the typed-array convention accepts.
 */
export function argumentsBatch(def: UdfDefinition, columns: readonly Vector[], length: number): RecordBatch {
  const vectors: Record<string, ArrowVector> = {};
  def.args.forEach(([name, type], i) => {
    const col = columns[i];
    const values = Array.from({ length }, (_, r) => (col.nulls?.[r] ? null : col.values[r]));
    vectors[name] = makeVector(arrowColumn(values, type.wireCode, `argument '${name}'`) as Data);
  });
  const table = new Table(vectors);
  // One batch of the whole request (an empty table still has its schema).
  return table.batches[0] ?? new RecordBatch(table.schema);
}

/** An Arrow vector as `{ values, nulls }`, NULLs where its validity says so. */
function fromArrow(vector: ArrowVector): Vector {
  const n = vector.length;
  const values = convertedArrowValues(vector) ?? (vector.toArray() as ArrayLike<unknown>);
  let nulls: Uint8Array | null = null;
  if (vector.nullCount > 0) {
    nulls = new Uint8Array(n);
    for (let r = 0; r < n; r++) if (!vector.isValid(r)) nulls[r] = 1;
  }
  return { values, nulls };
}

/** What an Arrow-convention function returned, in the column form the encoders take. */
export function resultFromArrow(def: UdfDefinition, out: unknown): unknown {
  if (out instanceof ArrowVector) return fromArrow(out);
  if (out instanceof RecordBatch || out instanceof Table) {
    if (out.numCols !== def.returns.length)
      throw new ParameterError(`function ${def.name} returned ${out.numCols} columns for ${def.returns.length} declared results`);
    const cols = def.returns.map((_, i) => fromArrow(out.getChildAt(i) as ArrowVector));
    return def.returns.length === 1 ? cols[0] : cols;
  }
  if (Array.isArray(out)) return out.map((c) => (c instanceof ArrowVector ? fromArrow(c) : c));
  return out;
}
