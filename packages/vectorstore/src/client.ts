/**
 * What the store needs from @s2/core: a connection or a pool, over the wire protocol or HTTP.
 * Both `Connection` and `Pool` have this shape; with a pool every statement borrows and
 * returns a connection, as the `singlestore-vectorstore` 0.1.5 Python package does per operation.
 */
export interface SqlClient {
  query(sql: string, params?: readonly unknown[], options?: { resultsType?: string }): Promise<unknown[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<{ rowcount: number }>;
}

/** Rows as arrays, whatever result shape the connection was opened with. */
export async function rows(client: SqlClient, sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
  return (await client.query(sql, params, { resultsType: 'tuples' })) as unknown[][];
}

export function isSqlClient(v: unknown): v is SqlClient {
  return typeof v === 'object' && v !== null && typeof (v as SqlClient).query === 'function' && typeof (v as SqlClient).execute === 'function';
}
