/**
 * @s2/core for browsers, web workers and edge runtimes (the package's `browser`, `worker`,
 * `workerd`, `edge-light` and `deno` entries): the same API as the Node entry over the Data
 * API (@s2/http, fetch only). No node: imports anywhere on this path.
 */
import './runtime/browser.js';

export * from './api.js';
