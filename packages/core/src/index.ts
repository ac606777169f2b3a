/**
 * @s2/core for Node (the package's `node`/default entry): connect(), pools, options, errors,
 * types. Node setup first: async-context option scopes, and the optional packages it can find
 * on its own (@s2/wire for mysql://, @s2/http for http(s)://, @s2/native for the accelerator).
 * Browsers, workers and edge runtimes get `browser.ts` through the package's export conditions.
 */
import './runtime/node.js';

export * from './api.js';
export { setStatementHook, getStatementHook, type StatementHook } from './hooks/statement-hook.js';
