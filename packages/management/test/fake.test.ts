import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';

let fake: ManagementFake;
beforeAll(async () => {
  fake = await startManagementFake();
});
afterAll(() => fake.close());

const call = (path: string, init: RequestInit & { token?: string | null } = {}) =>
  fetch(`${fake.url}${path}`, {
    ...init,
    headers: { ...(init.token === null ? {} : { Authorization: `Bearer ${init.token ?? fake.token}` }), ...(init.headers as Record<string, string>) },
  });

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
    expect(await (await call('/v2/clusters', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).text()).toMatch(
      /could not acquire lock/,
    );
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
    expect(
      (await call(`${base}/a.txt`, { method: 'PATCH', body: JSON.stringify({ newPath: 'nope/a.txt' }), headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(400);
    expect((await call(`${base}/a.txt/`, { method: 'DELETE' })).status).toBe(404);
    const listing = await (await call(`${base}/`)).json();
    expect(listing.content.map((o: { path: string }) => o.path)).toEqual(['a.txt', 'd/']);
  });

  it('reset() empties the state, the files and the log', async () => {
    fake.seed.cluster({ name: 'to-forget' });
    fake.reset();
    expect(fake.state.clusters.size).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(await (await call('/v2/clusters')).json()).toEqual([]);
  });
});

describe('the fake answers in the shapes of the v1 OpenAPI document', () => {
  it('every v1 response with a schema conforms (stage metadata: the documented deviations only)', async () => {
    const { OpenApiValidator } = await import('@s2/fakes/management');
    const v = new OpenApiValidator();
    fake.setTiming({ transitionMs: 60_000 }); // answers while PENDING must conform too
    const json = { 'content-type': 'application/json' };
    const region = fake.state.regions[0]!.regionID;
    const g = await (
      await call('/v1/workspaceGroups', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: 'oa', regionID: region, firewallRanges: [], adminPassword: null }),
      })
    ).json();
    const w = await (
      await call('/v1/workspaces', { method: 'POST', headers: json, body: JSON.stringify({ name: 'oaw', workspaceGroupID: g.workspaceGroupID }) })
    ).json();
    fake.setTiming({ transitionMs: 0 });
    await fake.seed.file(g.workspaceGroupID, 'dir/n.ipynb', '{}');
    const probes: [string, string, RequestInit?][] = [
      ['GET', '/v1/regions'],
      ['GET', '/v1/organizations/current'],
      ['GET', '/v1/billing/usage?startTime=2025-01-01T00:00:00Z&endTime=2025-02-01T00:00:00Z'],
      ['GET', '/v1/workspaceGroups'],
      ['GET', `/v1/workspaceGroups/${g.workspaceGroupID}`],
      ['PATCH', `/v1/workspaceGroups/${g.workspaceGroupID}`, { headers: json, body: JSON.stringify({ name: 'oa2' }) }],
      ['GET', `/v1/workspaces?workspaceGroupID=${g.workspaceGroupID}`],
      ['GET', `/v1/workspaces/${w.workspaceID}`],
      ['FINISH', ''],
      ['POST', `/v1/workspaces/${w.workspaceID}/suspend`],
      ['GET', `/v1/stages/${g.workspaceGroupID}/fs/dir/n.ipynb?metadata=1`],
      ['GET', `/v1/stages/${g.workspaceGroupID}/fs/dir/`],
      ['PATCH', `/v1/stages/${g.workspaceGroupID}/fs/dir/n.ipynb`, { headers: json, body: JSON.stringify({ newPath: 'dir/m.ipynb' }) }],
      ['DELETE', `/v1/stages/${g.workspaceGroupID}/fs/dir/m.ipynb`],
      ['DELETE', `/v1/workspaces/${w.workspaceID}`],
      ['DELETE', `/v1/workspaceGroups/${g.workspaceGroupID}?force=true`],
    ];
    const problems: string[] = [];
    const deviations = new Set<string>();
    for (const [method, path, init] of probes) {
      if (method === 'FINISH') {
        // Let the pending create transitions complete.
        for (const rec of [fake.state.workspaceGroups.get(g.workspaceGroupID), fake.state.workspaces.get(w.workspaceID)]) if (rec?.pending) rec.pending.at = 0;
        continue;
      }
      const res = await call(path, { method, ...init });
      expect(res.status, `${method} ${path}`).toBe(200);
      const errors = v.checkResponse(method, path.split('?')[0]!, await res.json());
      expect(errors, `${method} ${path} has a response schema`).not.toBeNull();
      for (const e of errors!) {
        // The document's StagesObjectMetadata lists type ['', 'json', 'directory'], format ['json'] and a
        // non-null mimetype; the service (and the reference's live tests) use type file/notebook,
        // format text/base64 and a null mimetype for directories and notebooks.
        // A listing's `content` then fails its oneOf (string | array of metadata) as a consequence.
        if (
          /fs\//.test(path) &&
          (/\/(content\/\d+\/)?(type|format|mimetype) /.test(e) || /^\/content must (be string|match exactly one schema in oneOf)$/.test(e))
        ) {
          deviations.add(e.replace(/\/content\/\d+/, '/content/*'));
        } else problems.push(`${method} ${path}: ${e}`);
      }
    }
    if (deviations.size) console.warn(`stage metadata outside the v1 document's enums (as the service answers): ${[...deviations].join('; ')}`);
    expect(problems).toEqual([]);
  });
});
