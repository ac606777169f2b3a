import type { Connection } from './connection.js';

/** Leading blanks and comments, then the statement's first word. */
const FIRST_WORD = /^(?:\s+|\/\*[\s\S]*?\*\/|(?:--|#)[^\n]*(?:\n|$))*([a-z]+)/i;

/** The count in the "Changed: N" of an OK packet's info text (`Cursor.info`), which only an UPDATE's carries. */
const CHANGED = /\bChanged:\s*(\d+)/;

/**
 * mysql2's `changedRows` of a statement that answered with an OK, for ORM adapters that promise
 * mysql2's result shape. mysql2 reads it from the info text's "Changed: N" (an UPDATE's), so any
 * other statement gets 0. Without that text (the Data API sends none) an UPDATE's affected rows
 * are its changed rows unless `clientFoundRows` makes them matched rows. Unknown (undefined)
 * then, over the Data API (which does not say which it counts), for `WITH …` (an UPDATE or a
 * DELETE), and for an UPDATE text that answered with several results (`severalResults`: which
 * statement an OK belongs to is not known).
 */
export function changedRowsOf(conn: Connection, sql: string, affected: number, info: string, severalResults = false): number | undefined {
  const stated = CHANGED.exec(info);
  if (stated) return Number(stated[1]);
  const word = FIRST_WORD.exec(sql)?.[1]?.toLowerCase();
  if (word !== 'update') return word === 'with' ? undefined : 0;
  const { clientFoundRows, driver } = conn.params;
  return severalResults || clientFoundRows || driver === 'http' || driver === 'https' ? undefined : affected;
}
