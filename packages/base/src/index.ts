/**
 * @s2/base. In comments across s2, "the Python SDK" is the SingleStoreDB Python SDK
 * (singlestoredb 1.18.1), whose behaviour s2 ports, and "wire spec N.N" names a section of the
 * project's wire-protocol specification (spec/wire.md of the s2 specifications).
 */
export * from './errors/index.js';
export * from './constants/index.js';
export type * from './contracts/index.js';
export * from './decode/index.js';
export * from './options/index.js';
export * from './sql/index.js';
export * from './types/index.js';
export * from './frame/index.js';
export * from './registry/index.js';
export * from './concurrency/index.js';
export * from './http/index.js';
export { S2_VERSION } from './version.js';
