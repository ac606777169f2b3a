import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';

let fake: ManagementFake;
beforeAll(async () => {
  fake = await startManagementFake();
});
afterAll(() => fake.close());

const call = (path: string, init: RequestInit & { token?: string | null } = {}) =>
  fetch(`${fake.url}${path}`, { ...init, headers: { ...(init.token === null ? {} : { Authorization: `Bearer ${init.token ?? fake.token}` }), ...(init.headers as Record<string, string>) } });

describe('the management fake on its own', () => {
  it('checks the bearer token; token: null accepts any', async () => {
    expect((await call('/v2/regions', { token: null })).status).toBe(401);
    expect((await call('/v2/regions', { token: 'wrong' })).status).toBe(401);
    expect((await call('/v2/regions')).status).toBe(200);
    const open = await startManagementFake({ token: null });
    try {
      expect((await fetch(`${open.url}/v1/regions`, { headers: { Authorization: 'Bearer anything' } })).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('validates v1 query parameters against the OpenAPI document (enums case-insensitively)', async () => {
    expect((await call('/v1/billing/usage?startTime=a&endTime=b&metric=computeCredit')).status).toBe(200);
    const bad = await call('/v1/billing/usage?startTime=a&endTime=b&metric=Bytes');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/metric must be one of ComputeCredit, StorageAvgByte/);
    expect((await call('/v1/billing/usage?endTime=b')).status).toBe(400);
    expect(await (await call('/v1/workspaceGroups/not-a-uuid')).text()).toBe('invalid UUID: "not-a-uuid" (workspaceGroupID)');
  });

  it('faults fire `times` times, then the route answers normally', async () => {
    fake.fail({ path: '/v2/projects', status: 503, body: 'busy', retryAfter: 7, times: 2 });
    const first = await call('/v2/projects');
    expect([first.status, first.headers.get('retry-after'), await first.text()]).toEqual([503, '7', 'busy']);
    expect((await call('/v2/projects')).status).toBe(503);
    expect((await call('/v2/projects')).status).toBe(200);
    fake.fail({ path: /\/v2\/clusters$/, method: 'POST', lockConflict: true });
    expect(await (await call('/v2/clusters', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).text()).toMatch(/could not acquire lock/);
  });

  it('unknown routes are 404, wrong methods 405; an empty JSON body on POST is accepted (the reference sends one)', async () => {
    expect((await call('/v2/nothing-here')).status).toBe(404);
    expect((await call('/v2/regions', { method: 'DELETE' })).status).toBe(405);
    const c = fake.seed.cluster({ name: 'empty-body' });
    const res = await call(`/v2/clusters/${c.clusterID}/suspend`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('stage rules: missing parent, directory targets, trailing slash on a file', async () => {
    const c = fake.seed.cluster({ name: 'fs-rules' });
    await fake.seed.file(String(c.clusterID), 'a.txt', 'x');
    const base = `/v2/clusters/${c.clusterID}/stage/fs`;
    expect((await call(`${base}/a.txt/?metadata=1`)).status).toBe(404);
    expect((await (await call(`${base}/a.txt?metadata=1`)).json()).size).toBe(1);
    expect((await call(`${base}/x/y/?isFile=false`, { method: 'PUT' })).status).toBe(400);
    expect((await call(`${base}/d/?isFile=false`, { method: 'PUT' })).status).toBe(200);
    expect((await call(`${base}/d/?isFile=false`, { method: 'PUT' })).status).toBe(409);
    expect((await call(`${base}/a.txt`, { method: 'PATCH', body: JSON.stringify({ newPath: 'nope/a.txt' }), headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await call(`${base}/a.txt/`, { method: 'DELETE' })).status).toBe(404);
    const listing = await (await call(`${base}/`)).json();
    expect(listing.content.map((o: { path: string }) => o.path)).toEqual(['a.txt', 'd/']);
  });

  it('reset() empties the state, the files and the log', async () => {
    fake.seed.cluster({ name: 'to-forget' });
    fake.reset();
    expect(fake.state.clusters.size).toBe(0);
    expect(fake.requests).toEqual([]);
    expect((await (await call('/v2/clusters')).json())).toEqual([]);
  });
});
