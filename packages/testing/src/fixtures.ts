import { inject, test } from 'vitest';
import type { Connection, Cursor } from '@s2/core';
import type { TestServerInfo } from './server-info.js';

/**
 * vitest fixtures after the pytest plugin of the SingleStoreDB Python SDK (singlestoredb 1.18.1),
 * `singlestoredb.pytest`: one connection per worker, and a temporary database per test.
 *
 *   import { s2Test as it } from '@s2/testing/vitest';
 *   it('counts', async ({ s2TempDb }) => { await s2TempDb.execute('CREATE TABLE t (a INT)'); });
 *
 * With `USE_DATA_API=1` the fixtures talk to the Data API (the run's global setup puts a Data
 * API gateway in front of its server); statements the Data API cannot run (creating and
 * dropping databases) still go over the wire, as the Python SDK's SINGLESTOREDB_INIT_DB_URL does.
 */
export interface S2WorkerFixtures {
  /** A connection shared by every test of this worker (over the Data API in Data API mode). */
  s2Connection: Connection;
  /** A wire connection for setup statements; the same object as s2Connection outside Data API mode. */
  s2InitConnection: Connection;
}

export interface S2TestFixtures {
  /** A cursor on a database made for this test (`x_db_<worker>_<n>`) and dropped after it. */
  s2TempDb: Cursor;
}

function server(): TestServerInfo {
  return inject('s2TestServer');
}

/** True when the run was asked to use the Data API (`USE_DATA_API` = 1, true or on). */
export function dataApiMode(): boolean {
  return /^(1|true|on)$/i.test(process.env.USE_DATA_API ?? '');
}

function workerName(): string {
  return `w${process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? '0'}`;
}

let allocated = 0;
/** Per-worker database names, as the Python SDK's name allocator makes them; the pid keeps reruns apart. */
export function nextTempDatabaseName(): string {
  return `x_db_${workerName()}_${process.pid}_${allocated++}`;
}

async function core(): Promise<typeof import('@s2/core')> {
  return import('@s2/core');
}

function withDatabase(url: string, database: string): string {
  return `${url.replace(/\/+$/, '')}/${encodeURIComponent(database)}`;
}

export const s2Test = test.extend<S2TestFixtures & S2WorkerFixtures>({
  s2InitConnection: [
    async ({}, use) => {
      const info = server();
      const conn = await (await core()).connect(withDatabase(info.url, info.database));
      await use(conn);
      await conn.close();
    },
    { scope: 'worker' },
  ],
  s2Connection: [
    async ({ s2InitConnection }, use) => {
      const info = server();
      if (!dataApiMode()) return use(s2InitConnection);
      if (!info.dataApiUrl) throw new Error('USE_DATA_API is set but the run has no Data API URL (its global setup started no gateway)');
      const conn = await (await core()).connect(withDatabase(info.dataApiUrl, info.database));
      await use(conn);
      await conn.close();
    },
    { scope: 'worker' },
  ],
  s2TempDb: async ({ s2InitConnection }, use) => {
    const info = server();
    const name = nextTempDatabaseName();
    await s2InitConnection.query(`CREATE DATABASE \`${name}\``);
    // A connection of its own keeps `USE` from leaking into the worker's shared connection.
    const url = dataApiMode() ? info.dataApiUrl : info.url;
    if (!url) throw new Error('USE_DATA_API is set but the run has no Data API URL (its global setup started no gateway)');
    const conn = await (await core()).connect(withDatabase(url, name));
    try {
      await use(conn.cursor());
    } finally {
      await conn.close();
      await s2InitConnection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
  },
});
