import { packageBuild } from '../../tooling/tsup.base';

// Two entries: Node (index) and browsers/workers/edge (browser). __S2_CJS__ tells the runtime
// setup which loader finds the optional packages in each output format (see src/runtime/node.ts).
export default packageBuild(['src/index.ts', 'src/browser.ts'], {
  esbuildOptions(options, context) {
    options.define = { ...options.define, __S2_CJS__: context.format === 'cjs' ? 'true' : 'false' };
  },
});
