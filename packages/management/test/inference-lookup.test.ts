/**
 * What the inference-API lookup makes of the URLs the API reports: the in-cluster URL when
 * there is one, the public one when it is null or empty (where the Python SDK's AI factories
 * fall back too), and an error only for fields the record cannot do without.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementFake } from '@s2/fakes/management';
import { ManagementError, type Management } from '@s2/management';
import { fakeAndClient } from './support.js';

let fake: ManagementFake;
let mgmt: Management;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ fake, mgmt, close } = await fakeAndClient());
});
afterAll(() => close());

describe('inference API lookup: internalConnectionURL', () => {
  it.each([
    ['a URL', 'http://10.0.0.1/m', 'http://10.0.0.1/m'],
    ['null', null, 'https://public.example/m'],
    ['empty', '', 'https://public.example/m'],
  ])('%s internalConnectionURL (%s) gives internalConnectionUrl %s', async (label, internal, expected) => {
    const modelName = `m-${label}`;
    fake.seed.inferenceApi({ projectID: 'proj-1', modelName, connectionURL: 'https://public.example/m', internalConnectionURL: internal });
    const info = await mgmt.inferenceApisFor('proj-1').get(modelName);
    expect(info).toMatchObject({ connectionUrl: 'https://public.example/m', internalConnectionUrl: expected });
  });

  it('a record without connectionURL is still a ManagementError', async () => {
    fake.seed.inferenceApi({ projectID: 'proj-1', modelName: 'no-url', connectionURL: null, internalConnectionURL: null });
    await expect(mgmt.inferenceApisFor('proj-1').get('no-url')).rejects.toThrow(ManagementError);
  });
});
