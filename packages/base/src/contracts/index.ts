export type * from './columns.js';
export type * from './transport.js';
export type * from './decoding.js';
export type * from './database-connection.js';
