/**
 * @s2/drizzle — drizzle-orm's SingleStore dialect over s2 connections and pools (wire and Data API).
 */
export { drizzle, type S2DrizzleConfig, type S2DrizzleDatabase } from './driver.js';
export { migrate } from './migrator.js';
export { s2ProxyCallback } from './proxy.js';
// One scope for every driver on @s2/core: withQueryOptions from here, @s2/kysely or @s2/core is the same.
export { withQueryOptions, type S2QueryOptions } from '@s2/core';
export { ConnectionClient, PoolClient, type QueryRequest, type ResultHeader, type S2Client } from './client.js';
export type { SingleStoreProbe } from './server-traits.js';
export { S2DrizzleSession, S2DrizzleTransaction } from './session.js';
