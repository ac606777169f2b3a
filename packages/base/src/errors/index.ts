export * from './hierarchy.js';
export * from './server-codes.js';
