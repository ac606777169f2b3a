import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManagementFake } from '@s2/fakes/management';
import { createManagement, ManagementClient, ManagementError, ManagementFsError, type Management, type Stage } from '@s2/management';
import { fakeAndClient } from './support.js';

let fake: ManagementFake;
let mgmt: Management;
let close: () => Promise<void>;
let stage: Stage;
let clusterId: string;
beforeAll(async () => {
  ({ fake, mgmt, close } = await fakeAndClient());
  clusterId = String(fake.seed.cluster({ name: 'hardening' }).clusterID);
  stage = (await mgmt.clusters.get(clusterId)).stage;
});
afterAll(() => close());
beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) =>
      e instanceof ManagementFsError ? e.code : e instanceof ManagementError ? 'ManagementError' : `${(e as Error).name}: ${(e as Error).message}`,
  );

describe('paths cannot climb out of a stage or file space', () => {
  it('a `..` segment is EINVAL and sends nothing (fetch would resolve it to the cluster itself)', async () => {
    for (const p of ['..', '../x', 'a/../../..', 'a/..', '../../clusters']) {
      expect(await failure(stage.info(p)), p).toBe('EINVAL');
      expect(await failure(stage.remove(p)), p).toBe('EINVAL');
      expect(await failure(stage.upload('x', p)), p).toBe('EINVAL');
      expect(await failure(stage.rename('a.txt', p)), p).toBe('EINVAL');
      expect(await failure(mgmt.files.personal.open(p)), p).toBe('EINVAL');
    }
    expect(await failure(stage.list('a/./b'))).toBe('EINVAL');
    expect(fake.requests).toEqual([]);
  });

  it('`.`, `./` and `/` still name the root; an encoded %2e%2e stays a literal name', async () => {
    await stage.upload('root file', 'root.txt');
    expect(await stage.list('.')).toContain('root.txt');
    expect(await stage.list('./')).toContain('root.txt');
    expect(await failure(stage.info('%2e%2e/%2e%2e'))).toBe('ManagementError');
    expect(fake.requests.at(-1)!.path).toBe(`/v2/clusters/${clusterId}/stage/fs/%252e%252e/%252e%252e`);
  });

  it('ids with dot segments are refused before any request (no DELETE on a parent resource)', async () => {
    expect(await failure(mgmt.jobs.delete('..'))).toBe('ManagementError');
    expect(await failure(mgmt.projects.get('..'))).toBe('ManagementError');
    expect(fake.requests).toEqual([]);
  });

  it('a path that is not a string is EINVAL, not a TypeError', async () => {
    for (const bad of [undefined, null, 42, {}, ['a']]) {
      expect(await failure(stage.info(bad as never))).toBe('EINVAL');
      expect(await failure(stage.upload('x', bad as never))).toBe('EINVAL');
    }
  });

  it('an upload source of the wrong type is a ManagementError before any request', async () => {
    for (const bad of [undefined, null, 42, { a: 1 }]) {
      const err = await stage.upload(bad as never, 'src.txt').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ManagementError);
      expect((err as Error).message).toMatch(/upload needs bytes/);
    }
    expect(fake.requests).toEqual([]);
  });
});

describe('secrets stay out of inspect output', () => {
  it('util.inspect and JSON of a manager, a resource and its client never show the token or the environment', async () => {
    const token = 'SECRET-TOKEN-abc123';
    const m = createManagement({ baseUrl: fake.url, token, env: { SINGLESTOREDB_URL: 'singlestoredb://u:db-password-xyz@h' } });
    const c = await mgmt.clusters.get(clusterId);
    for (const shown of [inspect(m, { depth: 10 }), inspect(m.clusters, { depth: 10 }), inspect(c, { depth: 10 }), inspect(stage, { depth: 10 })]) {
      expect(shown).not.toContain(token);
      expect(shown).not.toContain(fake.token);
      expect(shown).not.toContain('db-password-xyz');
    }
    const err = await m.clusters.list().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
    expect(inspect(err, { depth: 10 })).not.toContain(token);
  });

  it('not even with showHidden: true, for the client itself too (the token still authenticates)', async () => {
    const m = createManagement({ baseUrl: fake.url, token: fake.token, env: { SINGLESTOREDB_URL: 'singlestoredb://u:db-password-xyz@h' } });
    const client = new ManagementClient({ baseUrl: fake.url, token: fake.token, env: { SINGLESTOREDB_URL: 'singlestoredb://u:db-password-xyz@h' } });
    const c = await m.clusters.get(clusterId);
    for (const value of [m, client, client.config, c, c.stage]) {
      for (const shown of [inspect(value), inspect(value, { showHidden: true, depth: Infinity }), JSON.stringify(value) ?? '']) {
        expect(shown).not.toContain(fake.token);
        expect(shown).not.toContain('db-password-xyz');
      }
    }
    expect((await client.json<unknown[]>({ path: 'regions' })).length).toBeGreaterThan(0);
  });
});

