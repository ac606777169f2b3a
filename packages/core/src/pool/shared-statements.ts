import { ServerStatus } from '@s2/base';
import type { Connection, QueryOptions } from '../connection/connection.js';

/**
 * Statements that can neither open a transaction, change autocommit or the escaping mode, nor
 * ask for a LOCAL INFILE: whatever runs them, the statements behind them on a shared session
 * run as they would on a session of their own. A leading comment is not looked into (an
 * executable `/*! ... *\/` could hold anything), so it makes a statement exclusive.
 */
const SHAREABLE_STATEMENT = /^\s*(?:SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH)\b/i;
const NAMES_LOAD = /\bLOAD\b/i;

/**
 * Whether a pool's one-shot statement may share a connection with others in flight: nothing
 * can cancel it (a KILL QUERY would hit whichever statement runs then) and it is one of the
 * shareable kinds.
 */
export function isShareableStatement(sql: string, options: QueryOptions | undefined): boolean {
  if (options && (options.signal || options.timeoutMs !== undefined || options.infile)) return false;
  return SHAREABLE_STATEMENT.test(sql) && !NAMES_LOAD.test(sql);
}

/**
 * Whether statements may join a connection already running one: its connector pipelines and
 * the session is in autocommit mode outside a transaction.
 */
export function isShareableSession(conn: Connection): boolean {
  if (!conn.isConnected()) return false;
  const link = conn.transport() as { pipelines?: boolean; session: { serverStatus: number } };
  return link.pipelines === true && (link.session.serverStatus & (ServerStatus.AUTOCOMMIT | ServerStatus.IN_TRANS)) === ServerStatus.AUTOCOMMIT;
}
