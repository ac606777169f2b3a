import { packageBuild } from '../../tooling/tsup.base';

// __S2_CJS__ tells src/core-peer.ts which loader finds the optional peer @s2/core in each output format.
export default packageBuild(['src/index.ts'], {
  esbuildOptions(options, context) {
    options.define = { ...options.define, __S2_CJS__: context.format === 'cjs' ? 'true' : 'false' };
  },
});
