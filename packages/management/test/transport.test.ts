import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OptionError, options, S2Error, withOptions } from '@s2/base';
import type { ManagementFake } from '@s2/fakes/management';
import { startManagementFake } from '@s2/fakes/management';
import {
  backoffMs,
  createManagement,
  discoverToken,
  lockRetryWaitMs,
  ManagementError,
  retryAfterMs,
  type Management,
  type ManagementOptions,
  type TraceEvent,
} from '@s2/management';

let fake: ManagementFake;
beforeAll(async () => {
  fake = await startManagementFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
});

function client(extra: ManagementOptions = {}): Management {
  return createManagement({
    baseUrl: fake.url,
    token: fake.token,
    env: {},
    retryBackoffMs: 40,
    lockRetryIntervalMs: 60,
    lockRetryJitterMs: 0,
    quietDeprecations: true,
    ...extra,
  });
}

const gaps = (path: string) => {
  const at = fake.requests.filter((r) => r.path === path).map((r) => r.at);
  return at.slice(1).map((t, i) => t - at[i]!);
};

describe('token, base URL, version, organization', () => {
  it('an explicit token wins over the environment', async () => {
    const m = createManagement({ baseUrl: fake.url, token: fake.token, env: { SINGLESTOREDB_MANAGEMENT_TOKEN: 'env-token' } });
    await m.organization.current();
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('SINGLESTOREDB_MANAGEMENT_TOKEN beats a JWT password in SINGLESTOREDB_URL', () => {
    const jwt = ['{"alg":"HS256","typ":"JWT"}', '{"sub":"u"}'].map((s) => Buffer.from(s).toString('base64url')).join('.') + '.sig';
    expect(discoverToken({ SINGLESTOREDB_MANAGEMENT_TOKEN: 'tok', SINGLESTOREDB_URL: `singlestoredb://u:${jwt}@h:3306` })).toBe('tok');
    expect(discoverToken({ SINGLESTOREDB_URL: `singlestoredb://u:${jwt}@h:3306` })).toBe(jwt);
    expect(discoverToken({ SINGLESTOREDB_URL: 'singlestoredb://u:plainpassword@h:3306' })).toBeNull();
  });

  it('a JWT found in SINGLESTOREDB_URL is read again for every call (the notebook refreshes it)', async () => {
    const jwt = (sub: string) => ['{"alg":"HS256","typ":"JWT"}', `{"sub":"${sub}"}`].map((s) => Buffer.from(s).toString('base64url')).join('.') + '.sig';
    const open = await startManagementFake({ token: null });
    try {
      const env: Record<string, string> = { SINGLESTOREDB_URL: `singlestoredb://u:${jwt('one')}@h:3306` };
      const m = createManagement({ baseUrl: open.url, env });
      await m.regions.list({ refresh: true });
      env.SINGLESTOREDB_URL = `singlestoredb://u:${jwt('two')}@h:3306`;
      await m.regions.list({ refresh: true });
      expect(open.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${jwt('one')}`, `Bearer ${jwt('two')}`]);
    } finally {
      await open.close();
    }
  });

  it('without any token the constructor throws the reference message', () => {
    expect(() => createManagement({ env: {} })).toThrow('No management token was configured.');
  });

  it('base URL and version come from the environment; v2 is the default', async () => {
    const m = createManagement({ env: { SINGLESTOREDB_MANAGEMENT_TOKEN: fake.token, SINGLESTOREDB_MANAGEMENT_BASE_URL: `${fake.url}/` } });
    expect(m.client.versionBase()).toBe(`${fake.url}/v2/`);
    await m.regions.list();
    expect(fake.requests.at(-1)!.path).toBe('/v2/regions');
    const v1 = createManagement({
      env: { SINGLESTOREDB_MANAGEMENT_TOKEN: fake.token, SINGLESTOREDB_MANAGEMENT_BASE_URL: fake.url, SINGLESTOREDB_MANAGEMENT_VERSION: 'v1' },
    });
    await v1.regions.list();
    expect(fake.requests.at(-1)!.path).toBe('/v1/regions');
    expect(() => v1.clusters).toThrow(/v2/);
  });

  it('the management.token/base_url/version options come after an argument and before the env given; v2 stays the default', async () => {
    const env = {
      SINGLESTOREDB_MANAGEMENT_TOKEN: 'env-token',
      SINGLESTOREDB_MANAGEMENT_BASE_URL: 'http://env.invalid',
      SINGLESTOREDB_MANAGEMENT_VERSION: 'v2',
    };
    options.set({ 'management.token': fake.token, 'management.base_url': fake.url, 'management.version': 'v1' });
    try {
      const m = createManagement({ env, quietDeprecations: true });
      expect(m.client.versionBase()).toBe(`${fake.url}/v1/`);
      await m.regions.list();
      expect(fake.requests.at(-1)).toMatchObject({ path: '/v1/regions', headers: { authorization: `Bearer ${fake.token}` } });
      expect(discoverToken(env)).toBe(fake.token);
      const explicit = createManagement({ env, token: 'arg-token', baseUrl: 'http://arg.invalid', version: 'v2' });
      expect(explicit.client.versionBase()).toBe('http://arg.invalid/v2/');
    } finally {
      for (const name of ['management.token', 'management.base_url', 'management.version']) options.reset(name);
    }
    expect(createManagement({ env: { SINGLESTOREDB_MANAGEMENT_TOKEN: 't' } }).client.versionBase()).toBe('https://api.singlestore.com/v2/');
  });

  it('organizationID: per-call > option > SINGLESTOREDB_ORGANIZATION', async () => {
    await client({ env: { SINGLESTOREDB_ORGANIZATION: 'env-org' } }).regions.list();
    expect(fake.requests.at(-1)!.query.organizationID).toBe('env-org');
    await client({ organizationId: 'opt-org', env: { SINGLESTOREDB_ORGANIZATION: 'env-org' } }).regions.list();
    expect(fake.requests.at(-1)!.query.organizationID).toBe('opt-org');
    await client({ organizationId: 'opt-org' }).client.json({ path: 'regions', query: { organizationID: 'call-org' } });
    expect(fake.requests.at(-1)!.query.organizationID).toBe('call-org');
  });

  it('a wrong token is a 401 ManagementError in the s2 hierarchy', async () => {
    const err = await client({ token: 'wrong' })
      .organization.current()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagementError);
    expect(err).toBeInstanceOf(S2Error);
    expect((err as ManagementError).status).toBe(401);
    expect((err as ManagementError).path).toBe('/v2/organizations/current');
  });
});

describe('retries', () => {
  it('retries a GET on 503 with exponential backoff, then succeeds', async () => {
    fake.fail({ method: 'GET', path: '/v2/regions', status: 503, times: 3 });
    const regions = await client().regions.list();
    expect(regions.length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.path === '/v2/regions')).toHaveLength(4);
    const g = gaps('/v2/regions');
    // backoff: 0, 2×40, 4×40 ms (urllib3's rule)
    expect(g[1]!).toBeGreaterThanOrEqual(75);
    expect(g[2]!).toBeGreaterThanOrEqual(155);
  });

  it('honours Retry-After on 429', async () => {
    fake.fail({ method: 'GET', path: '/v2/projects', status: 429, retryAfter: 1 });
    await client().projects.list();
    expect(fake.requests.filter((r) => r.path === '/v2/projects')).toHaveLength(2);
    expect(gaps('/v2/projects')[0]!).toBeGreaterThanOrEqual(950);
  });

  it('gives up after `retries` and reports status, body and attempts', async () => {
    const events: TraceEvent[] = [];
    fake.fail({ method: 'GET', path: '/v2/projects', status: 502, body: 'bad gateway', times: 10 });
    const err = (await client({ retries: 2, retryBackoffMs: 1, trace: (e) => events.push(e) })
      .projects.list()
      .catch((e: unknown) => e)) as ManagementError;
    expect(err.status).toBe(502);
    expect(err.body).toBe('bad gateway');
    expect(fake.requests.filter((r) => r.path === '/v2/projects')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ method: 'GET', path: '/v2/projects', status: 502, attempts: 3 });
  });

  it('never retries a POST or a PATCH on 503', async () => {
    fake.fail({ method: 'POST', path: '/v2/secrets', status: 503 });
    await expect(client().secrets.create('s', 'v')).rejects.toMatchObject({ status: 503 });
    expect(fake.requests.filter((r) => r.path === '/v2/secrets')).toHaveLength(1);
    const id = await client().secrets.create('patched', 'v');
    fake.fail({ method: 'PATCH', path: `/v2/secrets/${id}`, status: 503 });
    await expect(client().secrets.update(id, 'w')).rejects.toMatchObject({ status: 503 });
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('retries a GET whose connection was dropped; a dropped POST is not replayed', async () => {
    fake.fail({ method: 'GET', path: '/v2/organizations/current', drop: true });
    expect((await client().organization.current()).name).toBe('fake-org');
    expect(fake.requests.filter((r) => r.path === '/v2/organizations/current')).toHaveLength(2);
    fake.fail({ method: 'POST', path: '/v2/secrets', drop: true });
    await expect(client().secrets.create('dropped', 'v')).rejects.toBeInstanceOf(ManagementError);
    expect(fake.requests.filter((r) => r.path === '/v2/secrets' && r.method === 'POST')).toHaveLength(1);
  });

  it('backoff and lock waits follow the documented formulas', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 500, 120_000))).toEqual([0, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => lockRetryWaitMs(n, 20_000, 5000, () => 0))).toEqual([20_000, 40_000, 60_000, 60_000]);
    expect(lockRetryWaitMs(1, 20_000, 5000, () => 1)).toBe(25_000);
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
  });
});

describe('lock retry', () => {
  it('replays a cluster create that lost the organization lock, with growing waits', async () => {
    fake.fail({ method: 'POST', path: '/v2/clusters', lockConflict: true, times: 2 });
    const c = await client().clusters.create({ name: `lock-${Date.now()}`, region: 'us-east-1', provider: 'AWS' });
    expect(c.state).toMatch(/ACTIVE|PENDING/);
    expect(fake.requests.filter((r) => r.path === '/v2/clusters' && r.method === 'POST')).toHaveLength(3);
    const at = fake.requests.filter((r) => r.path === '/v2/clusters' && r.method === 'POST').map((r) => r.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(55); // 1 × 60 ms
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(115); // 2 × 60 ms
  });

  it('stops after lockRetries and throws the conflict; other 500s are not replayed', async () => {
    fake.fail({ method: 'POST', path: '/v1/workspaceGroups', lockConflict: true, times: 10 });
    const regions = await client().workspaces.regions.list();
    await expect(client({ lockRetries: 1 }).workspaces.createGroup({ name: 'g', region: regions[0]!, firewallRanges: [] })).rejects.toThrow(/acquire lock/);
    expect(fake.requests.filter((r) => r.path === '/v1/workspaceGroups' && r.method === 'POST')).toHaveLength(2);
    fake.clearFaults();
    fake.fail({ method: 'POST', path: '/v2/clusters', status: 500, body: 'name already exists' });
    await expect(client().clusters.create({ name: 'x', region: 'us-east-1', provider: 'AWS' })).rejects.toMatchObject({ status: 500 });
    expect(fake.requests.filter((r) => r.path === '/v2/clusters' && r.method === 'POST')).toHaveLength(1);
  });
});

describe('timeouts and abort', () => {
  it('a response slower than the timeout fails the attempt and is retried for GET', async () => {
    fake.fail({ method: 'GET', path: '/v2/projects', delayMs: 4000 });
    const m = client({ connectTimeoutMs: 0, readTimeoutMs: 1000, retries: 1 });
    const projects = await m.projects.list();
    expect(projects.length).toBe(1);
    expect(fake.requests.filter((r) => r.path === '/v2/projects')).toHaveLength(2);
  });

  it('a timeout on every attempt ends in a ManagementError naming the call', async () => {
    fake.fail({ method: 'GET', path: '/v2/projects', delayMs: 1500, times: 2 });
    const err = (await client({ connectTimeoutMs: 0, readTimeoutMs: 150, retries: 1 })
      .projects.list()
      .catch((e: unknown) => e)) as ManagementError;
    expect(err).toBeInstanceOf(ManagementError);
    expect(err.message).toMatch(/TimeoutError on GET \/v2\/projects/);
  });

  it('an AbortSignal cancels a call in flight and is never retried', async () => {
    fake.fail({ method: 'GET', path: '/v2/projects', delayMs: 10_000 });
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(new Error('stop now')), 100);
    await expect(client().projects.list({ signal: ac.signal })).rejects.toThrow('stop now');
    // Settled by the abort, not by the fake's answer 10 s later (a hang guard with room for a busy machine).
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(fake.requests.filter((r) => r.path === '/v2/projects')).toHaveLength(1);
  });

  it('an abort during the retry wait ends the call', async () => {
    fake.fail({ method: 'GET', path: '/v2/projects', status: 429, retryAfter: 30 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('gave up')), 150);
    await expect(client().projects.list({ signal: ac.signal })).rejects.toThrow('gave up');
  });
});

describe('errors and tracing', () => {
  it('masks passwords in the error message and keeps path, status and body', async () => {
    fake.fail({ method: 'POST', path: '/v1/workspaceGroups', status: 400, body: 'nope' });
    const regions = await client().workspaces.regions.list();
    const err = (await client()
      .workspaces.createGroup({ name: 'g', region: regions[0]!, firewallRanges: [], adminPassword: 'S3cret-pass' })
      .catch((e: unknown) => e)) as ManagementError;
    expect(err.status).toBe(400);
    expect(err.path).toBe('/v1/workspaceGroups');
    expect(err.body).toBe('nope');
    expect(err.message).not.toContain('S3cret-pass');
    expect(err.message).toContain('"adminPassword":"***********"');
  });

  it('the tracing hook sees method, path, status, attempts and ms, never the token', async () => {
    const events: TraceEvent[] = [];
    const m = client({ trace: (e) => events.push(e) });
    fake.fail({ method: 'GET', path: '/v2/regions', status: 503 });
    await m.regions.list({ refresh: true });
    const { calls } = await m.trace(() => m.projects.list());
    expect(events[0]).toMatchObject({ method: 'GET', path: '/v2/regions', status: 200, attempts: 2 });
    expect(events[0]!.ms).toBeGreaterThanOrEqual(0);
    expect(calls).toEqual([expect.objectContaining({ method: 'GET', path: '/v2/projects', status: 200, attempts: 1 })]);
    expect(JSON.stringify(events)).not.toContain(fake.token);
  });
});

describe('body reads, environment tracing, deprecations', () => {
  it('a body that stalls longer than the read timeout fails the read; an abort ends it too', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('first chunk');
      // …and nothing more until the client gives up.
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const m = createManagement({ baseUrl: url, token: 't', env: {}, readTimeoutMs: 150, connectTimeoutMs: 0 });
      const res = await m.client.request({ path: 'stall' });
      await expect(res.arrayBuffer()).rejects.toThrow(/No data for 150 ms/);
      const ac = new AbortController();
      const res2 = await createManagement({ baseUrl: url, token: 't', env: {} }).client.request({ path: 'stall', signal: ac.signal });
      setTimeout(() => ac.abort(new Error('user stop')), 50);
      await expect(res2.arrayBuffer()).rejects.toThrow('user stop');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('SINGLESTOREDB_MANAGEMENT_TRACE logs each call with its timing to stderr', async () => {
    const lines: string[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      await createManagement({ baseUrl: fake.url, token: fake.token, env: { SINGLESTOREDB_MANAGEMENT_TRACE: '1' } }).projects.list();
    } finally {
      console.error = orig;
    }
    expect(lines).toEqual([expect.stringMatching(/^\[s2 management\] GET \/v2\/projects -> 200 \(1 attempt, \d+ ms\)$/)]);
  });

  describe('SINGLESTOREDB_MANAGEMENT_TRACE is a bool like every other option', () => {
    /** The stderr lines of one call made by managers created with `opts`. */
    const traced = async (opts: Partial<ManagementOptions>): Promise<string[]> => {
      const lines: string[] = [];
      const orig = console.error;
      console.error = (...a: unknown[]) => void lines.push(a.join(' '));
      try {
        await createManagement({ baseUrl: fake.url, token: fake.token, env: {}, ...opts }).projects.list();
      } finally {
        console.error = orig;
      }
      return lines;
    };

    it.each(['0', 'false', 'off', 'no', 'disabled', 'disable', 'f', 'n', 'N', ' False '])('%j leaves tracing off', async (value) => {
      expect(await traced({ env: { SINGLESTOREDB_MANAGEMENT_TRACE: value } })).toEqual([]);
    });

    it.each(['1', 'true', 'on', 'yes', 'enabled', 't', 'Y'])('%j turns tracing on', async (value) => {
      expect(await traced({ env: { SINGLESTOREDB_MANAGEMENT_TRACE: value } })).toHaveLength(1);
    });

    it.each(['garbage', '2', 'tru'])('%j is an OptionError naming the variable, in the env argument or process.env', async (value) => {
      const fromArg = await traced({ env: { SINGLESTOREDB_MANAGEMENT_TRACE: value } }).catch((e: unknown) => e);
      expect(fromArg).toBeInstanceOf(OptionError);
      expect((fromArg as Error).message).toMatch(/SINGLESTOREDB_MANAGEMENT_TRACE/);
      process.env.SINGLESTOREDB_MANAGEMENT_TRACE = value;
      try {
        const fromProcess = await traced({}).catch((e: unknown) => e);
        expect(fromProcess).toBeInstanceOf(OptionError);
        expect((fromProcess as Error).message).toMatch(/SINGLESTOREDB_MANAGEMENT_TRACE/);
      } finally {
        delete process.env.SINGLESTOREDB_MANAGEMENT_TRACE;
      }
    });

    it('option management.trace is registered, and wins over the env argument', async () => {
      expect(options.describe('management.trace')[0]).toMatchObject({ type: 'bool', default: false, env: ['SINGLESTOREDB_MANAGEMENT_TRACE'] });
      expect(await withOptions({ 'management.trace': true }, () => traced({}))).toHaveLength(1);
      expect(await withOptions({ 'management.trace': 'off' }, () => traced({ env: { SINGLESTOREDB_MANAGEMENT_TRACE: '1' } }))).toEqual([]);
      options.set('management.trace', 'yes');
      try {
        expect(await traced({})).toHaveLength(1);
      } finally {
        options.reset('management.trace');
      }
    });
  });

  it('the v1 workspace API emits one DeprecationWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const m = createManagement({ baseUrl: fake.url, token: fake.token, env: {} });
      await m.workspaces.listGroups();
      await m.workspaces.listGroups();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    const ours = warnings.filter((w) => /deprecated v1 Management API/.test(w.message));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.name).toBe('DeprecationWarning');
  });
});
