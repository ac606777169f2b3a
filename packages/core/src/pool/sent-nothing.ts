import { OperationalError, type SqlTransport } from '@s2/base';
import type { Connection } from '../connection/connection.js';

/**
 * CR_SERVER_GONE_ERROR: raised before a command is written, when the session is known dead, or
 * when its write failed before any byte of it left.
 */
const CR_SERVER_GONE = 2006;

/** Where a statement was about to go, and how many commands that transport had written then. */
export interface SentMark {
  link: SqlTransport | null;
  count: number | undefined;
}

/**
 * Transports that count the commands they write (the wire connector does): the count covers
 * the commands of which a byte may have reached the server, which are always the first ones
 * written (a batch that never left is uncounted).
 */
function commandsSent(link: SqlTransport): number | undefined {
  const count = (link as { commandsSent?: unknown }).commandsSent;
  return typeof count === 'number' ? count : undefined;
}

export function sentSoFar(conn: Connection): SentMark {
  if (!conn.isConnected()) return { link: null, count: undefined };
  const link = conn.transport();
  return { link, count: commandsSent(link) };
}

/**
 * True when a statement failed because its connection was dead and not one byte of it reached
 * the server: then running it elsewhere cannot run it twice. A failure after the statement
 * went out (lost connection during the query, 2013) can never be told apart from one the
 * server executed, so it is not retried. The proof is the transport's word for the command
 * that failed (the wire connector's `nothingSent`; a one-shot statement is the last command
 * its borrower sends), or a command count no higher than at the mark: the statement was
 * written after the mark, and the counted commands are the first ones written.
 */
export function diedBeforeSending(mark: SentMark, err: unknown): boolean {
  if (!(err instanceof OperationalError) || err.errno !== CR_SERVER_GONE) return false;
  if (mark.link === null) return true;
  if (mark.count === undefined || mark.link.isOpen) return false;
  if ((err as { nothingSent?: unknown }).nothingSent === true) return true;
  const now = commandsSent(mark.link);
  return now !== undefined && now <= mark.count;
}
