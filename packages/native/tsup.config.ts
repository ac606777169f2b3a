import { packageBuild } from '../../tooling/tsup.base';

// shims: the loader finds the binary next to the package through import.meta.url in both builds.
export default packageBuild(['src/index.ts'], { shims: true });
