import { leadingKeyword } from './routing.js';

/**
 * `SET [SESSION|LOCAL] autocommit = 0|OFF|FALSE` or `@@[session.|local.]autocommit := …`, not
 * a user variable named `@autocommit` nor the GLOBAL setting.
 */
const AUTOCOMMIT_OFF = /(?<![\w@$.'"`])(?<!\bGLOBAL\s+)(?:@@(?:(?:SESSION|LOCAL)\.)?)?autocommit\s*:?=\s*(['"]?)(?:0|OFF|FALSE)\1(?![\w.])/i;

/** Whether the statement switches the session's autocommit off. */
export function turnsAutocommitOff(sql: string): boolean {
  return leadingKeyword(sql) === 'SET' && AUTOCOMMIT_OFF.test(sql);
}

/** The database a `USE db` statement switches to (backquotes removed), else null. */
export function usedDatabase(sql: string): string | null {
  if (leadingKeyword(sql) !== 'USE') return null;
  const m = /\bUSE\s+(?:`((?:[^`]|``)+)`|([\w$]+))\s*;?\s*$/i.exec(sql);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2];
}
