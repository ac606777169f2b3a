import { pythonJsonDumps } from '../codecs/python-text.js';
import { createFunctionSql, exportedName, type CreateFunctionOptions } from '../definition/sql.js';
import type { SqlType } from '../definition/types.js';
import type { UdfDefinition } from '../definition/udf.js';

/**
 * The reference's dtype names (udf.md §3.2, §3.4) by SQL base type. Unsigned types are named
 * as the reference names the unsigned numpy types (`uint16`…): its SQL-string parser calls
 * SMALLINT/INT/BIGINT UNSIGNED int16/int32/int64 because it sends them signed, and these
 * travel unsigned here.
 */
const DTYPES: Record<string, string> = {
  BOOL: 'bool',
  TINYINT: 'int8',
  SMALLINT: 'int16',
  MEDIUMINT: 'int32',
  INT: 'int32',
  BIGINT: 'int64',
  'TINYINT UNSIGNED': 'uint8',
  'SMALLINT UNSIGNED': 'uint16',
  'MEDIUMINT UNSIGNED': 'uint32',
  'INT UNSIGNED': 'uint32',
  'BIGINT UNSIGNED': 'uint64',
  YEAR: 'uint64',
  FLOAT: 'float32',
  DOUBLE: 'float64',
  DECIMAL: 'decimal',
  TEXT: 'str',
  VARCHAR: 'str',
  CHAR: 'str',
  BLOB: 'bytes',
  VARBINARY: 'bytes',
  BINARY: 'bytes',
  DATE: 'date',
  TIME: 'time',
  DATETIME: 'datetime',
  TIMESTAMP: 'datetime',
  // Not a UDF type in the reference (its parser refuses it); named after the SQL type.
  JSON: 'json',
};

/** The reference's dtype for a declared type, e.g. `int64` for BIGINT, `str` for VARCHAR(20). */
export function dtypeOf(type: SqlType): string {
  const base = type.base.replace(/\(.*?\)/, '');
  return DTYPES[base] ?? base.toLowerCase();
}

/**
 * The body of `GET /show/function_info` (and `GET /`) as the reference writes it (udf.md §5.10):
 * `{"functions": {name: {args, returns, function_type, sql_statement, summary,
 * long_description, examples}}}` with Python's separators and ASCII-only text. JavaScript
 * functions carry no docstrings, so descriptions are empty and there are no examples; defaults
 * are in the SQL, as when the reference declares them with `dt.*(default=…)`.
 */
export function functionInfo(functions: readonly UdfDefinition[], sql: Omit<CreateFunctionOptions, 'replace'>): string {
  const entries = functions.map((f) => [
    exportedName(f, sql),
    {
      args: f.args.map(([name, type]) => ({ name, dtype: dtypeOf(type), nullable: type.isNullable, description: '' })),
      returns: f.returns.map(([name, type]) => ({ dtype: dtypeOf(type), nullable: type.isNullable, description: '', ...(name ? { name } : {}) })),
      function_type: f.kind === 'tvf' ? 'tvf' : 'udf',
      sql_statement: createFunctionSql(f, { ...sql, replace: true }),
      summary: '',
      long_description: '',
      examples: [],
    },
  ]);
  return pythonJsonDumps({ functions: Object.fromEntries(entries) });
}
