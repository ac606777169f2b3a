/** Sent as the `_client_name` / `_client_version` connection attributes. */
export const CLIENT_NAME = 'SingleStoreDB TypeScript Client';
export const CLIENT_VERSION = '0.1.0';
