// Subpath entries loaded on first use, so `s2 sql` never loads the file helpers or the fake.
import type * as ManagementNode from '@s2/management/node';
import type * as FakesManagement from '@s2/fakes/management';

const NODE_HELPERS = '@s2/management/node';
const FAKE = '@s2/fakes/management';

export function loadNodeHelpers(): Promise<typeof ManagementNode> {
  return import(NODE_HELPERS) as Promise<typeof ManagementNode>;
}

export function loadFake(): Promise<typeof FakesManagement> {
  return import(FAKE) as Promise<typeof FakesManagement>;
}
