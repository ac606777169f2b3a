import { createFunctionSql, dropFunctionSql, type CreateFunctionOptions } from './sql.js';
import type { UdfDefinition } from './udf.js';

/** Anything that can run a statement: an `@s2/core` Connection or PooledConnection. */
export interface SqlExecutor {
  execute(sql: string): Promise<unknown>;
}

/**
 * Creates (or replaces) the functions in the database. SingleStore runs the statements;
 * other servers answer them with their own syntax error, surfaced as a typed error.
 */
export async function registerFunctions(db: SqlExecutor, functions: readonly UdfDefinition[], options: CreateFunctionOptions): Promise<string[]> {
  const statements = functions.map((f) => createFunctionSql(f, options));
  for (const sql of statements) await db.execute(sql);
  return statements;
}

export async function dropFunctions(
  db: SqlExecutor,
  functions: readonly UdfDefinition[],
  options: Pick<CreateFunctionOptions, 'database' | 'prefix' | 'suffix'> = {},
): Promise<string[]> {
  const statements = functions.map((f) => dropFunctionSql(f, options));
  for (const sql of statements) await db.execute(sql);
  return statements;
}
