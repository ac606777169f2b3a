import { installPackageLoaders } from '../drivers/modules.js';

declare const __S2_CJS__: boolean | undefined;
const cjs = typeof __S2_CJS__ !== 'undefined' && __S2_CJS__;

// Browsers, workers and edge runtimes have fetch but no sockets: the Data API only. The addon
// and the MySQL protocol need Node; withOptions() scopes are synchronous here (no async context).
installPackageLoaders('browsers, workers and edge runtimes (use the Data API: http:// or https://)', {
  '@s2/http': () => (cjs ? Promise.resolve(require('@s2/http')) : import('@s2/http')),
});
