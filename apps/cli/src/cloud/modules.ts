// Subpath entries loaded at run time. Types come straight from the sources because this app's
// tsconfig maps only package roots (`@s2/*`); the specifiers stay package names for the build.
import type * as ManagementNode from '../../../../packages/management/src/node.js';
import type * as FakesManagement from '../../../../packages/fakes/src/management.js';

const NODE_HELPERS = '@s2/management/node';
const FAKE = '@s2/fakes/management';

export function loadNodeHelpers(): Promise<typeof ManagementNode> {
  return import(NODE_HELPERS) as Promise<typeof ManagementNode>;
}

export function loadFake(): Promise<typeof FakesManagement> {
  return import(FAKE) as Promise<typeof FakesManagement>;
}
