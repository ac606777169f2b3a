export * from './field-types.js';
export * from './flags.js';
