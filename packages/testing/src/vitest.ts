import { inject } from 'vitest';
import type { TestServerInfo } from './server-info.js';

/** The server the vitest global setup started (or SINGLESTOREDB_URL's). Only valid inside vitest. */
export function testServer(): TestServerInfo {
  return inject('s2TestServer');
}
