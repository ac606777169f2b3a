/**
 * @s2/kysely — a Kysely dialect over s2 connections and pools, on the wire and the Data API.
 */
export { S2Dialect, type S2DialectConfig } from './dialect.js';
export { S2Driver, type S2DriverConfig, type S2ConnectionSource } from './driver.js';
export { S2Adapter } from './adapter.js';
export { S2KyselyConnection } from './connection.js';
export { withQueryOptions, type S2QueryOptions } from './query-scope.js';
export { isSingleStore, type ServerTraits } from './server-traits.js';
