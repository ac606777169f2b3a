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
