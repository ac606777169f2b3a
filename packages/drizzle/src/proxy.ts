import type { RemoteCallback } from 'drizzle-orm/singlestore-proxy';
import { Pool, type Connection } from '@s2/core';
import { ConnectionClient, PoolClient, type ResultHeader } from './client.js';

/**
 * The callback drizzle's proxy driver (`drizzle-orm/singlestore-proxy`) calls, answered by an s2
 * connection or pool — typically a Data API one: `proxyDrizzle(s2ProxyCallback(conn))`. `'all'`
 * gets positional rows in drizzle's value forms, `'execute'` gets `[{ insertId, affectedRows }]`
 * (or object rows, for `db.execute` of a select).
 * drizzle's proxy driver has no transactions and no `iterator()`; `drizzle()` from this package
 * has both (on the wire) and is the better choice unless the proxy route is required.
 */
export function s2ProxyCallback(source: Connection | Pool, options: { timeoutMs?: number } = {}): RemoteCallback {
  const client = source instanceof Pool ? new PoolClient(source, options.timeoutMs) : new ConnectionClient(source, options.timeoutMs);
  return async (sql, params, method) => {
    // 'all': positional rows; 'execute': the OK header, or object rows for a statement with a result.
    const [result] = await client.query({ sql, values: params, rowsAsArray: method === 'all' });
    return { rows: Array.isArray(result) ? result : [result as ResultHeader] };
  };
}
