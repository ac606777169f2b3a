import { OptionError, type QueryResponse } from '@s2/base';
import type { CursorSession, StatementOptions } from '../session/types.js';

/**
 * A hook that sees every statement (parameters already interpolated) before it is sent, and
 * may answer it itself: `@s2/fusion` installs one for its client-side commands. Returning null
 * (synchronously, for statements that are not its business) sends the statement as usual.
 * `options` are the statement's own (`signal`, `timeoutMs`), for the hook to honour.
 */
export type StatementHook = (sql: string, session: CursorSession, options?: StatementOptions) => QueryResponse | null | Promise<QueryResponse | null>;

interface StatementHookSlot {
  hook: StatementHook | null;
}

/**
 * One slot per process, on globalThis under a registry symbol, so that duplicate copies of
 * @s2/core (ESM and CJS builds, two versions) see the same hook. Without a hook the execute
 * path pays one property check.
 */
const KEY = Symbol.for('@s2/core/statement-hook');
const holder = globalThis as unknown as Record<symbol, StatementHookSlot | undefined>;
export const statementHookSlot: StatementHookSlot = (holder[KEY] ??= { hook: null });

/** Installs `hook` (null removes it); returns the hook it replaced. */
export function setStatementHook(hook: StatementHook | null): StatementHook | null {
  // Anything else in the slot would fail every statement of the process.
  if (hook !== null && typeof hook !== 'function')
    throw new OptionError(`a statement hook must be a function or null, not ${hook === undefined ? 'undefined' : typeof hook}`);
  const previous = statementHookSlot.hook;
  statementHookSlot.hook = hook;
  return previous;
}

export function getStatementHook(): StatementHook | null {
  return statementHookSlot.hook;
}
