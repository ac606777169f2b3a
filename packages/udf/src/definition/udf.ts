import { OptionError, options } from '@s2/base';
import type { SqlType } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: functions declare their own parameter types (bigint, string, Vector…), which unknown[] would refuse
export type UdfFunction = (...args: any[]) => unknown;

export interface UdfSpec {
  /** Name the function is exported as (defaults to the key it is served under). */
  name?: string;
  /** Arguments in declaration order. */
  args?: Record<string, SqlType>;
  /** One SqlType (scalar function) or named columns (table-valued function). */
  returns: SqlType | Record<string, SqlType>;
  /**
   * Per-call timeout for one request batch, at least 1 s. Default: option `external_function.timeout`
   * (`SINGLESTOREDB_EXT_FUNC_TIMEOUT`, in seconds, 86,400), read when `udf()` is called.
   */
  timeoutMs?: number;
  /**
   * true: called once per batch with one `Vector` per argument (typed arrays for BIGINT/DOUBLE),
   * returning one column (or an array of columns for table functions) of the same length.
   * 'arrow': called once per batch with an apache-arrow RecordBatch of the arguments, returning
   * an Arrow Vector (or a RecordBatch/Table for table functions).
   */
  vectorized?: boolean | 'arrow';
}

export interface UdfDefinition {
  readonly name: string;
  readonly args: readonly (readonly [string, SqlType])[];
  readonly returns: readonly (readonly [string, SqlType])[];
  readonly kind: 'scalar' | 'tvf';
  readonly timeoutMs: number;
  /** false: one call per row; true: typed-array columns; 'arrow': an apache-arrow RecordBatch. */
  readonly vectorized: boolean | 'arrow';
  readonly fn: UdfFunction;
}

const DEFAULT_TIMEOUT_S = 86_400;

function defaultTimeoutMs(): number {
  return ((options.get('external_function.timeout') as number | null) ?? DEFAULT_TIMEOUT_S) * 1000;
}

const isSqlType = (x: unknown): x is SqlType => typeof x === 'object' && x !== null && 'wireCode' in x && 'toSql' in x;

/**
 * Declares an external function: its SQL signature and its JavaScript implementation. A scalar
 * function is called once per row with the argument values (it may be async and receives an
 * AbortSignal last); a table-valued one returns an array of rows for each input row.
 */
export function udf(spec: UdfSpec, fn: UdfFunction): UdfDefinition {
  const name = spec.name ?? fn.name;
  if (!name) throw new OptionError('a function needs a name: give spec.name or a named function');
  const tvf = !isSqlType(spec.returns);
  const returns = tvf ? Object.entries(spec.returns as Record<string, SqlType>) : [['', spec.returns as SqlType] as const];
  if (returns.length === 0) throw new OptionError('function signature must have a return type specified');
  return {
    name,
    args: Object.entries(spec.args ?? {}),
    returns,
    kind: tvf ? 'tvf' : 'scalar',
    timeoutMs: Math.max(1000, spec.timeoutMs ?? defaultTimeoutMs()),
    vectorized: spec.vectorized ?? false,
    fn,
  };
}
