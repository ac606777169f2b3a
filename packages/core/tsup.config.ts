import { packageBuild } from '../../tooling/tsup.base';

// Two entries: Node (index) and browsers/workers/edge (browser).
export default packageBuild(['src/index.ts', 'src/browser.ts']);
