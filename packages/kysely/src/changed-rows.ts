import type { Connection } from '@s2/core';
import { isDataApi } from './server-traits.js';

/** Leading blanks and comments, then the statement's first word. */
const FIRST_WORD = /^(?:\s+|\/\*[\s\S]*?\*\/|(?:--|#)[^\n]*(?:\n|$))*([a-z]+)/i;

const CHANGED = /\bChanged:\s*(\d+)/;

/**
 * `numChangedRows` as Kysely's MySQL dialect reports it: mysql2 reads it from the "Changed: N"
 * of the OK packet's info text (`Cursor.info`), which only an UPDATE's has, so every other
 * statement gets 0. Without an info text (the Data API sends none) an UPDATE's affected rows
 * are its changed rows unless `clientFoundRows` makes them matched rows; unknown (undefined)
 * then, over the Data API (which does not say which it counts), and for `WITH …` (an UPDATE or
 * a DELETE).
 */
export function changedRowsOf(conn: Connection, sql: string, affected: number, info = ''): bigint | undefined {
  const stated = CHANGED.exec(info);
  if (stated) return BigInt(stated[1]);
  const word = FIRST_WORD.exec(sql)?.[1]?.toLowerCase();
  if (word !== 'update') return word === 'with' ? undefined : 0n;
  return conn.params.clientFoundRows || isDataApi(conn) ? undefined : BigInt(affected);
}
