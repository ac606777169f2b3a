import type { TestServerInfo } from './server-info.js';

/** Describes a server named by SINGLESTOREDB_URL; accounts other than the URL's are unknown. */
export function externalServerInfo(url: string): TestServerInfo {
  const parsed = new URL(url.includes('//') ? url : `mysql://${url}`);
  const user = decodeURIComponent(parsed.username || 'root');
  const password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 's2_test';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 3306),
    socketPath: null,
    url: `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${parsed.host}`,
    root: { user, password, plugin: 'unknown' },
    users: { native: null, ed25519: null, noPassword: null, unicode: null, tlsOnly: null },
    tls: null,
    database,
    external: true,
  };
}
