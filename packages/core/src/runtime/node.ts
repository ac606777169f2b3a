import { AsyncLocalStorage } from 'node:async_hooks';
import { setScopeStorage } from '@s2/base';
import { installPackageLoaders } from '../drivers/modules.js';

// Set by the build for the CommonJS output: there a package is loaded with require(), so that
// it shares the CommonJS copy of @s2/base with this one (import() would load the ESM copy).
declare const __S2_CJS__: boolean | undefined;
const cjs = typeof __S2_CJS__ !== 'undefined' && __S2_CJS__;

// Node has async context: withOptions() scopes follow awaits.
setScopeStorage(new AsyncLocalStorage());

// Literal specifiers, so that bundlers see (and include) whatever of them is installed.
installPackageLoaders('Node', {
  '@s2/wire': () => (cjs ? Promise.resolve(require('@s2/wire')) : import('@s2/wire')),
  '@s2/http': () => (cjs ? Promise.resolve(require('@s2/http')) : import('@s2/http')),
  '@s2/native': () => (cjs ? Promise.resolve(require('@s2/native')) : import('@s2/native')),
});
