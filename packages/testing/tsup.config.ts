import { packageBuild } from '../../tooling/tsup.base';

export default packageBuild(['src/index.ts', 'src/vitest.ts', 'src/vitest-global-setup.ts', 'src/pack-install.ts'], { shims: true, external: [/^@s2\//, 'vitest'] });
