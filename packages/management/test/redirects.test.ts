import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { createManagement, ManagementError, type Management } from '@s2/management';
import { createNodeManagement } from '@s2/management/node';

// `origin` answers with redirects to `other`, a second fake that would accept the token and
// answer: a client that follows a redirect succeeds there, so only a refused one passes.
let origin: ManagementFake;
let other: ManagementFake;
const LOCATION_QUERY = 'sig=LOCATION-QUERY-SECRET';

beforeAll(async () => {
  [origin, other] = await Promise.all([startManagementFake(), startManagementFake({ token: null })]);
});
afterAll(() => Promise.all([origin.close(), other.close()]));
beforeEach(() => {
  origin.clearFaults();
  origin.requests.length = 0;
  other.requests.length = 0;
});

const options = () => ({ baseUrl: origin.url, token: origin.token, env: {}, retryBackoffMs: 1, quietDeprecations: true });

function redirect(method: string, path: string | RegExp, status: number): void {
  const target = typeof path === 'string' ? path : '/v2/anywhere';
  origin.fail({ method, path, status, headers: { location: `${other.url}${target}?${LOCATION_QUERY}` }, times: 100 });
}

/** Runs a call that must be refused and returns its error, checking nothing reached the other host. */
async function refused(call: () => Promise<unknown>, method: string, status: number): Promise<ManagementError> {
  const err = await call().then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(other.requests).toEqual([]);
  // Never retried: retries of a GET or PUT would run into the same redirect.
  expect(origin.requests.filter((r) => r.method === method)).toHaveLength(1);
  expect(err).toBeInstanceOf(ManagementError);
  expect((err as Error).message).not.toContain(LOCATION_QUERY);
  expect((err as Error).message).toMatch(/redirect/);
  if (status) {
    expect(err).toMatchObject({ status });
    expect((err as Error).message).toContain(`Location host ${new URL(other.url).host}`);
  }
  return err as ManagementError;
}

describe('the management client never follows a redirect', () => {
  let mgmt: Management;
  beforeAll(() => {
    mgmt = createManagement(options());
  });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`${status} to a GET (a retried method) is a ManagementError after one request`, async () => {
      redirect('GET', '/v2/regions', status);
      await refused(() => mgmt.regions.list(), 'GET', status);
    });
  }

  it('307 and 308 to a POST do not replay its JSON body (a secret value) to the other host', async () => {
    for (const status of [307, 308]) {
      origin.requests.length = 0;
      redirect('POST', '/v2/secrets', status);
      await refused(() => mgmt.secrets.create('db-pass', 'TOP-SECRET-VALUE'), 'POST', status);
      origin.clearFaults();
    }
  });

  it('307 to a streamed upload (a replayable one, so PUT would be retried) is refused and not retried', async () => {
    const cluster = origin.seed.cluster({ name: 'redirected' });
    const stage = (await mgmt.clusters.get(String(cluster.clusterID))).stage;
    redirect('PUT', /\/stage\/fs\//, 307);
    // fetch refuses the redirect itself here (streamed bodies are not kept for a replay), so
    // the status and Location are not known.
    await refused(() => stage.upload(new Uint8Array(64 * 1024).fill(7), 'big.bin'), 'PUT', 0);
  });

  it('a GET with a body sent over node:http (export status) treats a redirect the same way', async () => {
    const node = createNodeManagement(options());
    const cluster = origin.seed.cluster({ name: 'exporting' });
    const exports = (await node.clusters.get(String(cluster.clusterID))).exports;
    origin.requests.length = 0;
    redirect('GET', /\/egress\/tableEgressStatus$/, 302);
    await refused(() => exports.status('e-1'), 'GET', 302);
  });
});
