import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementFake } from '@s2/fakes/management';
import type { Management } from '@s2/management';
import { fakeAndClient } from './support.js';

let fake: ManagementFake;
let mgmt: Management;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ fake, mgmt, close } = await fakeAndClient({ transitionMs: 30 }));
});
afterAll(() => close());

describe('smoke', () => {
  it('creates a cluster and waits for ACTIVE', async () => {
    const regions = await mgmt.regions.list();
    const c = await mgmt.clusters.create({ name: 'c1', region: regions[0]!, waitOnActive: { interval: 0.01, timeout: 5 } });
    expect(c.state).toBe('ACTIVE');
    expect(c.adminPassword).toBeTruthy();
    expect((await mgmt.clusters.list()).names()).toEqual(['c1']);
    const st = c.stage;
    await st.upload('hello', 'a.txt');
    expect(await st.downloadText('a.txt')).toBe('hello');
    expect(fake.requests.length).toBeGreaterThan(3);
  });
});
