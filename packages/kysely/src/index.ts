/**
 * @s2/kysely — a Kysely dialect over s2 connections and pools, on the wire and the Data API.
 */
export { S2Dialect, type S2DialectConfig } from './dialect.js';
export { S2Driver, type S2DriverConfig, type S2ConnectionSource } from './driver.js';
export { S2Adapter } from './adapter.js';
export { S2KyselyConnection } from './connection.js';
// One scope for every driver on @s2/core: withQueryOptions from here, @s2/drizzle or @s2/core is the same.
export { withQueryOptions, type S2QueryOptions } from '@s2/core';
export { isSingleStore, type ServerTraits, type TraitsProbe } from './server-traits.js';
