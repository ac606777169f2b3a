import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, ConnectOptions } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import type { ManagementFake } from '@s2/fakes/management';
import type { Management } from '@s2/management';
import { fakeAndClient } from './support.js';

let fake: ManagementFake;
let mgmt: Management;
let close: () => Promise<void>;
beforeAll(async () => {
  const server = testServer();
  ({ fake, mgmt, close } = await fakeAndClient({ endpoint: `${server.host}:${server.port}`, starterEndpoint: `${server.host}:${server.port}` }));
});
afterAll(() => close());

describe('.connect() through @s2/core to the endpoint the API reports (the throwaway MariaDB)', () => {
  it('a cluster connects with the given credentials', async () => {
    const c = await mgmt.clusters.get(String(fake.seed.cluster({ name: 'db' }).clusterID));
    const conn = await c.connect({ user: testServer().root.user, password: testServer().root.password });
    try {
      expect(await conn.query('SELECT 1 + 1')).toEqual([[2]]);
    } finally {
      await conn.close();
    }
  });

  it('a starter cluster connects with its database selected', async () => {
    const sc = await mgmt.starterClusters.get(String(fake.seed.starterCluster({ databaseName: testServer().database }).virtualClusterID));
    const conn = await sc.connect({ user: testServer().root.user, password: testServer().root.password });
    try {
      expect(await conn.query('SELECT DATABASE()')).toEqual([[testServer().database]]);
    } finally {
      await conn.close();
    }
  });

  it("with @s2/core's types: takes its ConnectOptions and, asked for, gives its Connection", async () => {
    const c = await mgmt.clusters.get(String(fake.seed.cluster({ name: 'typed' }).clusterID));
    const login: ConnectOptions = { user: testServer().root.user, password: testServer().root.password, resultsType: 'objects' };
    const conn = await c.connect<Connection>(login);
    try {
      expect((await conn.queryFrame('SELECT 1 AS one')).length).toBe(1);
      expect(await conn.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    } finally {
      await conn.close();
    }
  });
});
