export { parseConnectionUrl, looksLikeUrl, type UrlParams } from './url.js';
export { resolveConnectParams, normalizeConnectOptions, normalizeResultsType } from './resolve.js';
export type { ConnectOptions, ResolvedConnectParams, ResultsType } from './connect-options.js';