describe('timeouts of streamed uploads', () => {
  it('a slow stream upload is not cut off by the response deadline while its chunks keep flowing', async () => {
    async function* slow() {
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 40));
        yield new Uint8Array(1000).fill(i);
      }
    }
    const m = createManagement({ baseUrl: fake.url, token: fake.token, env: {}, connectTimeoutMs: 0, readTimeoutMs: 300, retries: 0 });
    const s = (await m.clusters.get(clusterId)).stage;
    expect((await s.upload(slow(), 'slow.bin')).size).toBe(12_000);
  });

  it('a stream that stalls longer than the timeout fails the upload', async () => {
    async function* stalls() {
      yield new Uint8Array(10);
      await new Promise((r) => setTimeout(r, 1500));
      yield new Uint8Array(10);
    }
    const m = createManagement({ baseUrl: fake.url, token: fake.token, env: {}, connectTimeoutMs: 0, readTimeoutMs: 200, retries: 0 });
    const s = (await m.clusters.get(clusterId)).stage;
    const err = await s.upload(stalls(), 'stall.bin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagementError);
    expect((err as Error).message).toMatch(/TimeoutError/);
  });
});

describe('lock retry keys on the service answer', () => {
  it('a create whose name mentions "acquire lock" and fails otherwise is sent once', async () => {
    fake.fail({ method: 'POST', path: '/v2/clusters', status: 409, body: 'name is taken' });
    const err = await mgmt.clusters.create({ name: 'could not acquire lock', region: 'us-east-1', provider: 'AWS' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409 });
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/v2/clusters')).toHaveLength(1);
  });
});

describe('the fake with a client that went silent', () => {
  it('close() ends a half-sent upload instead of waiting for it', async () => {
    const { request } = await import('node:http');
    const { startManagementFake } = await import('@s2/fakes/management');
    const f = await startManagementFake();
    const id = String(f.seed.cluster({ name: 'silent' }).clusterID);
    const req = request(`${f.url}/v2/clusters/${id}/stage/fs/half.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${f.token}`, 'content-type': 'multipart/form-data; boundary=xx' },
    });
    req.on('error', () => undefined);
    req.write('--xx\r\nContent-Disposition: form-data; name="file"; filename="half.bin"\r\n\r\nsome bytes');
    await new Promise((r) => setTimeout(r, 200));
    const closed = f.close().then(() => 'closed');
    const hung = new Promise((r) => setTimeout(() => r('still open after 20 s'), 20_000).unref());
    expect(await Promise.race([closed, hung])).toBe('closed');
    req.destroy();
  }, 30_000);
});

describe('resources serialize as their fields', () => {
  it('JSON and spreads of a cluster, workspace group, workspace, starter cluster and job carry no manager or client', async () => {
    const c = await mgmt.clusters.get(clusterId);
    const g = await mgmt.workspaces.getGroup(String(fake.seed.workspaceGroup({ name: 'json-group' }).workspaceGroupID));
    const w = await mgmt.workspaces.getWorkspace(String(fake.seed.workspace(g.id, { name: 'json-ws' }).workspaceID));
    const sc = await mgmt.starterClusters.get(String(fake.seed.starterCluster({ name: 'json-starter' }).virtualClusterID));
    await stage.upload('{"cells":[]}', 'json-job.ipynb', { overwrite: true });
    const job = await mgmt.jobs.run('json-job.ipynb');
    for (const r of [c, g, w, sc, job] as object[]) {
      expect(Object.keys(r)).not.toContain('manager');
      expect(Object.keys({ ...r }).length).toBeGreaterThan(3);
      expect(JSON.stringify(r)).not.toMatch(/"ctx"|"config"|baseUrl/);
    }
    expect(JSON.parse(JSON.stringify(job))).toMatchObject({ jobId: job.jobId });
    expect(JSON.parse(JSON.stringify(c))).toMatchObject({ id: clusterId, name: 'hardening' });
  });
});

