export * from './errors/index.js';
export * from './constants/index.js';
export type * from './contracts/index.js';
export * from './decode/index.js';
export * from './options/index.js';
export * from './sql/index.js';
export * from './types/index.js';
export * from './frame/index.js';
export * from './registry/index.js';
