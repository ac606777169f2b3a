import type { TestProject } from 'vitest/node';
import { externalServerInfo } from './external.js';
import { startMariaDb } from './mariadb/start.js';
import type {} from './vitest.js';

/** Starts one throwaway MariaDB for the whole run (or describes SINGLESTOREDB_URL's server). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.SINGLESTOREDB_URL;
  if (url) {
    project.provide('s2TestServer', externalServerInfo(url));
    return async () => {};
  }
  const server = await startMariaDb();
  project.provide('s2TestServer', server.info);
  return () => server.stop();
}
