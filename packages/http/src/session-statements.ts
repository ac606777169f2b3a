import { databaseChange } from '@s2/base';
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

/** The database a lone `USE db` statement switches to (backquotes removed), else null. */
export function usedDatabase(sql: string): string | null {
  const change = databaseChange(sql);
  return change?.kind === 'use' ? change.database : null;
}
