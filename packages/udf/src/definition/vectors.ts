import { ParameterError } from '@s2/base';

/** One argument or result column of a vectorized function. */
export interface Vector<T = unknown> {
  /** Typed array for BIGINT (BigInt64Array), UNSIGNED BIGINT (BigUint64Array) and DOUBLE (Float64Array); an array otherwise. */
  values: ArrayLike<T>;
  /** 1 where the value is NULL; null when nothing is NULL. */
  nulls: Uint8Array | null;
}

/** Builds the argument columns of a batch; NULL slots hold 0 / NaN / null (the fill values of udf.md §6.7). */
export function toColumns(rows: readonly unknown[][], wireCodes: readonly number[]): Vector[] {
  return wireCodes.map((code, c) => {
    const n = rows.length;
    let nulls: Uint8Array | null = null;
    const markNull = (r: number) => {
      nulls ??= new Uint8Array(n);
      nulls[r] = 1;
    };
    if (code === 8 || code === -8 || code === 5) {
      const values = code === 8 ? new BigInt64Array(n) : code === -8 ? new BigUint64Array(n) : new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const v = rows[r][c];
        if (v === null) {
          markNull(r);
          if (code === 5) values[r] = NaN;
        } else values[r] = v as never;
      }
      return { values, nulls };
    }
    const values = new Array<unknown>(n);
    for (let r = 0; r < n; r++) {
      values[r] = rows[r][c];
      if (values[r] === null) markNull(r);
    }
    return { values, nulls };
  });
}

function isVector(x: unknown): x is Vector {
  return typeof x === 'object' && x !== null && 'values' in x && 'nulls' in x;
}

/** What a vectorized function returned, as checked `{ values, nulls }` columns of `length` values. */
export function resultColumns(result: unknown, outputs: number, length: number): Vector[] {
  const columns = outputs === 1 ? [result] : result;
  if (!Array.isArray(columns) || columns.length !== outputs) {
    throw new ParameterError(
      `a vectorized function with ${outputs} result column(s) must return ${outputs === 1 ? 'one column' : `an array of ${outputs} columns`}`,
    );
  }
  return columns.map((col) => {
    const { values, nulls } = isVector(col) ? col : { values: col as ArrayLike<unknown>, nulls: null };
    if (!values || typeof values.length !== 'number') throw new ParameterError('a result column must be an array, a typed array or { values, nulls }');
    if (values.length !== length) throw new ParameterError(`a result column has ${values.length} values for ${length} input rows`);
    return { values, nulls: resultMask(nulls, length) };
  });
}

/**
 * A result column's NULL mask as the encoders read it: a Uint8Array of exactly `length` flags
 * (any other length would be read past its end or only in part). Other array-likes (booleans,
 * like the numpy bool masks the reference takes, or numbers) become one, nonzero being NULL.
 */
function resultMask(nulls: unknown, length: number): Uint8Array | null {
  if (nulls === null || nulls === undefined) return null;
  const mask = nulls as ArrayLike<unknown>;
  if (typeof mask !== 'object' || typeof mask.length !== 'number') {
    throw new ParameterError('a result mask (nulls) must be null, a Uint8Array or an array of booleans');
  }
  if (mask.length !== length) throw new ParameterError(`a result mask (nulls) has ${mask.length} entries for ${length} input rows`);
  if (mask instanceof Uint8Array) return mask;
  const out = new Uint8Array(length);
  for (let r = 0; r < length; r++) out[r] = mask[r] ? 1 : 0;
  return out;
}

/** Result columns as rows (NULL where a mask says so). */
export function columnsToRows(columns: readonly Vector[], length: number): unknown[][] {
  const rows = new Array<unknown[]>(length);
  for (let r = 0; r < length; r++) rows[r] = columns.map((col) => (col.nulls?.[r] ? null : col.values[r]));
  return rows;
}

/** Turns what a vectorized function returned into result rows, checking the length. */
export function fromColumns(result: unknown, outputs: number, length: number): unknown[][] {
  return columnsToRows(resultColumns(result, outputs, length), length);
}
