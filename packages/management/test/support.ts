import { startManagementFake, type ManagementFake, type ManagementFakeOptions } from '@s2/fakes/management';
import { createManagement, type Management, type ManagementOptions } from '@s2/management';

/** A fake plus a client pointed at it (fast retries so tests never sleep long). */
export async function fakeAndClient(
  fakeOpts: ManagementFakeOptions = {},
  clientOpts: ManagementOptions = {},
): Promise<{ fake: ManagementFake; mgmt: Management; close: () => Promise<void> }> {
  const fake = await startManagementFake(fakeOpts);
  const mgmt = createManagement({
    baseUrl: fake.url,
    token: fake.token,
    env: {},
    retryBackoffMs: 5,
    lockRetryIntervalMs: 5,
    lockRetryJitterMs: 0,
    quietDeprecations: true,
    ...clientOpts,
  });
  return { fake, mgmt, close: () => fake.close() };
}
