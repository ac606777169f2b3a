import { packageBuild } from '../../tooling/tsup.base';

export default packageBuild(['src/index.ts', 'src/management.ts', 'src/ai.ts', 'src/free-tier.ts']);
