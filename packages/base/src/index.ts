export * from './errors/index.js';
export * from './constants/index.js';
export type * from './contracts/index.js';
