export * from './hierarchy.js';
export * from './server-codes.js';
export { errorCodeName } from './code-names.js';
