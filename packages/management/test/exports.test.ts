import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementFake } from '@s2/fakes/management';
import { createNodeManagement } from '@s2/management/node';
import { ManagementError, type Management } from '@s2/management';
import { fakeAndClient } from './support.js';

let fake: ManagementFake;
let mgmt: Management;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ fake, mgmt, close } = await fakeAndClient());
});
afterAll(() => close());

const definition = {
  database: 'db',
  table: 't',
  catalogInfo: '{"catalog": "glue", "database": "lake"}',
  storageInfo: { s3: { bucket: 'b', region: 'us-east-1' } },
  partitionBy: [{ transform: 'identity', name: 'day' }],
  orderBy: [{ transform: 'identity', name: 'id', direction: 'ascending', null_order: 'nulls_first' }],
  incremental: true,
  refreshInterval: 600,
};

describe('table exports (egress)', () => {
  it('v2 cluster: start, status (GET with a body over node:http), suspend, resume, list, drop', async () => {
    const node = createNodeManagement({ baseUrl: fake.url, token: fake.token, env: {} });
    const c = await node.clusters.get(String(fake.seed.cluster({ name: 'exporter' }).clusterID));
    const identity = await c.exports.createClusterIdentity({ catalogInfo: definition.catalogInfo, storageInfo: definition.storageInfo });
    expect(String(identity.identity)).toMatch(/^arn:aws:iam::/);
    const id = await c.exports.start(definition);
    const sent = fake.requests.find((r) => r.path.endsWith('/egress/startTableEgress'))!.body;
    expect(sent).toEqual({
      databaseName: 'db',
      tableName: 't',
      storageInfo: definition.storageInfo,
      catalogInfo: { catalog: 'glue', database: 'lake' },
      partitionSpec: { partitions: definition.partitionBy },
      sortOrderSpec: { keys: definition.orderBy },
      incremental: true,
      refreshInterval: 600,
    });
    expect(await c.exports.status(id)).toEqual({ exportId: id, status: 'Running', message: '' });
    const statusCall = fake.requests.at(-1)!;
    expect([statusCall.method, statusCall.body]).toEqual(['GET', { egressID: id }]);
    await c.exports.suspend(id);
    expect((await c.exports.status(id)).status).toBe('Suspended');
    await c.exports.resume(id);
    expect((await c.exports.list()).map((e) => [e.exportId, e.status])).toEqual([[id, 'Running']]);
    await c.exports.drop(id);
    expect(await c.exports.list()).toEqual([]);
    await expect(c.exports.status(id)).rejects.toMatchObject({ status: 404 });
  });

  it('fetch alone cannot send the status GET: a clear error, no request, no retry', async () => {
    const c = await mgmt.clusters.get(String(fake.seed.cluster({ name: 'fetch-only' }).clusterID));
    const before = fake.requests.length;
    const err = await c.exports.status('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagementError);
    expect((err as Error).message).toContain('createNodeManagement');
    expect(fake.requests.length).toBe(before);
    await expect(c.exports.start({ ...definition, table: '' })).rejects.toThrow('Database and table must be set before starting the export.');
  });

  it('v1 workspace group exports live under workspaceGroups/{id}/egress', async () => {
    const node = createNodeManagement({ baseUrl: fake.url, token: fake.token, env: {}, quietDeprecations: true });
    const g = await node.workspaces.getGroup(String(fake.seed.workspaceGroup({ name: 'g-export' }).workspaceGroupID));
    const id = await g.exports.start(definition);
    expect(fake.requests.at(-1)!.path).toBe(`/v1/workspaceGroups/${g.id}/egress/startTableEgress`);
    expect((await g.exports.status(id)).status).toBe('Running');
  });
});
