import { packageBuild } from '../../tooling/tsup.base';

// The worker pool's thread entry is its own file next to the bundle (dist/pool-worker.js), and
// the CommonJS build needs import.meta.url shimmed to find it.
export default packageBuild(['src/index.ts'], { entry: { index: 'src/index.ts', 'pool-worker': 'src/server/pool-worker.ts' }, shims: true });