describe('downloadFolder and names from the service', () => {
  it('a listed name that climbs out of the target folder is refused before anything is written', async () => {
    const { mkdtemp, readdir, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { downloadFolder } = await import('@s2/management/node');
    const entry = (path: string, type: string) => ({
      name: path.split('/').pop(),
      path,
      type,
      size: 1,
      format: 'text',
      mimetype: 'text/plain',
      created: '2024-01-01T00:00:00Z',
      last_modified: '2024-01-01T00:00:00Z',
      writable: true,
    });
    const hostile: typeof fetch = async (input) => {
      const url = new URL(String(input));
      if (url.searchParams.get('metadata')) return Response.json(entry('dir/', 'directory'));
      return Response.json({
        ...entry('dir/', 'directory'),
        content: [entry('dir/../../../outside/', 'directory'), entry('dir/../../../outside/x.txt', 'file')],
      });
    };
    const m = createManagement({ baseUrl: 'http://stub.invalid', token: 't', env: {}, fetch: hostile });
    const root = await mkdtemp(join(tmpdir(), 's2-hostile-'));
    const target = join(root, 'a', 'b', 'c', 'd'); // three levels up from d is root/a
    const stub = m.stage('00000000-0000-4000-8000-000000000001');
    // Recursive: the walk itself refuses to list the climbing directory; flat: the download loop refuses it.
    for (const recursive of [true, false]) {
      const err = await downloadFolder(stub, 'dir/', target, { recursive }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ManagementFsError);
      expect((err as ManagementFsError).code).toBe('EINVAL');
    }
    expect(await readdir(root)).toEqual(['a']);
    expect(await readdir(join(root, 'a'))).toEqual(['b']); // no root/a/outside
    expect(await readdir(target)).toEqual([]);
    await rm(root, { recursive: true, force: true });
  });
});

describe('credentials in export bodies', () => {
  it('a failed export start names the call without echoing storage or catalog credentials', async () => {
    const ex = (await mgmt.clusters.get(clusterId)).exports;
    fake.fail({ method: 'POST', path: `/v2/clusters/${clusterId}/egress/startTableEgress`, status: 400, body: 'bad link' });
    const err = await ex
      .start({
        database: 'db',
        table: 't',
        catalogInfo: { catalog_type: 'GLUE', table_format: 'ICEBERG', 'catalog.credential': 'cat-cred-123' },
        storageInfo: JSON.stringify({
          storage_type: 'S3',
          path: 's3://b/p',
          aws_access_key_id: 'AKIA-ID-456',
          aws_secret_access_key: 'aws-secret-789',
          aws_session_token: 'sess-tok-000',
        }),
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, body: 'bad link' });
    const text = `${(err as Error).message} ${inspect(err, { depth: 10 })}`;
    expect(text).toContain('startTableEgress');
    expect(text).toContain('s3://b/p');
    for (const s of ['cat-cred-123', 'AKIA-ID-456', 'aws-secret-789', 'sess-tok-000']) expect(text).not.toContain(s);
  });
});

describe('the fake keeps its files under its data folder', () => {
  it('encoded traversal, NUL bytes and malformed escapes in a raw request are 4xx, never a file outside', async () => {
    const base = `${fake.url}/v2/clusters/${clusterId}/stage/fs/`;
    const auth = { authorization: `Bearer ${fake.token}` };
    const statuses: Record<string, number> = {};
    for (const p of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'a%2F..%2F..%2F..%2Fx', '%zz', 'a%00b']) {
      statuses[p] = (await fetch(base + p, { headers: auth })).status;
    }
    for (const [p, s] of Object.entries(statuses)) expect(s, p).toBeGreaterThanOrEqual(400);
    for (const [p, s] of Object.entries(statuses)) expect(s, p).toBeLessThan(500);
    const body = '--b\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\nescaped\r\n--b--\r\n';
    const put = await fetch(`${base}..%2F..%2Fescaped.txt`, { method: 'PUT', headers: { ...auth, 'content-type': 'multipart/form-data; boundary=b' }, body });
    expect(put.status).toBe(400);
    await stage.upload('stay', 'stay.txt', { overwrite: true });
    const mv = await fetch(`${base}stay.txt`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ newPath: '../../moved.txt' }),
    });
    expect(mv.status).toBe(400);
    expect(await stage.downloadText('stay.txt')).toBe('stay');
  });
});

describe('wrong types at the entry points', () => {
  const msg = (f: () => unknown) =>
    Promise.resolve()
      .then(f)
      .then(
        () => 'no error',
        (e: unknown) => (e instanceof ManagementError ? `ManagementError: ${e.message}` : `${(e as Error).name}: ${(e as Error).message}`),
      );

  it('options of the wrong type are a ManagementError naming the option', async () => {
    const base = { baseUrl: fake.url, env: {} };
    expect(await msg(() => createManagement({ ...base, token: 42 as never }))).toMatch(/ManagementError: option token must be a string/);
    expect(await msg(() => createManagement({ ...base, token: 't', retries: Number.NaN }))).toMatch(/ManagementError: option retries/);
    expect(await msg(() => createManagement({ ...base, token: 't', readTimeoutMs: -5 }))).toMatch(/ManagementError: option readTimeoutMs/);
    expect(await msg(() => createManagement({ ...base, token: 't', trace: 'yes' as never }))).toMatch(/ManagementError: option trace/);
    expect(await msg(() => createManagement({ token: 't', env: {}, baseUrl: 'not a url' }))).toMatch(/ManagementError: the management base URL/);
    expect(await msg(() => createManagement(null as never))).toMatch(/ManagementError/);
  });

  it('a create without options or name, and an invalid Date, fail before any request', async () => {
    expect(await msg(() => mgmt.clusters.create(undefined as never))).toMatch(/ManagementError: create needs an options object/);
    expect(await msg(() => mgmt.clusters.create({ name: ' ', region: 'us-east-1', provider: 'AWS' }))).toMatch(
      /ManagementError: create needs a non-empty name/,
    );
    expect(await msg(() => mgmt.starterClusters.create(null as never))).toMatch(/ManagementError/);
    expect(await msg(() => mgmt.workspaces.createGroup(undefined as never))).toMatch(/ManagementError/);
    expect(await msg(() => mgmt.billing.usage({ startTime: new Date('nonsense'), endTime: new Date() }))).toMatch(/ManagementError: expected a valid Date/);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
