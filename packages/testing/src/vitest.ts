import { inject } from 'vitest';
import type { TestServerInfo } from './server-info.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s2TestServer: TestServerInfo;
  }
}

/** The server the vitest global setup started (or SINGLESTOREDB_URL's). Only valid inside vitest. */
export function testServer(): TestServerInfo {
  return inject('s2TestServer');
}

export { s2Test, dataApiMode, nextTempDatabaseName, type S2TestFixtures, type S2WorkerFixtures } from './fixtures.js';
export { SKIP_META_KEY, missingCommand, skipNow, skipUnless, type SkipKind, type SkipRecord } from './skips.js';

/**
 * Waits for `cond` to hold, checking every `everyMs`, for at most `capMs` (a hang guard, not a
 * timing claim): for events a test can only observe by looking (PROCESSLIST, a socket closing).
 * Resolves to whether it held; the test asserts on that.
 */
export async function pollUntil(cond: () => boolean | Promise<boolean>, capMs = 10_000, everyMs = 20): Promise<boolean> {
  const tries = Math.max(1, Math.ceil(capMs / everyMs));
  for (let i = 0; i < tries; i++) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return cond();
}

/**
 * A pollUntil condition: the server's PROCESSLIST shows a statement starting with `prefix`
 * running, looked up with `query` on another session (so a test can act on a running statement
 * rather than after a timer that may fire before it was sent).
 */
export function statementRunning(query: (sql: string) => Promise<readonly (readonly unknown[])[]>, prefix: string): () => Promise<boolean> {
  const sql = `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '${prefix.replace(/['\\]/g, (c) => `\\${c}`)}%'`;
  return async () => Number((await query(sql))[0]?.[0] ?? 0) > 0;
}
