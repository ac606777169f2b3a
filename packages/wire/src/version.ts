import { S2_VERSION } from '@s2/base';
/** Sent as the `_client_name` / `_client_version` connection attributes. */
export const CLIENT_NAME = 'SingleStoreDB TypeScript Client';
/** The s2 version (all @s2 packages share one), from @s2/base's package.json. */
export const CLIENT_VERSION: string = S2_VERSION;
